"""Bulk selection (shift-click ranges, filtered select-all), bulk plans and the outcome report."""
from lite_app.logic import vm_bulk as bulk
from lite_app.logic.model import namer
from lite_app.xapi.cache import Cache
from lite_app.xapi.errors import XapiError

ROWS = ["OpaqueRef:vm%d" % n for n in range(10)]


def test_click_toggles_and_sets_the_anchor():
    s = bulk.Selection()
    s.click(ROWS[2], ROWS)
    assert s.is_selected(ROWS[2]) and s.count() == 1 and s.anchor == ROWS[2]
    s.click(ROWS[2], ROWS)
    assert not s.is_selected(ROWS[2]) and s.count() == 0


def test_shift_click_selects_a_range_both_ways():
    s = bulk.Selection()
    s.click(ROWS[2], ROWS)
    s.click(ROWS[5], ROWS, shift=True)
    assert s.refs(ROWS) == ROWS[2:6]
    s.click(ROWS[0], ROWS, shift=True)           # the anchor stays at 2
    assert s.refs(ROWS) == ROWS[0:6]
    s.click(ROWS[4], ROWS, shift=True)           # 4 is selected: the range 2..4 is cleared
    assert s.refs(ROWS) == ROWS[0:2] + [ROWS[5]]


def test_shift_click_without_a_visible_anchor_is_a_plain_click():
    s = bulk.Selection()
    s.click(ROWS[7], ROWS, shift=True)
    assert s.refs(ROWS) == [ROWS[7]] and s.anchor == ROWS[7]
    filtered = ROWS[:5]                          # the anchor filtered out
    s.click(ROWS[1], filtered, shift=True)
    assert s.refs(ROWS) == [ROWS[1], ROWS[7]]


def test_select_all_filtered_and_the_header_state():
    s = bulk.Selection()
    evens = ROWS[::2]
    assert s.state(evens) == "none"
    s.click(ROWS[1], ROWS)
    s.select_all(evens)
    assert s.count() == 6 and s.state(evens) == "all" and s.state(ROWS) == "some"
    s.toggle_all(evens)                          # all shown selected: clear them, keep vm1
    assert s.refs(ROWS) == [ROWS[1]]
    s.toggle_all(evens)
    assert s.state(evens) == "all"
    s.clear()
    assert s.count() == 0 and s.anchor is None


def test_refs_in_display_order_and_prune():
    s = bulk.Selection()
    for ref in (ROWS[5], ROWS[1], ROWS[8]):
        s.click(ref, ROWS)
    assert s.refs(list(reversed(ROWS))) == [ROWS[8], ROWS[5], ROWS[1]]
    assert s.refs(ROWS[:6]) == [ROWS[1], ROWS[5], ROWS[8]]     # hidden ones last
    s.prune(dict((ref, {}) for ref in ROWS if ref != ROWS[8]))
    assert s.refs() == [ROWS[1], ROWS[5]]
    assert s.anchor is None                                    # the anchor (vm8) is gone


def test_shift_ranges_over_ten_thousand_rows():
    rows = ["OpaqueRef:%05d" % n for n in range(10000)]
    s = bulk.Selection()
    s.click(rows[10], rows)
    s.click(rows[9990], rows, shift=True)
    assert s.count() == 9981 and s.state(rows) == "some"


def pool():
    c = Cache()
    tools = ["clean_shutdown", "clean_reboot", "hard_shutdown", "hard_reboot", "snapshot", "suspend"]
    c.load("VM", {
        "OpaqueRef:a": {"name_label": "web-01", "power_state": "Running", "allowed_operations": tools,
                        "VBDs": [], "snapshots": []},
        "OpaqueRef:b": {"name_label": "db-01", "power_state": "Running", "VBDs": [], "snapshots": [],
                        "allowed_operations": ["hard_shutdown", "hard_reboot", "snapshot"]},
        "OpaqueRef:c": {"name_label": "app-01", "power_state": "Halted", "VBDs": [], "snapshots": [],
                        "allowed_operations": ["start", "snapshot", "destroy", "clone", "copy"]},
    })
    return c


