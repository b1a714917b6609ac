"""SR.create per type (the drivers' checks), PBDs (create, plug, unplug, repair after a host could
not reach the storage), SR.scan, SR.destroy / SR.forget / SR.introduce (xapi_sr.ml, xapi_pbd.ml,
message_forwarding.ml; xcp-ng/sm NFSSR.py, EXTSR.py, LVHDSR.py, ISOSR.py)."""
import xml.dom.minidom

import pytest

from infrafixtures import GiB, error, guests, vdi_record

NFS_NEW = {"server": "nfs.lab.local", "serverpath": "/export/new"}
OLD_NFS_SR = "3f2c8a6e-5b1d-4e7a-9c0f-8d4b2a6e1c57"
TiB = 1024 * GiB


def uuids(doc):
    return [n.firstChild.data for n in xml.dom.minidom.parseString(doc).getElementsByTagName("UUID")]


def member(sim):
    return [h for h in sorted(sim.db.all("host")) if h != sim.master_ref()][0]


async def create(call, sim, config, sr_type, shared, host=None, content="user"):
    return await call("SR.create", host or sim.master_ref(), config, 0, "new " + sr_type, "",
                      sr_type, content, shared, {})


def pbds(db, sr):
    return {db.get("PBD", p)["host"]: db.get("PBD", p) for p in db.referrers("SR", "PBDs", sr)}


async def unplug_all(call, db, sr):
    for pbd in sorted(db.referrers("SR", "PBDs", sr)):
        await call("PBD.unplug", pbd)


# ---- create ---------------------------------------------------------------------------------
async def test_probe_then_create_nfs(sim, call):
    db = sim.db
    assert uuids(await call("SR.probe", sim.master_ref(), NFS_NEW, "nfs", {})) == []
    sr = await create(call, sim, dict(NFS_NEW, nfsversion="4.1"), "nfs", True)
    rec = db.get("SR", sr)
    assert (rec["type"], rec["shared"], rec["content_type"]) == ("nfs", True, "user")
    assert rec["physical_size"] == 2 * TiB and rec["virtual_allocation"] == 0
    assert set(pbds(db, sr)) == set(db.all("host"))
    assert all(p["currently_attached"] for p in pbds(db, sr).values())
    assert uuids(await call("SR.probe", sim.master_ref(), NFS_NEW, "nfs", {})) == [rec["uuid"]]
    assert "vdi_create" in rec["allowed_operations"] and "destroy" not in rec["allowed_operations"]


async def test_probe_then_create_ext_on_a_local_disk(sim, call):
    db = sim.db
    host = member(sim)
    doc = await call("SR.probe", host, {"device": "/dev/sdb"}, "ext", {})
    assert uuids(doc) == []
    sr = await create(call, sim, {"device": "/dev/sdb"}, "ext", False, host=host)
    rec = db.get("SR", sr)
    size = (2000398934016 - 12 * 1024 ** 2) // (4 * 1024 ** 2) * 4 * 1024 ** 2
    assert (rec["shared"], rec["physical_size"]) == (False, size)
    assert rec["physical_utilisation"] == size // 64          # the filesystem's own space
    assert list(pbds(db, sr)) == [host] and pbds(db, sr)[host]["currently_attached"]
    assert uuids(await call("SR.probe", host, {"device": "/dev/sdb"}, "ext", {})) == [rec["uuid"]]
    assert await error(call, "SR.create", host, {"device": "/dev/sdb"}, 0, "again", "", "lvm",
                       "user", False, {}) == ["SR_DEVICE_IN_USE"]


@pytest.mark.parametrize("config, expected", [
    ({}, ["SR_BACKEND_FAILURE_90", "", "The request is missing the device parameter", ""]),
    ({"device": "/dev/sda3"}, ["SR_DEVICE_IN_USE"]),
    ({"device": "/dev/sda"}, ["SR_BACKEND_FAILURE_105", "", "Root system device, cannot be used "
                              "for VM storage [opterr=Device /dev/sda contains core system "
                              "files, please use another device]", ""]),
    ({"device": "/dev/sdz"}, ["SR_BACKEND_FAILURE_19", "",
                              "No such device [opterr=Device /dev/sdz does not exist]", ""]),
])
async def test_local_create_errors_leave_nothing_behind(sim, call, config, expected):
    db = sim.db
    before = (db.count("SR"), db.count("PBD"))
    assert await error(call, "SR.create", sim.master_ref(), config, 0, "x", "", "lvm", "user",
                       False, {}) == expected
    assert (db.count("SR"), db.count("PBD")) == before


async def test_nfs_create_errors(sim, call):
    master = sim.master_ref()
    assert (await error(call, "SR.create", master, {"server": "nfs.lab.local"}, 0, "x", "", "nfs",
                        "user", True, {}))[:3] == [
        "SR_BACKEND_FAILURE_101", "", "The request is missing the serverpath parameter"]
    assert await error(call, "SR.create", master, {"server": "nfs.lab.local",
                                                   "serverpath": "/export/iso-ro"}, 0, "x", "",
                       "nfs", "user", True, {}) == [
        "SR_BACKEND_FAILURE_461", "", "The file system for SR cannot be written to. "
        "[opterr=remote filesystem is read-only error is 30]", ""]
    assert await error(call, "SR.create", master, {}, 0, "x", "", "zfs", "", True, {}) == [
        "SR_UNKNOWN_DRIVER", "zfs"]


