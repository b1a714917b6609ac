"""The simulator's `/rrd_updates` data: series, archive selection and the JSON / XML xport formats."""
import json
import math
import re
import xml.etree.ElementTree as ET

import pytest

from xapi_sim import rrd, rrd_series
from xapi_sim import rrd_format as fmt

NOW = 1_700_000_003.7  # last update; int(NOW) = ...003, last 5 s boundary ...000
HOST = {"uuid": "h-1111", "cpus": 4, "memory_total": 64 * 2 ** 30, "pifs": ["eth0", "eth1"]}
RUNNING = {"uuid": "vm-run", "vcpus": 2, "memory_target": 4 * 2 ** 30, "memory_static_max": 4 * 2 ** 30,
           "vifs": ["0", "1"], "vbds": ["xvda", "xvdb"], "running_since": NOW - 3 * 86400}
RECENT = {"uuid": "vm-new", "vcpus": 1, "memory_target": 2 ** 30, "memory_static_max": 2 ** 30,
          "vifs": ["0"], "vbds": ["xvda"], "running_since": NOW - 200}
HALTED = {"uuid": "vm-off", "vcpus": 1, "memory_target": 2 ** 30, "memory_static_max": 2 ** 30,
          "vifs": ["0"], "vbds": ["xvda"], "running_since": None}
VMS = [RUNNING, RECENT, HALTED]
SRS = [{"uuid": "sr-1"}, {"uuid": "sr-2"}]


def _refuse(name):
    raise AssertionError("non-JSON constant %s" % name)


def fetch(query, accept=None, vms=VMS, min_max=False, now=NOW):
    """(content type, body) for a query string like 'start=-600&host=true'."""
    pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&") if p]
    return fmt.render(pairs, accept, HOST, vms, SRS, now, min_max)


def as_json(query, **kw):
    ctype, body = fetch(query + "&json", **kw)
    assert ctype == "application/json"
    doc = json.loads(body, parse_constant=_refuse)
    meta = doc["meta"]
    for key in ("start", "step", "end", "rows", "columns"):
        assert isinstance(meta[key], str) and re.fullmatch(r"-?\d+", meta[key])
    assert int(meta["rows"]) == len(doc["data"])
    assert int(meta["columns"]) == len(meta["legend"])
    for row in doc["data"]:
        assert isinstance(row["t"], str)
        assert len(row["values"]) == len(meta["legend"])
        assert all(isinstance(v, str) for v in row["values"])
    return doc


def column(doc, entry):
    i = doc["meta"]["legend"].index(entry)
    return [float(row["values"][i]) for row in doc["data"]]


def times(doc):
    return [int(row["t"]) for row in doc["data"]]


# -- archives and rows -------------------------------------------------------------------------

@pytest.mark.parametrize("start,interval,step,rows", [
    (-600, 0, 5, 120), (-7200, 60, 60, 120), (-7 * 86400, 3600, 3600, 168),
    (-366 * 86400, 86400, 86400, 366)])
def test_each_archive_has_its_step_and_row_count(start, interval, step, rows):
    doc = as_json("start=%d&interval=%d&host=true" % (start, interval))
    meta = doc["meta"]
    assert int(meta["step"]) == step
    assert int(meta["end"]) == int(NOW) // step * step
    got = times(doc)
    assert len(got) == rows
    assert got[0] == int(meta["end"])
    assert all(t % step == 0 for t in got)
    assert all(a - b == step for a, b in zip(got, got[1:])), "newest first, no gaps"
    first_aligned = (int(NOW) + start) // step * step + step
    assert int(meta["start"]) == first_aligned


def test_start_is_relative_to_the_last_update_when_negative():
    assert fetch("start=-1000&host=true") == fetch("start=%d&host=true" % (int(NOW) - 1000))


