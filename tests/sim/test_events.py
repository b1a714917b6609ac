"""event.from as reference §3: tokens, filters, blocking, coalescing, del without snapshot,
valid_ref_counts, relationship bumps, event.inject, messages, and the legacy register/next queue."""
import asyncio
import re
import time

import aiohttp
import pytest

from xapi_sim import schema
from xapi_sim.errors import XapiFailure
from support.waiting import until
from support.xapi import guest_refs

TOKEN = re.compile(r"^\d{20},\d{20}$")


def guests(sim):
    return guest_refs(sim.db)


async def now_token(call):
    return (await call("event.from", ["*"], "", 0.0))["token"]


async def changes(call, classes, token, timeout=0.0):
    return await call("event.from", classes, token, timeout)


def by_ref(batch):
    refs = [e["ref"] for e in batch["events"]]
    assert len(refs) == len(set(refs)), "more than one event for an object"
    return {e["ref"]: e for e in batch["events"]}


async def test_empty_token_returns_everything_as_add(sim, call):
    batch = await changes(call, ["VM"], "")
    assert TOKEN.match(batch["token"])
    events = by_ref(batch)
    assert set(events) == set(sim.db.all("VM"))
    for ref, event in events.items():
        assert set(event) == {"id", "timestamp", "class", "operation", "ref", "snapshot"}
        assert event["class"] == "vm" and event["operation"] == "add"
        assert event["timestamp"] == "0.0" and event["id"].isdigit()
        assert event["snapshot"] == await call("VM.get_record", ref)


async def test_class_names_are_case_insensitive_and_unknown_ones_ignored(sim, call):
    expected = {e["ref"] for e in (await changes(call, ["VM"], ""))["events"]}
    for classes in (["vm"], ["Vm"], ["VM", "no_such_class"]):
        assert {e["ref"] for e in (await changes(call, classes, ""))["events"]} == expected
    assert (await changes(call, ["no_such_class"], ""))["events"] == []


async def test_star_and_single_object_filters(sim, call):
    everything = await changes(call, ["*"], "")
    classes = {e["class"] for e in everything["events"]}
    assert {"vm", "host", "pool", "sr", "vdi", "vbd", "message"} <= classes
    assert "session" not in classes
    vm = guests(sim)[0]
    token = everything["token"]
    for other in guests(sim)[:3]:
        await call("VM.set_name_description", other, "touched")
    batch = await changes(call, ["vm/" + vm], token)
    assert [e["ref"] for e in batch["events"]] == [vm]


async def test_one_coalesced_mod_per_object(sim, call):
    vm = guests(sim)[0]
    token = await now_token(call)
    for n in range(5):
        await call("VM.set_name_description", vm, "step %d" % n)
    batch = await changes(call, ["vm"], token)
    assert [(e["ref"], e["operation"]) for e in batch["events"]] == [(vm, "mod")]
    assert batch["events"][0]["snapshot"]["name_description"] == "step 4"
    again = await changes(call, ["vm"], batch["token"])
    assert again["events"] == [] and again["token"] >= batch["token"]


async def test_add_del_and_created_then_deleted(sim, call):
    token = await now_token(call)
    kept = await call("network.create", {"name_label": "kept", "other_config": {}})
    await call("network.set_name_description", kept, "modified after creation")
    gone = await call("network.create", {"name_label": "gone", "other_config": {}})
    await call("network.destroy", gone)
    events = by_ref(await changes(call, ["network"], token))
    assert set(events) == {kept}
    assert events[kept]["operation"] == "add"
    assert events[kept]["snapshot"]["name_description"] == "modified after creation"
    token = await now_token(call)
    await call("network.destroy", kept)
    events = by_ref(await changes(call, ["network"], token))
    assert events[kept]["operation"] == "del" and "snapshot" not in events[kept]


