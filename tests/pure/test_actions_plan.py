"""VM action calls, the delete plan and migrate/copy targets, over records shaped like xapi_sim's."""
from lite_app.logic import vm_actions as vmactions
from lite_app.xapi.cache import Cache

NULL = "OpaqueRef:NULL"
GIB = 1024 ** 3


def vm(name, state="Halted", vbds=(), snapshots=(), **fields):
    record = {"uuid": name + "-uuid", "name_label": name, "power_state": state, "VBDs": list(vbds),
              "snapshots": list(snapshots), "snapshot_of": NULL, "is_a_template": False,
              "is_a_snapshot": False, "is_control_domain": False, "is_default_template": False,
              "suspend_VDI": NULL, "resident_on": NULL, "current_operations": {},
              "blocked_operations": {}, "memory_overhead": 0, "memory_dynamic_min": 2 * GIB,
              "memory_dynamic_max": 4 * GIB, "memory_static_max": 4 * GIB}
    record.update(fields)
    return record


def vbd(vm_ref, vdi_ref, kind="Disk", device="0"):
    return {"VM": vm_ref, "VDI": vdi_ref, "type": kind, "userdevice": device,
            "empty": vdi_ref == NULL, "mode": "RO" if kind == "CD" else "RW"}


def vdi(name, sr, vbds, size=20 * GIB, **fields):
    record = {"name_label": name, "SR": sr, "VBDs": list(vbds), "virtual_size": size,
              "is_a_snapshot": False, "is_tools_iso": False, "type": "user", "sharable": False}
    record.update(fields)
    return record


def pool():
    """web (Halted) with a system disk, a data disk, the Debian ISO in its CD drive and a disk it
    shares with db; one snapshot of web with snapshot disks and the same ISO."""
    c = Cache()
    c.load("SR", {
        "OpaqueRef:local": {"name_label": "Local storage", "content_type": "user", "type": "ext",
                            "physical_size": 900 * GIB, "physical_utilisation": 40 * GIB,
                            "allowed_operations": ["vdi_create", "vdi_destroy", "scan"]},
        "OpaqueRef:nfs": {"name_label": "NFS storage", "content_type": "", "type": "nfs",
                          "physical_size": 8192 * GIB, "physical_utilisation": 1024 * GIB,
                          "allowed_operations": ["vdi_create", "vdi_destroy"]},
        "OpaqueRef:isos": {"name_label": "ISO library", "content_type": "iso", "type": "iso",
                           "physical_size": 500 * GIB, "physical_utilisation": 31 * GIB},
        "OpaqueRef:tools": {"name_label": "XCP-ng Tools", "content_type": "iso", "type": "iso",
                            "is_tools_sr": True, "physical_size": 0, "physical_utilisation": 0},
        "OpaqueRef:usb": {"name_label": "Removable", "content_type": "disk", "type": "udev",
                          "physical_size": 64 * GIB, "physical_utilisation": 0},
        "OpaqueRef:ro": {"name_label": "Read-only", "content_type": "user", "type": "lvm",
                         "physical_size": 9999 * GIB, "physical_utilisation": 0,
                         "allowed_operations": ["scan"]},
    })
    c.load("VM", {
        "OpaqueRef:web": vm("web", vbds=["OpaqueRef:b-sys", "OpaqueRef:b-cd", "OpaqueRef:b-data",
                                         "OpaqueRef:b-shared"], snapshots=["OpaqueRef:snap"]),
        "OpaqueRef:snap": vm("before-upgrade", vbds=["OpaqueRef:s-sys", "OpaqueRef:s-cd"],
                             is_a_snapshot=True, is_a_template=True, snapshot_of="OpaqueRef:web"),
        "OpaqueRef:db": vm("db", "Running", vbds=["OpaqueRef:d-shared"], resident_on="OpaqueRef:h1"),
    })
    c.load("VBD", {
        "OpaqueRef:b-sys": vbd("OpaqueRef:web", "OpaqueRef:sys"),
        "OpaqueRef:b-cd": vbd("OpaqueRef:web", "OpaqueRef:iso", "CD", "3"),
        "OpaqueRef:b-data": vbd("OpaqueRef:web", "OpaqueRef:data", device="1"),
        "OpaqueRef:b-shared": vbd("OpaqueRef:web", "OpaqueRef:shared", device="2"),
        "OpaqueRef:s-sys": vbd("OpaqueRef:snap", "OpaqueRef:sys-snap"),
        "OpaqueRef:s-cd": vbd("OpaqueRef:snap", "OpaqueRef:iso", "CD", "3"),
        "OpaqueRef:d-shared": vbd("OpaqueRef:db", "OpaqueRef:shared", device="1"),
    })
    c.load("VDI", {
        "OpaqueRef:sys": vdi("web system", "OpaqueRef:local", ["OpaqueRef:b-sys"], 20 * GIB),
        "OpaqueRef:data": vdi("web data", "OpaqueRef:local", ["OpaqueRef:b-data"], 100 * GIB),
        "OpaqueRef:shared": vdi("cluster disk", "OpaqueRef:nfs",
                                ["OpaqueRef:b-shared", "OpaqueRef:d-shared"], 10 * GIB, sharable=True),
        "OpaqueRef:iso": vdi("debian-12.8.0-amd64-netinst.iso", "OpaqueRef:isos",
                             ["OpaqueRef:b-cd", "OpaqueRef:s-cd"], GIB),
        "OpaqueRef:sys-snap": vdi("web system", "OpaqueRef:local", ["OpaqueRef:s-sys"], 20 * GIB,
                                  is_a_snapshot=True, snapshot_of="OpaqueRef:sys"),
    })
    return c


