"""SR, PBD and VDI operations of the simulator: records, accounting, XAPI's errors and events."""
import asyncio
import time
import xmlrpc.client

import XenAPI

from xapi_sim import vmstate
from xapi_sim.codecs import xmlrpc as codec

from support.waiting import until as wait_until
from infrafixtures import (GiB, MiB, NULL, changes, default_sr, disk_vbds, error, guests, iso_vdis,
                            token, vbd_record, vdi_record)

LVM_CONFIG = {"device": "/dev/sdd"}          # a 64 GiB disk of every simulated host
NFS_CONFIG = {"server": "nfs.lab.local", "serverpath": "/export/new"}


async def new_sr(call, sim, sr_type="lvm", shared=False, content=""):
    host = sim.master_ref()
    return await call("SR.create", host, LVM_CONFIG, 0, "scratch", "for tests", sr_type,
                      content, shared, {})


async def unplug_all(call, sim, sr):
    for pbd in sorted(sim.db.referrers("SR", "PBDs", sr)):
        await call("PBD.unplug", pbd)


# ---- SR -------------------------------------------------------------------------------------
async def test_sr_create_local_and_shared(sim, call):
    db = sim.db
    local = await new_sr(call, sim)
    rec = await call("SR.get_record", local)
    # the volume group takes the whole device but LVM's metadata, in 4 MiB extents
    assert (rec["type"], rec["shared"], rec["physical_size"]) == ("lvm", False, 64 * GiB - 12 * MiB)
    assert [db.get("PBD", p)["host"] for p in rec["PBDs"]] == [sim.master_ref()]
    shared = await call("SR.create", sim.master_ref(), NFS_CONFIG, 0,
                        "nfs2", "", "nfs", "", True, {})
    pbds = [db.get("PBD", p) for p in db.referrers("SR", "PBDs", shared)]
    assert sorted(p["host"] for p in pbds) == sorted(db.all("host"))
    assert all(p["currently_attached"] and p["device_config"]["server"] == "nfs.lab.local"
               for p in pbds)
    assert db.get("SR", shared)["physical_size"] == 2 * 1024 * GiB     # the export's size
    assert "vdi_create" in db.get("SR", shared)["allowed_operations"]


async def test_sr_create_unknown_type(sim, call):
    assert await error(call, "SR.create", sim.master_ref(), {}, 0, "x", "", "zfs-bogus", "",
                       False, {}) == ["SR_UNKNOWN_DRIVER", "zfs-bogus"]


async def test_supported_types(call):
    assert {"nfs", "iso", "ext", "lvm"} <= set(await call("SR.get_supported_types"))


async def test_scan_touches_the_sr(sim, call):
    sr = default_sr(sim.db)
    since = await token(call)
    await call("SR.scan", sr)
    assert changes_of(await changes(call, since, ["sr"]), "sr") == {sr: "mod"}


def changes_of(found, cls):
    return {ref: op for (c, ref), op in found.items() if c == cls}


async def test_destroy_needs_unplugged_pbds_and_no_disks(sim, call):
    db = sim.db
    sr = await new_sr(call, sim)
    vdi = await call("VDI.create", vdi_record(sr))
    assert await error(call, "SR.destroy", sr) == ["SR_HAS_PBD", sr]
    assert "destroy" not in db.get("SR", sr)["allowed_operations"]
    await unplug_all(call, sim, sr)
    assert await error(call, "SR.destroy", sr) == ["SR_NOT_EMPTY"]
    assert "forget" in db.get("SR", sr)["allowed_operations"]
    assert await error(call, "VDI.destroy", vdi) == ["SR_HAS_NO_PBDS", sr]
    await call("PBD.plug", db.referrers("SR", "PBDs", sr).copy().pop())
    await call("VDI.destroy", vdi)
    await unplug_all(call, sim, sr)
    pbds = sorted(db.referrers("SR", "PBDs", sr))
    await call("SR.destroy", sr)
    assert not db.exists("SR", sr) and not any(db.exists("PBD", p) for p in pbds)


