"""Sessions (reference §2): login forms and failures, the session getters, logout waking blocked
event.from, HOST_IS_SLAVE on members, and idle expiry (in-process and via --session-timeout)."""
import asyncio
import json
import time
import urllib.request

import pytest

from support.waiting import until
from support.xapi import rpc_sync
from xapi_sim import inventory
from xapi_sim.errors import XapiFailure
from xapi_sim.sim import Config, Simulator


async def login(sim, *params, address=None):
    return await sim.call("session.login_with_password", list(params), address)


class Clock:
    """The simulator's clock, moved by the test instead of waited for."""

    def __init__(self, now=1700000000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def timed_sim():
    """(a simulator on a test-controlled clock with a 0.4 s idle timeout, its clock)."""
    clock = Clock()
    simulator = Simulator(Config(hosts=1, vms=0, session_timeout=0.4), clock=clock)
    inventory.build(simulator)
    yield simulator, clock
    simulator.close()


async def fails(coro):
    with pytest.raises(XapiFailure) as info:
        await coro
    return info.value.description


@pytest.mark.parametrize("uname, pwd", [("root", "wrong"), ("admin", "xcplite"), ("", "")])
async def test_bad_login(sim, uname, pwd):
    assert await fails(login(sim, uname, pwd)) == ["SESSION_AUTHENTICATION_FAILED", uname,
                                                   "Authentication failure"]


async def test_login_on_a_member_answers_host_is_slave(sim, running):
    member = running.sim.config.addresses[1]
    assert await fails(login(sim, "root", "xcplite", address=member)) == [
        "HOST_IS_SLAVE", sim.master_address()]


async def test_host_is_slave_over_the_member_socket(running, http):
    member_url = running.url.replace("127.0.0.1", running.sim.config.addresses[1])
    body = {"jsonrpc": "2.0", "id": 0, "method": "session.login_with_password",
            "params": ["root", "xcplite"]}
    async with http.post(member_url + "/jsonrpc", json=body) as resp:
        reply = await resp.json(content_type=None)
    assert reply["error"] == {"code": 1, "message": "HOST_IS_SLAVE", "data": ["127.0.0.1"]}


async def test_session_record_and_getters(sim):
    ref = await login(sim, "root", "xcplite", "1.0", "unit-test")
    assert ref.startswith("OpaqueRef:") and ref != await login(sim, "root", "xcplite")
    record = await sim.call("session.get_record", [ref, ref])
    assert record["this_host"] == sim.master_ref() and record["originator"] == "unit-test"
    assert record["auth_user_name"] == "root" and record["is_local_superuser"] is True
    assert record["this_user"] == "OpaqueRef:NULL" and record["rbac_permissions"] == []
    assert await sim.call("session.get_this_host", [ref, ref]) == sim.master_ref()
    assert await sim.call("session.get_uuid", [ref, ref]) == record["uuid"]
    assert await sim.call("session.get_all_subject_identifiers", [ref]) == []


async def test_sessions_are_not_a_listable_class(sim, session):
    for method in ("session.get_all", "session.get_all_records"):
        assert await fails(sim.call(method, [session])) == ["MESSAGE_METHOD_UNKNOWN", method]


async def test_logout(sim):
    ref = await login(sim, "root", "xcplite")
    assert await sim.call("session.logout", [ref]) == ""
    assert await fails(sim.call("pool.get_all", [ref])) == ["SESSION_INVALID", ref]
    assert await fails(sim.call("session.logout", [ref])) == ["SESSION_INVALID", ref]


async def test_logout_wakes_only_that_sessions_blocked_event_from(sim, session):
    doomed = await login(sim, "root", "xcplite")
    token = (await sim.call("event.from", [session, ["vm"], "", 0.0]))["token"]
    mine = asyncio.ensure_future(sim.call("event.from", [doomed, ["vm"], token, 30.0]))
    other = asyncio.ensure_future(sim.call("event.from", [session, ["vm"], token, 30.0]))
    await until(lambda: sim.blocked() == 2, what="both event.from calls blocked")
    await sim.call("session.logout", [doomed])
    assert await fails(asyncio.wait_for(mine, 2.0)) == ["SESSION_INVALID", doomed]
    await until(lambda: sim.blocked() == 1, what="the other call still blocked")
    assert not other.done()
    other.cancel()


async def test_idle_sessions_expire(timed_sim):
    sim, clock = timed_sim
    idle = await login(sim, "root", "xcplite")
    busy = await login(sim, "root", "xcplite")
    for _ in range(6):
        clock.now += 0.15
        await sim.call("pool.get_all", [busy])
    assert await fails(sim.call("pool.get_all", [idle])) == ["SESSION_INVALID", idle]
    assert await sim.call("pool.get_all", [busy]) == [sim.pool_ref()]


async def test_gc_ends_an_expired_session_blocked_in_event_from(timed_sim):
    sim, clock = timed_sim
    ref = await login(sim, "root", "xcplite")
    token = (await sim.call("event.from", [ref, ["vm"], "", 0.0]))["token"]
    blocked = asyncio.ensure_future(sim.call("event.from", [ref, ["vm"], token, 10.0]))
    await until(lambda: sim.blocked() == 1, what="event.from blocked")
    sim.sessions.gc()
    assert not blocked.done(), "not idle yet: the session stays"
    clock.now += 0.5
    sim.sessions.gc()  # what runtime.session_gc does every period
    assert await fails(asyncio.wait_for(blocked, 2.0)) == ["SESSION_INVALID", ref]


async def test_the_runtime_collects_idle_sessions_on_its_own(start_sim):
    running = await start_sim(hosts=1, vms=0, session_timeout=0.3)
    ref = await login(running.sim, "root", "xcplite")
    # sessions.records, not session_valid(): a validity check is a use and would keep the session alive
    await until(lambda: ref not in running.sim.sessions.records, timeout=5.0, what="the idle session ended")


def post_json(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url + "/jsonrpc", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def test_cli_session_timeout(spawn_sim):
    proc = spawn_sim("--hosts", "1", "--vms", "0", "--session-timeout", "0.5")
    ref = rpc_sync(proc.url, "session.login_with_password", ["root", "xcplite"])
    assert rpc_sync(proc.url, "pool.get_all", [ref])
    # Another process on its own clock, and any call with the session is a use that keeps it alive:
    # the only way to see it expire is to leave it alone for longer than the timeout.
    time.sleep(1.0)
    assert post_json(proc.url, "pool.get_all", [ref])["error"]["message"] == "SESSION_INVALID"
