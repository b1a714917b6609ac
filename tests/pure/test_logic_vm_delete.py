"""The delete plan of a VM or a snapshot: which disks go, which stay and why, in which order.

Over records shaped like xapi_sim's (vm_pool.py)."""
from vm_pool import GIB, NULL, pool, vbd, vdi

from lite_app.logic import vm_delete


def test_delete_takes_exclusive_disks_and_snapshots_and_keeps_the_rest():
    plan = vm_delete.delete_plan(pool(), "OpaqueRef:web")
    assert plan["blocked"] is None
    assert plan["snapshots"] == ["OpaqueRef:snap"]
    assert sorted(plan["disks"]) == ["OpaqueRef:data", "OpaqueRef:sys", "OpaqueRef:sys-snap"]
    assert sorted(plan["kept"]) == [("OpaqueRef:iso", "cd"), ("OpaqueRef:shared", "shared")]
    calls = plan["calls"]
    assert calls[:2] == [("Async.VM.destroy", ["OpaqueRef:web"]), ("Async.VM.destroy", ["OpaqueRef:snap"])]
    assert sorted(c[1][0] for c in calls[2:]) == sorted(plan["disks"])
    assert all(c[0] == "Async.VDI.destroy" for c in calls[2:])


def test_keeping_snapshots_keeps_their_disks():
    plan = vm_delete.delete_plan(pool(), "OpaqueRef:web", keep_snapshots=True)
    assert plan["snapshots"] == []
    assert sorted(plan["disks"]) == ["OpaqueRef:data", "OpaqueRef:sys"]
    assert plan["calls"][0] == ("Async.VM.destroy", ["OpaqueRef:web"])
    assert ("Async.VM.destroy", ["OpaqueRef:snap"]) not in plan["calls"]


def test_deleting_a_snapshot_takes_only_its_own_disks():
    plan = vm_delete.delete_plan(pool(), "OpaqueRef:snap")
    assert plan["blocked"] is None
    assert plan["disks"] == ["OpaqueRef:sys-snap"]
    assert plan["kept"] == [("OpaqueRef:iso", "cd")]
    assert plan["calls"] == [("Async.VM.destroy", ["OpaqueRef:snap"]),
                             ("Async.VDI.destroy", ["OpaqueRef:sys-snap"])]


def test_a_running_vm_cannot_be_deleted():
    plan = vm_delete.delete_plan(pool(), "OpaqueRef:db")
    assert plan["blocked"] == "power_Running"
    assert plan["kept"] == [("OpaqueRef:shared", "shared")]


def test_suspended_vm_loses_its_suspend_image_too():
    c = pool()
    c.records["VM"]["OpaqueRef:web"].update(power_state="Suspended", suspend_VDI="OpaqueRef:img")
    c.records["VDI"]["OpaqueRef:img"] = vdi("Suspend image", "OpaqueRef:local", [], 4 * GIB, type="suspend")
    plan = vm_delete.delete_plan(c, "OpaqueRef:web")
    assert plan["blocked"] is None
    assert "OpaqueRef:img" in plan["disks"]


def test_unknown_records_are_kept_not_guessed():
    c = pool()
    del c.records["VDI"]["OpaqueRef:data"]                         # not loaded
    c.records["VDI"]["OpaqueRef:sys"]["VBDs"].append("OpaqueRef:unseen")   # a VBD we do not know
    c.records["VM"]["OpaqueRef:web"]["VBDs"].append("OpaqueRef:b-empty")
    c.records["VBD"]["OpaqueRef:b-empty"] = vbd("OpaqueRef:web", NULL, "CD", "4")
    plan = vm_delete.delete_plan(c, "OpaqueRef:web", keep_snapshots=True)
    assert plan["disks"] == []
    assert sorted(plan["kept"]) == [("OpaqueRef:data", "unknown"), ("OpaqueRef:iso", "cd"),
                                    ("OpaqueRef:shared", "shared"), ("OpaqueRef:sys", "shared")]


def test_tools_iso_in_a_disk_slot_is_never_destroyed():
    c = pool()
    c.records["VDI"]["OpaqueRef:data"]["is_tools_iso"] = True
    assert "OpaqueRef:data" not in vm_delete.delete_plan(c, "OpaqueRef:web")["disks"]


def test_delete_calls_follow_the_users_choice():
    calls = vm_delete.delete_calls("OpaqueRef:web", [], ["OpaqueRef:sys"])
    assert calls == [("Async.VM.destroy", ["OpaqueRef:web"]), ("Async.VDI.destroy", ["OpaqueRef:sys"])]


def test_a_projected_record_is_not_planned_from():
    c = pool()
    c.records["VM"]["OpaqueRef:list"] = {"uuid": "l", "name_label": "listed", "power_state": "Halted"}
    plan = vm_delete.delete_plan(c, "OpaqueRef:list")
    assert plan["blocked"] == "incomplete" and plan["missing"] == ["VBDs", "snapshots"]
    assert plan["calls"] == []
