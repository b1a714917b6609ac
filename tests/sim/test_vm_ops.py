"""VM operations end to end: operations in progress, cancel, placement, side effects, messages,
migration, copies, and the Async/sync task contract (reference §4, §5.3, checklist 18-21)."""
import asyncio

from vmfixtures import install, make_vm, point_disks_at, pool
from support.waiting import until

NULL = "OpaqueRef:NULL"
GiB = 1024 ** 3


def task_of(p, task):
    return p.db.get("task", task)


async def finished(p, task):
    await until(lambda: task_of(p, task)["status"] != "pending")
    return task_of(p, task)


# ---- operations in progress ----------------------------------------------------------------
async def test_running_operation_shows_in_current_operations_and_narrows_allowed():
    p = await pool(op_time=0.2)
    vm = await make_vm(p, "Running")
    task = await p.call("Async.VM.clean_shutdown", vm)
    await until(lambda: p.vm(vm)["current_operations"])
    assert p.vm(vm)["current_operations"] == {task: "clean_shutdown"}
    assert sorted(p.vm(vm)["allowed_operations"]) == ["hard_reboot", "hard_shutdown"]
    await until(lambda: task_of(p, task)["progress"] > 0)
    assert (await p.error("VM.suspend", vm)) == [
        "OTHER_OPERATION_IN_PROGRESS", "VM", vm, "clean_shutdown", task]
    assert (await finished(p, task))["status"] == "success"
    rec = p.vm(vm)
    assert rec["power_state"] == "Halted" and rec["current_operations"] == {}
    assert "start" in rec["allowed_operations"]


async def test_cancel_leaves_the_vm_as_it_was():
    p = await pool(op_time=0.3)
    vm = await make_vm(p, "Running")
    before = p.vm(vm)
    task = await p.call("Async.VM.suspend", vm)
    await until(lambda: p.vm(vm)["current_operations"])
    await p.call("task.cancel", task)
    rec = await finished(p, task)
    assert rec["status"] == "cancelled"
    assert rec["error_info"] == ["TASK_CANCELLED", task]
    after = p.vm(vm)
    assert after["power_state"] == "Running" and after["current_operations"] == {}
    assert after["suspend_VDI"] == NULL and after["domid"] == before["domid"]
    assert sorted(after["allowed_operations"]) == sorted(before["allowed_operations"])


async def test_hard_shutdown_cancels_a_clean_shutdown():
    p = await pool(op_time=0.5)
    vm = await make_vm(p, "Running")
    clean = await p.call("Async.VM.clean_shutdown", vm)
    await until(lambda: p.vm(vm)["current_operations"])
    await p.call("VM.hard_shutdown", vm)
    assert (await finished(p, clean))["status"] == "cancelled"
    assert p.vm(vm)["power_state"] == "Halted"
    bodies = [m["body"] for m in p.sim.messages.records.values() if m["name"] == "VM_SHUTDOWN"]
    assert bodies == ["VM 'test-vm' shutdown forcibly"]


# ---- placement -----------------------------------------------------------------------------
async def test_start_places_on_affinity_then_on_most_free_memory():
    p = await pool()
    vm = await install(p)
    await p.call("VM.set_affinity", vm, p.member)
    await p.call("VM.start", vm, False, False)
    assert p.vm(vm)["resident_on"] == p.member
    await p.call("VM.hard_shutdown", vm)
    p.db.set("host", p.member, "enabled", False)
    await p.call("VM.start", vm, False, False)
    assert p.vm(vm)["resident_on"] == p.master  # affinity host disabled