async def test_create_iso_libraries(sim, call):
    db = sim.db
    nfs = await create(call, sim, {"location": "nfs.lab.local:/export/iso-ro", "type": "nfs_iso"},
                       "iso", True, content="iso")
    assert db.get("SR", nfs)["sm_config"] == {"iso_type": "nfs_iso"}
    assert not db.referrers("SR", "VDIs", nfs)          # images appear with a scan
    await call("SR.scan", nfs)
    names = sorted(db.get("VDI", v)["name_label"] for v in db.referrers("SR", "VDIs", nfs))
    assert "debian-12.8.0-amd64-netinst.iso" in names and len(names) == 5
    assert db.get("SR", nfs)["virtual_allocation"] == db.get("SR", nfs)["physical_size"]
    smb = {"location": r"\\smb.lab.local\isos", "type": "cifs", "username": "xcp",
           "cifspassword": "xcp-secret"}
    assert (await create(call, sim, smb, "iso", True, content="iso")).startswith("OpaqueRef:")
    bad = await error(call, "SR.create", sim.master_ref(), {"location": "nfs.lab.local"}, 0, "x",
                      "", "iso", "iso", True, {})
    assert bad[0] == "SR_BACKEND_FAILURE_225"           # neither server:/path nor \\server\share
    missing = await error(call, "SR.create", sim.master_ref(), {}, 0, "x", "", "iso", "iso",
                          True, {})
    assert missing == ["SR_BACKEND_FAILURE_94", "",
                       "The request is missing the location parameter", ""]


# ---- PBDs -----------------------------------------------------------------------------------
async def test_a_host_that_cannot_reach_the_server_leaves_its_pbd_unplugged(sim, running, call):
    """Repair: plug every unplugged PBD once the storage is reachable again."""
    db = sim.db
    other = member(sim)
    running.faults.storage_unreachable("nfs.lab.local", host=other)
    sr = await create(call, sim, NFS_NEW, "nfs", True)
    states = {h: p["currently_attached"] for h, p in pbds(db, sr).items()}
    assert states == {sim.master_ref(): True, other: False}
    pbd = [p for p in db.referrers("SR", "PBDs", sr) if db.get("PBD", p)["host"] == other][0]
    assert await error(call, "PBD.plug", pbd) == [
        "SR_BACKEND_FAILURE_108", "", "Unable to detect an NFS service on this target.", ""]
    running.faults.storage_unreachable("nfs.lab.local", host=other, on=False)
    for candidate in sorted(db.referrers("SR", "PBDs", sr)):
        if not db.get("PBD", candidate)["currently_attached"]:
            await call("PBD.plug", candidate)
    assert all(p["currently_attached"] for p in pbds(db, sr).values())


async def test_pbd_create_destroy_and_sharing(sim, call):
    db = sim.db
    master, other = sim.master_ref(), member(sim)
    sr = await create(call, sim, {"device": "/dev/nvme0n1"}, "lvm", False)
    pbd = pbds(db, sr)
    assert await error(call, "PBD.create", {"host": master, "SR": sr, "device_config": {},
                                            "other_config": {}}) == [
        "PBD_EXISTS", sr, master, sorted(db.referrers("SR", "PBDs", sr))[0]]
    second = await call("PBD.create", {"host": other, "SR": sr,
                                       "device_config": {"device": "/dev/nvme0n1"},
                                       "other_config": {}})
    assert not db.get("PBD", second)["currently_attached"]
    assert await error(call, "PBD.plug", second) == ["SR_NOT_SHARABLE", sr, master]
    first = sorted(p for p in db.referrers("SR", "PBDs", sr) if p != second)[0]
    assert await error(call, "PBD.destroy", first) == [
        "OPERATION_NOT_ALLOWED", "PBD is currently attached"]
    await call("PBD.destroy", second)
    assert sorted(db.referrers("SR", "PBDs", sr)) == [first] and pbd


async def test_unplug_refused_while_a_vm_on_that_host_uses_the_sr(sim, call):
    db = sim.db
    vm = guests(db, "Running")[0]
    host = db.get("VM", vm)["resident_on"]
    vdi = [db.get("VBD", b)["VDI"] for b in db.referrers("VM", "VBDs", vm)
           if db.get("VBD", b)["type"] == "Disk"][0]
    sr = db.get("VDI", vdi)["SR"]
    pbd = [p for p in db.referrers("SR", "PBDs", sr) if db.get("PBD", p)["host"] == host][0]
    err = await error(call, "PBD.unplug", pbd)
    assert err[0] == "VDI_IN_USE" and vdi in err[1:]
    for other in sorted(db.referrers("host", "resident_VMs", host)):
        if not db.get("VM", other)["is_control_domain"]:
            await call("VM.hard_shutdown", other)
    await call("PBD.unplug", pbd)
    assert not db.get("PBD", pbd)["currently_attached"]
    await call("PBD.plug", pbd)
    assert db.get("PBD", pbd)["currently_attached"]


