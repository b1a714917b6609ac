"""Conformance with a client we did not write: the official Python SDK (PyPI `xenapi`, XML-RPC).

The SDK is used unchanged over a real loopback socket. It is synchronous, so each scenario runs in a
worker thread while the in-process simulator keeps serving on the test's event loop.
"""
import asyncio
import time
import xmlrpc.client

import pytest
import XenAPI


@pytest.fixture
def sdk(running):
    """run(fn): call fn(session) in a thread with a logged-in XenAPI.Session; logs out after."""
    async def run(fn, *args):
        def scenario():
            session = XenAPI.Session(running.url)
            session.xenapi.login_with_password("root", "xcplite", "1.0", "xcplite-tests")
            try:
                return fn(session, *args)
            finally:
                session.xenapi.session.logout()
        return await asyncio.to_thread(scenario)
    return run


def halted_guest(x):
    """A halted guest VM; shuts a running one down when the inventory has none halted."""
    records = x.VM.get_all_records_where('field "is_a_template"="false" and '
                                         'field "is_control_domain"="false"')
    halted = sorted(r for r, v in records.items() if v["power_state"] == "Halted")
    if halted:
        return halted[0]
    vm = sorted(r for r, v in records.items() if v["power_state"] == "Running")[0]
    x.VM.hard_shutdown(vm)
    return vm


async def test_login_pool_and_api_version(sdk, sim):
    def scenario(session):
        x = session.xenapi
        pools = x.pool.get_all()
        pool = x.pool.get_record(pools[0])
        master = x.host.get_record(pool["master"])
        return pools, pool, master, session.API_version
    pools, pool, master, version = await sdk(scenario)
    assert pools == [sim.pool_ref()] and pool["master"] == sim.master_ref()
    assert master["software_version"]["product_brand"] == "XCP-ng"
    assert version == "2.21"


async def test_records_decode_with_xapi_wire_types(sdk, sim):
    def scenario(session):
        return session.xenapi.VM.get_all_records()
    records = await sdk(scenario)
    assert set(records) == set(sim.db.all("VM"))
    dom0 = records[sim.db.get("host", sim.master_ref())["control_domain"]]
    assert isinstance(dom0["memory_static_max"], str) and dom0["memory_static_max"].isdigit()
    assert dom0["domid"] == "0" and dom0["is_a_template"] is False
    assert isinstance(dom0["HVM_shadow_multiplier"], float)
    assert isinstance(dom0["snapshot_time"], xmlrpc.client.DateTime)


async def test_wrong_password_is_a_failure(running):
    def scenario():
        session = XenAPI.Session(running.url)
        with pytest.raises(XenAPI.Failure) as info:
            session.xenapi.login_with_password("root", "nope", "1.0", "t")
        return info.value.details
    assert await asyncio.to_thread(scenario) == ["SESSION_AUTHENTICATION_FAILED", "root",
                                                 "Authentication failure"]


async def test_handle_invalid_is_a_failure(sdk):
    def scenario(session):
        with pytest.raises(XenAPI.Failure) as info:
            session.xenapi.VM.get_record("OpaqueRef:NULL")
        return info.value.details
    assert await sdk(scenario) == ["HANDLE_INVALID", "VM", "OpaqueRef:NULL"]


async def test_sdk_logs_in_again_when_its_session_is_killed(sdk, sim):
    def scenario(session):
        first = session.handle
        # Ended behind the SDK's back (as by GC): its SESSION_INVALID retry must log in again.
        asyncio.run_coroutine_threadsafe(sim.call("session.logout", [first]), loop).result(5)
        pools = session.xenapi.pool.get_all()
        return first, session.handle, pools
    loop = asyncio.get_running_loop()
    first, second, pools = await sdk(scenario)
    assert pools == [sim.pool_ref()] and first != second


async def test_event_from_alias(sdk, sim):
    def scenario(session):
        x = session.xenapi
        batch = x.event_from(["vm"], "", 1.0)
        token = batch["token"]
        x.VM.set_name_description(halted_guest(x), "changed by XenAPI")
        return batch, x.event_from(["vm"], token, 5.0)
    first, second = await sdk(scenario)
    assert {e["ref"] for e in first["events"]} == set(sim.db.all("VM"))
    assert first["valid_ref_counts"]["vm"] == len(sim.db.all("VM"))     # <i4>: an int
    assert [(e["operation"], e["snapshot"]["name_description"]) for e in second["events"]] == [
        ("mod", "changed by XenAPI")]


async def test_start_shutdown_and_the_failure_on_a_wrong_state(sdk, sim):
    def scenario(session):
        x = session.xenapi
        vm = halted_guest(x)
        x.VM.start(vm, False, False)
        running_state = x.VM.get_power_state(vm)
        with pytest.raises(XenAPI.Failure) as info:
            x.VM.start(vm, False, False)
        x.VM.clean_shutdown(vm)
        return vm, running_state, info.value.details, x.VM.get_power_state(vm)
    vm, during, failure, after = await sdk(scenario)
    assert during == "Running" and after == "Halted"
    assert failure == ["VM_BAD_POWER_STATE", vm, "halted", "running"]


async def test_async_start_followed_to_success(sdk, sim):
    def scenario(session):
        x = session.xenapi
        vm = halted_guest(x)
        task = x.Async.VM.start(vm, False, False)
        deadline = time.monotonic() + 10
        while x.task.get_status(task) == "pending" and time.monotonic() < deadline:
            time.sleep(0.02)
        record = x.task.get_record(task)
        state = x.VM.get_power_state(vm)
        x.VM.hard_shutdown(vm)
        return task, record, state
    task, record, state = await sdk(scenario)
    assert task.startswith("OpaqueRef:") and record["name_label"] == "Async.VM.start"
    assert record["status"] == "success" and record["result"] == "<value></value>"
    assert record["progress"] == 1.0 and state == "Running"