def test_power_calls_use_async_and_xapi_params():
    assert vmactions.power_call("start", "OpaqueRef:v") == ("Async.VM.start", ["OpaqueRef:v", False, False])
    assert vmactions.power_call("resume", "OpaqueRef:v") == ("Async.VM.resume", ["OpaqueRef:v", False, False])
    assert vmactions.power_call("start_on", "OpaqueRef:v", "OpaqueRef:h") == \
        ("Async.VM.start_on", ["OpaqueRef:v", "OpaqueRef:h", False, False])
    for action in ("clean_shutdown", "hard_shutdown", "clean_reboot", "hard_reboot", "suspend",
                   "pause", "unpause"):
        assert vmactions.power_call(action, "OpaqueRef:v") == ("Async.VM." + action, ["OpaqueRef:v"])
    for bad in (("start_on", None), ("resume_on", NULL), ("destroy", None)):
        try:
            vmactions.power_call(bad[0], "OpaqueRef:v", bad[1])
        except ValueError:
            continue
        raise AssertionError(bad)


def test_snapshot_clone_copy_revert_migrate_calls():
    assert vmactions.snapshot_call("OpaqueRef:v", "v_2025") == ("Async.VM.snapshot", ["OpaqueRef:v", "v_2025"])
    assert vmactions.checkpoint_call("OpaqueRef:v", "c") == ("Async.VM.checkpoint", ["OpaqueRef:v", "c"])
    assert vmactions.revert_call("OpaqueRef:s") == ("Async.VM.revert", ["OpaqueRef:s"])
    assert vmactions.clone_call("OpaqueRef:v", "v2") == ("Async.VM.clone", ["OpaqueRef:v", "v2"])
    assert vmactions.copy_call("OpaqueRef:v", "v2", "OpaqueRef:nfs") == \
        ("Async.VM.copy", ["OpaqueRef:v", "v2", "OpaqueRef:nfs"])
    assert vmactions.copy_call("OpaqueRef:v", "v2") == ("Async.VM.copy", ["OpaqueRef:v", "v2", NULL])
    assert vmactions.migrate_call("OpaqueRef:v", "OpaqueRef:h") == \
        ("Async.VM.pool_migrate", ["OpaqueRef:v", "OpaqueRef:h", {"force": "false"}])
    assert vmactions.snapshot_name("web-01", "2025-06-05 12:34 UTC") == "web-01_2025-06-05 12:34 UTC"
    assert vmactions.copy_name("web-01") == "web-01 (copy)"


def test_delete_takes_exclusive_disks_and_snapshots_and_keeps_the_rest():
    plan = vmactions.delete_plan(pool(), "OpaqueRef:web")
    assert plan["blocked"] is None
    assert plan["snapshots"] == ["OpaqueRef:snap"]
    assert sorted(plan["disks"]) == ["OpaqueRef:data", "OpaqueRef:sys", "OpaqueRef:sys-snap"]
    assert sorted(plan["kept"]) == [("OpaqueRef:iso", "cd"), ("OpaqueRef:shared", "shared")]
    calls = plan["calls"]
    assert calls[:2] == [("Async.VM.destroy", ["OpaqueRef:web"]), ("Async.VM.destroy", ["OpaqueRef:snap"])]
    assert sorted(c[1][0] for c in calls[2:]) == sorted(plan["disks"])
    assert all(c[0] == "Async.VDI.destroy" for c in calls[2:])