async def test_valid_ref_counts_cover_every_table(sim, call):
    batch = await changes(call, ["pool"], "")
    counts = batch["valid_ref_counts"]
    assert set(counts) == {t.lower() for t in schema.TABLES}
    for table in schema.TABLES:
        assert counts[table.lower()] == sim.db.count(table), table
    before = counts["task"]
    task = await call("task.create", "mine", "")
    after = (await changes(call, ["pool"], batch["token"]))["valid_ref_counts"]
    assert after["task"] == before + 1 and task in sim.db.all("task")


async def test_relationship_writes_bump_both_sides(sim, call):
    vm = guests(sim)[0]
    vdi = sorted(sim.db.find("VDI", type="user"))[0]
    token = await now_token(call)
    vbd = await call("VBD.create", {
        "VM": vm, "VDI": vdi, "userdevice": "7", "bootable": False, "mode": "RO", "type": "Disk",
        "empty": False, "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}})
    batch = await changes(call, ["vm", "vdi", "vbd"], token)
    ops = {(e["class"], e["ref"]): e["operation"] for e in batch["events"]}
    assert ops == {("vbd", vbd): "add", ("vm", vm): "mod", ("vdi", vdi): "mod"}
    assert vbd in by_ref(batch)[vm]["snapshot"]["VBDs"]
    assert vbd in by_ref(batch)[vdi]["snapshot"]["VBDs"]
    await call("VBD.destroy", vbd)
    events = by_ref(await changes(call, ["vm", "vdi", "vbd"], batch["token"]))
    assert events[vbd]["operation"] == "del"
    assert vbd not in events[vm]["snapshot"]["VBDs"] and vbd not in events[vdi]["snapshot"]["VBDs"]


async def test_blocks_until_timeout_without_changes(call):
    token = await now_token(call)
    started = time.monotonic()
    batch = await changes(call, ["vm"], token, 0.3)
    assert batch["events"] == [] and 0.28 <= time.monotonic() - started < 2.0


async def test_blocked_call_returns_on_a_matching_change(sim, call):
    vm = guests(sim)[0]
    token = await now_token(call)
    waiter = asyncio.ensure_future(changes(call, ["vm"], token, 10.0))
    await until(lambda: sim.blocked() == 1, what="event.from blocked")
    await call("pool.add_to_other_config", sim.pool_ref(), "unrelated", "1")
    # woken by any change, it looks, finds nothing of its classes and blocks again
    await until(lambda: sim.blocked() == 1, what="event.from blocked again")
    assert not waiter.done(), "a pool change must not wake a VM subscription"
    started = time.monotonic()
    await call("VM.set_name_description", vm, "wake up")
    batch = await asyncio.wait_for(waiter, 2.0)
    assert time.monotonic() - started < 1.0
    assert [e["ref"] for e in batch["events"]] == [vm]


@pytest.mark.parametrize("timeout", [0, "0.05", 0.05])
async def test_timeout_accepts_int_string_and_float(call, timeout):
    batch = await changes(call, ["vm"], await now_token(call), timeout)
    assert batch["events"] == []


@pytest.mark.parametrize("token", ["garbage", "12,x", "1,2,3"])
async def test_malformed_token(sim, session, token):
    with pytest.raises(XapiFailure) as info:
        await sim.call("event.from", [session, ["vm"], token, 0.0])
    assert info.value.description == ["EVENT_FROM_TOKEN_PARSE_FAILURE", token]


async def test_inject_makes_the_next_call_return_at_once(sim, call, session):
    pool = sim.pool_ref()
    token = await call("event.inject", "pool", pool)
    assert TOKEN.match(token)
    started = time.monotonic()
    batch = await changes(call, ["pool"], token, 5.0)
    assert time.monotonic() - started < 1.0
    assert [(e["class"], e["operation"], e["ref"]) for e in batch["events"]] == [
        ("pool", "mod", pool)]
    for cls in ("Pool", "VM"):
        with pytest.raises(XapiFailure) as info:
            await sim.call("event.inject", [session, cls, pool])
        assert info.value.description == ["HANDLE_INVALID", cls, pool]


async def test_pool_other_config_write_is_a_barrier(sim, call):
    token = await now_token(call)
    await call("pool.add_to_other_config", sim.pool_ref(), "xo:barrier:1234", "")
    batch = await changes(call, ["pool"], token, 5.0)
    assert batch["events"][0]["snapshot"]["other_config"]["xo:barrier:1234"] == ""


async def test_messages_are_events_with_id_zero(sim, call):
    token = await now_token(call)
    vm_uuid = sim.db.get("VM", guests(sim)[0])["uuid"]
    msg = await call("message.create", "TEST", 3, "VM", vm_uuid, "body")
    batch = await changes(call, ["message"], token)
    assert [(e["class"], e["operation"], e["ref"], e["id"]) for e in batch["events"]] == [
        ("message", "add", msg, "0")]
    assert batch["events"][0]["snapshot"]["name"] == "TEST"
    assert (await changes(call, ["vm"], token))["events"] == []
    await call("message.destroy", msg)
    last = await changes(call, ["*"], batch["token"])
    assert [(e["operation"], "snapshot" in e) for e in last["events"]] == [("del", False)]


async def test_sessions_emit_no_events(sim, call):
    token = await now_token(call)
    other = await sim.call("session.login_with_password", ["root", "xcplite"])
    await sim.call("session.logout", [other])
    assert (await changes(call, ["*"], token))["events"] == []


async def test_logout_wakes_a_blocked_call_with_session_invalid(sim):
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    token = (await sim.call("event.from", [session, ["vm"], "", 0.0]))["token"]
    waiter = asyncio.ensure_future(sim.call("event.from", [session, ["vm"], token, 30.0]))
    await until(lambda: sim.blocked() == 1, what="event.from blocked")
    await sim.call("session.logout", [session])
    with pytest.raises(XapiFailure) as info:
        await asyncio.wait_for(waiter, 2.0)
    assert info.value.description == ["SESSION_INVALID", session]


# ---- legacy register / next / unregister ------------------------------------------------------
async def test_legacy_queue_is_uncoalesced(sim, session, call):
    with pytest.raises(XapiFailure) as info:
        await call("event.next")
    assert info.value.description == ["SESSION_NOT_REGISTERED", session]
    vm = guests(sim)[0]
    await call("event.register", ["vm"])
    await call("VM.set_name_description", vm, "one")
    await call("VM.set_name_description", vm, "two")
    await call("pool.add_to_other_config", sim.pool_ref(), "ignored", "1")
    events = await call("event.next")
    assert [(e["class"], e["operation"], e["ref"]) for e in events] == [("vm", "mod", vm)] * 2
    assert re.match(r"^\d+\.$", events[0]["timestamp"]) and int(events[1]["id"]) > int(
        events[0]["id"])
    waiter = asyncio.ensure_future(call("event.next"))
    await until(lambda: sim.blocked() == 1, what="event.next blocked")
    assert not waiter.done(), "event.next blocks until something is queued"
    await call("VM.set_name_description", vm, "three")
    assert [e["snapshot"]["name_description"] for e in await asyncio.wait_for(waiter, 2.0)] == [
        "three"]
    await call("event.unregister", ["vm"])



async def test_two_hundred_blocked_calls_over_http_all_wake(sim, running, session):
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def event_from(token, timeout):
            body = {"jsonrpc": "2.0", "id": 1, "method": "event.from",
                    "params": [session, ["pool"], token, timeout]}
            async with http.post(running.url + "/jsonrpc", json=body) as resp:
                return (await resp.json(content_type=None))["result"]
        token = (await event_from("", 0.0))["token"]
        calls = [asyncio.ensure_future(event_from(token, 20.0)) for _ in range(200)]
        await until(lambda: sim.blocked() == 200, timeout=10.0, what="200 event.from blocked")
        assert not any(c.done() for c in calls)
        await sim.call("pool.add_to_other_config", [session, sim.pool_ref(), "wake", "all"])
        results = await asyncio.wait_for(asyncio.gather(*calls), 10.0)
    assert all([e["operation"] for e in r["events"]] == ["mod"] for r in results)
