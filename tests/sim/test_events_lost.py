"""EVENTS_LOST where XAPI raises it, and the events_lost fault that forces it.

XAPI raises EVENTS_LOST from event.next when its bounded queue dropped events a registration had not
read (xapi_event.ml Next.events_read), once, going on from now. event.from never raises it: a table
remembers its latest deletions only (db_cache_types.ml Table.remove: 511, cut to 257), so an old
token silently misses older `del`s. The fault (Python `running.faults.events_lost`, HTTP
/_sim/fault/events_lost) makes the next or blocked event.from / event.next fail with EVENTS_LOST, so a
client's resync path can be driven: here the app's own sync loop reloads everything.
"""
import asyncio
import json

import pytest

from lite_app.xapi.cache import Cache
from lite_app.xapi.client import Client
from lite_app.xapi.sync import Live, load_all
from support.waiting import until
from support.xapi import PASSWORD, guest_refs
from xapi_sim import endpoint
from xapi_sim.db import DELETED_CUT_TO, DELETED_KEPT
from xapi_sim.errors import XapiFailure


async def fails(coro):
    with pytest.raises(XapiFailure) as info:
        await coro
    return info.value.description


def churn(db, vm, count):
    for n in range(count):
        db.set("VM", vm, "name_description", "churn %d" % n)


async def test_event_next_loses_events_the_log_no_longer_holds(sim, session, call):
    vm = guest_refs(sim.db)[0]
    await call("event.register", ["vm"])
    churn(sim.db, vm, 4 * len(sim.db.last) + 10001)        # the log compacts: older changes dropped
    assert sim.db.forgotten > 0
    assert await fails(call("event.next")) == ["EVENTS_LOST"]
    await call("VM.set_name_label", vm, "after the loss")
    events = await asyncio.wait_for(call("event.next"), 2.0)
    assert [e["ref"] for e in events] == [vm] and events[0]["snapshot"]["name_label"] == "after the loss"


async def test_event_from_never_raises_it_but_forgets_old_deletions(sim, call):
    nets = [await call("network.create", {"name_label": "n%d" % i, "other_config": {}})
            for i in range(DELETED_KEPT + 50)]
    token = (await call("event.from", ["network"], "", 0.0))["token"]
    for net in nets:
        await call("network.destroy", net)
    batch = await call("event.from", ["network"], token, 0.0)
    deleted = [e["ref"] for e in batch["events"] if e["operation"] == "del"]
    assert DELETED_CUT_TO <= len(deleted) <= DELETED_KEPT, "older deletions are forgotten, silently"
    assert nets[-1] in deleted and nets[0] not in deleted
    assert len(sim.db.deleted["network"]) <= DELETED_KEPT


async def test_the_fault_fails_a_blocked_event_from_once(running, session, call):
    sim = running.sim
    other = await sim.call("session.login_with_password", ["root", PASSWORD])
    token = (await call("event.from", ["vm"], "", 0.0))["token"]
    mine = asyncio.ensure_future(call("event.from", ["vm"], token, 30.0))
    theirs = asyncio.ensure_future(sim.call("event.from", [other, ["vm"], token, 30.0]))
    await until(lambda: sim.blocked() == 2, what="both event.from calls blocked")
    assert running.faults.events_lost(session) == 1
    assert await fails(asyncio.wait_for(mine, 2.0)) == ["EVENTS_LOST"]
    await until(lambda: sim.blocked() == 1, what="the other session blocked again")
    assert not theirs.done()
    theirs.cancel()
    batch = await call("event.from", ["vm"], token, 0.0)
    assert batch["events"] == [], "once only: the next call works"


async def test_the_fault_over_http(running, session, http, call):
    async with http.post(running.url + "/_sim/fault/events_lost", json={"session": session},
                         headers={"X-Sim-Token": running.control_token}) as resp:
        assert resp.status == 200 and (await resp.json())["result"] == 1
    assert await fails(call("event.from", ["vm"], "", 0.0)) == ["EVENTS_LOST"]
    await call("event.register", ["vm"])
    running.faults.events_lost()                # every open session
    assert await fails(call("event.next")) == ["EVENTS_LOST"]


async def test_the_apps_sync_loop_resyncs_after_events_lost(sim):
    async def transport(text):
        status, _ctype, body = await endpoint.answer(sim, "/jsonrpc", text.encode("utf-8"))
        assert status == 200
        return json.loads(body)

    client = Client(transport)
    session = await client.login("root", PASSWORD)
    cache = Cache()
    classes = ["pool", "VM"]
    token, _changes = await load_all(client, cache, classes)
    seen, statuses = [], []

    async def no_wait(_seconds):
        await asyncio.sleep(0)

    live = Live(client, cache, classes, (seen.append, statuses.append, seen.append), no_wait, lambda: 0.5)
    loop = asyncio.ensure_future(live.run(token))
    await until(lambda: sim.blocked() == 1, what="the app's event.from blocked")
    injected_before = sim.db.last.get(("pool", sim.pool_ref()))
    sim.lose_events([session])
    await until(lambda: "live" in statuses, what="the app reloaded everything")
    assert sim.db.last[("pool", sim.pool_ref())] > injected_before, "a fresh event.inject token"
    vm = guest_refs(sim.db)[0]
    await sim.call("VM.set_name_label", [session, vm, "seen after the resync"])
    await until(lambda: cache.get("VM", vm)["name_label"] == "seen after the resync",
                what="events flow again")
    live.stop()
    loop.cancel()