async def test_start_errors_for_disabled_full_or_unreachable_hosts():
    p = await pool()
    vm = await install(p)
    p.db.set("host", p.member, "enabled", False)
    assert await p.error("VM.start_on", vm, p.member, False, False) == ["HOST_DISABLED", p.member]
    p.db.set("host", p.master, "enabled", False)
    assert await p.error("VM.start", vm, False, False) == ["NO_HOSTS_AVAILABLE"]
    p.db.set("host", p.master, "enabled", True)
    await p.call("VM.set_memory_limits", vm, GiB, 4096 * GiB, 4096 * GiB, 4096 * GiB)
    err = await p.error("VM.start_on", vm, p.master, False, False)
    assert err[:2] == ["HOST_NOT_ENOUGH_FREE_MEMORY", str(4096 * GiB)]
    assert p.vm(vm)["power_state"] == "Halted" and p.vm(vm)["current_operations"] == {}
    assert await p.call("VM.get_possible_hosts", vm) == []


async def test_local_disk_pins_a_vm_to_its_host():
    p = await pool()
    vm = await install(p)
    local = [s for s in p.db.all("SR") if p.db.get("SR", s)["name_label"] == "Local storage"
             and p.db.get("PBD", p.db.find("PBD", SR=s)[0])["host"] == p.master][0]
    copy = await p.call("VM.copy", vm, "local copy", local)
    assert await p.call("VM.get_possible_hosts", copy) == [p.master]
    assert await p.error("VM.assert_can_boot_here", copy, p.member) == [
        "VM_REQUIRES_SR", copy, local]


# ---- side effects and messages -----------------------------------------------------------
async def test_start_reboot_suspend_resume_side_effects():
    p = await pool()
    vm = await make_vm(p, "Running")
    rec = p.vm(vm)
    address = p.db.get("host", p.member)["address"]
    console = p.db.get("console", rec["consoles"][0])
    assert console["location"].startswith("http://%s/console?uuid=" % address)
    assert console["location"].endswith(console["uuid"])
    gm = p.db.get("VM_guest_metrics", rec["guest_metrics"])
    assert gm["live"] and gm["networks"]["0/ip"].startswith("10.")
    assert all(p.db.get("VBD", v)["currently_attached"] for v in rec["VBDs"])
    await p.call("VM.hard_reboot", vm)
    assert p.vm(vm)["domid"] > rec["domid"] and p.vm(vm)["resident_on"] == p.member
    await p.call("VM.suspend", vm)
    image = p.vm(vm)["suspend_VDI"]
    pool_rec = p.db.get("pool", p.db.all("pool")[0])
    assert p.db.get("VDI", image)["SR"] == pool_rec["suspend_image_SR"]
    assert p.db.get("VDI", image)["type"] == "suspend"
    assert p.vm(vm)["consoles"] == [] and p.vm(vm)["resident_on"] == NULL
    await p.call("VM.resume", vm, False, False)
    assert not p.db.exists("VDI", image) and p.vm(vm)["suspend_VDI"] == NULL
    await p.call("VM.clean_shutdown", vm)
    gm = p.db.get("VM_guest_metrics", p.vm(vm)["guest_metrics"])
    assert gm is not None and gm["live"] is False  # XAPI keeps the record when the VM halts


async def test_lifecycle_messages():
    p = await pool()
    vm = await make_vm(p, "Running")
    for op, args in (("pause", ()), ("unpause", ()), ("clean_reboot", ()), ("suspend", ()),
                     ("resume_on", (p.member, False, False)), ("clean_shutdown", ())):
        await p.call("VM." + op, vm, *args)
    host = p.db.get("host", p.member)
    uuid = p.vm(vm)["uuid"]
    mine = sorted((m["timestamp"].value if hasattr(m["timestamp"], "value") else 0, i, m)
                  for i, m in enumerate(p.sim.messages.records.values()) if m["obj_uuid"] == uuid)
    got = [(m["name"], m["body"]) for _, _, m in mine]
    on = " on host: %s (uuid: %s)" % (host["name_label"], host["uuid"])
    assert got == [("VM_STARTED", "VM 'test-vm' started" + on),
                   ("VM_PAUSED", "VM 'test-vm' paused"), ("VM_UNPAUSED", "VM 'test-vm' unpaused"),
                   ("VM_REBOOTED", "VM 'test-vm' rebooted cleanly"),
                   ("VM_SUSPENDED", "VM 'test-vm' suspended"),
                   ("VM_RESUMED", "VM 'test-vm' resumed" + on),
                   ("VM_SHUTDOWN", "VM 'test-vm' shutdown")]
    assert all(m["priority"] == 5 and m["cls"] == "VM" for _, _, m in mine)