async def test_forget_drops_disks_and_empties_cd_drives(sim, call):
    db = sim.db
    iso_sr = await call("SR.create", sim.master_ref(), {"location": "nfs.lab.local:/export/iso",
                                                        "type": "nfs_iso"}, 0, "isos", "",
                        "iso", "iso", True, {})
    iso = await call("VDI.create", vdi_record(iso_sr, name_label="tools.iso",
                                              sm_config={"path": "tools.iso"}))
    vm = guests(db, "Halted")[0]
    cd = await call("VBD.create", vbd_record(vm, iso, type="CD", mode="RO"))
    assert await error(call, "SR.forget", iso_sr) == ["SR_HAS_PBD", iso_sr]
    await unplug_all(call, sim, iso_sr)
    await call("SR.forget", iso_sr)
    assert not db.exists("VDI", iso) and not db.exists("SR", iso_sr)
    assert (db.get("VBD", cd)["empty"], db.get("VBD", cd)["VDI"]) == (True, NULL)


async def test_destroying_the_default_sr_leaves_the_pool_field_dangling(sim, call):
    """XAPI's database does not cascade a deleted row (ocaml/database/db_cache_impl.ml
    delete_row): the pool still names the SR, which now answers HANDLE_INVALID."""
    db = sim.db
    sr = await new_sr(call, sim)
    pool = db.all("pool")[0]
    await call("pool.set_default_SR", pool, sr)
    assert db.get("pool", pool)["default_SR"] == sr
    await unplug_all(call, sim, sr)
    await call("SR.destroy", sr)
    assert db.get("pool", pool)["default_SR"] == sr
    assert await error(call, "SR.get_record", sr) == ["HANDLE_INVALID", "SR", sr]


async def test_set_default_sr_checks_the_ref_and_emits_pool_mod(sim, call):
    pool = sim.db.all("pool")[0]
    bogus = "OpaqueRef:00000000-0000-0000-0000-000000000000"
    assert await error(call, "pool.set_default_SR", pool, bogus) == ["HANDLE_INVALID", "SR", bogus]
    since = await token(call)
    sr = await new_sr(call, sim)
    await call("pool.set_default_SR", pool, sr)
    assert (await changes(call, since, ["pool"]))[("pool", pool)] == "mod"


async def test_pbd_unplug_refused_while_a_running_vm_uses_the_sr(sim, call):
    db = sim.db
    vm = guests(db, "Running")[0]
    vdi = db.get("VBD", disk_vbds(db, vm)[0])["VDI"]
    sr = db.get("VDI", vdi)["SR"]
    host = db.get("VM", vm)["resident_on"]
    pbd = [p for p in db.referrers("SR", "PBDs", sr) if db.get("PBD", p)["host"] == host][0]
    description = await error(call, "PBD.unplug", pbd)
    assert description[0] == "VDI_IN_USE" and vdi in description[1:]
    assert db.get("PBD", pbd)["currently_attached"]


# ---- VDI ------------------------------------------------------------------------------------
async def test_vdi_create_on_thick_sr_allocates_at_once(sim, call):
    db = sim.db
    sr = await new_sr(call, sim)
    before = dict(db.get("SR", sr))
    vdi = await call("VDI.create", vdi_record(sr, 10 * GiB, name_label="data"))
    rec = await call("VDI.get_record", vdi)
    assert (rec["SR"], rec["virtual_size"], rec["name_label"]) == (sr, 10 * GiB, "data")
    assert rec["managed"] and rec["location"] and not rec["is_a_snapshot"]
    assert set(rec["allowed_operations"]) >= {"clone", "copy", "destroy", "resize", "snapshot"}
    after = db.get("SR", sr)
    assert after["physical_utilisation"] - before["physical_utilisation"] == 10 * GiB
    assert after["virtual_allocation"] - before["virtual_allocation"] == 10 * GiB
    assert vdi in (await call("SR.get_record", sr))["VDIs"]
    assert await error(call, "VDI.create", vdi_record(sr, 60 * GiB)) == [
        "SR_BACKEND_FAILURE_44", "", "There is insufficient space", ""]


async def test_vdi_create_on_thin_sr_only_reserves(sim, call):
    db = sim.db
    sr = default_sr(db)
    before = dict(db.get("SR", sr))
    vdi = await call("VDI.create", vdi_record(sr, 50 * GiB))
    after = db.get("SR", sr)
    # a dynamic VHD starts as its footer, header and block table (25,600 blocks of 2 MiB)
    assert db.get("VDI", vdi)["physical_utilisation"] == 3 * 512 + 4 * 25600
    assert after["physical_utilisation"] == before["physical_utilisation"] + 3 * 512 + 4 * 25600
    assert after["virtual_allocation"] == before["virtual_allocation"] + 50 * GiB


