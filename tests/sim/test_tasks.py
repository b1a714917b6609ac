"""Tasks (reference §4): Async returns a task at once, progress, XML-RPC result strings, error_info,
cancel, and the task XAPI wraps around sync calls of async-capable messages.

The operation under test is this module's own handler for `host.call_plugin`, installed for the
test only: `plugin` picks what it returns or raises, so every outcome is driven deliberately.
"""
import asyncio

import pytest

from xapi_sim.errors import XapiFailure
from xapi_sim.methods import HANDLERS

EPOCH = "19700101T00:00:00Z"


async def plugin_handler(ctx, host, plugin, fn, args):
    ctx.db.require("host", host)
    await ctx.work(float(args.get("seconds", "0.2")), steps=4)
    outcomes = {
        "text": lambda: "hello <world>",
        "void": lambda: None,
        "int": lambda: 42,
        "ref": lambda: host,
        "set": lambda: sorted(ctx.db.all("host")),
    }
    if plugin == "fail":
        raise XapiFailure("VM_BAD_POWER_STATE", host, "halted", "running")
    if plugin == "crash":
        raise ValueError("simulated bug")
    return outcomes[plugin]()


@pytest.fixture
def plugin(monkeypatch, sim):
    monkeypatch.setitem(HANDLERS, "host.call_plugin", plugin_handler)
    return sim.master_ref()


def task_rec(sim, task):
    return sim.db.get("task", task)


@pytest.fixture
def finished(sim, until):
    async def wait(task):
        await until(lambda: task_rec(sim, task)["status"] != "pending")
        return task_rec(sim, task)
    return wait


async def test_async_returns_a_pending_task_at_once(sim, call, plugin, finished):
    task = await call("Async.host.call_plugin", plugin, "text", "fn", {"seconds": "1"})
    rec = await call("task.get_record", task)
    assert task.startswith("OpaqueRef:")
    assert rec["status"] == "pending" and rec["name_label"] == "Async.host.call_plugin"
    assert rec["allowed_operations"] == ["cancel"] and rec["finished"] == EPOCH
    assert rec["progress"] < 1.0 and rec["type"] == "<none/>"
    await call("task.cancel", task)
    await finished(task)


async def test_progress_rises_to_one_and_success_carries_the_result(sim, call, plugin):
    task = await call("Async.host.call_plugin", plugin, "text", "fn", {"seconds": "0.3"})
    seen = []
    while task_rec(sim, task)["status"] == "pending":
        seen.append(task_rec(sim, task)["progress"])
        await asyncio.sleep(0.02)
    assert seen == sorted(seen) and len(set(seen)) >= 3, seen
    rec = await call("task.get_record", task)
    assert rec["status"] == "success" and rec["progress"] == 1.0
    assert rec["result"] == "<value>hello &lt;world&gt;</value>"
    assert rec["error_info"] == [] and rec["allowed_operations"] == []
    assert rec["finished"] != EPOCH


@pytest.mark.parametrize("kind, expected", [
    ("void", lambda sim: "<value></value>"),
    ("int", lambda sim: "<value>42</value>"),
    ("ref", lambda sim: "<value>%s</value>" % sim.master_ref()),
    ("set", lambda sim: "<value><array><data>%s</data></array></value>" % "".join(
        "<value>%s</value>" % h for h in sorted(sim.db.all("host")))),
])
async def test_result_is_an_xmlrpc_value_string(sim, call, plugin, kind, expected, finished):
    task = await call("Async.host.call_plugin", plugin, kind, "fn", {"seconds": "0"})
    assert (await finished(task))["result"] == expected(sim)


async def test_result_stays_xml_for_json_clients(sim, rpc, plugin, finished):
    task = await rpc("Async.host.call_plugin", plugin, "ref", "fn", {"seconds": "0"})
    await finished(task)
    assert await rpc("task.get_result", task) == "<value>%s</value>" % plugin


async def test_failure_sets_error_info(sim, call, plugin, finished):
    task = await call("Async.host.call_plugin", plugin, "fail", "fn", {"seconds": "0"})
    rec = await finished(task)
    assert rec["status"] == "failure" and rec["progress"] == 1.0
    assert rec["error_info"] == ["VM_BAD_POWER_STATE", plugin, "halted", "running"]
    assert rec["result"] == ""


async def test_unexpected_exception_still_ends_the_task(sim, call, plugin, finished):
    task = await call("Async.host.call_plugin", plugin, "crash", "fn", {"seconds": "0"})
    rec = await finished(task)
    assert rec["status"] == "failure" and rec["error_info"][0] == "INTERNAL_ERROR"


async def test_handle_invalid_inside_the_operation_fails_the_task(sim, call, plugin, finished):
    task = await call("Async.host.call_plugin", "OpaqueRef:NULL", "text", "fn", {})
    assert (await finished(task))["error_info"] == ["HANDLE_INVALID", "host", "OpaqueRef:NULL"]


async def test_cancel(sim, call, plugin, finished):
    task = await call("Async.host.call_plugin", plugin, "text", "fn", {"seconds": "2"})
    await asyncio.sleep(0.05)
    await call("task.cancel", task)
    assert list(task_rec(sim, task)["current_operations"].values()) in (["cancel"], [])
    rec = await finished(task)
    assert rec["status"] == "cancelled"
    assert rec["error_info"] == ["TASK_CANCELLED", task]
    assert rec["current_operations"] == {} and rec["allowed_operations"] == []
    with pytest.raises(XapiFailure):
        await call("task.cancel", task)                      # no longer cancellable


async def test_count_and_session_errors_stay_synchronous(sim, session, plugin):
    with pytest.raises(XapiFailure) as info:
        await sim.call("Async.host.call_plugin", [session, plugin])
    assert info.value.description == ["MESSAGE_PARAMETER_COUNT_MISMATCH", "host.call_plugin",
                                      "4", "1"]
    with pytest.raises(XapiFailure) as info:
        await sim.call("Async.host.call_plugin", ["bad", plugin, "text", "fn", {}])
    assert info.value.description == ["SESSION_INVALID", "bad"]


async def test_sync_call_creates_and_destroys_a_task(sim, call, plugin):
    token = (await call("event.from", ["task"], "", 0.0))["token"]
    before = set(sim.db.all("task"))
    watcher = asyncio.ensure_future(call("event.from", ["task"], token, 5.0))
    result = await call("host.call_plugin", plugin, "text", "fn", {"seconds": "0.1"})
    assert result == "hello <world>"
    added = (await asyncio.wait_for(watcher, 2.0))["events"]
    assert [(e["operation"], e["snapshot"]["name_label"]) for e in added] == [
        ("add", "host.call_plugin")]
    assert set(sim.db.all("task")) == before
    gone = await call("event.from", ["task"], (await watcher)["token"], 0.0)
    assert [(e["operation"], e["ref"]) for e in gone["events"]] == [("del", added[0]["ref"])]


async def test_client_tasks_create_set_and_destroy(sim, call):
    task = await call("task.create", "upload", "an HTTP transfer")
    rec = await call("task.get_record", task)
    assert (rec["name_label"], rec["name_description"], rec["status"]) == (
        "upload", "an HTTP transfer", "pending")
    await call("task.set_progress", task, 0.5)
    assert await call("task.get_progress", task) == 0.5
    await call("task.destroy", task)
    assert task not in await call("task.get_all")
