"""Host power in the simulator as XAPI does it (xapi_host.ml shutdown_and_reboot_common and
prepare_for_poweroff, vm_evacuation.ml ensure_no_vms, xapi_host_helpers.ml valid_operations,
python3/poweron/power-on.py): reboot and shutdown need a disabled host and return at once, the
host evacuates what it can and stops the rest, goes down (live false, PBDs unplugged, calls to it
HOST_OFFLINE, its address silent) and a reboot brings it back enabled."""
import asyncio

import aiohttp
import pytest

from infrafixtures import error
from support.xapi import error_description, jsonrpc, login


def hosts(sim):
    master = sim.master_ref()
    return master, [h for h in sorted(sim.db.all("host")) if h != master][0]


def guests_on(db, host):
    return sorted(v for v in db.referrers("host", "resident_VMs", host)
                  if not db.get("VM", v)["is_control_domain"])


def is_live(db, host):
    return db.get("host_metrics", db.get("host", host)["metrics"])["live"]


def pbds_attached(db, host):
    return [db.get("PBD", p)["currently_attached"] for p in db.referrers("host", "PBDs", host)]


async def test_reboot_refused_while_enabled(sim, call):
    _, member = hosts(sim)
    assert await error(call, "host.reboot", member) == ["HOST_NOT_DISABLED"]
    assert await error(call, "host.shutdown", member) == ["HOST_NOT_DISABLED"]
    assert is_live(sim.db, member)


async def test_reboot_evacuates_then_goes_down_and_comes_back(sim, call, until):
    db = sim.db
    master, member = hosts(sim)
    before = guests_on(db, member)
    assert before
    boot_time = db.get("host", member)["other_config"]["boot_time"]
    await call("host.disable", member)
    await call("host.reboot", member)                 # returns before the host goes down
    ops = db.get("host", member)["current_operations"]
    assert list(ops.values()) == ["shutdown"]          # XAPI's marker, for a reboot too
    marker = db.get("task", list(ops)[0])
    assert (marker["name_label"], marker["status"]) == ("Host is rebooting", "success")
    err = await error(call, "host.reboot", member)
    assert err == ["OTHER_OPERATION_IN_PROGRESS", "host", member, "shutdown", list(ops)[0]]
    await until(lambda: not is_live(db, member))
    assert guests_on(db, member) == []
    moved = [vm for vm in before if db.get("VM", vm)["resident_on"] == master]
    stopped = [vm for vm in before if db.get("VM", vm)["power_state"] == "Halted"]
    assert sorted(moved + stopped) == before
    assert not any(pbds_attached(db, member))
    assert await error(call, "host.enable", member) == ["HOST_OFFLINE", member]
    assert await error(call, "host.call_plugin", member, "updater.py", "check_update", {}) == [
        "HOST_OFFLINE", member]
    await until(lambda: is_live(db, member))
    rec = db.get("host", member)
    assert rec["enabled"] is True and rec["current_operations"] == {}
    assert all(pbds_attached(db, member))
    assert float(rec["other_config"]["boot_time"]) > float(boot_time)
    assert "evacuate" in rec["allowed_operations"] and "power_on" not in rec["allowed_operations"]


async def test_vms_that_cannot_move_are_shut_down(sim, call, until):
    """A VM on the host's local SR cannot be evacuated: XAPI shuts it down before going down."""
    db = sim.db
    _, member = hosts(sim)
    local = [s for s in db.all("SR") if not db.get("SR", s)["shared"]
             and any(db.get("PBD", p)["host"] == member for p in db.referrers("SR", "PBDs", s))][0]
    vm, *others = guests_on(db, member)
    assert others
    vdi = await call("VDI.create", {"SR": local, "virtual_size": 1 << 30, "type": "user",
                                    "sharable": False, "read_only": False, "other_config": {},
                                    "name_label": "local disk"})
    vbd = await call("VBD.create", {"VM": vm, "VDI": vdi, "userdevice": "autodetect",
                                    "bootable": False, "mode": "RW", "type": "Disk",
                                    "empty": False, "other_config": {}, "qos_algorithm_type": "",
                                    "qos_algorithm_params": {}})
    await call("VBD.plug", vbd)
    blockers = await call("host.get_vms_which_prevent_evacuation", member)
    assert blockers[vm] == ["VM_REQUIRES_SR", vm, local]
    await call("host.disable", member)
    await call("host.shutdown", member)
    await until(lambda: not is_live(db, member))
    assert db.get("VM", vm)["power_state"] == "Halted"
    master = sim.master_ref()
    assert all(db.get("VM", v)["resident_on"] == master for v in others)   # these moved
    assert db.get("host", member)["current_operations"] != {}      # until it is powered on


