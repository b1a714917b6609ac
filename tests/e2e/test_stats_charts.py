"""Stats in Chromium: charts drawn from the simulator's /rrd_updates, values checked against the simulator's
own reply, range switches refetching, the halted VM's "No data", members asked on their own origin, top 5."""
import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from harness import WAIT_MS, sign_in

from lite_app.text import fmt

START = {"10min": (-595, 5), "2h": (-7140, 60), "week": (-601200, 3600), "year": (-31536000, 86400)}


@pytest.fixture(scope="module")
def pool(sim):
    """{vm name: (uuid, power_state, host address)}, host uuids by address, and an SDK session ref."""
    sdk = sim.sdk()
    x = sdk.xenapi
    hosts = {r["address"]: r["uuid"] for r in x.host.get_all_records().values()}
    vms = {}
    for r in x.VM.get_all_records().values():
        if not (r["is_a_template"] or r["is_control_domain"] or r["is_a_snapshot"]):
            where = x.host.get_address(r["resident_on"]) if r["resident_on"] != "OpaqueRef:NULL" else ""
            vms[r["name_label"]] = (r["uuid"], r["power_state"], where)
    yield {"vms": vms, "hosts": hosts, "session": sdk._session, "xapi": x}
    x.session.logout()


def pick(pool, state, address):
    return next(uuid for uuid, power, where in sorted(pool["vms"].values()) if power == state and where == address)


def rrd_requests(page):
    seen = []
    page.on("request", lambda r: seen.append(r.url) if "/rrd_updates?" in r.url else None)
    return seen


def sim_reply(sim, session, query):
    with urllib.request.urlopen(f"{sim.origin}/rrd_updates?{query}&session_id={session}", timeout=10) as reply:
        return json.load(reply)


def latest_cell(page, title, series):
    table = page.get_by_role("table", name=f"{title}: latest values")
    cell = table.get_by_role("row").filter(has_text=series).get_by_role("cell")
    cell.wait_for(timeout=WAIT_MS)
    return float(cell.get_attribute("data-value")), int(cell.get_attribute("data-time")), cell.inner_text()


def column(doc, name):
    index = doc["meta"]["legend"].index(name)
    return {int(row["t"]): row["values"][index] for row in doc["data"]}


def test_vm_charts_show_the_simulator_series(guard, app_page, sim, pool):
    uuid = pick(pool, "Running", "127.0.0.1")
    page = sign_in(app_page, sim, guard, f"#/vm/{uuid}?tab=stats")
    chart = page.get_by_role("img", name="CPU usage, Last 10 minutes")
    chart.wait_for(timeout=WAIT_MS)
    page.locator(".xl-chart canvas").first.wait_for(timeout=WAIT_MS)   # uPlot drew in the shadow root
    cpu, at, shown = latest_cell(page, "CPU usage", "Average")
    used, used_at, used_text = latest_cell(page, "Memory", "Used")
    doc = sim_reply(sim, pool["session"], f"start=-595&interval=5&cf=AVERAGE&json=true&vm_uuid={uuid}")
    expected = float(column(doc, f"AVERAGE:vm:{uuid}:cpu_usage")[at]) * 100
    assert abs(cpu - expected) < 1e-9 * max(1.0, expected)
    assert shown == fmt.percent_text(expected)
    memory = column(doc, f"AVERAGE:vm:{uuid}:memory")[used_at]
    free = column(doc, f"AVERAGE:vm:{uuid}:memory_internal_free")[used_at]
    assert abs(used - (float(memory) - float(free) * 1024)) < 1e-3
    assert re.fullmatch(r"[\d.]+ (MiB|GiB)", used_text)
    # the hover legend shows the newest value while the pointer is elsewhere, with its unit
    legend = page.locator(".xl-chart").first.locator(".u-legend")
    assert re.search(r"Average:?\s*" + re.escape(shown), legend.inner_text())
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 60)
    page.wait_for_function("() => /\\d+(\\.\\d)?%/.test(document.querySelector('.xl-chart').shadowRoot"
                           ".querySelector('.u-legend').innerText)", timeout=WAIT_MS)
    # series colours follow the theme: the charts are drawn again with the dark palette
    marker = page.locator(".xl-chart").first.locator(".u-series .u-marker").first
    light = marker.evaluate("m => getComputedStyle(m).borderColor")
    page.get_by_role("combobox", name="Theme").select_option("dark")
    page.wait_for_function("c => getComputedStyle(document.querySelector('.xl-chart').shadowRoot"
                           ".querySelector('.u-series .u-marker')).borderColor !== c", arg=light, timeout=WAIT_MS)