async def test_pool_migrate_moves_the_vm_and_its_console():
    p = await pool()
    vm = await make_vm(p, "Running")
    await p.call("VM.pool_migrate", vm, p.master, {})
    rec = p.vm(vm)
    assert rec["resident_on"] == p.master and rec["power_state"] == "Running"
    address = p.db.get("host", p.master)["address"]
    assert p.db.get("console", rec["consoles"][0])["location"].startswith("http://%s/" % address)
    await p.call("VM.pool_migrate", vm, p.master, {})  # XAPI's localhost migration is allowed
    halted = await make_vm(p, "Halted", "other")
    assert await p.error("VM.pool_migrate", halted, p.master, {}) == [
        "VM_BAD_POWER_STATE", halted, "running", "halted"]
    p.db.set("host", p.member, "enabled", False)
    assert await p.error("VM.pool_migrate", vm, p.member, {}) == ["HOST_DISABLED", p.member]


# ---- copies ----------------------------------------------------------------------------------
async def test_snapshot_checkpoint_and_revert():
    p = await pool()
    vm = await make_vm(p, "Running")
    disks = sorted(p.db.get("VBD", v)["VDI"] for v in p.vm(vm)["VBDs"])
    snap = await p.call("VM.snapshot", vm, "snap")
    s = p.vm(snap)
    assert s["is_a_snapshot"] and s["is_a_template"] and s["snapshot_of"] == vm
    assert s["power_state"] == "Halted" and snap in p.vm(vm)["snapshots"]
    assert s["snapshot_info"] == {"power-state-at-snapshot": "Running"}
    snap_vdi = p.db.get("VDI", p.db.get("VBD", s["VBDs"][0])["VDI"])
    assert snap_vdi["is_a_snapshot"] and snap_vdi["snapshot_of"] in disks
    cp = await p.call("VM.checkpoint", vm, "cp")
    assert p.vm(cp)["power_state"] == "Suspended" and p.vm(cp)["suspend_VDI"] != NULL
    assert p.vm(vm)["power_state"] == "Running"
    assert await p.error("VM.revert", vm) == ["REVERT_ONLY_ALLOWED_ON_SNAPSHOT"]
    await p.call("VM.set_VCPUs_number_live", vm, 1)
    await p.call("VM.revert", snap)
    rec = p.vm(vm)
    assert rec["power_state"] == "Halted" and rec["VCPUs_at_startup"] == s["VCPUs_at_startup"]
    new_disks = sorted(p.db.get("VBD", v)["VDI"] for v in rec["VBDs"])
    assert set(new_disks).isdisjoint(disks)
    assert not any(p.db.exists("VDI", d) for d in disks)  # the old disks are freed
    await p.call("VM.revert", cp)
    assert p.vm(vm)["power_state"] == "Suspended" and p.vm(vm)["suspend_VDI"] != NULL


async def test_clone_copy_of_a_template_stays_a_template():
    p = await pool()
    template = p.template()
    label = p.vm(template)["name_label"]
    clone = await p.call("VM.clone", template, "my template")
    rec = p.vm(clone)
    assert rec["is_a_template"] and not rec["is_default_template"]
    assert rec["other_config"]["base_template_name"] == label
    assert "default_template" not in rec["other_config"]
    assert await p.error("VM.start", clone, False, False) == ["VM_IS_TEMPLATE", clone, "start"]
    assert await p.error("VM.provision", (await make_vm(p, "Halted"))) == [
        "PROVISION_ONLY_ALLOWED_ON_TEMPLATE"]
    await point_disks_at(p, clone, p.default_sr_uuid())
    await p.call("VM.provision", clone)
    vbds = p.vm(clone)["VBDs"]
    vdi = p.db.get("VDI", p.db.get("VBD", vbds[0])["VDI"])
    assert len(vbds) == 1 and vdi["virtual_size"] == 10 * GiB
    assert vdi["SR"] == p.db.get("pool", p.db.all("pool")[0])["default_SR"]
    assert "disks" not in p.vm(clone)["other_config"] and not p.vm(clone)["is_a_template"]


