"""Shared fixtures for simulator tests: real loopback sockets, small inventories, fast operations.

In-process (one event loop with the test):
    start_sim(**config) -> Running   any number of simulators, all stopped at teardown (state_file=,
                                     db_file= as the CLI's --state and --db)
    running                          a default pool (2 hosts, 8 VMs, op_time 0.02)
    sim, session                     its Simulator and a logged-in root session ref
    call(method, *params)            in-process call with the session prepended
    rpc(method, *params)             the same over HTTP JSON-RPC 2.0 (raises XapiCallError)
    http                             an aiohttp.ClientSession for raw requests
    until(predicate, timeout=5.0)    await a condition the simulated operations will make true
(helpers shared with other suites live in tests/support: login, jsonrpc, XapiCallError, until)

Subprocess (`python -m xapi_sim`, for clients that run their own loop or process):
    spawn_sim(*cli_args) -> SimProcess   with .url, .password, .stop(); stopped at teardown
    sim_process                          a default one (2 hosts, 8 VMs, op-time 0.02)
"""
import os
import subprocess
import sys
import tempfile
import threading

import aiohttp
import pytest

from support import waiting
from support.xapi import PASSWORD, XapiCallError, error_description, jsonrpc, login
from xapi_sim import runtime
from xapi_sim.sim import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OP_TIME = 0.02
DEFAULTS = {"hosts": 2, "vms": 8, "op_time": OP_TIME, "password": PASSWORD}


@pytest.fixture
async def start_sim():
    """Factory: `await start_sim(hosts=1, vms=4, state_file=None, db_file=None, ...)` -> Running."""
    started = []

    async def start(state_file=None, db_file=None, **overrides):
        options = dict(DEFAULTS, port=0)
        options.update(overrides)
        running = await runtime.start(Config(**options), state_file=state_file, db_file=db_file)
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        await running.stop()


@pytest.fixture
async def running(start_sim):
    return await start_sim()


@pytest.fixture
def sim(running):
    return running.sim


@pytest.fixture
async def session(sim):
    return await login(sim)


@pytest.fixture
def call(sim, session):
    async def call_(method, *params):
        return await sim.call(method, [session] + list(params))
    return call_


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def rpc(http, running, session):
    async def rpc_(method, *params):
        reply = await jsonrpc(http, running.url, method, [session] + list(params))
        if "error" in reply and reply["error"] is not None:
            raise XapiCallError(error_description(reply["error"]))
        return reply["result"]
    return rpc_


class SimProcess:
    """A `python -m xapi_sim` child process, ready once it printed its listening line."""

    def __init__(self, args, timeout=30.0, cwd=ROOT):
        self.args = list(args)
        self.password = PASSWORD
        if "--password" in self.args:
            self.password = self.args[self.args.index("--password") + 1]
        cmd = [sys.executable, "-m", "xapi_sim", "--port", "0"] + self.args
        # stderr goes to a file: a full pipe nobody reads would block the child.
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        self.url = self._wait_ready(timeout)

    def _wait_ready(self, timeout):
        # readline blocks; read it in a thread so a silent child cannot hang the test run.
        box = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        line = box[0] if box else ""
        prefix = "xapi_sim listening on "
        if not line.startswith(prefix):
            detail = self.stderr_text()
            self.stop()
            raise RuntimeError("xapi_sim did not start: %r %s" % (line, detail))
        return line[len(prefix):].strip()

    def stderr_text(self):
        if self.stderr.closed:
            return ""
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.stderr):
            if not stream.closed:
                stream.close()


DEFAULT_CLI = ["--hosts", "2", "--vms", "8", "--op-time", str(OP_TIME)]


@pytest.fixture
def spawn_sim():
    """Factory: `spawn_sim("--vms", "4", ...)` -> SimProcess; every one is stopped at teardown."""
    procs = []

    def spawn(*args):
        proc = SimProcess(args or DEFAULT_CLI)
        procs.append(proc)
        return proc

    yield spawn
    for proc in reversed(procs):
        proc.stop()


@pytest.fixture
def sim_process(spawn_sim):
    return spawn_sim(*DEFAULT_CLI)


@pytest.fixture
def until():
    return waiting.until
