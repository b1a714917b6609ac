"""GET /rrd_updates over a real loopback socket, backed by the simulator's database."""
import json
import math
import time
import xml.etree.ElementTree as ET

import aiohttp
import pytest
from aiohttp import web

from xapi_sim import rrd_sources, server, vmstate
from xapi_sim.handlers import rrd as rrd_handler
from xapi_sim.sim import Config, Simulator

GiB = 1024 ** 3


class Clock:
    """The simulator's clock, set by the test (VM start times come from it too).

    2.5 s past a 5 s boundary so archive choice is stable (at exact boundaries XAPI's `start=-600`
    no longer fits the 5 s archive); tests move it on by whole periods.
    """

    def __init__(self):
        self.now = int(time.time()) // 5 * 5 + 62.5

    def __call__(self):
        return self.now


def make_pool(sim):
    """One host on 127.0.0.1 with 4 CPUs, 2 PIFs, a local SR, dom0 and two guest VMs (halted)."""
    db = sim.db
    pool = db.create("pool", {"name_label": "test"})
    metrics = db.create("host_metrics", {"memory_total": 64 * GiB, "live": True})
    host = db.create("host", {"name_label": "h1", "address": "127.0.0.1", "metrics": metrics})
    db.set("pool", pool, "master", host)
    for n in range(4):
        db.create("host_cpu", {"host": host, "number": n})
    for dev in ("eth0", "eth1"):
        db.create("PIF", {"host": host, "device": dev, "currently_attached": True})
    sr = db.create("SR", {"name_label": "Local storage"})
    db.create("PBD", {"host": host, "SR": sr, "currently_attached": True})
    vms = {name: make_vm(db, name, vcpus) for name, vcpus in (("dom0", 8), ("web", 2), ("db", 1))}
    db.set("VM", vms["dom0"], "is_control_domain", True)
    vmstate.enter_running(db, vms["dom0"], host)
    return host, sr, vms


def make_vm(db, name, vcpus):
    metrics = db.create("VM_metrics", {})
    vm = db.create("VM", {"name_label": name, "power_state": "Halted", "domid": -1,
                          "metrics": metrics, "VCPUs_at_startup": vcpus, "VCPUs_max": vcpus,
                          "memory_target": 2 * GiB, "memory_dynamic_max": 2 * GiB,
                          "memory_static_max": 2 * GiB})
    for device in ("0", "1"):
        db.create("VIF", {"VM": vm, "device": device})
    db.create("VBD", {"VM": vm, "device": "xvda", "type": "Disk"})
    return vm


@pytest.fixture
async def pool():
    clock = Clock()
    sim = Simulator(Config(hosts=1, vms=0, addresses=["127.0.0.1"]), clock=clock)
    host, sr, vms = make_pool(sim)
    session = sim.sessions.login("root", "test", host)
    app = web.Application()
    app["sim"] = sim
    rrd_handler.add_routes(app)
    runner, port = await server.start(app, ["127.0.0.1"], 0)
    try:
        async with aiohttp.ClientSession() as http:
            yield Pool(sim, clock, host, sr, vms, session, http, "http://127.0.0.1:%d" % port)
    finally:
        await runner.cleanup()


class Pool:
    def __init__(self, sim, clock, host, sr, vms, session, http, origin):
        self.sim, self.clock, self.host, self.sr, self.vms = sim, clock, host, sr, vms
        self.session, self.http, self.origin = session, http, origin

    def uuid(self, cls, ref):
        return self.sim.db.get(cls, ref)["uuid"]

    async def get(self, query, cookie=True, headers=None):
        """(status, headers, body text) of GET /rrd_updates?query, session in the cookie by default.

        Without an explicit Accept header none is sent (aiohttp would send */*).
        """
        hdrs = dict(headers or {})
        if cookie:
            hdrs["Cookie"] = "session_id=" + self.session
        skip = () if "Accept" in hdrs else ("Accept",)
        async with self.http.get(self.origin + "/rrd_updates?" + query, headers=hdrs,
                                 skip_auto_headers=skip) as resp:
            return resp.status, resp.headers, await resp.text()

    async def stats(self, query):
        status, headers, body = await self.get(query + "&json")
        assert status == 200, body
        assert headers["Content-Type"] == "application/json"
        return json.loads(body, parse_constant=_refuse)


def _refuse(name):
    raise AssertionError("non-JSON constant " + name)


def entities(doc):
    return {":".join(e.split(":")[1:3]) for e in doc["meta"]["legend"]}


def column(doc, entry):
    i = doc["meta"]["legend"].index(entry)
    return [float(row["values"][i]) for row in doc["data"]]


async def test_session_from_cookie_or_query_or_401(pool):
    status, headers, _ = await pool.get("start=-60&host=true")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, _, _ = await pool.get("start=-60&host=true&session_id=" + pool.session, cookie=False)
    assert status == 200
    for query, cookie in (("start=-60", False), ("start=-60&session_id=OpaqueRef:nope", False)):
        status, headers, _ = await pool.get(query, cookie=cookie)
        assert status == 401
        assert headers["WWW-Authenticate"] == 'Basic realm="xapi"'
    status, _, _ = await pool.get("start=-60", cookie=False, headers={"Cookie": "session_id=OpaqueRef:x"})
    assert status == 401


