"""Listing a host's block devices for local SRs as XCP-ng clients do: XCP-ng's lsblk plugin
(xcp-ng-xapi-plugins SOURCES/etc/xapi.d/plugins/lsblk.py, called by Xen Orchestra's
host.getBlockdevices), because SM lists nothing without a device (SR.py deviceCheck:
ConfigDeviceMissing); what the kernel holds is refused by SR.create as SM's lvutil._openExclusive
does (SRInUse, which XAPI's sm_exec.ml reports as SR_DEVICE_IN_USE)."""
import json

import pytest

from infrafixtures import error

COLUMNS = {"name", "kname", "pkname", "size", "type", "ro", "mountpoint"}
SYSTEM = ["sda1", "sda2", "sda3", "sda4", "sda5", "sda6"]


def member(sim):
    return [h for h in sorted(sim.db.all("host")) if h != sim.master_ref()][0]


def local_sr(db, host):
    return [db.get("PBD", p)["SR"] for p in db.referrers("host", "PBDs", host)
            if db.get("SR", db.get("PBD", p)["SR"])["type"] == "ext"][0]


async def listing(rpc, host):
    text = await rpc("host.call_plugin", host, "lsblk.py", "list_block_devices", {})
    assert isinstance(text, str)
    return json.loads(text)["blockdevices"]


def by_name(devices):
    out = {}
    for device in devices:
        out[device["name"]] = device
        out.update(by_name(device.get("children", [])))
    return out


def check_shape(devices, parent=""):
    for device in devices:
        assert set(device) - {"children"} == COLUMNS
        assert all(isinstance(device[c], str) for c in COLUMNS)
        assert device["pkname"] == parent and device["size"].isdigit() and device["ro"] in "01"
        check_shape(device.get("children", []), device["kname"])


async def test_the_plugin_lists_disks_partitions_and_the_local_sr(sim, rpc):
    master = sim.master_ref()
    devices = await listing(rpc, master)
    check_shape(devices)
    assert [d["name"] for d in devices] == ["sda", "sdb", "sdc", "sdd", "nvme0n1", "sr0"]
    assert [d["type"] for d in devices] == ["disk"] * 5 + ["rom"]
    sda = devices[0]
    assert [c["name"] for c in sda["children"]] == SYSTEM
    assert [c["mountpoint"] for c in sda["children"]] == ["/", "", "", "/boot/efi", "/var/log",
                                                          "[SWAP]"]
    assert sum(int(c["size"]) for c in sda["children"]) <= int(sda["size"])
    uuid = sim.db.get("SR", local_sr(sim.db, master))["uuid"]
    volume = sda["children"][2]["children"]
    doubled = uuid.replace("-", "--")
    assert [(v["name"], v["kname"], v["type"], v["mountpoint"]) for v in volume] == [
        ("XSLocalEXT--%s-%s" % (doubled, doubled), "dm-0", "lvm", "/run/sr-mount/" + uuid)]
    assert all("children" not in d for d in devices[1:])          # nothing on the other disks
    assert {d["size"] for d in devices[1:3]} == {"2000398934016", "960197124096"}


async def test_a_new_sr_shows_as_its_volume_until_unplugged(sim, call, rpc):
    host = member(sim)
    ext = await call("SR.create", host, {"device": "/dev/sdb"}, 0, "e", "", "ext", "user", False,
                     {})
    lvm = await call("SR.create", host, {"device": "/dev/nvme0n1"}, 0, "l", "", "lvm", "user",
                     False, {})
    found = by_name(await listing(rpc, host))
    ext_uuid, lvm_uuid = (sim.db.get("SR", s)["uuid"] for s in (ext, lvm))
    sdb, nvme = found["sdb"]["children"], found["nvme0n1"]["children"]
    assert [(v["type"], v["mountpoint"]) for v in sdb] == [("lvm", "/run/sr-mount/" + ext_uuid)]
    assert [(v["name"], v["mountpoint"]) for v in nvme] == [
        ("VG_XenStorage--%s-MGT" % lvm_uuid.replace("-", "--"), "")]
    assert "children" not in by_name(await listing(rpc, sim.master_ref()))["sdb"]  # another host
    for pbd in sim.db.referrers("SR", "PBDs", lvm):
        await call("PBD.unplug", pbd)
    assert "children" not in by_name(await listing(rpc, host))["nvme0n1"]   # MGT deactivated


@pytest.mark.parametrize("device", ["/dev/sda4", "/dev/sda5", "/dev/sda6", "/dev/sr0"])
async def test_create_refuses_what_the_kernel_holds(sim, call, device):
    before = (sim.db.count("SR"), sim.db.count("PBD"))
    assert await error(call, "SR.create", sim.master_ref(), {"device": device}, 0, "x", "",
                       "ext", "user", False, {}) == ["SR_DEVICE_IN_USE"]
    assert (sim.db.count("SR"), sim.db.count("PBD")) == before


async def test_create_refuses_a_disk_an_sr_of_another_kind_holds(sim, call):
    host = member(sim)
    await call("SR.create", host, {"device": "/dev/sdd"}, 0, "e", "", "ext", "user", False, {})
    assert await error(call, "SR.create", host, {"device": "/dev/sdd"}, 0, "x", "", "lvm",
                       "user", False, {}) == ["SR_DEVICE_IN_USE"]


async def test_sm_lists_nothing_without_a_device(sim, call):
    for sr_type in ("ext", "lvm"):
        assert await error(call, "SR.probe", sim.master_ref(), {}, sr_type, {}) == [
            "SR_BACKEND_FAILURE_90", "", "The request is missing the device parameter", ""]


async def test_a_host_without_the_plugin(running, sim, call):
    host = member(sim)
    running.faults.plugin_missing("lsblk.py", host=host)
    assert await error(call, "host.call_plugin", host, "lsblk.py", "list_block_devices",
                       {}) == ["XENAPI_MISSING_PLUGIN", "lsblk.py"]
    assert await call("host.call_plugin", sim.master_ref(), "lsblk.py", "list_block_devices", {})
    running.faults.plugin_missing("lsblk.py", host=host, on=False)
    assert await call("host.call_plugin", host, "lsblk.py", "list_block_devices", {})
