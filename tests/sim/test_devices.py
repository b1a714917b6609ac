"""VBD and VIF operations of the simulator: device slots, hotplug rules, removable media, events."""
from support.waiting import until as wait_until
from infrafixtures import (NULL, cd_vbd, changes, default_sr, disk_vbds, error, guests, iso_vdis,
                           token, vbd_record, vdi_record, vif_record)
from xapi_sim import vmstate


async def new_disk(call, db):
    return await call("VDI.create", vdi_record(default_sr(db)))


def running(db):
    return guests(db, "Running")[0]


async def halted(db):
    vm = guests(db, "Running")[-1]
    vmstate.enter_halted(db, vm)
    return vm


# ---- VBD.create -----------------------------------------------------------------------------
async def test_create_autodetects_the_next_free_slot_and_bumps_both_sides(sim, call):
    db = sim.db
    vm, vdi = running(db), await new_disk(call, db)
    used = set(db.get("VBD", b)["userdevice"] for b in db.referrers("VM", "VBDs", vm))
    since = await token(call)
    vbd = await call("VBD.create", vbd_record(vm, vdi))
    rec = await call("VBD.get_record", vbd)
    expected = min(n for n in range(255) if str(n) not in used)
    assert rec["userdevice"] == str(expected)
    assert (rec["currently_attached"], rec["device"], rec["VM"], rec["VDI"]) == (False, "", vm, vdi)
    assert "plug" in rec["allowed_operations"]
    found = await changes(call, since, ["vbd", "vm", "vdi"])
    assert found == {("vbd", vbd): "add", ("vm", vm): "mod", ("vdi", vdi): "mod"}
    assert vbd in (await call("VM.get_VBDs", vm)) and vbd in (await call("VDI.get_VBDs", vdi))


async def test_create_refuses_a_used_or_invalid_slot(sim, call):
    db = sim.db
    vm, vdi = running(db), await new_disk(call, db)
    assert await error(call, "VBD.create", vbd_record(vm, vdi, "0")) == [
        "DEVICE_ALREADY_EXISTS", "0"]
    assert await error(call, "VBD.create", vbd_record(vm, vdi, "xvda")) == [
        "DEVICE_ALREADY_EXISTS", "xvda"]
    assert await error(call, "VBD.create", vbd_record(vm, vdi, "floppy9")) == [
        "INVALID_DEVICE", "floppy9"]


async def test_create_constructor_rules(sim, call):
    db = sim.db
    vm, vdi = running(db), await new_disk(call, db)
    assert await error(call, "VBD.create", vbd_record(vm, vdi, type="CD")) == [
        "VBD_CDS_MUST_BE_READONLY"]
    assert await error(call, "VBD.create", vbd_record(vm, NULL, empty=True)) == [
        "VBD_NOT_REMOVABLE_MEDIA", "in constructor"]
    # XAPI declares VDI_IS_NOT_ISO but never raises it: a CD drive takes any VDI (xapi_vbd.ml)
    cd = await call("VBD.create", vbd_record(vm, vdi, type="CD", mode="RO"))
    assert db.get("VBD", cd)["VDI"] == vdi
    readonly = await call("VDI.create", vdi_record(default_sr(db), read_only=True))
    assert await error(call, "VBD.create", vbd_record(vm, readonly)) == ["VDI_READONLY", readonly]


# ---- hotplug --------------------------------------------------------------------------------
async def test_plug_and_unplug_on_a_running_vm(sim, call):
    db = sim.db
    vm, vdi = running(db), await new_disk(call, db)
    vbd = await call("VBD.create", vbd_record(vm, vdi, "7"))
    await call("VBD.plug", vbd)
    rec = db.get("VBD", vbd)
    assert (rec["currently_attached"], rec["device"]) == (True, "xvdh")
    assert "unplug" in rec["allowed_operations"] and "plug" not in rec["allowed_operations"]
    assert await error(call, "VBD.plug", vbd) == ["DEVICE_ALREADY_ATTACHED", vbd]
    assert await error(call, "VBD.destroy", vbd) == [
        "OPERATION_NOT_ALLOWED", "VBD '%s' still attached to '%s'"
        % (rec["uuid"], db.get("VM", vm)["uuid"])]
    await call("VBD.unplug", vbd)
    assert not db.get("VBD", vbd)["currently_attached"]
    assert await error(call, "VBD.unplug", vbd) == ["DEVICE_ALREADY_DETACHED", vbd]
    await call("VBD.destroy", vbd)
    assert not db.exists("VBD", vbd) and vbd not in await call("VM.get_VBDs", vm)


