"""Space accounting after every disk operation, table-driven, on a thin (file-based NFS) and a thick
(LVM) SR: the SR's physical_utilisation is what its storage held before plus every VDI's
physical_utilisation (hidden base copies included), its virtual_allocation the virtual sizes of
its visible VDIs. VHD rules from xcp-ng/sm vhdutil.py, FileSR.py, LVHDSR.py, cleanup.py."""
import pytest

from infrafixtures import GiB, NULL, error, vdi_record

MD12 = 3 * 512 + 4 * 6144          # a 12 GiB VHD's footer, header and block table
MD10 = 3 * 512 + 4 * 5120
THIN = {"server": "nfs.lab.local", "serverpath": "/export/new"}
THICK = {"device": "/dev/sdd"}     # 64 GiB


def totals(db, sr):
    rec = db.get("SR", sr)
    return rec["physical_utilisation"], rec["virtual_allocation"]


def assert_sums(db, sr, base):
    vdis = [db.get("VDI", v) for v in db.referrers("SR", "VDIs", sr)]
    physical, virtual = totals(db, sr)
    assert physical == base + sum(v["physical_utilisation"] for v in vdis)
    assert virtual == sum(v["virtual_size"] for v in vdis if v["managed"])


class Disks:
    """The disks a scenario made, by name."""

    def __init__(self, call, sr):
        self.call, self.sr, self.made = call, sr, {}

    async def create(self):
        self.made["disk"] = await self.call("VDI.create", vdi_record(self.sr, 10 * GiB))

    async def resize(self):
        await self.call("VDI.resize", self.made["disk"], 12 * GiB)

    async def snapshot(self):
        self.made["snap"] = await self.call("VDI.snapshot", self.made["disk"], {})

    async def clone(self):
        self.made["clone"] = await self.call("VDI.clone", self.made["disk"], {})

    async def clone_again(self):
        self.made["clone2"] = await self.call("VDI.clone", self.made["disk"], {})

    async def destroy_snapshot(self):
        await self.call("VDI.destroy", self.made["snap"])

    async def destroy_clone(self):
        await self.call("VDI.destroy", self.made["clone"])


# step, change of physical_utilisation, of virtual_allocation (None: the step must fail)
STEPS = {
    "thin": [("create", MD10, 10 * GiB), ("resize", MD12 - MD10, 2 * GiB),
             ("snapshot", 2 * MD12, 12 * GiB), ("clone", 2 * MD12, 12 * GiB),
             ("destroy_snapshot", -2 * MD12, -12 * GiB), ("destroy_clone", -2 * MD12, -12 * GiB)],
    "thick": [("create", 10 * GiB, 10 * GiB), ("resize", 2 * GiB, 2 * GiB),
              ("snapshot", 12 * GiB + MD12, 12 * GiB), ("clone", 24 * GiB, 12 * GiB),
              ("clone_again", None, None),
              ("destroy_snapshot", -(12 * GiB + MD12), -12 * GiB),
              ("destroy_clone", -24 * GiB, -12 * GiB)],
}


@pytest.mark.parametrize("kind", ["thin", "thick"])
async def test_sums_after_each_operation(sim, call, kind):
    db = sim.db
    config, sr_type = (THIN, "nfs") if kind == "thin" else (THICK, "lvm")
    sr = await call("SR.create", sim.master_ref(), config, 0, kind, "", sr_type, "user",
                    kind == "thin", {})
    base = totals(db, sr)[0]
    disks = Disks(call, sr)
    for step, physical, virtual in STEPS[kind]:
        before = totals(db, sr)
        if physical is None:
            assert (await error(call, *_failing(disks, step)))[0] == "SR_BACKEND_FAILURE_44"
            physical = virtual = 0
        else:
            await getattr(disks, step)()
        after = totals(db, sr)
        assert (after[0] - before[0], after[1] - before[1]) == (physical, virtual), step
        assert_sums(db, sr, base)
    remaining = [db.get("VDI", v) for v in db.referrers("SR", "VDIs", sr)]
    assert [v["uuid"] for v in remaining] == [db.get("VDI", disks.made["disk"])["uuid"]]
    assert "vhd-parent" not in remaining[0]["sm_config"]       # the chain was coalesced


def _failing(disks, step):
    assert step == "clone_again"
    return "VDI.clone", disks.made["disk"], {}


async def test_a_snapshot_is_a_small_child_of_a_hidden_base_copy(sim, call):
    db = sim.db
    sr = await call("SR.create", sim.master_ref(), THIN, 0, "thin", "", "nfs", "user", True, {})
    disk = await call("VDI.create", vdi_record(sr, 12 * GiB))
    snap = await call("VDI.snapshot", disk, {})
    rec, parent = db.get("VDI", snap), db.get("VDI", disk)["sm_config"]["vhd-parent"]
    assert rec["physical_utilisation"] == MD12 and rec["sm_config"]["vhd-parent"] == parent
    base = db.get("VDI", db.find_by_uuid("VDI", parent))
    assert (base["managed"], base["read_only"], base["name_label"]) == (False, True, "base copy")
    assert (rec["is_a_snapshot"], rec["snapshot_of"]) == (True, disk)


async def test_copies_between_thin_and_thick(sim, call):
    db = sim.db
    thin = await call("SR.create", sim.master_ref(), THIN, 0, "thin", "", "nfs", "user", True, {})
    thick = await call("SR.create", sim.master_ref(), THICK, 0, "thick", "", "lvm", "user",
                       False, {})
    disk = await call("VDI.create", vdi_record(thin, 12 * GiB))
    before = totals(db, thick)
    copy = await call("VDI.copy", disk, thick, NULL, NULL)
    assert totals(db, thick)[0] - before[0] == 12 * GiB
    assert db.get("VDI", copy)["physical_utilisation"] == 12 * GiB
    back = await call("VDI.copy", copy, thin, NULL, NULL)
    assert db.get("VDI", back)["physical_utilisation"] == MD12 + 12 * GiB   # a thick disk is all data
    for sr in (thin, thick):
        assert_sums(db, sr, db.get("SR", sr)["physical_utilisation"] - sum(
            db.get("VDI", v)["physical_utilisation"] for v in db.referrers("SR", "VDIs", sr)))


async def test_vm_snapshot_and_suspend_keep_the_sums(sim, call):
    db = sim.db
    vm = [v for v in db.all("VM") if db.get("VM", v)["power_state"] == "Running"
          and not db.get("VM", v)["is_control_domain"]
          and db.get("VM_guest_metrics", db.get("VM", v)["guest_metrics"])["PV_drivers_detected"]][0]
    srs = {db.get("VDI", db.get("VBD", b)["VDI"])["SR"] for b in db.referrers("VM", "VBDs", vm)
           if db.get("VBD", b)["type"] == "Disk"}
    srs.add(db.get("pool", db.all("pool")[0])["suspend_image_SR"])
    base = {sr: totals(db, sr)[0] - sum(db.get("VDI", v)["physical_utilisation"]
                                        for v in db.referrers("SR", "VDIs", sr)) for sr in srs}
    await call("VM.snapshot", vm, "s")
    await call("VM.suspend", vm)
    for sr in srs:
        assert_sums(db, sr, base[sr])
    await call("VM.resume", vm, False, False)
    for sr in srs:
        assert_sums(db, sr, base[sr])