def test_keeping_snapshots_keeps_their_disks():
    plan = vmactions.delete_plan(pool(), "OpaqueRef:web", keep_snapshots=True)
    assert plan["snapshots"] == []
    assert sorted(plan["disks"]) == ["OpaqueRef:data", "OpaqueRef:sys"]
    assert plan["calls"][0] == ("Async.VM.destroy", ["OpaqueRef:web"])
    assert ("Async.VM.destroy", ["OpaqueRef:snap"]) not in plan["calls"]


def test_deleting_a_snapshot_takes_only_its_own_disks():
    plan = vmactions.delete_plan(pool(), "OpaqueRef:snap")
    assert plan["blocked"] is None
    assert plan["disks"] == ["OpaqueRef:sys-snap"]
    assert plan["kept"] == [("OpaqueRef:iso", "cd")]
    assert plan["calls"] == [("Async.VM.destroy", ["OpaqueRef:snap"]),
                             ("Async.VDI.destroy", ["OpaqueRef:sys-snap"])]


def test_a_running_vm_cannot_be_deleted():
    plan = vmactions.delete_plan(pool(), "OpaqueRef:db")
    assert plan["blocked"] == "power_Running"
    assert plan["kept"] == [("OpaqueRef:shared", "shared")]


def test_suspended_vm_loses_its_suspend_image_too():
    c = pool()
    c.records["VM"]["OpaqueRef:web"].update(power_state="Suspended", suspend_VDI="OpaqueRef:img")
    c.records["VDI"]["OpaqueRef:img"] = vdi("Suspend image", "OpaqueRef:local", [], 4 * GIB, type="suspend")
    plan = vmactions.delete_plan(c, "OpaqueRef:web")
    assert plan["blocked"] is None
    assert "OpaqueRef:img" in plan["disks"]


def test_unknown_records_are_kept_not_guessed():
    c = pool()
    del c.records["VDI"]["OpaqueRef:data"]                         # not loaded
    c.records["VDI"]["OpaqueRef:sys"]["VBDs"].append("OpaqueRef:unseen")   # a VBD we do not know
    c.records["VM"]["OpaqueRef:web"]["VBDs"].append("OpaqueRef:b-empty")
    c.records["VBD"]["OpaqueRef:b-empty"] = vbd("OpaqueRef:web", NULL, "CD", "4")
    plan = vmactions.delete_plan(c, "OpaqueRef:web", keep_snapshots=True)
    assert plan["disks"] == []
    assert sorted(plan["kept"]) == [("OpaqueRef:data", "unknown"), ("OpaqueRef:iso", "cd"),
                                    ("OpaqueRef:shared", "shared"), ("OpaqueRef:sys", "shared")]


def test_tools_iso_in_a_disk_slot_is_never_destroyed():
    c = pool()
    c.records["VDI"]["OpaqueRef:data"]["is_tools_iso"] = True
    assert "OpaqueRef:data" not in vmactions.delete_plan(c, "OpaqueRef:web")["disks"]


def test_delete_calls_follow_the_users_choice():
    calls = vmactions.delete_calls("OpaqueRef:web", [], ["OpaqueRef:sys"])
    assert calls == [("Async.VM.destroy", ["OpaqueRef:web"]), ("Async.VDI.destroy", ["OpaqueRef:sys"])]


