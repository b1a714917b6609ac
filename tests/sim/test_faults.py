"""Faults over real sockets: each one, through the Python API and the control endpoint."""
import asyncio
import time

import aiohttp
import pytest

from support.waiting import until
from support.xapi import PASSWORD, XapiCallError, error_description, jsonrpc
from xapi_sim import runtime
from xapi_sim.sim import Config


@pytest.fixture
async def pool():
    running = await runtime.start(Config(hosts=2, vms=4, op_time=0.02, port=0),
                                  control_token="secret")
    yield running
    await running.stop()


async def login_http(http, url):
    reply = await jsonrpc(http, url, "session.login_with_password", ["root", PASSWORD])
    if reply.get("error"):
        raise XapiCallError(error_description(reply["error"]))
    return reply["result"]


async def control(http, pool, name, token="secret", **args):
    async with http.post(pool.url + "/_sim/fault/" + name, json=args,
                         headers={"X-Sim-Token": token}) as resp:
        return resp.status, await resp.json()


async def test_control_endpoint_needs_the_token(pool, http):
    status, body = await control(http, pool, "latency", token="wrong", seconds=5)
    assert status == 403 and body == {"error": "forbidden"}
    assert pool.faults.delay == 0.0
    status, _ = await control(http, pool, "no_such_fault")
    assert status == 404


async def test_latency_delays_rpc(pool, http):
    await login_http(http, pool.url)
    status, _ = await control(http, pool, "latency", seconds=0.3)
    assert status == 200
    started = time.monotonic()
    await login_http(http, pool.url)
    assert time.monotonic() - started >= 0.3
    pool.faults.latency(0)
    started = time.monotonic()
    await login_http(http, pool.url)
    assert time.monotonic() - started < 0.3


async def test_hang_holds_requests_until_time_is_up(pool, http):
    status, _ = await control(http, pool, "hang", seconds=0.5)
    assert status == 200
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(login_http(http, pool.url), 0.2)
    # held, not refused: the next request is answered once the hang is over
    assert (await asyncio.wait_for(login_http(http, pool.url), 2.0)).startswith("OpaqueRef:")


async def test_reset_connections_breaks_a_blocked_call(pool, http):
    session = await login_http(http, pool.url)
    token = (await jsonrpc(http, pool.url, "event.from", [session, ["vm"], "", 0.0]))["result"]["token"]
    blocked = asyncio.ensure_future(
        jsonrpc(http, pool.url, "event.from", [session, ["vm"], token, 30.0]))
    await until(lambda: pool.sim.blocked() == 1, what="event.from blocked in the simulator")
    status, body = await control(http, pool, "reset_connections")
    assert status == 200 and body["result"] >= 1
    with pytest.raises(aiohttp.ClientError):
        await asyncio.wait_for(blocked, 5)
    assert (await login_http(http, pool.url)).startswith("OpaqueRef:")


async def test_expire_one_session_wakes_its_event_from(pool, http):
    session = await login_http(http, pool.url)
    other = await login_http(http, pool.url)
    token = (await jsonrpc(http, pool.url, "event.from", [session, ["vm"], "", 0.0]))["result"]["token"]
    blocked = asyncio.ensure_future(
        jsonrpc(http, pool.url, "event.from", [session, ["vm"], token, 30.0]))
    await until(lambda: pool.sim.blocked() == 1, what="event.from blocked in the simulator")
    await control(http, pool, "expire_sessions", session=session)
    reply = await asyncio.wait_for(blocked, 5)
    assert error_description(reply["error"]) == ["SESSION_INVALID", session]
    ok = await jsonrpc(http, pool.url, "pool.get_all", [other])
    assert len(ok["result"]) == 1


async def test_expire_all_sessions(pool, http):
    sessions = [await login_http(http, pool.url) for _ in range(3)]
    pool.faults.expire_sessions()
    for session in sessions:
        reply = await jsonrpc(http, pool.url, "pool.get_all", [session])
        assert error_description(reply["error"]) == ["SESSION_INVALID", session]


async def test_restart_keeps_inventory_and_loses_sessions(pool, http):
    session = await login_http(http, pool.url)
    vm = (await jsonrpc(http, pool.url, "VM.get_by_name_label", [session, "web-01"]))["result"][0]
    await jsonrpc(http, pool.url, "VM.set_name_label", [session, vm, "renamed"])
    restart = asyncio.ensure_future(control(http, pool, "restart", down=0.5))
    await until(lambda: not pool.listening(), what="the pool stopped listening")
    async with aiohttp.ClientSession() as fresh:
        with pytest.raises(aiohttp.ClientConnectionError):
            await login_http(fresh, pool.url)
    assert (await restart)[0] == 200
    async with aiohttp.ClientSession() as fresh:
        reply = await jsonrpc(fresh, pool.url, "VM.get_name_label", [session, vm])
        assert error_description(reply["error"]) == ["SESSION_INVALID", session]
        again = await login_http(fresh, pool.url)
        name = await jsonrpc(fresh, pool.url, "VM.get_name_label", [again, vm])
        assert name["result"] == "renamed"


async def test_move_master_makes_the_old_master_a_slave(pool, http):
    sim = pool.sim
    old_master = sim.master_ref()
    member = [h for h in sim.db.all("host") if h != old_master][0]
    member_address = sim.db.get("host", member)["address"]
    old_address = sim.db.get("host", old_master)["address"]
    status, body = await control(http, pool, "move_master", host=member_address)
    assert status == 200 and body["result"] == member
    reply = await jsonrpc(http, pool.url, "session.login_with_password", ["root", PASSWORD])
    assert error_description(reply["error"]) == ["HOST_IS_SLAVE", member_address]
    member_url = pool.url.replace(old_address, member_address)
    assert (await login_http(http, member_url)).startswith("OpaqueRef:")