async def test_vdi_create_errors(sim, call):
    db = sim.db
    udev = await call("SR.create", sim.master_ref(), {}, 0, "usb", "", "udev", "", False, {})
    assert await error(call, "VDI.create", vdi_record(udev)) == [
        "SR_OPERATION_NOT_SUPPORTED", udev]
    bogus = "OpaqueRef:11111111-1111-1111-1111-111111111111"
    assert await error(call, "VDI.create", vdi_record(bogus)) == ["HANDLE_INVALID", "SR", bogus]
    missing = vdi_record(default_sr(db))
    del missing["sharable"]
    assert await error(call, "VDI.create", missing) == [
        "INTERNAL_ERROR", 'Server_helpers.Dispatcher_FieldNotFound("sharable")']


async def test_vdi_destroy_refused_while_attached_to_a_running_vm(sim, call):
    db = sim.db
    vm = guests(db, "Running")[0]
    vdi = db.get("VBD", disk_vbds(db, vm)[0])["VDI"]
    assert await error(call, "VDI.destroy", vdi) == ["VDI_IN_USE", vdi, "destroy"]
    assert db.exists("VDI", vdi)


async def test_vdi_allowed_operations_follow_hotplug(sim, call):
    db = sim.db
    vdi = await call("VDI.create", vdi_record(default_sr(db)))
    vbd = await call("VBD.create", vbd_record(guests(db, "Running")[0], vdi))
    assert "destroy" in db.get("VDI", vdi)["allowed_operations"]
    await call("VBD.plug", vbd)
    assert set(db.get("VDI", vdi)["allowed_operations"]) == {"clone", "snapshot"}
    await call("VBD.unplug", vbd)
    assert "destroy" in db.get("VDI", vdi)["allowed_operations"]


async def test_vdi_destroy_removes_its_vbds_and_accounting(sim, call):
    db = sim.db
    vm = guests(db, "Running")[0]
    vmstate.enter_halted(db, vm)
    vbd = disk_vbds(db, vm)[0]
    vdi = db.get("VBD", vbd)["VDI"]
    rec, sr = db.get("VDI", vdi), db.get("VDI", vdi)["SR"]
    allocated = db.get("SR", sr)["virtual_allocation"]
    since = await token(call)
    await call("VDI.destroy", vdi)
    assert not db.exists("VDI", vdi) and not db.exists("VBD", vbd)
    assert db.get("SR", sr)["virtual_allocation"] == allocated - rec["virtual_size"]
    found = await changes(call, since, ["vdi", "vbd", "sr", "vm"])
    assert found[("vdi", vdi)] == "del" and found[("vbd", vbd)] == "del"
    assert found[("sr", sr)] == "mod" and found[("vm", vm)] == "mod"


async def test_vdi_resize_grows_only(sim, call):
    db = sim.db
    sr = await new_sr(call, sim)
    vdi = await call("VDI.create", vdi_record(sr, 4 * GiB))
    before = db.get("SR", sr)["physical_utilisation"]
    await call("VDI.resize", vdi, 6 * GiB)
    assert db.get("VDI", vdi)["virtual_size"] == 6 * GiB
    assert db.get("SR", sr)["physical_utilisation"] == before + 2 * GiB
    assert await error(call, "VDI.resize", vdi, 2 * GiB) == [
        "SR_BACKEND_FAILURE_79", "", "VDI Invalid size [opterr=shrinking not allowed]", ""]
    assert db.get("VDI", vdi)["virtual_size"] == 6 * GiB


async def test_vdi_resize_refused_while_attached(sim, call):
    db = sim.db
    vdi = db.get("VBD", disk_vbds(db, guests(db, "Running")[0])[0])["VDI"]
    assert await error(call, "VDI.resize", vdi, 10 ** 13) == ["VDI_IN_USE", vdi, "resize"]


async def test_vdi_clone_and_snapshot(sim, call):
    db = sim.db
    sr = default_sr(db)
    vdi = await call("VDI.create", vdi_record(sr, 3 * GiB, name_label="base"))
    clone = await call("VDI.clone", vdi)
    snap = await call("VDI.snapshot", vdi, {})
    c, s = db.get("VDI", clone), db.get("VDI", snap)
    assert (c["SR"], c["virtual_size"], c["name_label"], c["is_a_snapshot"]) == (
        sr, 3 * GiB, "base", False)
    assert (s["is_a_snapshot"], s["snapshot_of"]) == (True, vdi)
    assert s["snapshot_time"] != "19700101T00:00:00Z"
    assert (await call("VDI.get_record", vdi))["snapshots"] == [snap]
    assert c["location"] != db.get("VDI", vdi)["location"]