async def test_plug_needs_a_running_vm(sim, call):
    db = sim.db
    vm = await halted(db)
    vbd = await call("VBD.create", vbd_record(vm, await new_disk(call, db)))
    assert await error(call, "VBD.plug", vbd) == ["VM_BAD_POWER_STATE", vm, "running", "halted"]
    assert "plug" not in db.get("VBD", vbd)["allowed_operations"]


async def test_hvm_hotplug_needs_pv_drivers(sim, call):
    db = sim.db
    vm = running(db)
    db.update("VM", vm, {"domain_type": "hvm", "guest_metrics": NULL})
    vbd = await call("VBD.create", vbd_record(vm, await new_disk(call, db)))
    assert await error(call, "VBD.plug", vbd) == ["VM_MISSING_PV_DRIVERS", vm]
    vif = await call("VIF.create", vif_record(vm, db.all("network")[0]))
    assert await error(call, "VIF.plug", vif) == ["VM_MISSING_PV_DRIVERS", vm]


async def test_hvm_cd_drives_are_not_hot_unplugged(sim, call):
    db = sim.db
    vm = running(db)
    db.set("VM", vm, "domain_type", "hvm")
    cd = cd_vbd(db, vm)
    assert db.get("VBD", cd)["currently_attached"]
    assert await error(call, "VBD.unplug", cd) == [
        "OPERATION_NOT_ALLOWED", "HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected"]


async def test_not_unpluggable(sim, call):
    db = sim.db
    vm = running(db)
    vbd = await call("VBD.create", vbd_record(vm, await new_disk(call, db), unpluggable=False))
    await call("VBD.plug", vbd)
    assert await error(call, "VBD.unplug", vbd) == ["VBD_NOT_UNPLUGGABLE", vbd]


async def test_async_plug_shows_the_operation(sim, call):
    db = sim.db
    vbd = await call("VBD.create", vbd_record(running(db), await new_disk(call, db)))
    seen = []
    db.listeners.append(lambda: seen.append(dict(db.get("VBD", vbd)["current_operations"])))
    task = await call("Async.VBD.plug", vbd)
    await wait_until(lambda: db.get("task", task)["status"] != "pending")
    assert {task: "plug"} in seen and db.get("task", task)["status"] == "success"
    assert db.get("VBD", vbd)["current_operations"] == {}


# ---- removable media ------------------------------------------------------------------------
async def test_eject_and_insert(sim, call):
    db = sim.db
    vm = running(db)
    cd = cd_vbd(db, vm)
    iso = iso_vdis(db)[0]
    if not db.get("VBD", cd)["empty"]:
        await call("VBD.eject", cd)
    assert (db.get("VBD", cd)["empty"], db.get("VBD", cd)["VDI"]) == (True, NULL)
    assert await error(call, "VBD.eject", cd) == ["VBD_IS_EMPTY", cd]
    assert "insert" in db.get("VBD", cd)["allowed_operations"]
    since = await token(call)
    await call("VBD.insert", cd, iso)
    assert (db.get("VBD", cd)["empty"], db.get("VBD", cd)["VDI"]) == (False, iso)
    assert (await changes(call, since, ["vdi"]))[("vdi", iso)] == "mod"
    assert await error(call, "VBD.insert", cd, iso) == ["VBD_NOT_EMPTY", cd]
    assert "eject" in db.get("VBD", cd)["allowed_operations"]


async def test_insert_rules(sim, call):
    db = sim.db
    vm = running(db)
    disk = disk_vbds(db, vm)[0]
    iso, vdi = iso_vdis(db)[0], await new_disk(call, db)
    assert await error(call, "VBD.insert", disk, iso) == ["VBD_NOT_REMOVABLE_MEDIA", disk]
    assert await error(call, "VBD.eject", disk) == ["VBD_NOT_REMOVABLE_MEDIA", disk]
    cd = cd_vbd(db, vm)
    if not db.get("VBD", cd)["empty"]:
        await call("VBD.eject", cd)
    await call("VBD.insert", cd, vdi)       # no ISO check in XAPI (xapi_vbd.assert_ok_to_insert)
    assert db.get("VBD", cd)["VDI"] == vdi


