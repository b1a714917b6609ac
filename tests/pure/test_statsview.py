"""Stats views: which requests each page makes, the polling schedule, results, charts and panels."""
import asyncio
import json

from lite_app.logic import stats, charts as statscharts, stats_jobs as statsview
from lite_app.ui import charts
from lite_app.ui.vdom import by_attr, find_all, text_of

import rrd_samples
import views_fixture as fx

PAGE = "http://127.0.0.1:8080"
MEMBER = "http://127.0.0.2:8080"
WEB = "uuid-web-01"
SESSION = "OpaqueRef:s3cr3t"


class Client:
    session = SESSION


def state_at(page="vm", params=None):
    state = fx.page_state(page, params)
    state.client = Client()
    return state


def reply(uuid, kind="vm", rows=((1000, "0.25"), (995, "0.5"), (990, "NaN"))):
    """An rrd_updates reply (newest row first) with a cpu_usage (or cpu_avg) and a memory column."""
    ds = "cpu_usage" if kind == "vm" else "cpu_avg"
    legend = ["AVERAGE:%s:%s:%s" % (kind, uuid, ds), "AVERAGE:%s:%s:memory" % (kind, uuid)]
    data = [{"t": str(t), "values": [v, "1073741824.0"]} for t, v in rows]
    meta = {"start": str(rows[-1][0]), "step": "5", "end": str(rows[0][0]), "legend": legend}
    return json.dumps({"meta": meta, "data": data})


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


def job(key, every=5):
    return {"key": key, "every": every}


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


class Edge:
    """The browser edge, faked: replies by URL, a clock the runner's sleeps advance."""

    def __init__(self, replies):
        self.replies, self.asked, self.redraws, self.clock = replies, [], 0, 1000.0

    def origin(self):
        return PAGE

    def now(self):
        return self.clock

    async def sleep(self, seconds):
        self.clock += seconds
        await asyncio.sleep(0)

    async def fetch(self, job, timeout):
        self.asked.append(job["url"])
        return self.replies(job)

    def redraw(self):
        self.redraws += 1


async def test_runner_polls_at_the_step_and_stops_when_the_page_needs_nothing():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    edge = Edge(lambda job: "1" + reply(WEB))
    runner = statsview.Runner(state, edge)
    state.ui["stats.runner"] = runner
    task = asyncio.create_task(runner.run())
    while edge.clock < 1011.0:
        await asyncio.sleep(0)
    assert len(edge.asked) == 3 and edge.redraws == 3      # t=1000, 1005, 1010
    statsview.set_range(state, "2h")
    while len(edge.asked) < 4:
        await asyncio.sleep(0)
    assert "interval=60" in edge.asked[-1]
    state.route = ("vms", {})
    await task
    assert state.ui.get("stats.runner") is None and len(edge.asked) == 4


def test_ensure_starts_nothing_outside_the_browser():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    assert statsview.ensure(state) is None and "stats.runner" not in state.ui


def test_vm_and_host_charts_from_a_real_reply():
    updates = stats.parse(rrd_samples.MASTER_5S)
    vm = statscharts.vm_charts(updates, "590e83da-586f-4721-8785-48d7b1182d23", None)
    assert [c["id"] for c in vm] == ["cpu", "memory", "network", "disk"]
    assert [label for label, _ in vm[0]["series"]] == ["Average", "vCPU 0", "vCPU 1"]
    assert [label for label, _ in vm[1]["series"]] == ["Used", "Target"]
    assert [label for label, _ in vm[2]["series"]] == ["VIF 0 receive", "VIF 0 send"]
    assert [label for label, _ in vm[3]["series"]] == ["xvda read", "xvda write"]
    host = statscharts.host_charts(updates, "38c1962e-9148-424f-aac1-c14f30e9c5cc", None)
    assert [c["id"] for c in host] == ["cpu", "cores", "memory", "network", "load"]
    data = statscharts.payload(updates, host[0])["data"]
    assert data[0] == updates.times and data[1] == stats.scale(updates.get("host", host_uuid(), "cpu_avg"), 100.0)
    assert statscharts.vm_charts(updates, "no-such-vm", None) == []


def host_uuid():
    return "38c1962e-9148-424f-aac1-c14f30e9c5cc"


def test_values_are_written_with_their_units():
    assert statscharts.human(12.345, "%") == "12.3 %"
    assert statscharts.human(1536.0, "B") == "1.5 KiB"
    assert statscharts.human(3 * 1024 ** 3, "B") == "3 GiB"
    assert statscharts.human(2048.0, "B/s") == "2 KiB/s"
    assert statscharts.human(0.4242, "") == "0.42"
    assert statscharts.human(None, "%") == "\u2014"