async def test_start_is_required(pool):
    status, headers, body = await pool.get("host=true&json")
    assert status == 400 and "400" in body
    assert headers["Content-Type"] == "text/html"


async def test_unanswerable_requests_fail_like_rrdd(pool):
    for query in ("start=soon", "start=-60&host=true&cf=MAX", "start=-60&vm_uuid=none"):
        status, _, body = await pool.get(query)
        assert status == 500, query
        assert body.startswith("<html>")


async def test_content_negotiation(pool):
    cases = [("", None, "text/xml"), ("&json", None, "application/json"),
             ("", "*/*", "application/json"), ("&json", "text/xml", "text/xml"),
             ("", "application/json", "application/json"), ("&json", "text/html", "application/json"),
             ("", "text/html", "text/xml")]
    for extra, accept, expected in cases:
        headers = {} if accept is None else {"Accept": accept}
        status, resp_headers, body = await pool.get("start=-60&host=true" + extra, headers=headers)
        assert status == 200
        assert resp_headers["Content-Type"] == expected, (extra, accept)
        if expected == "text/xml":
            assert ET.fromstring(body).tag == "xport"
        else:
            json.loads(body, parse_constant=_refuse)


async def test_host_data_describes_this_host(pool):
    doc = await pool.stats("start=-600&host=true")
    host = pool.uuid("host", pool.host)
    legend = doc["meta"]["legend"]
    prefix = "AVERAGE:host:%s:" % host
    assert [e[len(prefix):] for e in legend if e.startswith(prefix)] == [
        "cpu0", "cpu1", "cpu2", "cpu3", "cpu_avg", "loadavg", "memory_total_kib", "memory_free_kib",
        "pif_eth0_rx", "pif_eth0_tx", "pif_eth1_rx", "pif_eth1_tx"]
    assert set(column(doc, prefix + "memory_total_kib")) == {64 * 1024 ** 2}
    assert doc["meta"]["step"] == "5" and len(doc["data"]) == 120


async def test_only_running_vms_have_data(pool):
    dom0, web_vm = pool.uuid("VM", pool.vms["dom0"]), pool.uuid("VM", pool.vms["web"])
    doc = await pool.stats("start=-600")
    assert entities(doc) == {"vm:" + dom0}

    vmstate.enter_running(pool.sim.db, pool.vms["web"], pool.host)
    pool.clock.now += 60
    doc = await pool.stats("start=-600")
    assert entities(doc) == {"vm:" + dom0, "vm:" + web_vm}
    legend = [e for e in doc["meta"]["legend"] if web_vm in e]
    assert [e.split(":")[3] for e in legend] == [
        "cpu0", "cpu1", "cpu_usage", "memory", "memory_target", "memory_internal_free",
        "vif_0_rx", "vif_0_tx", "vif_1_rx", "vif_1_tx", "vbd_xvda_read", "vbd_xvda_write"]
    started = rrd_sources.epoch_of(pool.sim.db.get(
        "VM_metrics", pool.sim.db.get("VM", pool.vms["web"])["metrics"])["start_time"])
    times = [int(row["t"]) for row in doc["data"]]
    cpu = column(doc, "AVERAGE:vm:%s:cpu0" % web_vm)
    assert any(not math.isnan(v) for v in cpu), "the clock moved a minute past the start"
    for t, v in zip(times, cpu):
        assert math.isnan(v) == (t < started)
        assert math.isnan(v) or 0 <= v <= 1

    vmstate.enter_halted(pool.sim.db, pool.vms["web"])
    doc = await pool.stats("start=-600&host=true&vm_uuid=" + web_vm)
    assert entities(doc) == {"host:" + pool.uuid("host", pool.host)}


async def test_host_free_memory_drops_when_a_vm_starts(pool):
    key = "AVERAGE:host:%s:memory_free_kib" % pool.uuid("host", pool.host)
    before = column(await pool.stats("start=-10&host=true"), key)
    pool.clock.now -= 10        # started 10 s ago: compare the same row, with and without it
    vmstate.enter_running(pool.sim.db, pool.vms["db"], pool.host)
    pool.clock.now += 10
    after = column(await pool.stats("start=-10&host=true"), key)
    assert before[0] - after[0] == pytest.approx(2 * 1024 ** 2)


async def test_paused_vm_keeps_memory_but_no_cpu(pool):
    vmstate.enter_running(pool.sim.db, pool.vms["db"], pool.host, paused=True)
    pool.clock.now += 30
    uuid = pool.uuid("VM", pool.vms["db"])
    doc = await pool.stats("start=-20&vm_uuid=" + uuid)
    assert set(column(doc, "AVERAGE:vm:%s:cpu0" % uuid)) == {0.0}
    assert set(column(doc, "AVERAGE:vm:%s:memory" % uuid)) == {2.0 * GiB}


