"""A VM built from a template: device names when it runs (device_number.ml), guest metrics only
with an installed system (xapi_xenops / the guest agent), disk resize rules (xapi_vdi.ml, FileSR),
CD and hotplug rules (xapi_vbd_helpers.ml), MACs from mac_seed and VIF.move (xapi_vif_helpers.ml,
xapi_vif.ml)."""
import pytest

from vmfixtures import install, install_os, make_vm, point_disks_at, pool

from xapi_sim import devnames, schema

GiB = 1024 ** 3
NULL = "OpaqueRef:NULL"


async def blank_vm(p, name="blank"):
    """Clone, provision on the default SR, a NIC: no system installed on the disk."""
    vm = await p.call("VM.clone", p.template(), name)
    await point_disks_at(p, vm, p.default_sr_uuid())
    await p.call("VM.provision", vm)
    await p.call("VIF.create", vif(vm, sorted(p.db.all("network"))[0]))
    return vm


def vif(vm, network, device="0", mac=""):
    return {"device": device, "network": network, "VM": vm, "MAC": mac, "MTU": 1500,
            "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}


def cd(vm, userdevice="3"):
    return {"VM": vm, "VDI": NULL, "userdevice": userdevice, "bootable": False, "mode": "RO",
            "type": "CD", "empty": True, "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}}


def test_device_names_as_xenopsd_gives_them():
    assert [devnames.linux_device(u) for u in ("0", "1", "3", "25", "26", "hdd", "sdb")] == [
        "xvda", "xvdb", "xvdd", "xvdz", "xvdaa", "xvdd", "sdb"]
    assert devnames.linux_device("floppy") is None


async def test_a_started_vm_gets_device_names():
    p = await pool()
    vm = await blank_vm(p)
    drive = await p.call("VBD.create", cd(vm))
    disk = p.vm(vm)["VBDs"][0] if p.db.get("VBD", p.vm(vm)["VBDs"][0])["type"] == "Disk" else \
        p.vm(vm)["VBDs"][1]
    assert p.db.get("VBD", disk)["device"] == "" and p.db.get("VBD", drive)["device"] == ""
    await p.call("VM.start", vm, False, False)
    assert (p.db.get("VBD", disk)["device"], p.db.get("VBD", disk)["currently_attached"]) == (
        "xvda", True)
    # an HVM guest has an emulated drive, so even an empty one is attached
    assert (p.db.get("VBD", drive)["device"], p.db.get("VBD", drive)["currently_attached"]) == (
        "xvdd", True)
    await p.call("VM.hard_shutdown", vm)
    assert p.db.get("VBD", disk)["device"] == "xvda"      # the last name stays


async def test_an_empty_cd_drive_of_a_pv_guest_is_not_attached():
    p = await pool()
    vm = await blank_vm(p, "pv")
    await p.call("VM.set_domain_type", vm, "pv")
    drive = await p.call("VBD.create", cd(vm))
    await p.call("VM.start", vm, False, False)
    assert not p.db.get("VBD", drive)["currently_attached"]


async def test_a_blank_vm_has_no_guest_agent():
    p = await pool()
    vm = await blank_vm(p)
    await p.call("VM.start", vm, False, False)
    assert p.vm(vm)["guest_metrics"] == NULL
    assert await p.error("VM.clean_shutdown", vm) == ["VM_LACKS_FEATURE", vm]
    assert "clean_shutdown" not in p.vm(vm)["allowed_operations"]
    disk = await p.call("VDI.create", {"SR": p.db.get("pool", p.db.all("pool")[0])["default_SR"],
                                       "virtual_size": GiB, "type": "user", "sharable": False,
                                       "read_only": False, "other_config": {}, "name_label": "d"})
    vbd = await p.call("VBD.create", {"VM": vm, "VDI": disk, "userdevice": "autodetect",
                                      "bootable": False, "mode": "RW", "type": "Disk",
                                      "empty": False, "other_config": {},
                                      "qos_algorithm_type": "", "qos_algorithm_params": {}})
    assert await p.error("VBD.plug", vbd) == ["VM_MISSING_PV_DRIVERS", vm]
    await p.call("VM.hard_shutdown", vm)


async def test_installed_systems_and_their_clones_have_agents():
    p = await pool()
    vm = await blank_vm(p, "installed")
    install_os(p, vm, "ubuntu-24.04")
    clone = await p.call("VM.clone", vm, "clone of installed")
    for ref in (vm, clone):
        await p.call("VM.start", ref, False, False)
        gm = p.db.get("VM_guest_metrics", p.vm(ref)["guest_metrics"])
        assert gm["os_version"]["distro"] == "ubuntu" and gm["PV_drivers_detected"]
        assert gm["networks"]["0/ip"].count(".") == 3
        await p.call("VM.clean_shutdown", ref)


async def test_seeded_halted_vms_boot_with_their_agent():
    p = await pool(vms=8)
    halted = [v for v in p.db.all("VM") if p.vm(v)["power_state"] == "Halted"
              and not p.vm(v)["is_a_template"] and not p.vm(v)["is_control_domain"]]
    await p.call("VM.start", halted[0], False, False)
    assert p.db.exists("VM_guest_metrics", p.vm(halted[0])["guest_metrics"])
    await p.call("VM.clean_shutdown", halted[0])


# ---- disks ----------------------------------------------------------------------------------
async def test_resize_offline_only_and_grow_only():
    """No XCP-ng driver offers VDI_RESIZE_ONLINE: an attached disk answers VDI_IN_USE."""
    p = await pool()
    vm = await make_vm(p, "Running")
    disk = p.db.get("VBD", [b for b in p.vm(vm)["VBDs"]
                            if p.db.get("VBD", b)["type"] == "Disk"][0])["VDI"]
    assert await p.error("VDI.resize", disk, 20 * GiB) == ["VDI_IN_USE", disk, "resize"]
    assert "resize" not in p.db.get("VDI", disk)["allowed_operations"]
    await p.call("VM.hard_shutdown", vm)
    await p.call("VDI.resize", disk, 20 * GiB + 1)
    assert p.db.get("VDI", disk)["virtual_size"] == 20 * GiB + 2 * 1024 ** 2    # 2 MiB blocks
    assert await p.error("VDI.resize", disk, GiB) == [
        "SR_BACKEND_FAILURE_79", "", "VDI Invalid size [opterr=shrinking not allowed]", ""]
    assert (await p.error("VDI.resize", disk, 3000 * GiB))[:3] == [
        "SR_BACKEND_FAILURE_79", "", "VDI Invalid size [opterr=VDI size must be between 1 MB "
        "and 2088960 MB]"]


async def test_cd_drive_rules():
    p = await pool()
    vm = await make_vm(p, "Halted")
    drive = await p.call("VBD.create", cd(vm))
    iso = [v for v in p.db.all("VDI") if p.db.get("VDI", v)["name_label"].endswith(".iso")
           and not p.db.get("VDI", v)["is_tools_iso"]][0]
    assert await p.error("VBD.eject", drive) == ["VBD_IS_EMPTY", drive]
    await p.call("VBD.insert", drive, iso)
    assert await p.error("VBD.insert", drive, iso) == ["VBD_NOT_EMPTY", drive]
    disk = [b for b in p.vm(vm)["VBDs"] if p.db.get("VBD", b)["type"] == "Disk"][0]
    assert await p.error("VBD.eject", disk) == ["VBD_NOT_REMOVABLE_MEDIA", disk]
    await p.call("VM.start", vm, False, False)
    assert await p.error("VBD.unplug", drive) == [
        "OPERATION_NOT_ALLOWED", "HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected"]
    await p.call("VBD.eject", drive)
    assert p.db.get("VBD", drive)["empty"]


async def test_a_disk_written_by_one_vm_cannot_be_plugged_into_another():
    p = await pool()
    first = await make_vm(p, "Running", "first")
    second = await make_vm(p, "Running", "second")
    disk = p.db.get("VBD", [b for b in p.vm(first)["VBDs"]
                            if p.db.get("VBD", b)["type"] == "Disk"][0])["VDI"]
    vbd = await p.call("VBD.create", {"VM": second, "VDI": disk, "userdevice": "autodetect",
                                      "bootable": False, "mode": "RW", "type": "Disk",
                                      "empty": False, "other_config": {},
                                      "qos_algorithm_type": "", "qos_algorithm_params": {}})
    assert await p.error("VBD.plug", vbd) == ["VDI_IN_USE", disk]


# ---- NICs -----------------------------------------------------------------------------------
async def test_macs_come_from_the_mac_seed():
    p = await pool()
    vm = await blank_vm(p)
    seed = p.vm(vm)["other_config"]["mac_seed"]
    first = p.db.get("VIF", p.vm(vm)["VIFs"][0])
    assert first["MAC_autogenerated"] and int(first["MAC"][:2], 16) & 3 == 2   # local, unicast
    from xapi_sim.methods.vif import seeded_mac
    assert first["MAC"] == seeded_mac(seed, "0")
    clone = await p.call("VM.clone", vm, "clone")
    assert p.vm(clone)["other_config"]["mac_seed"] != seed
    assert p.db.get("VIF", p.vm(clone)["VIFs"][0])["MAC"] != first["MAC"]
    network = sorted(p.db.all("network"))[0]
    assert await p.error("VIF.create", vif(vm, network, "1", "zz:11")) == ["MAC_INVALID", "zz:11"]
    assert await p.error("VIF.create", vif(vm, network, "eth1")) == ["INVALID_DEVICE", "eth1"]
    given = await p.call("VIF.create", vif(vm, network, "1", "02:11:22:33:44:55"))
    assert not p.db.get("VIF", given)["MAC_autogenerated"]
    await p.call("VM.remove_from_other_config", vm, "mac_seed")
    assert await p.error("VIF.create", vif(vm, network, "2")) == ["MAC_INVALID", ""]


async def test_vif_move_and_destroy_while_running():
    p = await pool()
    vm = await make_vm(p, "Running")
    nic = p.vm(vm)["VIFs"][0]
    eth1 = [n for n in p.db.all("network") if p.db.get("network", n)["bridge"] == "xenbr1"][0]
    await p.call("VIF.move", nic, eth1)
    assert p.db.get("VIF", nic)["network"] == eth1
    # a network only the other host has a PIF on
    elsewhere = p.db.create("network", {"name_label": "elsewhere", "bridge": "xenbr9"})
    here = p.vm(vm)["resident_on"]
    other = [h for h in p.db.all("host") if h != here][0]
    p.db.create("PIF", {"host": other, "network": elsewhere, "device": "eth9",
                        "currently_attached": True, "physical": True})
    assert await p.error("VIF.move", nic, elsewhere) == [
        "HOST_CANNOT_ATTACH_NETWORK", here, elsewhere]
    assert p.db.get("VIF", nic)["network"] == eth1
    assert await p.error("VIF.destroy", nic) == [
        "OPERATION_NOT_ALLOWED", "VIF currently attached to a running VM"]
    await p.call("VM.hard_shutdown", vm)
    await p.call("VIF.move", nic, elsewhere)          # not active: nothing to check
    await p.call("VIF.destroy", nic)


@pytest.mark.parametrize("state", ["Halted", "Running"])
async def test_install_helper_makes_an_agent_vm(state):
    p = await pool()
    vm = await make_vm(p, state)
    assert (p.vm(vm)["guest_metrics"] != NULL) == (state == "Running")
    assert await install(p, "second") != vm


async def test_vm_create_gives_a_mac_seed():
    p = await pool()
    template = p.vm(p.template())
    fields = {k: template[k] for k in schema.required_create_fields("VM")}
    vm = await p.call("VM.create", dict(fields, name_label="from scratch", is_a_template=False,
                                        other_config={}))
    seed = p.vm(vm)["other_config"]["mac_seed"]
    nic = await p.call("VIF.create", vif(vm, sorted(p.db.all("network"))[0]))
    from xapi_sim.methods.vif import seeded_mac
    assert p.db.get("VIF", nic)["MAC"] == seeded_mac(seed, "0")
    assert "start" in p.vm(vm)["allowed_operations"]
