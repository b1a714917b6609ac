"""Benchmark of xapi_sim at scale; prints the figures as one JSON object.

    .venv/bin/python bench/sim.py [--vms 10000] [--hosts 8] [--calls 3000] [--watchers 200]
                                  [--scaled 20000:64]

Measures, against a `python -m xapi_sim` child process on loopback:
- startup: seconds from spawning the process to its `xapi_sim listening on` line (target <= 10 s);
- get_all_records: seconds from sending one JSON-RPC `VM.get_all_records` to its last byte
  (target <= 1 s), the reply size, and apart this client's `json.loads` time (with the client's
  cycle collector paused, which otherwise dominates at 57 MB and measures the client, not the reply);
- calls_per_second: small JSON-RPC calls (`pool.get_all`) from one client, one after the other
  on a keep-alive connection (target >= 1,000/s), and with 8 in flight;
- watchers: N concurrent blocked `event.from` calls on their own connections, all woken by one
  change (target: 200 without errors), and how long waking them all took.
With `--scaled VMS:HOSTS` a second pool is measured the same way after the first, and each timing
figure of it is given as a ratio to the first's (`scaled_ratios`; for calls per second, first over
second, so that above 1 always means slower).
This is a benchmark, not a test: it reports, it does not assert.
"""
import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import time

import aiohttp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = {"startup_s": 10.0, "get_all_records_s": 1.0, "calls_per_second": 1000,
           "watchers": 200}


def spawn(hosts, vms):
    """Start the simulator; returns (process, url, seconds until it listened)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "xapi_sim", "--port", "0", "--hosts",
                             str(hosts), "--vms", str(vms), "--op-time", "0.05"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    if not line.startswith("xapi_sim listening on "):
        proc.kill()
        raise SystemExit("xapi_sim did not start: %r" % line)
    return proc, line.split()[-1], elapsed


class Client:
    def __init__(self, http, url):
        self.http, self.url, self.session = http, url + "/jsonrpc", None

    async def call(self, method, *params, raw=False):
        params = ([self.session] if self.session else []) + list(params)
        body = {"jsonrpc": "2.0", "id": 0, "method": method, "params": params}
        async with self.http.post(self.url, json=body) as resp:
            data = await resp.read()
        if raw:
            return data
        reply = json.loads(data)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]

    async def login(self):
        self.session = await self.call("session.login_with_password", "root", "xcplite")


async def time_get_all_records(client, runs=3):
    """Answer time (request to last byte) and, apart, this client's JSON decode time."""
    times, decode, size, count = [], [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        data = await client.call("VM.get_all_records", raw=True)
        received = time.perf_counter()
        gc.disable()
        try:
            count = len(json.loads(data)["result"])
            decode.append(time.perf_counter() - received)
        finally:
            gc.enable()
        times.append(received - started)
        size = len(data)
    return {"get_all_records_s": round(min(times), 3),
            "get_all_records_median_s": round(statistics.median(times), 3),
            "get_all_records_client_decode_s": round(min(decode), 3),
            "get_all_records_bytes": size, "get_all_records_vms": count}


async def calls_per_second(client, calls, in_flight):
    async def worker(n):
        for _ in range(n):
            await client.call("pool.get_all")
    started = time.perf_counter()
    await asyncio.gather(*(worker(calls // in_flight) for _ in range(in_flight)))
    return round(calls / (time.perf_counter() - started))


async def watchers(url, session, count):
    """`count` blocked event.from calls, each on its own connection, woken by one change."""
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        client = Client(http, url)
        client.session = session
        token = (await client.call("event.from", ["pool"], "", 0.0))["token"]
        pool = (await client.call("pool.get_all"))[0]
        calls = [asyncio.ensure_future(client.call("event.from", ["pool"], token, 30.0))
                 for _ in range(count)]
        await asyncio.sleep(1.0)
        blocked = sum(not c.done() for c in calls)
        started = time.perf_counter()
        await client.call("pool.add_to_other_config", pool, "bench:%f" % started, "")
        results = await asyncio.gather(*calls, return_exceptions=True)
        woken = time.perf_counter() - started
    ok = sum(1 for r in results if isinstance(r, dict) and r["events"])
    return {"watchers": count, "watchers_blocked": blocked, "watchers_ok": ok,
            "watchers_errors": count - ok, "watchers_wake_all_s": round(woken, 3)}


async def measure(url, args):
    async with aiohttp.ClientSession() as http:
        client = Client(http, url)
        await client.login()
        figures = await time_get_all_records(client)
        figures["calls_per_second"] = await calls_per_second(client, args.calls, 1)
        figures["calls_per_second_8_in_flight"] = await calls_per_second(client, args.calls, 8)
        figures.update(await watchers(url, client.session, args.watchers))
        return figures


def verdict(figures):
    return {"startup_s": figures["startup_s"] <= TARGETS["startup_s"],
            "get_all_records_s": figures["get_all_records_s"] <= TARGETS["get_all_records_s"],
            "calls_per_second": figures["calls_per_second"] >= TARGETS["calls_per_second"],
            "watchers": figures["watchers_ok"] >= TARGETS["watchers"]}


# Timing figures compared by --scaled; for rates the ratio is inverted (slower is always above 1).
TIMINGS = ("startup_s", "get_all_records_s", "get_all_records_median_s", "watchers_wake_all_s")
RATES = ("calls_per_second", "calls_per_second_8_in_flight")


def run(vms, hosts, args):
    proc, url, startup = spawn(hosts, vms)
    try:
        figures = {"vms": vms, "hosts": hosts, "startup_s": round(startup, 2)}
        figures.update(asyncio.run(measure(url, args)))
    finally:
        proc.terminate()
        proc.wait(10)
    return figures


def ratios(base, scaled):
    out = {k: round(scaled[k] / base[k], 2) for k in TIMINGS if base.get(k)}
    out.update({k: round(base[k] / scaled[k], 2) for k in RATES if scaled.get(k)})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vms", type=int, default=10000)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--scaled", default=None, metavar="VMS:HOSTS",
                        help="also measure this pool and report its figures as ratios")
    args = parser.parse_args()
    figures = run(args.vms, args.hosts, args)
    figures["targets"] = TARGETS
    figures["meets_targets"] = verdict(figures)
    if args.scaled:
        vms, _, hosts = args.scaled.partition(":")
        scaled = run(int(vms), int(hosts or args.hosts), args)
        figures["scaled"] = scaled
        figures["scaled_ratios"] = ratios(figures, scaled)
    print(json.dumps(figures, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