async def test_destroy_keeps_disks_and_orphans_snapshots():
    p = await pool()
    vm = await make_vm(p, "Running")
    snap = await p.call("VM.snapshot", vm, "keep")
    rec = p.vm(vm)
    assert await p.error("VM.destroy", vm) == ["VM_BAD_POWER_STATE", vm, "halted, suspended",
                                               "running"]
    await p.call("VM.hard_shutdown", vm)
    vdis = [p.db.get("VBD", v)["VDI"] for v in rec["VBDs"]]
    await p.call("VM.destroy", vm)
    assert not p.db.exists("VM", vm) and all(p.db.exists("VDI", v) for v in vdis)
    assert not any(p.db.exists("VBD", v) for v in rec["VBDs"])
    assert not p.db.exists("VM_metrics", rec["metrics"])
    assert p.vm(snap)["snapshot_of"] == NULL
    template = p.template()
    assert await p.error("VM.destroy", template) == ["VM_IS_TEMPLATE", template, "destroy"]
    dom0 = p.dom0()
    assert await p.error("VM.destroy", dom0) == ["VM_BAD_POWER_STATE", dom0, "halted, suspended",
                                                 "running"]


async def test_set_is_a_template_needs_a_halted_vm():
    p = await pool()
    vm = await make_vm(p, "Running")
    assert await p.error("VM.set_is_a_template", vm, True) == [
        "VM_BAD_POWER_STATE", vm, "halted", "running"]
    await p.call("VM.hard_shutdown", vm)
    await p.call("VM.set_is_a_template", vm, True)
    assert p.vm(vm)["is_a_template"] and "start" not in p.vm(vm)["allowed_operations"]


# ---- tasks -------------------------------------------------------------------------------------
async def test_async_start_and_clone_results():
    p = await pool(op_time=0.1)
    vm = await make_vm(p, "Halted")
    task = await p.call("Async.VM.start", vm, False, False)
    assert task.startswith("OpaqueRef:") and task_of(p, task)["status"] == "pending"
    rec = await finished(p, task)
    assert (rec["status"], rec["progress"], rec["result"]) == ("success", 1.0, "<value></value>")
    await p.call("VM.hard_shutdown", vm)
    task = await p.call("Async.VM.clone", vm, "clone")
    rec = await finished(p, task)
    ref = rec["result"][len("<value>"):-len("</value>")]
    assert rec["result"].startswith("<value>OpaqueRef:") and p.db.exists("VM", ref)
    task = await p.call("Async.VM.suspend", vm)
    rec = await finished(p, task)
    assert rec["status"] == "failure"
    assert rec["error_info"] == ["VM_BAD_POWER_STATE", vm, "running", "halted"]


async def test_sync_call_creates_and_destroys_a_task():
    p = await pool(op_time=0.1)
    vm = await make_vm(p, "Halted")
    token = await p.call("event.from", ["task"], "", 0.0)
    call = asyncio.ensure_future(p.call("VM.start", vm, False, False))
    first = await p.call("event.from", ["task"], token["token"], 5.0)
    added = [e for e in first["events"] if e["operation"] == "add"]
    assert [e["snapshot"]["name_label"] for e in added] == ["VM.start"]
    await call
    second = await p.call("event.from", ["task"], first["token"], 5.0)
    assert [(e["operation"], e["ref"]) for e in second["events"]] == [("del", added[0]["ref"])]
    assert p.vm(vm)["power_state"] == "Running"