async def test_power_on_modes(sim, call, until):
    db = sim.db
    _, member = hosts(sim)
    assert await error(call, "host.power_on", member) == ["HOST_IS_LIVE", member]
    await call("host.disable", member)
    await call("host.shutdown", member)
    await until(lambda: not is_live(db, member))
    await until(lambda: "power_on" in db.get("host", member)["allowed_operations"])
    await call("host.set_power_on_mode", member, "", {})
    assert await error(call, "host.power_on", member) == ["HOST_POWER_ON_MODE_DISABLED"]
    assert "power_on" not in db.get("host", member)["allowed_operations"]
    await call("host.set_power_on_mode", member, "IPMI", {"power_on_ip": "192.0.2.9"})
    assert await error(call, "host.power_on", member) == [
        "XENAPI_PLUGIN_FAILURE", "main", "KeyError", "'power_on_user'"]
    await call("host.set_power_on_mode", member, "DRAC", {})
    assert await error(call, "host.power_on", member) == [
        "XENAPI_PLUGIN_FAILURE", "main", "ModuleNotFoundError", "No module named 'DRAC'"]
    await call("host.set_power_on_mode", member, "wake-on-lan", {})
    await call("host.power_on", member)
    rec = db.get("host", member)
    assert is_live(db, member) and rec["enabled"] and rec["current_operations"] == {}


async def test_other_operation_in_progress_names_the_task(start_sim, until):
    """valid_operations: while VMs leave (evacuate), none may arrive: OTHER_OPERATION_IN_PROGRESS
    ["host", host, operation, task]."""
    from xapi_sim.methods.host import host_table
    running = await start_sim(op_time=0.5)
    sim = running.sim
    session = await login(sim)
    _, member = hosts(sim)
    await sim.call("host.disable", [session, member])
    task = await sim.call("Async.host.evacuate", [session, member])
    await until(lambda: sim.db.get("host", member)["current_operations"] == {task: "evacuate"})
    refused = host_table(sim.db, member)["vm_migrate"]
    assert refused.description == ["OTHER_OPERATION_IN_PROGRESS", "host", member, "evacuate",
                                   task]
    assert "vm_migrate" not in sim.db.get("host", member)["allowed_operations"]
    await until(lambda: sim.db.get("task", task)["status"] != "pending", timeout=20)
    assert sim.db.get("task", task)["status"] == "success"


# ---- over sockets: a member's address goes silent, the master's reboot ---------------------
async def _status(http, url):
    try:
        reply = await jsonrpc(http, url, "session.login_with_password", ["root", "xcplite"])
        return "answers" if "result" in reply or "error" in reply else "odd"
    except aiohttp.ClientError:
        return "refused"


async def test_a_member_going_down_stops_answering(start_sim, http, until):
    running = await start_sim(op_time=0.3)
    sim = running.sim
    session = await login(sim)
    _, member = hosts(sim)
    address = sim.db.get("host", member)["address"]
    member_url = running.config.origin(address)
    assert await _status(http, member_url) == "answers"           # HOST_IS_SLAVE
    await sim.call("host.disable", [session, member])
    await sim.call("host.reboot", [session, member])
    await until(lambda: not is_live(sim.db, member))
    assert not running.listening(address)
    assert await _status(http, member_url) == "refused"
    assert await _status(http, running.url) == "answers"          # the master is fine
    await until(lambda: is_live(sim.db, member))
    await until(lambda: running.listening(address))
    assert await _status(http, member_url) == "answers"


async def test_master_reboot_drops_connections_and_sessions(start_sim, http, until):
    running = await start_sim(op_time=0.3)
    sim = running.sim
    master, _ = hosts(sim)
    reply = await jsonrpc(http, running.url, "session.login_with_password", ["root", "xcplite"])
    session = reply["result"]
    assert (await jsonrpc(http, running.url, "host.disable", [session, master]))["result"] == ""
    reply = await jsonrpc(http, running.url, "host.reboot", [session, master])
    assert reply["result"] == ""                      # the call's reply arrives before the fall
    await until(lambda: not running.listening(running.config.addresses[0]), timeout=10)
    assert await _status(http, running.url) == "refused"
    assert not sim.sessions.valid(session)
    await until(lambda: running.listening(running.config.addresses[0]), timeout=10)
    reply = await jsonrpc(http, running.url, "host.get_record", [session, master])
    assert error_description(reply["error"]) == ["SESSION_INVALID", session]
    fresh = (await jsonrpc(http, running.url, "session.login_with_password",
                           ["root", "xcplite"]))["result"]
    rec = (await jsonrpc(http, running.url, "host.get_record", [fresh, master]))["result"]
    assert rec["enabled"] is True and rec["current_operations"] == {}
    metrics = (await jsonrpc(http, running.url, "host_metrics.get_live",
                             [fresh, rec["metrics"]]))["result"]
    assert metrics is True


@pytest.mark.parametrize("seconds", [0.0])
async def test_boot_is_cancelled_with_the_simulator(start_sim, seconds):
    """A host still booting when the pool stops leaves no job behind."""
    running = await start_sim(op_time=5.0)
    sim = running.sim
    session = await login(sim)
    _, member = hosts(sim)
    await sim.call("host.disable", [session, member])
    await sim.call("host.reboot", [session, member])
    await asyncio.sleep(seconds)
    assert sim.jobs
    await running.stop()
    await asyncio.sleep(0)
    assert all(job.done() for job in sim.jobs) or not sim.jobs


async def test_a_restart_fault_leaves_a_host_that_is_down_silent(start_sim, until):
    running = await start_sim(op_time=0.05)
    sim = running.sim
    session = await login(sim)
    _, member = hosts(sim)
    address = sim.db.get("host", member)["address"]
    await sim.call("host.disable", [session, member])
    await sim.call("host.shutdown", [session, member])
    await until(lambda: not running.listening(address))
    await running.faults.restart(down=0.01)
    assert running.listening(running.config.addresses[0]) and not running.listening(address)
