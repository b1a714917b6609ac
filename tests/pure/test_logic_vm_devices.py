"""Disks, CD and network cards of an existing VM (lite_app/logic/vm_devices.py): what is offered in each
power state, the checks on what is typed, and the calls each change makes with their undo."""
from lite_app.logic import vm_devices as dev
from newvm_pool import GIB, MIB, pool

VM = "OpaqueRef:vm"


def a_pool(power="Halted"):
    c = pool()
    c.load("VM", {VM: {"name_label": "web", "power_state": power, "VBDs": ["OpaqueRef:b0", "OpaqueRef:cd"],
                       "VIFs": ["OpaqueRef:v0", "OpaqueRef:v2"], "current_operations": {}}})
    c.load("VBD", {"OpaqueRef:b0": {"VM": VM, "VDI": "OpaqueRef:d0", "type": "Disk", "mode": "RW",
                                    "currently_attached": power == "Running", "empty": False},
                   "OpaqueRef:cd": {"VM": VM, "VDI": "OpaqueRef:NULL", "type": "CD", "mode": "RO",
                                    "currently_attached": power == "Running", "empty": True}})
    c.load("VDI", {"OpaqueRef:d0": {"name_label": "web 0", "SR": "OpaqueRef:nfs", "virtual_size": 10 * GIB,
                                    "VBDs": ["OpaqueRef:b0"], "type": "system"},
                   "OpaqueRef:loose": {"name_label": "data", "SR": "OpaqueRef:lvm", "virtual_size": GIB,
                                       "VBDs": [], "type": "user"},
                   "OpaqueRef:old": {"name_label": "old", "SR": "OpaqueRef:lvm", "virtual_size": GIB,
                                     "VBDs": [], "type": "user", "is_a_snapshot": True},
                   "OpaqueRef:base": {"name_label": "base copy", "SR": "OpaqueRef:lvm", "virtual_size": GIB,
                                      "VBDs": [], "type": "user", "managed": False},
                   "OpaqueRef:debian-iso": {"name_label": "debian-12.iso", "SR": "OpaqueRef:isos",
                                            "virtual_size": 600 * MIB, "VBDs": []}})
    c.load("VIF", {"OpaqueRef:v0": {"VM": VM, "device": "0", "network": "OpaqueRef:net0",
                                    "currently_attached": power == "Running"},
                   "OpaqueRef:v2": {"VM": VM, "device": "2", "network": "OpaqueRef:net1",
                                    "currently_attached": power == "Running"}})
    return c


def disk(c, ref="OpaqueRef:b0"):
    vbd = c.get("VBD", ref)
    return {"ref": ref, "vbd": vbd, "vdi_ref": vbd["VDI"], "vdi": c.get("VDI", vbd["VDI"])}


def calls(steps, results=None):
    """The (method, params) of each step, with earlier results filled in."""
    out = []
    for step in steps:
        call = step["call"]
        out.append(call(results or {}) if callable(call) else call)
    return out


def test_a_halted_vms_disk_can_do_everything():
    c = a_pool()
    ops = dev.disk_ops(c.get("VM", VM), disk(c))
    assert ops == {"rename": None, "resize": None, "detach": None, "delete": None}


def test_a_running_vms_disk_cannot_be_resized_and_says_why():
    c = a_pool("Running")
    ops = dev.disk_ops(c.get("VM", VM), disk(c))
    assert ops["resize"] == "dev.why.resize_running"
    assert ops["detach"] is None and ops["rename"] is None


def test_suspended_or_busy_vms_refuse_changes():
    for power, why in (("Suspended", "dev.why.suspended"), ("Paused", "dev.why.paused")):
        c = a_pool(power)
        vm = c.get("VM", VM)
        assert set(dev.disk_ops(vm, disk(c)).values()) - {None} == {why}
        assert dev.card_ops(vm) == {"disk_add": why, "disk_attach": why, "nic_add": why}
    c = a_pool("Running")
    vm = dict(c.get("VM", VM), current_operations={"OpaqueRef:t": "clean_shutdown"})
    assert dev.nic_ops(vm) == {"network": "dev.why.busy", "remove": "dev.why.busy"}


def test_a_disk_another_vm_uses_is_not_deleted():
    c = a_pool()
    d = disk(c)
    d["vdi"] = dict(d["vdi"], VBDs=["OpaqueRef:b0", "OpaqueRef:elsewhere"])
    assert dev.disk_ops(c.get("VM", VM), d)["delete"] == "dev.why.shared"


def test_cd_drive_offers_insert_when_empty_and_eject_when_not():
    c = a_pool("Running")
    cd = disk(c, "OpaqueRef:cd")
    assert dev.cd_ops(c.get("VM", VM), cd) == {"insert": None, "eject": "dev.why.empty"}
    cd["vbd"] = dict(cd["vbd"], empty=False, VDI="OpaqueRef:debian-iso")
    assert dev.cd_ops(c.get("VM", VM), cd) == {"insert": "dev.why.not_empty", "eject": None}


def test_attachable_disks_are_unused_non_iso_non_snapshot():
    assert [ref for ref, _ in dev.attachable(a_pool())] == ["OpaqueRef:loose"]


