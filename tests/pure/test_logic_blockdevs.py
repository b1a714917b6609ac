"""Reading XCP-ng's lsblk plugin answer (xcp-ng-xapi-plugins lsblk.py: {"blockdevices": [...]}, lsblk's
columns as strings, partitions and device-mapper volumes as children) into the devices New SR lists,
each judged free or not and why: an SR's volume or PBD on it, mounted, swap, partitions, read-only."""
import json

from lite_app.logic import blockdevs

LOCAL = "1fad55d2-4f07-8145-c78a-297b173e06b0"
OTHER = "9b7e1d24-0c6a-4f38-a5e2-71c3d8f4b690"


def dev(name, size, kind="disk", mountpoint="", parent="", ro="0", children=None):
    entry = {"name": name, "kname": name, "pkname": parent, "size": str(size), "type": kind, "ro": ro,
             "mountpoint": mountpoint}
    if children:
        entry["children"] = children
    return entry


def volume(vg, lv, parent, mountpoint=""):
    name = vg.replace("-", "--") + "-" + lv.replace("-", "--")
    return dev(name, 4194304, "lvm", mountpoint, parent)


def answer():
    parts = [dev("sda1", 19327352832, "part", "/", "sda"), dev("sda2", 19327352832, "part", "", "sda"),
             dev("sda3", 435543695360, "part", "", "sda",
                 children=[volume("XSLocalEXT-" + LOCAL, LOCAL, "sda3", "/run/sr-mount/" + LOCAL)]),
             dev("sda4", 536870912, "part", "/boot/efi", "sda"), dev("sda5", 4294967296, "part", "/var/log", "sda"),
             dev("sda6", 1073741824, "part", "[SWAP]", "sda")]
    return json.dumps({"blockdevices": [
        dev("sda", 480103981056, children=parts),
        dev("sdb", 2000398934016),
        dev("sdc", 960197124096, children=[volume("VG_XenStorage-" + OTHER, "MGT", "sdc")]),
        dev("sdd", 68719476736, children=[dev("sdd1", 68718428160, "part", "", "sdd")]),
        dev("sde", 1000204886016, ro="1"),
        dev("nvme0n1", 3840755982336),
        dev("sr0", 1073741312, "rom")]})


def rows():
    return {row["path"]: row for row in blockdevs.devices(answer())}


def test_lists_disks_then_their_partitions_never_optical_drives_or_volumes():
    found = blockdevs.devices(answer())
    assert [row["path"] for row in found] == [
        "/dev/sda", "/dev/sda1", "/dev/sda2", "/dev/sda3", "/dev/sda4", "/dev/sda5", "/dev/sda6", "/dev/sdb",
        "/dev/sdc", "/dev/sdd", "/dev/sdd1", "/dev/sde", "/dev/nvme0n1"]
    assert [row["depth"] for row in found[:3]] == [0, 1, 1]
    assert found[7]["size"] == 2000398934016 and found[7]["type"] == "disk"
    assert found[1]["type"] == "part"


def test_free_devices_are_the_empty_disks_and_the_unused_partitions():
    assert blockdevs.free(blockdevs.devices(answer())) == ["/dev/sdb", "/dev/sdd1", "/dev/nvme0n1"]


def test_why_the_others_cannot_take_an_sr():
    found = rows()
    assert found["/dev/sda"]["reason"] == ("newsr.dev_sr", {"sr": LOCAL})      # its partition holds one
    assert found["/dev/sda1"]["reason"] == ("newsr.dev_mounted", {"where": "/"})
    assert found["/dev/sda2"]["reason"] == ("newsr.dev_system", {})          # the backup root partition
    assert found["/dev/sda3"]["reason"] == ("newsr.dev_sr", {"sr": LOCAL})
    assert found["/dev/sda3"]["sr"] == LOCAL
    assert found["/dev/sda6"]["reason"] == ("newsr.dev_swap", {})
    assert found["/dev/sdc"]["reason"] == ("newsr.dev_sr", {"sr": OTHER})
    assert found["/dev/sdd"]["reason"] == ("newsr.dev_partitions", {})
    assert found["/dev/sde"]["reason"] == ("newsr.dev_read_only", {})


def test_a_pbd_naming_the_device_marks_it_even_without_an_active_volume():
    used = blockdevs.used_by_pbds([{"SR": "OpaqueRef:a", "device_config": {"device": "/dev/sdb,/dev/nvme0n1"}},
                                   {"SR": "OpaqueRef:b", "device_config": {"server": "nfs"}},
                                   {"SR": "OpaqueRef:gone", "device_config": {"device": "/dev/sdd1"}}],
                                  {"OpaqueRef:a": OTHER, "OpaqueRef:b": LOCAL})
    assert used == {"/dev/sdb": OTHER, "/dev/nvme0n1": OTHER}
    listed = blockdevs.devices(answer(), used)
    assert [row["reason"] for row in listed if row["path"] == "/dev/sdb"] == [("newsr.dev_sr", {"sr": OTHER})]
    assert blockdevs.free(listed) == ["/dev/sdd1"]


def test_a_disk_whose_partition_is_mounted_and_something_else_holding_a_disk():
    text = json.dumps({"blockdevices": [
        dev("sdf", 100, children=[dev("sdf1", 90, "part", "/mnt/usb", "sdf")]),
        dev("sdg", 100, children=[dev("md0", 100, "raid1", "", "sdg")])]})
    found = {row["path"]: row for row in blockdevs.devices(text)}
    assert found["/dev/sdf"]["reason"] == ("newsr.dev_part_used", {"device": "/dev/sdf1"})
    assert found["/dev/sdg"]["reason"] == ("newsr.dev_held", {"by": "md0"})
    assert found["/dev/md0"]["reason"] is None and found["/dev/md0"]["depth"] == 1


def test_device_mapper_names():
    assert blockdevs.dm_split("XSLocalEXT--" + LOCAL.replace("-", "--") + "-" + LOCAL.replace("-", "--")) == (
        "XSLocalEXT-" + LOCAL, LOCAL)
    assert blockdevs.dm_split("VG_XenStorage--" + OTHER.replace("-", "--") + "-MGT") == (
        "VG_XenStorage-" + OTHER, "MGT")
    assert blockdevs.sr_of_volume("VG_XenStorage--" + OTHER.replace("-", "--") + "-VHD--0a") == OTHER
    assert blockdevs.sr_of_volume("centos-root") is None
    assert blockdevs.sr_of_volume("XSLocalEXT-") is None


def test_answers_that_are_not_the_plugins_are_refused():
    for text in ("", "[]", '{"blockdevices": 3}', '{"blockdevices": [{"size": "1"}]}', "not json", None):
        try:
            blockdevs.devices(text)
        except (ValueError, TypeError):
            continue
        raise AssertionError("accepted %r" % (text,))


def test_odd_values_do_not_break_the_listing():
    text = json.dumps({"blockdevices": [{"name": "sdx", "type": "disk", "size": "lots", "ro": 1},
                                        {"name": "sdy", "type": "disk", "children": "none"}]})
    found = blockdevs.devices(text)
    assert [(row["path"], row["size"], row["reason"]) for row in found] == [("/dev/sdx", None, None),
                                                                           ("/dev/sdy", None, None)]


def test_the_call():
    assert blockdevs.list_call("OpaqueRef:h") == ("Async.host.call_plugin",
                                                  ["OpaqueRef:h", "lsblk.py", "list_block_devices", {}])