def test_switching_range_refetches_with_its_start_and_step(guard, app_page, sim, pool):
    uuid = pick(pool, "Running", "127.0.0.1")
    seen = rrd_requests(app_page)
    page = sign_in(app_page, sim, guard, f"#/vm/{uuid}?tab=stats")
    page.get_by_role("img", name="CPU usage, Last 10 minutes").wait_for(timeout=WAIT_MS)
    panel = page.get_by_role("tabpanel", name="Stats")
    for name, label in (("2h", "Last 2 hours"), ("week", "Last week"), ("year", "Last year")):
        before = len(seen)
        start, step = START[name]
        with page.expect_request(lambda r: f"interval={step}&" in r.url, timeout=WAIT_MS):
            page.get_by_role("radiogroup", name="Time range").get_by_role("radio", name=label).check()
        # the VM started with the simulator: its hourly and daily rows are still unknown ("No data")
        shown = panel.get_by_role("img", name=f"CPU usage, {label}").or_(panel.get_by_text("No data", exact=True))
        shown.first.wait_for(timeout=WAIT_MS)
        if name == "2h":
            assert panel.get_by_role("img", name=f"CPU usage, {label}").is_visible()
        queries = [parse_qs(urlsplit(url).query) for url in seen]
        asked = [q for q in queries[before:] if q["interval"] == [str(step)]]
        assert not [q for q in queries[:before] if q["interval"] == [str(step)]]
        assert len(asked) == 1, (name, seen[before:])      # fetched once, at the switch
        assert asked[0]["start"] == [str(start)] and asked[0]["vm_uuid"] == [uuid]
    assert all(urlsplit(url).netloc == urlsplit(sim.origin).netloc and "session_id" not in url for url in seen)


def test_a_halted_vm_shows_no_data_and_asks_nothing(guard, app_page, sim, pool):
    uuid = pick(pool, "Halted", "")
    seen = rrd_requests(app_page)
    page = sign_in(app_page, sim, guard, f"#/vm/{uuid}?tab=stats")
    panel = page.get_by_role("tabpanel", name="Stats")
    panel.get_by_text("No data", exact=True).wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert not [url for url in seen if uuid in url]
    assert panel.get_by_role("img").count() == 0


def test_a_vm_on_a_member_is_asked_there_with_the_session(guard, app_page, sim, pool):
    uuid = pick(pool, "Running", "127.0.0.2")
    seen = rrd_requests(app_page)
    page = sign_in(app_page, sim, guard, f"#/vm/{uuid}?tab=stats")
    page.get_by_role("img", name="CPU usage, Last 10 minutes").wait_for(timeout=WAIT_MS)
    mine = [url for url in seen if f"vm_uuid={uuid}" in url]
    assert mine and all(url.startswith(f"http://127.0.0.2:{urlsplit(sim.origin).port}/rrd_updates?") for url in mine)
    assert all(parse_qs(urlsplit(url).query)["session_id"][0].startswith("OpaqueRef:") for url in mine)
    cpu, at, _ = latest_cell(page, "CPU usage", "Average")
    assert 0 <= cpu <= 100 and at > 0


def test_host_stats_and_the_dashboard_top_5(guard, app_page, sim, pool):
    host = pool["hosts"]["127.0.0.1"]
    page = sign_in(app_page, sim, guard, f"#/host/{host}?tab=stats")
    page.get_by_role("img", name="CPU usage per core, Last 10 minutes").wait_for(timeout=WAIT_MS)
    cpu, at, _ = latest_cell(page, "CPU usage", "Average")
    doc = sim_reply(sim, pool["session"], "start=-595&interval=5&cf=AVERAGE&json=true&host=true&vm_uuid=none")
    assert abs(cpu - float(column(doc, f"AVERAGE:host:{host}:cpu_avg")[at]) * 100) < 1e-9 * 100
    assert not [name for name in doc["meta"]["legend"] if ":vm:" in name]
    # The chart's memory used and the dashboard's meter are one figure: XAPI's free memory
    # (host_metrics.memory_free is rrdd's memory_free_kib) against the host's total.
    used, _, _ = latest_cell(page, "Memory", "Used")
    x = pool["xapi"]
    ref = x.host.get_by_uuid(host)
    metrics = x.host_metrics.get_record(x.host.get_metrics(ref))
    total, free = int(metrics["memory_total"]), int(metrics["memory_free"])
    assert used == total - free
    name = x.host.get_name_label(ref)
    page.get_by_role("link", name="Dashboard").click()
    meter = page.get_by_role("meter", name="Memory used on " + name)
    meter.wait_for(timeout=WAIT_MS)
    assert meter.get_attribute("aria-valuenow") == str(int(100.0 * used / total + 0.5))
    top = page.get_by_role("region", name="Top 5")
    table = top.get_by_role("table", name="VMs by CPU")
    table.get_by_role("row").nth(1).wait_for(timeout=WAIT_MS)
    names = [n.strip() for n in table.get_by_role("link").all_inner_texts()]
    running = {name for name, (_, power, _) in pool["vms"].items() if power == "Running"}
    assert names and set(names) <= running and len(names) <= 5
    values = [float(v.rstrip("%").split()[0]) for v in table.locator("td:nth-child(2)").all_inner_texts()]
    assert values == sorted(values, reverse=True)
    hosts = top.get_by_role("table", name="Hosts by RAM").get_by_role("link").all_inner_texts()
    assert sorted(hosts) == ["xcp-ng-01", "xcp-ng-02"]