def test_the_next_nic_takes_the_lowest_free_device():
    c = a_pool()
    assert dev.next_vif_device(c, c.get("VM", VM), VM) == "1"
    vm = dict(c.get("VM", VM), VIFs=[])
    assert dev.next_vif_device(c, vm, VM) == "0"


def test_new_disk_checks():
    c = a_pool()
    assert dev.check_new_disk(c, {"name": "data", "size": "20 GiB", "sr": "OpaqueRef:nfs"}) == {}
    errors = dev.check_new_disk(c, {"name": " ", "size": "lots", "sr": "OpaqueRef:isos"})
    assert errors == {"name": ("dev.err.name", {}), "size": ("newvm.err.disk_size", {}),
                      "sr": ("newvm.err.disk_sr", {})}
    assert dev.check_new_disk(c, {"name": "x" * 300, "size": "3 TiB", "sr": "OpaqueRef:nfs"})["size"][0] == \
        "newvm.err.disk_range"
    # a thick SR (LVM) has 60 GiB free: 100 GiB cannot fit; a thin one only warns elsewhere
    assert dev.check_new_disk(c, {"name": "big", "size": "100 GiB", "sr": "OpaqueRef:lvm"})["sr"][0] == \
        "dev.err.sr_space"


def test_resize_only_grows():
    vdi = {"virtual_size": 10 * GIB}
    assert dev.check_resize(vdi, "20 GiB") == (20 * GIB, None)
    assert dev.check_resize(vdi, "10 GiB")[1][0] == "dev.err.grow_only"
    assert dev.check_resize(vdi, "5 GiB")[1][0] == "dev.err.grow_only"
    assert dev.check_resize(vdi, "abc")[1][0] == "newvm.err.disk_size"
    assert dev.check_resize(vdi, "5000 GiB")[1][0] == "newvm.err.disk_range"


def test_nic_checks():
    c = a_pool()
    assert dev.check_nic(c, {"network": "OpaqueRef:net0", "mac": ""}) == {}
    assert set(dev.check_nic(c, {"network": "OpaqueRef:gone", "mac": "01:00:5e:00:00:01"})) == {"network", "mac"}


def test_a_new_disk_on_a_running_vm_is_plugged_and_every_step_undoes():
    c = a_pool("Running")
    steps = dev.plan_new_disk(VM, c.get("VM", VM), {"name": " data ", "size": "2 GiB", "sr": "OpaqueRef:nfs"})
    made = calls(steps, {"vdi": "OpaqueRef:newvdi", "vbd": "OpaqueRef:newvbd"})
    assert [m for m, _ in made] == ["VDI.create", "VBD.create", "VBD.plug"]
    assert made[0][1][0]["name_label"] == "data" and made[0][1][0]["virtual_size"] == 2 * GIB
    assert made[1][1][0]["VDI"] == "OpaqueRef:newvdi" and made[1][1][0]["VM"] == VM
    assert made[2][1] == ["OpaqueRef:newvbd"]
    results = {"vdi": "OpaqueRef:newvdi", "vbd": "OpaqueRef:newvbd"}
    assert steps[0]["undo"]("OpaqueRef:newvdi", results) == ("VDI.destroy", ["OpaqueRef:newvdi"])
    assert steps[1]["undo"]("OpaqueRef:newvbd", results) == ("VBD.destroy", ["OpaqueRef:newvbd"])


def test_a_halted_vm_gets_its_disk_unplugged():
    c = a_pool()
    steps = dev.plan_new_disk(VM, c.get("VM", VM), {"name": "d", "size": "1 GiB", "sr": "OpaqueRef:nfs"})
    assert [m for m, _ in calls(steps, {"vdi": "v", "vbd": "b"})] == ["VDI.create", "VBD.create"]
    attach = dev.plan_attach(VM, c.get("VM", VM), "OpaqueRef:loose", c.get("VDI", "OpaqueRef:loose"))
    assert calls(attach)[0][1][0]["mode"] == "RW"


def test_detach_and_delete_unplug_a_running_vms_drive_first():
    c = a_pool("Running")
    assert [m for m, _ in calls(dev.plan_detach(disk(c)))] == ["VBD.unplug", "VBD.destroy"]
    assert calls(dev.plan_delete(disk(c)))[-1] == ("VDI.destroy", ["OpaqueRef:d0"])
    c = a_pool()
    assert [m for m, _ in calls(dev.plan_delete(disk(c)))] == ["VBD.destroy", "VDI.destroy"]


def test_nic_plans():
    c = a_pool("Running")
    steps = dev.plan_new_nic(c, VM, c.get("VM", VM), {"network": "OpaqueRef:net1", "mac": "2A-14-3C-00-00-09"}, "1")
    made = calls(steps, {"vif": "OpaqueRef:newvif"})
    assert [m for m, _ in made] == ["VIF.create", "VIF.plug"]
    record = made[0][1][0]
    assert (record["device"], record["MAC"], record["MTU"]) == ("1", "2a:14:3c:00:00:09", 9000)
    nic = {"ref": "OpaqueRef:v0", "vif": c.get("VIF", "OpaqueRef:v0")}
    assert [m for m, _ in calls(dev.plan_remove_nic(nic))] == ["VIF.unplug", "VIF.destroy"]
    assert calls(dev.plan_move("OpaqueRef:v0", "OpaqueRef:net1")) == [("VIF.move", ["OpaqueRef:v0", "OpaqueRef:net1"])]