def panel(state):
    return [n for n in charts.object_panel(state, "VM", state.cache.ref_by_uuid("VM", WEB),
                                           state.cache.get("VM", state.cache.ref_by_uuid("VM", WEB)))]


def test_panel_states_loading_charts_and_unreachable():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    nodes = panel(state)
    assert "Loading statistics" in text_of(nodes[1])
    radios = find_all(nodes[0], lambda n: n[1].get("type") == "radio")
    assert [r[1]["value"] for r in radios] == list(stats.RANGE_ORDER)
    assert [r[1].get("checked") for r in radios] == ["", None, None, None]
    j = statsview.jobs(state, PAGE)[0]
    statsview.store(state, j, "1" + reply(WEB), 10.0)
    nodes = panel(state)
    [box] = by_attr(nodes[1], "data-chart")[:1]
    assert box[1]["role"] == "img" and box[1]["aria-label"] == "CPU usage, Last 10 minutes"
    spec = json.loads(box[1]["data-chart"])
    assert spec["unit"] == "%" and spec["labels"] == ["Average"]
    assert spec["data"] == [[990, 995, 1000], [None, 50.0, 25.0]]
    cell = by_attr(nodes[1], "data-value")[0]
    assert cell[1]["data-value"] == "25.0" and cell[1]["data-time"] == "1000" and text_of(cell) == "25.0 %"
    statsview.store(state, j, '0{"kind": "unreachable"}', 20.0)
    text = text_of(panel(state)[1])
    assert "did not answer at http://127.0.0.1:8080" in text and "Showing the figures read before" in text
    assert by_attr(panel(state)[1], "data-chart")


def test_a_halted_vm_and_an_empty_reply_show_no_data():
    state = state_at("vm", {"uuid": "uuid-app-01", "tab": "stats"})
    ref = state.cache.ref_by_uuid("VM", "uuid-app-01")
    assert text_of(charts.object_panel(state, "VM", ref, state.cache.get("VM", ref))[1]).startswith("No data")
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    statsview.store(state, statsview.jobs(state, PAGE)[0], "1" + reply("another-vm"), 1.0)
    body = panel(state)[1]
    assert text_of(body) == "No data" and not by_attr(body, "data-chart")


def test_top_card_ranks_hosts_and_vms_without_dom0():
    state = state_at("dashboard")
    host_jobs = statsview.jobs(state, PAGE)
    statsview.store(state, host_jobs[0], "1" + reply("uuid-web-01", rows=((1000, "0.5"),)), 1.0)
    state.cache.records["VM"][fx.ref("dom0-1")]["uuid"] = "dom0-uuid-1"
    legend = ["AVERAGE:host:host-1:cpu_avg", "AVERAGE:host:host-1:memory_total_kib",
              "AVERAGE:host:host-1:memory_free_kib", "AVERAGE:vm:dom0-uuid-1:cpu_usage"]
    doc = {"meta": {"start": "1000", "step": "5", "end": "1000", "legend": legend},
           "data": [{"t": "1000", "values": ["0.75", "1048576.0", "524288.0", "0.99"]}]}
    statsview.store(state, host_jobs[1], "1" + json.dumps(doc), 1.0)
    card = charts.top_card(state)
    tables = find_all(card, lambda n: n[0] == "table")
    assert [text_of(find_all(t, lambda n: n[0] == "th")[0]) for t in tables] == ["Hosts by CPU", "Hosts by RAM", "VMs by CPU",
                                                             "VMs by RAM"]
    vm_rows = find_all(tables[2], lambda n: n[0] == "tr")[1:]
    assert [text_of(r) for r in vm_rows] == ["web-0150.0 %"]
    host_rows = find_all(tables[0], lambda n: n[0] == "tr")[1:]
    assert [text_of(r) for r in host_rows] == ["xcp-ng-0175.0 %"]
    ram_rows = find_all(tables[1], lambda n: n[0] == "tr")[1:]
    assert [text_of(r) for r in ram_rows] == ["xcp-ng-01512 MiB"]
    statsview.store(state, host_jobs[0], '0{"kind": "unreachable"}', 2.0)
    assert "No figures from xcp-ng-01." in text_of(charts.top_card(state))


def test_range_action():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    charts.ACTIONS["stats.range"](state, {"value": "year"})
    assert statsview.current_range(state) == "year"
    charts.ACTIONS["stats.range"](state, {"value": "<script>"})
    assert statsview.current_range(state) == "year"
    assert charts.ACTIONS["stats.redraw"](state, {}) is None