async def test_no_media_change_while_suspended(sim, call):
    db = sim.db
    vm = running(db)
    vmstate.enter_suspended(db, vm)
    cd = cd_vbd(db, vm)
    op, args = ("VBD.eject", [cd]) if not db.get("VBD", cd)["empty"] else \
        ("VBD.insert", [cd, iso_vdis(db)[0]])
    assert await error(call, op, *args) == ["VM_BAD_POWER_STATE", vm, "halted, running",
                                            "suspended"]


# ---- VIF ------------------------------------------------------------------------------------
async def test_vif_create_generates_a_mac(sim, call):
    db = sim.db
    vm, net = running(db), db.all("network")[0]
    since = await token(call)
    vif = await call("VIF.create", vif_record(vm, net))
    rec = await call("VIF.get_record", vif)
    octets = [int(x, 16) for x in rec["MAC"].split(":")]
    assert len(octets) == 6 and octets[0] & 0x03 == 0x02      # locally administered, unicast
    assert rec["MAC_autogenerated"] and not rec["currently_attached"]
    assert (await changes(call, since, ["vif", "vm", "network"])) == {
        ("vif", vif): "add", ("vm", vm): "mod", ("network", net): "mod"}
    fixed = await call("VIF.create", vif_record(vm, net, "6", "02:11:22:33:44:55"))
    assert (db.get("VIF", fixed)["MAC"], db.get("VIF", fixed)["MAC_autogenerated"]) == (
        "02:11:22:33:44:55", False)


async def test_vif_create_errors(sim, call):
    db = sim.db
    vm, net = running(db), db.all("network")[0]
    assert await error(call, "VIF.create", vif_record(vm, net, "0")) == [
        "DEVICE_ALREADY_EXISTS", "0"]
    assert await error(call, "VIF.create", vif_record(vm, net, "eth0")) == [
        "INVALID_DEVICE", "eth0"]
    assert await error(call, "VIF.create", vif_record(vm, net, mac="zz:11")) == [
        "MAC_INVALID", "zz:11"]


async def test_vif_plug_unplug_destroy(sim, call):
    db = sim.db
    vm = running(db)
    vif = await call("VIF.create", vif_record(vm, db.all("network")[0]))
    await call("VIF.plug", vif)
    assert db.get("VIF", vif)["currently_attached"]
    assert await error(call, "VIF.plug", vif) == ["DEVICE_ALREADY_ATTACHED", vif]
    description = await error(call, "VIF.destroy", vif)
    assert description[0] == "OPERATION_NOT_ALLOWED"
    await call("VIF.unplug", vif)
    assert await error(call, "VIF.unplug", vif) == ["DEVICE_ALREADY_DETACHED", vif]
    await call("VIF.destroy", vif)
    assert not db.exists("VIF", vif)


async def test_vif_plug_needs_a_running_vm(sim, call):
    db = sim.db
    vm = await halted(db)
    vif = await call("VIF.create", vif_record(vm, db.all("network")[0]))
    assert await error(call, "VIF.plug", vif) == ["VM_BAD_POWER_STATE", vm, "running", "halted"]
    assert db.get("VIF", vif)["allowed_operations"] == ["attach"]


async def test_vif_move(sim, call):
    db = sim.db
    vif = sorted(db.referrers("VM", "VIFs", running(db)))[0]
    old = db.get("VIF", vif)["network"]
    new = [n for n in sorted(db.all("network")) if n != old][0]
    since = await token(call)
    await call("VIF.move", vif, new)
    assert db.get("VIF", vif)["network"] == new
    assert db.get("VIF", vif)["currently_attached"]
    found = await changes(call, since, ["vif", "network"])
    assert found == {("vif", vif): "mod", ("network", old): "mod", ("network", new): "mod"}
    bogus = "OpaqueRef:22222222-2222-2222-2222-222222222222"
    assert await error(call, "VIF.move", vif, bogus) == ["HANDLE_INVALID", "network", bogus]