async def test_srs_on_request_and_min_max_flag(pool):
    sr = pool.uuid("SR", pool.sr)
    doc = await pool.stats("start=-60&vm_uuid=none&sr_uuid=all")
    assert entities(doc) == {"sr:" + sr}
    pool.sim.db.update("pool", pool.sim.db.all("pool")[0],
                       {"other_config": {"create_min_max_in_new_VM_RRDs": "true"}})
    doc = await pool.stats("start=-3600&host=true&cf=MAX")
    assert doc["meta"]["step"] == "60"
    assert {e.split(":")[0] for e in doc["meta"]["legend"]} == {"MAX"}


async def test_stats_follow_the_clock(pool):
    first = await pool.stats("start=-60&host=true")
    pool.clock.now += 3600
    later = await pool.stats("start=-60&host=true")
    assert int(later["meta"]["end"]) - int(first["meta"]["end"]) == 3600
    assert first["data"][0]["values"] != later["data"][0]["values"]


# -- a full simulated pool, login through JSON-RPC, one origin per host -------------------------

@pytest.fixture
async def demo_pool():
    from xapi_sim import inventory
    clock = Clock()
    sim = Simulator(Config(hosts=2, vms=8, seed=3, op_time=0.02,
                           addresses=["127.0.0.1", "127.0.0.2"]), clock=clock)
    inventory.build(sim)
    app = web.Application()
    app["sim"] = sim
    app.router.add_post("/jsonrpc", server.handle_rpc)
    rrd_handler.add_routes(app)
    runner, port = await server.start(app, ["127.0.0.1", "127.0.0.2"], 0)
    try:
        async with aiohttp.ClientSession() as http:
            yield sim, http, port
    finally:
        await runner.cleanup()
        sim.close()


async def rpc(http, port, method, *params):
    call = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    async with http.post("http://127.0.0.1:%d/jsonrpc" % port, json=call) as resp:
        reply = await resp.json()
    assert "error" not in reply, reply
    return reply["result"]


async def stats_at(http, address, port, session, query):
    url = "http://%s:%d/rrd_updates?%s&json&session_id=%s" % (address, port, query, session)
    async with http.get(url) as resp:
        assert resp.status == 200
        return json.loads(await resp.text(), parse_constant=_refuse)


async def test_each_host_serves_its_own_stats(demo_pool):
    sim, http, port = demo_pool
    session = await rpc(http, port, "session.login_with_password", "root", sim.config.password, "1.0", "t")
    db = sim.db
    for address in ("127.0.0.1", "127.0.0.2"):
        host = db.find("host", address=address)[0]
        url = "http://%s:%d/rrd_updates?start=-300&host=true&json&session_id=%s" % (address, port, session)
        async with http.get(url) as resp:
            assert resp.status == 200
            doc = json.loads(await resp.text(), parse_constant=_refuse)
        running = {"vm:" + db.get("VM", vm)["uuid"] for vm in db.referrers("host", "resident_VMs", host)
                   if db.get("VM", vm)["power_state"] in ("Running", "Paused")}
        dom0 = db.get("VM", db.get("host", host)["control_domain"])["uuid"]
        assert "vm:" + dom0 in running
        assert entities(doc) == running | {"host:" + db.get("host", host)["uuid"]}
        cpus = [e for e in doc["meta"]["legend"] if ":host:" in e and e.split(":")[3][3:].isdigit()]
        assert len(cpus) == len(db.referrers("host", "host_CPUs", host))


async def test_vm_started_and_stopped_through_json_rpc(demo_pool):
    sim, http, port = demo_pool
    session = await rpc(http, port, "session.login_with_password", "root", sim.config.password, "1.0", "t")
    db = sim.db
    vm = next(r for r in db.all("VM") if db.get("VM", r)["power_state"] == "Halted"
              and not db.get("VM", r)["is_a_template"] and not db.get("VM", r)["is_control_domain"])
    uuid = db.get("VM", vm)["uuid"]
    for address in ("127.0.0.1", "127.0.0.2"):
        assert "vm:" + uuid not in entities(await stats_at(http, address, port, session, "start=-600"))

    await rpc(http, port, "VM.start", session, vm, False, False)
    sim.clock.now += 60
    address = db.get("host", db.get("VM", vm)["resident_on"])["address"]
    doc = await stats_at(http, address, port, session, "start=-600")
    assert "vm:" + uuid in entities(doc)
    cpu = column(doc, "AVERAGE:vm:%s:cpu_usage" % uuid)
    assert not math.isnan(cpu[0]) and math.isnan(cpu[-1])  # data only since the start

    await rpc(http, port, "VM.hard_shutdown", session, vm)
    doc = await stats_at(http, address, port, session, "start=-600&host=true&vm_uuid=" + uuid)
    assert entities(doc) == {"host:" + db.get("host", db.find("host", address=address)[0])["uuid"]}