def test_plan_skips_vms_the_rules_refuse():
    p = bulk.plan(pool(), "clean_shutdown", ["OpaqueRef:a", "OpaqueRef:b", "OpaqueRef:c", "OpaqueRef:x"])
    assert p["run"] == [("OpaqueRef:a", [("Async.VM.clean_shutdown", ["OpaqueRef:a"])])]
    assert p["skipped"] == [("OpaqueRef:b", "no_tools_shutdown"), ("OpaqueRef:c", "power_Halted"),
                            ("OpaqueRef:x", "gone")]
    snap = bulk.plan(pool(), "snapshot", ["OpaqueRef:a", "OpaqueRef:c"], stamp="2025-06-05")
    assert snap["run"][1] == ("OpaqueRef:c", [("Async.VM.snapshot", ["OpaqueRef:c", "app-01_2025-06-05"])])
    delete = bulk.plan(pool(), "delete", ["OpaqueRef:a", "OpaqueRef:c"])
    assert delete["run"] == [("OpaqueRef:c", [("Async.VM.destroy", ["OpaqueRef:c"])])]
    assert delete["skipped"] == [("OpaqueRef:a", "power_Running")]


def fake_perform(fail_on):
    done = []

    async def perform(method, params):
        done.append((method, params[0]))
        if params[0] in fail_on:
            raise fail_on[params[0]]
        return "OpaqueRef:task-result"
    return perform, done


async def test_run_reports_each_vm():
    cache = pool()
    p = bulk.plan(cache, "hard_shutdown", ["OpaqueRef:a", "OpaqueRef:b", "OpaqueRef:c"])
    error = XapiError("OTHER_OPERATION_IN_PROGRESS", ["VM", "OpaqueRef:b", "snapshot", "OpaqueRef:t"])
    perform, done = fake_perform({"OpaqueRef:b": error})
    renders = []
    outcomes = await bulk.run(p, perform, parallel=1, changed=lambda: renders.append(1))
    assert done == [("Async.VM.hard_shutdown", "OpaqueRef:a"), ("Async.VM.hard_shutdown", "OpaqueRef:b")]
    assert len(renders) == 2 and outcomes.done()
    assert outcomes.counts() == {"ok": 1, "failed": 1, "skipped": 1, "pending": 0}
    rows = outcomes.rows(namer(cache))
    assert [(r["name"], r["status"]) for r in rows] == [("web-01", "ok"), ("db-01", "failed"),
                                                        ("app-01", "skipped")]
    assert rows[1]["code"] == "OTHER_OPERATION_IN_PROGRESS"
    assert rows[1]["params"] == ["VM", "OpaqueRef:b", "snapshot", "OpaqueRef:t"]
    assert rows[1]["text"].startswith("\u201cdb-01\u201d is busy")
    assert rows[2]["text"] == "The VM is halted"
    assert outcomes.summary() == "1 succeeded, 1 failed, 1 skipped."


async def test_a_vm_stops_at_its_first_failed_call():
    calls = [("Async.VM.destroy", ["OpaqueRef:c"]), ("Async.VDI.destroy", ["OpaqueRef:d1"])]
    p = {"action": "delete", "run": [("OpaqueRef:c", calls)], "skipped": []}
    perform, done = fake_perform({"OpaqueRef:c": XapiError("VM_BAD_POWER_STATE",
                                                           ["OpaqueRef:c", "halted, suspended", "running"])})
    outcomes = await bulk.run(p, perform)
    assert done == [("Async.VM.destroy", "OpaqueRef:c")]
    assert outcomes.rows()[0]["text"] == "an object is running, but this action needs it halted or suspended."


async def test_parallel_batches_run_everything():
    refs = ["OpaqueRef:v%d" % n for n in range(9)]
    p = {"action": "start", "run": [(r, [("Async.VM.start", [r, False, False])]) for r in refs],
         "skipped": []}
    perform, done = fake_perform({refs[4]: ValueError("bad reply")})
    outcomes = await bulk.run(p, perform, parallel=4)
    assert sorted(ref for _, ref in done) == sorted(refs)
    assert outcomes.counts()["ok"] == 8
    assert outcomes.rows()[4]["code"] == "APP_ERROR"


def test_pending_rows_before_the_run():
    outcomes = bulk.Outcomes(["OpaqueRef:a"])
    assert outcomes.rows()[0]["status"] == "pending" and not outcomes.done()
    try:
        bulk.plan(pool(), "explode", [])
    except ValueError:
        return
    raise AssertionError("unknown bulk action accepted")


def test_bulk_delete_skips_vms_known_only_from_the_list():
    c = pool()
    c.records["VM"]["OpaqueRef:p"] = {"name_label": "projected", "power_state": "Halted"}
    p = bulk.plan(c, "delete", ["OpaqueRef:p", "OpaqueRef:c"])
    assert [ref for ref, _ in p["run"]] == ["OpaqueRef:c"]
    assert p["skipped"] == [("OpaqueRef:p", "incomplete")]
    outcomes = bulk.Outcomes(["OpaqueRef:p"])
    outcomes.skipped("OpaqueRef:p", "incomplete")
    assert outcomes.rows()[0]["text"] == "The VM's details are not loaded yet; nothing was done."
