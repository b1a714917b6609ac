"""VM action calls and the migrate/copy targets, over records shaped like xapi_sim's (vm_pool.py)."""
from vm_pool import GIB, NULL, hosts_pool, pool, vm

from lite_app.logic import model
from lite_app.logic import vm_actions as vmactions


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
    assert vmactions.revert_call("OpaqueRef:s") == ("Async.VM.revert", ["OpaqueRef:s"])
    assert vmactions.clone_call("OpaqueRef:v", "v2") == ("Async.VM.clone", ["OpaqueRef:v", "v2"])
    assert vmactions.copy_call("OpaqueRef:v", "v2", "OpaqueRef:nfs") == \
        ("Async.VM.copy", ["OpaqueRef:v", "v2", "OpaqueRef:nfs"])
    assert vmactions.copy_call("OpaqueRef:v", "v2") == ("Async.VM.copy", ["OpaqueRef:v", "v2", NULL])
    assert vmactions.migrate_call("OpaqueRef:v", "OpaqueRef:h") == \
        ("Async.VM.pool_migrate", ["OpaqueRef:v", "OpaqueRef:h", {"force": "false"}])
    assert vmactions.snapshot_name("web-01", "2025-06-05 12:34 UTC") == "web-01_2025-06-05 12:34 UTC"
    assert vmactions.copy_name("web-01") == "web-01 (copy)"


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
    assert [ref for ref, _ in model.vm_snapshots(c, c.get("VM", "OpaqueRef:web"))] == [
        "OpaqueRef:snap2", "OpaqueRef:snap"]
    assert model.vm_snapshots(c, c.get("VM", "OpaqueRef:db")) == []
