"""The disks of an SR: hidden base copies left out, snapshots grouped under their disk, orphans marked,
and the refusals and calls of create, resize, rename and delete (over sr_pool.py's records)."""
from sr_pool import GIB, pool, ref

from lite_app.logic import sr_disks, sr_plans


def tree(cache=None, sr="nfs"):
    cache = cache or pool()
    return sr_disks.disk_tree(sr_plans.sr_vdis(cache, ref(sr)), sr == "iso")


def names(rows):
    return [row["vdi"]["name_label"] for row in rows]


def test_base_copies_are_not_disks_and_snapshots_sit_under_their_disk():
    cache = pool()
    rows = tree(cache)
    assert names(rows) == ["db system", "golden image", "gone vm disk", "growing", "old data", "Suspend image",
                           "web system"]
    web = rows[-1]
    assert [r["ref"] for r in web["snapshots"]] == [ref("web-sys-snap")]
    users = sr_disks.users(cache, web["snapshots"][0]["vdi"])
    assert [vm["name_label"] for _r, vm, _a in users] == ["web before upgrade"]
    assert [a for _r, _vm, a in sr_disks.users(cache, web["vdi"])] == [True]
    assert [a for _r, _vm, a in sr_disks.users(cache, rows[0]["vdi"])] == [False]
    assert all(row["ref"] != ref("base") for row in rows)


def test_orphans_are_plain_disks_nothing_uses_that_are_no_snapshot_base():
    rows = tree()
    found = sorted(r["ref"] for r in sr_disks.orphans(rows))
    # old data; the snapshot whose VM is gone; golden's snapshot; the disk being resized. Not golden
    # (its snapshot was taken of it), the suspend image, db's disk or web's.
    assert found == sorted([ref("old"), ref("lost-snap"), ref("golden-snap"), ref("busy")])
    assert [r["vdi"]["name_label"] for r in tree(sr="iso")] == ["alpine.iso", "debian.iso"]
    assert sr_disks.orphans(tree(sr="iso")) == []


def test_delete_is_refused_for_disks_in_use_with_the_reason():
    cache = pool()
    vdi = lambda name: cache.get("VDI", ref(name))  # noqa: E731
    assert sr_disks.delete_refusal(cache, vdi("web-sys")) == ("disk.refuse.used", {"vms": "web"})
    assert sr_disks.delete_refusal(cache, vdi("db-sys")) == ("disk.refuse.used", {"vms": "db"})
    assert sr_disks.delete_refusal(cache, vdi("web-sys-snap")) == (
        "disk.refuse.snapshot", {"snapshots": "web before upgrade"})
    assert sr_disks.delete_refusal(cache, vdi("busy")) == ("disk.refuse.busy", {})
    assert sr_disks.delete_refusal(cache, vdi("tools.iso")) == ("disk.refuse.tools", {})
    assert sr_disks.delete_refusal(cache, vdi("suspend")) == ("disk.refuse.system", {"type": "suspend"})
    assert sr_disks.delete_refusal(cache, vdi("debian.iso"))[0] == "disk.refuse.used"
    assert sr_disks.delete_refusal(cache, vdi("old")) is None
    assert sr_disks.destroy_call(ref("old")) == ("Async.VDI.destroy", [ref("old")])


def test_resize_is_refused_while_a_running_vm_has_the_disk():
    cache = pool()
    vdi = lambda name: cache.get("VDI", ref(name))  # noqa: E731
    assert sr_disks.resize_refusal(cache, vdi("web-sys")) == ("disk.refuse.attached", {"vms": "web"})
    assert sr_disks.resize_refusal(cache, vdi("db-sys")) is None
    assert sr_disks.resize_refusal(cache, vdi("alpine.iso"), iso_sr=True) == ("disk.refuse.iso_resize", {})
    assert sr_disks.resize_refusal(cache, vdi("busy")) == ("disk.refuse.busy", {})


def test_resize_only_grows():
    disk = pool().get("VDI", ref("db-sys"))
    assert sr_disks.resize_checks(disk, "10 GiB") == (("valid.grow_only", {"size": "10 GiB"}), None)
    assert sr_disks.resize_checks(disk, "12") == (None, 12 * GIB)
    assert sr_disks.resize_checks(disk, "lots")[0] == ("valid.disk_size", {})
    assert sr_disks.resize_call(ref("db-sys"), 12 * GIB) == ("Async.VDI.resize", [ref("db-sys"), 12 * GIB])


def test_disk_sizes_as_people_type_them():
    assert sr_disks.disk_size("20") == 20 * GIB
    assert sr_disks.disk_size("1.5") == 3 * GIB // 2
    assert sr_disks.disk_size("512 MiB") == 512 * 1024 ** 2
    assert sr_disks.disk_size("2T") == 2048 * GIB
    assert sr_disks.disk_size("") is None and sr_disks.disk_size("-1") is None
    assert sr_disks.size_refusal(sr_disks.disk_size("100000000000000 TiB")) == ("valid.size_huge", {})
    assert sr_disks.size_refusal(100) == ("valid.size_small", {"size": "1 MiB"})


def test_create_checks_and_call():
    sr = pool().get("SR", ref("nfs"))
    assert sr_disks.create_checks(sr, "  ", "10")[0] == ("name", ("valid.name_empty", {}))
    assert sr_disks.create_checks(sr, "data", "ten")[0] == ("size", ("valid.disk_size", {}))
    error, size = sr_disks.create_checks(sr, "data", "10 GiB")
    assert error is None and size == 10 * GIB
    method, params = sr_disks.create_call(ref("nfs"), " data ", " for the app ", size)
    assert method == "Async.VDI.create"
    record = params[0]
    assert (record["name_label"], record["name_description"], record["SR"]) == ("data", "for the app", ref("nfs"))
    assert (record["virtual_size"], record["type"], record["read_only"], record["sharable"]) == (
        10 * GIB, "user", False, False)
    for field in ("other_config", "xenstore_data", "sm_config", "tags"):
        assert not record[field]


def test_rename_sends_only_what_changed():
    cache = pool()
    disk = cache.get("VDI", ref("old"))
    assert sr_disks.rename_calls(ref("old"), disk, "old data", "") == (None, [])
    assert sr_disks.rename_calls(ref("old"), disk, " archive ", "kept for audit") == (None, [
        ("VDI.set_name_label", [ref("old"), "archive"]),
        ("VDI.set_name_description", [ref("old"), "kept for audit"])])
    assert sr_disks.rename_calls(ref("old"), disk, "", "")[0] == ("valid.name_empty", {})
    assert sr_disks.rename_calls(ref("old"), disk, "x", "d" * 2000)[0] == ("valid.too_long", {"limit": 1024})