def test_start_picks_the_finest_archive_that_still_holds_it():
    # the 5 s archive holds PDPs after last_pdp_time - 600 (exclusive)
    assert as_json("start=%d&host=true" % (int(NOW) // 5 * 5 - 599))["meta"]["step"] == "5"
    assert as_json("start=%d&host=true" % (int(NOW) // 5 * 5 - 600))["meta"]["step"] == "60"
    assert as_json("start=-8000&host=true")["meta"]["step"] == "3600"
    assert as_json("start=-800000&host=true")["meta"]["step"] == "86400"


def test_interval_sets_a_minimum_step():
    assert as_json("start=-60&interval=59&host=true")["meta"]["step"] == "60"
    # XAPI divides the interval by 5 s with truncation: 61 s still means 12 PDPs
    assert as_json("start=-60&interval=64&host=true")["meta"]["step"] == "60"
    assert as_json("start=-60&interval=65&host=true")["meta"]["step"] == "3600"
    assert as_json("start=-60&interval=junk&host=true")["meta"]["step"] == "5"


def test_a_start_older_than_every_archive_falls_back_to_the_yearly_one():
    doc = as_json("start=0&host=true")
    assert doc["meta"]["step"] == "86400"
    assert doc["meta"]["start"] == "86400"  # XAPI aligns the requested start, not the data
    assert len(doc["data"]) == 366


def test_too_long_an_interval_has_no_archive():
    with pytest.raises(rrd.NoRRAAvailable):
        fetch("start=-60&interval=100000000&host=true")


def test_rows_stop_at_start():
    doc = as_json("start=-30&host=true")
    assert times(doc) == [1_700_000_000 - 5 * i for i in range(6)]


# -- legend and selection ------------------------------------------------------------------------

def test_legend_entries_name_cf_kind_uuid_and_data_source():
    doc = as_json("start=-60&host=true&sr_uuid=all")
    pattern = re.compile(r"^AVERAGE:(host|vm|sr):([^:]+):([a-z0-9_]+)$")
    found = {}
    for entry in doc["meta"]["legend"]:
        kind, uuid, name = pattern.match(entry).groups()
        found.setdefault((kind, uuid), []).append(name)
    assert found[("host", "h-1111")] == [
        "cpu0", "cpu1", "cpu2", "cpu3", "cpu_avg", "loadavg", "memory_total_kib", "memory_free_kib",
        "pif_eth0_rx", "pif_eth0_tx", "pif_eth1_rx", "pif_eth1_tx"]
    assert found[("vm", "vm-run")] == [
        "cpu0", "cpu1", "cpu_usage", "memory", "memory_target", "memory_internal_free",
        "vif_0_rx", "vif_0_tx", "vif_1_rx", "vif_1_tx",
        "vbd_xvda_read", "vbd_xvda_write", "vbd_xvdb_read", "vbd_xvdb_write"]
    assert found[("sr", "sr-1")] == ["io_throughput_read", "io_throughput_write", "iops_read", "iops_write"]
    assert list(found) == [("host", "h-1111"), ("vm", "vm-run"), ("vm", "vm-new"), ("sr", "sr-1"),
                           ("sr", "sr-2")]


def test_defaults_are_all_running_vms_no_host_no_sr():
    kinds = {e.split(":")[1] + ":" + e.split(":")[2] for e in as_json("start=-60")["meta"]["legend"]}
    assert kinds == {"vm:vm-run", "vm:vm-new"}


def test_host_needs_exactly_true():
    legend = as_json("start=-60&host=1")["meta"]["legend"]
    assert not any(":host:" in e for e in legend)


def test_one_vm_or_none_or_one_sr():
    legend = as_json("start=-60&vm_uuid=vm-new")["meta"]["legend"]
    assert {e.split(":")[2] for e in legend} == {"vm-new"}
    legend = as_json("start=-60&host=true&vm_uuid=none&sr_uuid=sr-2")["meta"]["legend"]
    assert {e.split(":")[1] + e.split(":")[2] for e in legend} == {"hosth-1111", "srsr-2"}


def test_a_halted_vm_has_no_rrd():
    legend = as_json("start=-60&host=true")["meta"]["legend"]
    assert not any("vm-off" in e for e in legend)
    legend = as_json("start=-60&host=true&vm_uuid=vm-off")["meta"]["legend"]
    assert legend and all(e.startswith("AVERAGE:host:") for e in legend)
    with pytest.raises(rrd.NoRRAAvailable):  # nothing to export: XAPI fails the request
        fetch("start=-60&vm_uuid=vm-off")


def test_a_vm_has_no_data_before_it_started():
    doc = as_json("start=-600&vm_uuid=vm-new")
    started = RECENT["running_since"]
    for entry in doc["meta"]["legend"]:
        for t, v in zip(times(doc), column(doc, entry)):
            assert math.isnan(v) == (t < started), (entry, t)


@pytest.mark.parametrize("since,partial_known", [(1_699_999_838, False), (1_699_999_828, True)])
def test_a_coarse_row_needs_half_its_points_known(since, partial_known):
    # The 60 s row at ...860 consolidates the PDPs at ...805 .. ...860. Starting at ...838 leaves
    # 5 of 12 known (7 unknown > xff 0.5: NaN); starting at ...828 leaves 7 known (a value).
    vm = dict(RECENT, running_since=since)
    doc = as_json("start=-7000&vm_uuid=vm-new", vms=[vm])
    assert doc["meta"]["step"] == "60"
    values = dict(zip(times(doc), column(doc, "AVERAGE:vm:vm-new:cpu0")))
    assert not math.isnan(values[1_699_999_920])
    assert math.isnan(values[1_699_999_860]) != partial_known
    assert math.isnan(values[1_699_999_800])
    if partial_known:  # the known PDPs only, like XAPI's renormalised average
        fine = as_json("start=-600&vm_uuid=vm-new", vms=[vm])
        parts = dict(zip(times(fine), column(fine, "AVERAGE:vm:vm-new:cpu0")))
        known = [parts[t] for t in range(1_699_999_830, 1_699_999_861, 5)]
        assert values[1_699_999_860] == pytest.approx(sum(known) / 7, rel=1e-9)


def test_paused_vms_use_no_cpu():
    paused = dict(RUNNING, paused=True)
    doc = as_json("start=-60", vms=[paused])
    assert set(column(doc, "AVERAGE:vm:vm-run:cpu0")) == {0.0}
    assert min(column(doc, "AVERAGE:vm:vm-run:memory")) == 4 * 2 ** 30


# -- values ------------------------------------------------------------------------------------

def test_values_are_in_plausible_ranges():
    doc = as_json("start=-600&host=true")
    legend = doc["meta"]["legend"]
    for entry in legend:
        name = entry.split(":")[3]
        values = column(doc, entry)
        assert not any(math.isnan(v) for v in values) or "vm-new" in entry
        values = [v for v in values if not math.isnan(v)]
        if name.startswith("cpu"):
            assert all(0 <= v <= 1 for v in values), entry
        else:
            assert all(v >= 0 for v in values), entry
    total = column(doc, "AVERAGE:host:h-1111:memory_total_kib")
    free = column(doc, "AVERAGE:host:h-1111:memory_free_kib")
    assert set(total) == {64 * 2 ** 20}
    assert all(0 < f < t for f, t in zip(free, total))
    memory = column(doc, "AVERAGE:vm:vm-run:memory")
    assert set(memory) == {4 * 2 ** 30}
    assert all(0 < v < 4 * 2 ** 20 for v in column(doc, "AVERAGE:vm:vm-run:memory_internal_free"))


def test_averages_are_means_of_their_parts():
    doc = as_json("start=-600&host=true")
    cpus = [column(doc, "AVERAGE:host:h-1111:cpu%d" % i) for i in range(4)]
    for i, avg in enumerate(column(doc, "AVERAGE:host:h-1111:cpu_avg")):
        assert avg == pytest.approx(sum(c[i] for c in cpus) / 4, rel=1e-12)


@pytest.mark.parametrize("fine,coarse,ratio", [("-600", "-7200", 12), ("-7000", "-86400", 60)])
def test_coarse_rows_are_the_mean_of_the_fine_rows_they_cover(fine, coarse, ratio):
    small = as_json("start=%s&host=true&vm_uuid=vm-run" % fine)
    big = as_json("start=%s&host=true&vm_uuid=vm-run" % coarse)
    step = int(small["meta"]["step"])
    checked = 0
    for entry in ("AVERAGE:host:h-1111:cpu1", "AVERAGE:host:h-1111:pif_eth0_rx",
                  "AVERAGE:vm:vm-run:vbd_xvda_write", "AVERAGE:vm:vm-run:memory_internal_free"):
        by_time = dict(zip(times(small), column(small, entry)))
        for t, v in zip(times(big), column(big, entry)):
            parts = [by_time.get(t - step * k) for k in range(ratio)]
            if None not in parts:
                assert v == pytest.approx(sum(parts) / ratio, rel=1e-9)
                checked += 1
    assert checked >= 4


def test_series_move_and_differ_between_objects():
    doc = as_json("start=-600&host=true")
    a = column(doc, "AVERAGE:vm:vm-run:cpu0")
    b = column(doc, "AVERAGE:vm:vm-run:cpu1")
    assert len(set(a)) > 100 and a != b
    assert max(a) - min(a) > 0.01


def test_host_free_memory_follows_vm_power_state():
    before = as_json("start=-600&host=true", vms=[RUNNING, HALTED])
    after = as_json("start=-600&host=true", vms=[RUNNING, dict(HALTED, running_since=NOW - 100)])
    key = "AVERAGE:host:h-1111:memory_free_kib"
    drop = [b - a for b, a in zip(column(before, key), column(after, key))]
    for t, d in zip(times(before), drop):
        assert d == pytest.approx(2 ** 20 if t >= NOW - 100 else 0.0, abs=1e-6)


def test_same_inputs_give_the_same_bytes():
    assert fetch("start=-3600&host=true&sr_uuid=all") == fetch("start=-3600&host=true&sr_uuid=all")
    assert rrd_series.unit_hash("vm-run", "cpu0", "level") == rrd_series.unit_hash("vm-run", "cpu0", "level")


# -- consolidation functions -----------------------------------------------------------------

def test_only_average_is_stored_by_default():
    for cf in ("MIN", "MAX", "LAST"):
        with pytest.raises(rrd.NoRRAAvailable):
            fetch("start=-600&host=true&cf=" + cf)
    assert all(e.startswith("AVERAGE:") for e in as_json("start=-600&cf=bogus")["meta"]["legend"])


def test_min_max_archives_with_the_pool_flag():
    doc = as_json("start=-3600&host=true", min_max=True)
    legend = doc["meta"]["legend"]
    assert [e.split(":")[0] for e in legend[:3]] == ["AVERAGE", "AVERAGE", "AVERAGE"]
    assert {e.split(":")[0] for e in legend} == {"AVERAGE", "MIN", "MAX"}
    for name in ("cpu0", "loadavg", "pif_eth1_tx"):
        avg, low, high = (column(doc, "%s:host:h-1111:%s" % (cf, name)) for cf in ("AVERAGE", "MIN", "MAX"))
        assert all(lo <= a <= hi for lo, a, hi in zip(low, avg, high))
        assert any(lo < hi for lo, hi in zip(low, high))
    # the 5 s archive is AVERAGE only, so MIN is served from the 60 s one
    doc = as_json("start=-300&host=true&cf=MIN", min_max=True)
    assert doc["meta"]["step"] == "60" and doc["meta"]["legend"][0].startswith("MIN:")
    with pytest.raises(rrd.NoRRAAvailable):
        fetch("start=-300&host=true&cf=LAST", min_max=True)


# -- formats -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,text", [
    (0.0, "0.0"), (-0.0, "0.0"), (float("nan"), "NaN"), (float("inf"), "Infinity"),
    (float("-inf"), "-Infinity"), (0.1, "0.1"), (1e-05, "1e-05"), (2147483648.0, "2147483648"),
    (1 / 3, "0.333333333333333"), (123456789012345678.0, "1.23456789012346e+17")])
def test_numbers_are_written_like_xapi(value, text):
    assert fmt.number(value) == text


def test_json_is_strict_and_carries_nan_as_a_string():
    doc = as_json("start=-600&vm_uuid=vm-new")
    assert "NaN" in doc["data"][-1]["values"]


def test_xml_xport_layout():
    ctype, body = fetch("start=-20&host=true&vm_uuid=vm-new")
    assert ctype == "text/xml"
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<xport><meta><start>')
    root = ET.fromstring(body)
    assert root.tag == "xport" and [c.tag for c in root] == ["meta", "data"]
    meta = root.find("meta")
    assert [c.tag for c in meta] == ["start", "step", "end", "rows", "columns", "legend"]
    legend = [e.text for e in meta.find("legend")]
    rows = root.find("data").findall("row")
    assert int(meta.findtext("rows")) == len(rows) == 4
    assert int(meta.findtext("columns")) == len(legend)
    doc = as_json("start=-20&host=true&vm_uuid=vm-new")
    assert legend == doc["meta"]["legend"]
    for row, jrow in zip(rows, doc["data"]):
        assert row[0].tag == "t" and row.findtext("t") == jrow["t"]
        assert [v.text for v in row.findall("v")] == jrow["values"]


def test_empty_xml_elements_are_self_closing():
    _, body = fetch("start=%d&host=true" % (int(NOW) + 100))
    assert "<rows>0</rows>" in body and body.endswith("<data/></xport>")
    ET.fromstring(body)


# -- query and negotiation ---------------------------------------------------------------------

def test_query_parsing_follows_rrdd():
    with pytest.raises(fmt.MissingStart):
        fmt.parse_query([("host", "true")])
    with pytest.raises(ValueError):
        fmt.parse_query([("start", "yesterday")])
    p = fmt.parse_query([("start", "-5"), ("interval", "x"), ("cf", "average"),
                         ("vm_uuid", "a"), ("vm_uuid", "b")])
    assert p == {"start": -5, "interval": 0, "cf": None, "host": False, "vm_uuid": "a", "sr_uuid": "none"}


@pytest.mark.parametrize("accept,json_param,expected", [
    (None, True, True), (None, False, False), ("*/*", False, True), ("text/xml", True, False),
    ("application/json", False, True), ("text/html", True, True), ("text/html", False, False),
    ("text/xml;q=0.5,application/json;q=0.9", False, True), ("application/json;q=0.1,text/xml", True, False),
    ("text/*,application/json;q=0.2", True, False), ("application/*", False, True),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False, True)])
def test_content_negotiation(accept, json_param, expected):
    assert fmt.prefers_json(accept, json_param) is expected


def test_bad_accept_is_an_error():
    with pytest.raises(ValueError):
        fmt.prefers_json("json", False)
