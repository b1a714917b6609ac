"""Stats panels as vdom: loading, charts with their hidden tables, unreachable hosts, no data, the Top 5."""
import json

import views_fixture as fx
from stats_fixture import PAGE, WEB, reply, state_at

from lite_app.logic import stats
from lite_app.logic import stats_jobs as statsview
from lite_app.ui import charts
from lite_app.ui.vdom import by_attr, find_all, text_of


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
    assert cell[1]["data-value"] == "25.0" and cell[1]["data-time"] == "1000" and text_of(cell) == "25%"
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
    assert [text_of(r) for r in vm_rows] == ["web-0150%"]
    host_rows = find_all(tables[0], lambda n: n[0] == "tr")[1:]
    assert [text_of(r) for r in host_rows] == ["xcp-ng-0175%"]
    ram_rows = find_all(tables[1], lambda n: n[0] == "tr")[1:]
    # hosts by RAM: the dashboard's own figure for each live host, not the RRD's
    assert [text_of(r) for r in ram_rows] == ["xcp-ng-0216 GiB", "xcp-ng-018 GiB"]
    statsview.store(state, host_jobs[0], '0{"kind": "unreachable"}', 2.0)
    assert "No figures from xcp-ng-01." in text_of(charts.top_card(state))


def test_range_action():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    charts.actions["stats.range"](state, {"value": "year"})
    assert statsview.current_range(state) == "year"
    charts.actions["stats.range"](state, {"value": "<script>"})
    assert statsview.current_range(state) == "year"
    assert list(charts.actions) == ["stats.range"]


def test_chart_files_that_do_not_load_are_named_with_a_reload():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    job = statsview.jobs(state, PAGE)[0]
    statsview.store(state, job, '0{"kind": "refused", "status": 0, "detail": "charts.js did not load"}', 1.0)
    body = text_of(panel(state)[1])
    assert "The chart files did not load" in body and "Reload the page" in body and "did not answer" not in body