async def test_snapshot_of_an_iso_is_not_supported(sim, call):
    iso = iso_vdis(sim.db)[0]
    sr = sim.db.get("VDI", iso)["SR"]
    assert await error(call, "VDI.snapshot", iso, {}) == ["SR_OPERATION_NOT_SUPPORTED", sr]


async def test_vdi_copy_to_another_sr_async(sim, call):
    db = sim.db
    vdi = await call("VDI.create", vdi_record(default_sr(db), 2 * GiB, name_label="src"))
    target = await new_sr(call, sim)
    before = db.get("SR", target)["physical_utilisation"]
    task = await call("Async.VDI.copy", vdi, target, NULL, NULL)
    await wait_until(lambda: db.get("task", task)["status"] != "pending")
    rec = db.get("task", task)
    assert rec["status"] == "success", rec["error_info"]
    copy = [v for v in db.all("VDI") if v != vdi and db.get("VDI", v)["SR"] == target][0]
    assert rec["result"] == codec.value_fragment(copy)
    new = db.get("VDI", copy)
    assert (new["SR"], new["virtual_size"], new["name_label"]) == (target, 2 * GiB, "src")
    assert db.get("SR", target)["physical_utilisation"] == before + 2 * GiB


async def test_vdi_copy_into_an_existing_disk(sim, call):
    db = sim.db
    sr = default_sr(db)
    src = await call("VDI.create", vdi_record(sr, 4 * GiB))
    small = await call("VDI.create", vdi_record(sr, 1 * GiB))
    big = await call("VDI.create", vdi_record(sr, 8 * GiB))
    assert await error(call, "VDI.copy", src, NULL, NULL, small) == [
        "VDI_TOO_SMALL", small, str(4 * GiB)]
    assert await call("VDI.copy", src, NULL, NULL, big) == big


async def test_name_setters_are_implicit(sim, call):
    vdi = await call("VDI.create", vdi_record(default_sr(sim.db)))
    await call("VDI.set_name_label", vdi, "renamed")
    await call("VDI.set_name_description", vdi, "described")
    rec = await call("VDI.get_record", vdi)
    assert (rec["name_label"], rec["name_description"]) == ("renamed", "described")


async def test_operation_shows_in_current_operations(sim, call):
    db = sim.db
    vdi = await call("VDI.create", vdi_record(default_sr(db)))
    seen = []
    db.listeners.append(lambda: seen.append(dict(db.get("VDI", vdi)["current_operations"])))
    task = await call("Async.VDI.clone", vdi, {})
    await wait_until(lambda: db.get("task", task)["status"] != "pending")
    assert {task: "clone"} in seen
    assert db.get("VDI", vdi)["current_operations"] == {}


async def test_disk_lifecycle_with_the_xenapi_sdk(running):
    """The official SDK over XML-RPC: create, Async clone (task result), resize, failure, destroy."""
    def scenario():
        session = XenAPI.Session(running.url)
        session.xenapi.login_with_password("root", "xcplite", "1.0", "xcplite-tests")
        x = session.xenapi
        try:
            pool = x.pool.get_all()[0]
            vdi = x.VDI.create(vdi_record(x.pool.get_default_SR(pool), str(GiB)))
            task = x.Async.VDI.clone(vdi, {})
            while x.task.get_status(task) == "pending":
                time.sleep(0.01)
            wrapped = "<methodResponse><params><param>%s</param></params></methodResponse>"
            clone = xmlrpc.client.loads(wrapped % x.task.get_result(task))[0][0]
            x.VDI.resize(vdi, str(2 * GiB))
            try:
                x.VDI.resize(vdi, "1")
                shrunk = None
            except XenAPI.Failure as err:
                shrunk = err.details
            x.VDI.destroy(clone)
            return vdi, clone, x.VDI.get_virtual_size(vdi), shrunk
        finally:
            x.session.logout()

    vdi, clone, size, shrunk = await asyncio.to_thread(scenario)
    assert clone.startswith("OpaqueRef:") and clone != vdi
    assert not running.sim.db.exists("VDI", clone)
    assert size == str(2 * GiB) and shrunk[0] == "SR_BACKEND_FAILURE_79"
    assert running.sim.db.exists("VDI", vdi)
