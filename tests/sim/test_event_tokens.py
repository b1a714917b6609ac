"""event.from tokens per subscription, as XAPI's xapi_event.ml `from_inner` makes them.

The DB half is the generation of the latest change among the subscribed objects (the given token's
when none changed); the message half is 0 unless `message` is subscribed. A client that subscribes to
`message` later therefore receives the messages raised before it did.
"""
import pytest

from support.xapi import guest_refs
from xapi_sim.errors import XapiFailure


def halves(token):
    db_part, msg_part = token.split(",")
    return int(db_part), int(msg_part)


async def raise_alarm(call, sim, vm):
    uuid = sim.db.get("VM", vm)["uuid"]
    return await call("message.create", "ALARM", 3, "VM", uuid, "value: 0.97")


async def test_a_late_message_subscriber_gets_the_alarm_raised_before(sim, call):
    vm = guest_refs(sim.db)[0]
    first = await call("event.from", ["vm"], "", 0.0)
    alarm = await raise_alarm(call, sim, vm)
    later = await call("event.from", ["vm"], first["token"], 0.0)
    assert halves(later["token"])[1] == 0, "message was not asked for: its half stays 0"
    batch = await call("event.from", ["vm", "message"], later["token"], 0.0)
    added = [(e["class"], e["operation"], e["ref"]) for e in batch["events"] if e["class"] == "message"]
    assert ("message", "add", alarm) in added
    snapshot = next(e["snapshot"] for e in batch["events"] if e["ref"] == alarm)
    assert snapshot["name"] == "ALARM" and snapshot["obj_uuid"] == sim.db.get("VM", vm)["uuid"]
    assert halves(batch["token"])[1] == sim.messages.gen


async def test_the_message_half_follows_only_message_subscribers(sim, call):
    vm = guest_refs(sim.db)[0]
    await raise_alarm(call, sim, vm)
    for classes in (["vm"], ["pool", "host"], ["task"]):
        assert halves((await call("event.from", classes, "", 0.0))["token"])[1] == 0, classes
    for classes in (["message"], ["*"], ["VM", "Message"]):
        assert halves((await call("event.from", classes, "", 0.0))["token"])[1] == sim.messages.gen


async def test_the_db_half_moves_only_with_subscribed_objects(sim, call):
    vm = guest_refs(sim.db)[0]
    token = (await call("event.from", ["vm"], "", 0.0))["token"]
    assert halves(token)[0] == max(sim.db.last[("VM", r)] for r in sim.db.all("VM"))
    await call("pool.add_to_other_config", sim.pool_ref(), "unrelated", "1")
    quiet = await call("event.from", ["vm"], token, 0.0)
    assert quiet["events"] == [] and quiet["token"] == token
    await call("VM.set_name_description", vm, "touched")
    moved = await call("event.from", ["vm"], token, 0.0)
    assert [e["ref"] for e in moved["events"]] == [vm]
    assert halves(moved["token"])[0] == sim.db.last[("VM", vm)]


async def test_an_object_created_and_destroyed_since_moves_the_token_without_an_event(sim, call):
    token = (await call("event.from", ["network"], "", 0.0))["token"]
    net = await call("network.create", {"name_label": "brief", "other_config": {}})
    await call("network.destroy", net)
    batch = await call("event.from", ["network"], token, 0.0)
    assert batch["events"] == [] and halves(batch["token"])[0] == sim.db.last[("network", net)]


async def test_the_empty_token_is_the_beginning(sim, call):
    batch = await call("event.from", ["pool"], "", 0.0)
    assert [(e["operation"], e["ref"]) for e in batch["events"]] == [("add", sim.pool_ref())]
    again = await call("event.from", ["pool"], "%020d,%020d" % (0, 0), 0.0)
    assert [e["ref"] for e in again["events"]] == [sim.pool_ref()]


@pytest.mark.parametrize("token", ["12", "00000000000000000012"])
async def test_a_token_without_its_message_half_is_refused(sim, session, token):
    with pytest.raises(XapiFailure) as info:
        await sim.call("event.from", [session, ["vm"], token, 0.0])
    assert info.value.description == ["EVENT_FROM_TOKEN_PARSE_FAILURE", token]
