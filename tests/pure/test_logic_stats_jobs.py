"""Stats jobs: which /rrd_updates requests each page makes, the polling schedule and the stored results."""
import views_fixture as fx
from stats_fixture import MEMBER, PAGE, WEB, reply, state_at

from lite_app.logic import stats_jobs as statsview


def job(key, every=5):
    return {"key": key, "every": every}


def test_vm_stats_tab_asks_the_master_with_the_cookie_only():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    [job] = statsview.jobs(state, PAGE)
    assert job["url"] == (PAGE + "/rrd_updates?start=-595&interval=5&cf=AVERAGE&json=true&vm_uuid=" + WEB)
    assert job["same"] is True and "session_id" not in job["url"]
    assert job["key"] == "VM:" + WEB + ":10min" and job["every"] == 5
    statsview.set_range(state, "week")
    [job] = statsview.jobs(state, PAGE)
    assert "start=-601200&interval=3600" in job["url"] and job["every"] == 300
    statsview.set_range(state, "bogus")
    assert statsview.current_range(state) == "week"


def test_a_vm_on_a_member_is_asked_there_with_the_session_in_the_query():
    state = state_at("vm", {"uuid": "uuid-db-01", "tab": "stats"})   # paused, on xcp-ng-02
    [job] = statsview.jobs(state, PAGE)
    assert job["url"].startswith(MEMBER + "/rrd_updates?")
    assert job["url"].endswith("&session_id=OpaqueRef%3As3cr3t")
    assert job["same"] is False and job["origin"] == MEMBER


def test_no_request_for_a_halted_vm_another_tab_or_another_page():
    assert statsview.jobs(state_at("vm", {"uuid": "uuid-app-01", "tab": "stats"}), PAGE) == []
    assert statsview.jobs(state_at("vm", {"uuid": WEB}), PAGE) == []
    assert statsview.jobs(state_at("vms"), PAGE) == []
    logged_out = state_at("vm", {"uuid": WEB, "tab": "stats"})
    logged_out.client = None
    assert statsview.jobs(logged_out, PAGE) == []


def test_host_stats_leave_the_vms_out_and_the_dashboard_asks_every_live_host():
    [job] = statsview.jobs(state_at("host", {"uuid": "host-2", "tab": "stats"}), PAGE)
    assert job["url"].startswith(MEMBER + "/rrd_updates?start=-595&interval=5&cf=AVERAGE&json=true&host=true"
                                 "&vm_uuid=none&session_id=")
    state = state_at("dashboard")
    top = statsview.jobs(state, PAGE)
    assert [j["origin"] for j in top] == [PAGE, MEMBER]
    assert all("host=true" in j["url"] and "vm_uuid" not in j["url"] for j in top)
    assert all(j["keep"] == statsview.TOP_KEEP and j["rows"] == statsview.TOP_ROWS for j in top)
    # the browser keeps the 5 highest VMs of each reply by CPU and by RAM, leaving the dom0s out
    assert top[0]["top"] == {"n": 5, "skip": ["uuid-Control domain on host: xcp-ng-01",
                                              "uuid-Control domain on host: xcp-ng-02"]}
    state.cache.records["host_metrics"][fx.ref("hm2")]["live"] = False
    assert [j["origin"] for j in statsview.jobs(state, PAGE)] == [PAGE]


def test_schedule_keeps_three_in_flight_and_waits_the_period_or_the_retry_delay():
    plan = statsview.Schedule()
    wanted = [job("a"), job("b"), job("c"), job("d", 60)]
    first = plan.due(wanted, 100.0)
    assert [j["key"] for j in first] == ["a", "b", "c"]
    for j in first:
        plan.start(j, 100.0)
    assert plan.due(wanted, 100.0) == []
    plan.done(wanted[0], 101.0, True)
    assert [j["key"] for j in plan.due(wanted, 101.0)] == ["d"]
    plan.done(wanted[1], 101.0, False)
    plan.start(wanted[3], 101.0)
    plan.done(wanted[3], 102.0, True)
    assert plan.due(wanted, 105.9) == []
    assert [j["key"] for j in plan.due(wanted, 106.0)] == ["a"]
    assert [j["key"] for j in plan.due(wanted, 116.0)] == ["a", "b"]
    assert "d" not in [j["key"] for j in plan.due(wanted, 161.9)]


def test_store_parses_replies_and_keeps_the_last_series_on_failure():
    state = state_at()
    j = {"key": "k", "origin": MEMBER, "host": fx.ref("h2")}
    assert statsview.store(state, j, "1" + reply(WEB), 10.0) is True
    entry = statsview.result(state, "k")
    assert entry["updates"].get("vm", WEB, "cpu_usage") == [None, 0.5, 0.25] and entry["error"] is None
    assert statsview.store(state, j, '0{"kind": "timeout", "status": 0}', 20.0) is False
    entry = statsview.result(state, "k")
    assert entry["error"] == "unreachable" and entry["updates"].get("vm", WEB, "cpu_usage")[-1] == 0.25
    statsview.store(state, j, '0{"kind": "http", "status": 500}', 30.0)
    assert statsview.result(state, "k")["error"] == "nodata"
    statsview.store(state, j, '0{"kind": "http", "status": 401}', 30.0)
    assert statsview.result(state, "k")["error"] == "error"
    statsview.store(state, j, "1<html>not json</html>", 40.0)
    assert statsview.result(state, "k")["error"] == "error"