# ---- destroy, forget, introduce -------------------------------------------------------------
async def test_destroy_needs_unplugged_pbds_and_no_disks_then_erases(sim, call):
    db = sim.db
    sr = await create(call, sim, NFS_NEW, "nfs", True)
    uuid = db.get("SR", sr)["uuid"]
    vdi = await call("VDI.create", vdi_record(sr, GiB))
    assert await error(call, "SR.destroy", sr) == ["SR_HAS_PBD", sr]
    await call("VDI.destroy", vdi)
    await unplug_all(call, db, sr)
    assert "destroy" in db.get("SR", sr)["allowed_operations"]
    await call("SR.destroy", sr)
    assert not db.exists("SR", sr) and uuids(await call(
        "SR.probe", sim.master_ref(), NFS_NEW, "nfs", {})) == []
    again = await call("SR.introduce", uuid, "back?", "", "nfs", "user", True, {})
    pbd = await call("PBD.create", {"host": sim.master_ref(), "SR": again,
                                    "device_config": NFS_NEW, "other_config": {}})
    assert (await error(call, "PBD.plug", pbd))[0] == "SR_BACKEND_FAILURE_73"   # no SR there


async def test_destroy_refuses_an_sr_with_disks(sim, call):
    db = sim.db
    sr = await create(call, sim, NFS_NEW, "nfs", True)
    await call("VDI.create", vdi_record(sr, GiB))
    await unplug_all(call, db, sr)
    assert await error(call, "SR.destroy", sr) == ["SR_NOT_EMPTY"]
    assert "destroy" not in db.get("SR", sr)["allowed_operations"]
    await call("SR.forget", sr)
    assert not db.exists("SR", sr)


async def test_forget_keeps_the_data_and_introduce_brings_it_back(sim, call):
    db = sim.db
    sr = await create(call, sim, NFS_NEW, "nfs", True)
    rec = db.get("SR", sr)
    vdi = await call("VDI.create", vdi_record(sr, 3 * GiB, name_label="kept"))
    vdi_uuid = db.get("VDI", vdi)["uuid"]
    assert await error(call, "SR.forget", sr) == ["SR_HAS_PBD", sr]
    await unplug_all(call, db, sr)
    await call("SR.forget", sr)
    assert not db.exists("SR", sr) and db.find_by_uuid("VDI", vdi_uuid) is None
    assert uuids(await call("SR.probe", sim.master_ref(), NFS_NEW, "nfs", {})) == [rec["uuid"]]
    assert await error(call, "SR.introduce", db.get("SR", db.all("SR")[0])["uuid"], "x", "",
                       "nfs", "user", True, {}) == ["SR_UUID_EXISTS",
                                                   db.get("SR", db.all("SR")[0])["uuid"]]
    back = await call("SR.introduce", rec["uuid"], "back", "", "nfs", "user", True, {})
    assert db.get("SR", back)["physical_size"] == -1
    for host in sorted(db.all("host")):
        pbd = await call("PBD.create", {"host": host, "SR": back, "device_config": NFS_NEW,
                                        "other_config": {}})
        await call("PBD.plug", pbd)
    assert db.get("SR", back)["physical_size"] == 2 * TiB
    await call("SR.scan", back)
    again = db.find_by_uuid("VDI", vdi_uuid)
    assert again is not None and db.get("VDI", again)["SR"] == back
    assert db.get("VDI", again)["name_label"] == ""         # file SRs keep no names
    assert db.get("VDI", again)["virtual_size"] == 3 * GiB


async def test_introduce_the_sr_an_old_pool_left(sim, call):
    db = sim.db
    config = {"server": "nfs.lab.local", "serverpath": "/export/backup"}
    assert uuids(await call("SR.probe", sim.master_ref(), config, "nfs", {})) == [OLD_NFS_SR]
    sr = await call("SR.introduce", OLD_NFS_SR, "Backup", "", "nfs", "user", True, {})
    pbd = await call("PBD.create", {"host": sim.master_ref(), "SR": sr, "device_config": config,
                                    "other_config": {}})
    await call("PBD.plug", pbd)
    await call("SR.scan", sr)
    sizes = sorted(db.get("VDI", v)["virtual_size"] for v in db.referrers("SR", "VDIs", sr))
    assert sizes == [20 * GiB, 100 * GiB]
    assert db.get("SR", sr)["virtual_allocation"] == 120 * GiB


async def test_pool_sr_fields(sim, call):
    db = sim.db
    pool = db.all("pool")[0]
    sr = await create(call, sim, NFS_NEW, "nfs", True)
    for field in ("default_SR", "suspend_image_SR", "crash_dump_SR"):
        await call("pool.set_" + field, pool, sr)
        assert db.get("pool", pool)[field] == sr