def hosts_pool():
    c = pool()
    c.load("host", {
        "OpaqueRef:h1": {"name_label": "xcp-ng-01", "enabled": True, "metrics": "OpaqueRef:m1",
                         "memory_overhead": GIB, "resident_VMs": ["OpaqueRef:dom0", "OpaqueRef:db"]},
        "OpaqueRef:h2": {"name_label": "xcp-ng-02", "enabled": True, "metrics": "OpaqueRef:m2",
                         "memory_overhead": GIB, "resident_VMs": ["OpaqueRef:big"]},
        "OpaqueRef:h3": {"name_label": "xcp-ng-03", "enabled": False, "metrics": "OpaqueRef:m3",
                         "memory_overhead": 0, "resident_VMs": []},
        "OpaqueRef:h4": {"name_label": "xcp-ng-04", "enabled": True, "metrics": "OpaqueRef:m4",
                         "memory_overhead": 0, "resident_VMs": []},
    })
    c.load("host_metrics", {
        "OpaqueRef:m1": {"memory_total": 64 * GIB, "live": True},
        "OpaqueRef:m2": {"memory_total": 32 * GIB, "live": True},
        "OpaqueRef:m3": {"memory_total": 256 * GIB, "live": True},
        "OpaqueRef:m4": {"memory_total": 256 * GIB, "live": False},
    })
    vms = c.records["VM"]
    vms["OpaqueRef:dom0"] = vm("Control domain", "Running", is_control_domain=True,
                               memory_dynamic_min=4 * GIB, memory_dynamic_max=4 * GIB,
                               resident_on="OpaqueRef:h1")
    vms["OpaqueRef:big"] = vm("big", "Running", memory_dynamic_min=20 * GIB, memory_dynamic_max=28 * GIB,
                              memory_overhead=GIB // 4, resident_on="OpaqueRef:h2")
    vms["OpaqueRef:mover"] = vm("mover", "Running", memory_dynamic_min=6 * GIB, memory_dynamic_max=8 * GIB,
                                resident_on="OpaqueRef:h3")
    return c


def test_migrate_targets_show_free_memory_and_leave_out_unusable_hosts():
    targets = vmactions.migrate_targets(hosts_pool(), "OpaqueRef:db")
    # db runs on h1; h3 is disabled; h4 is not live.
    assert [t["ref"] for t in targets] == ["OpaqueRef:h2"]
    h2 = targets[0]
    assert h2["total"] == 32 * GIB
    assert h2["free"] == 32 * GIB - GIB - 28 * GIB - GIB // 4
    # XAPI's check: with big squeezed to 20 GiB there are 10.75 GiB for db's 2 GiB minimum.
    assert h2["fits"] is True


def test_migrate_targets_sorted_by_free_memory_and_fit():
    targets = vmactions.migrate_targets(hosts_pool(), "OpaqueRef:mover")
    assert [t["name"] for t in targets] == ["xcp-ng-01", "xcp-ng-02"]
    h1, h2 = targets
    assert h1["free"] == 64 * GIB - GIB - 4 * GIB - 4 * GIB
    assert h1["fits"] is True
    assert h2["fits"] is True                       # 10.75 GiB at compression >= 6 GiB
    c = hosts_pool()
    c.records["VM"]["OpaqueRef:mover"]["memory_dynamic_min"] = 11 * GIB
    fits = dict((t["name"], t["fits"]) for t in vmactions.migrate_targets(c, "OpaqueRef:mover"))
    assert fits == {"xcp-ng-01": True, "xcp-ng-02": False}


def test_copy_targets_are_disk_srs_with_room():
    c = pool()
    assert vmactions.disks_size(c, c.get("VM", "OpaqueRef:web")) == (20 + 100 + 10) * GIB
    targets = vmactions.copy_targets(c, "OpaqueRef:web")
    assert [t["name"] for t in targets] == ["NFS storage", "Local storage"]
    assert targets[1]["free"] == 860 * GIB and targets[1]["fits"] is True
    c.records["SR"]["OpaqueRef:local"]["physical_utilisation"] = 800 * GIB
    local = [t for t in vmactions.copy_targets(c, "OpaqueRef:web") if t["name"] == "Local storage"][0]
    assert local["fits"] is False


def test_snapshots_newest_first():
    c = pool()
    c.records["VM"]["OpaqueRef:snap"]["snapshot_time"] = "20250101T10:00:00Z"
    c.records["VM"]["OpaqueRef:snap2"] = vm("after-upgrade", is_a_snapshot=True, is_a_template=True,
                                            snapshot_of="OpaqueRef:web", snapshot_time="20250302T08:00:00Z")
    c.records["VM"]["OpaqueRef:web"]["snapshots"] += ["OpaqueRef:snap2", "OpaqueRef:gone"]
    assert [ref for ref, _ in vmactions.snapshots_of(c, "OpaqueRef:web")] == ["OpaqueRef:snap2", "OpaqueRef:snap"]
    assert vmactions.snapshots_of(c, "OpaqueRef:db") == []


def test_a_projected_record_is_not_planned_from():
    c = pool()
    c.records["VM"]["OpaqueRef:list"] = {"uuid": "l", "name_label": "listed", "power_state": "Halted"}
    plan = vmactions.delete_plan(c, "OpaqueRef:list")
    assert plan["blocked"] == "incomplete" and plan["missing"] == ["VBDs", "snapshots"]
    assert plan["calls"] == []
