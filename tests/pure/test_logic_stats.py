"""rrd_updates parsing and derived series, on real replies from the simulator (rrd_samples.py)."""
import json

from lite_app.logic import stats
from lite_app.xapi.cache import Cache

import rrd_samples

HOST = "38c1962e-9148-424f-aac1-c14f30e9c5cc"
WEB = "590e83da-586f-4721-8785-48d7b1182d23"
APP = "b5c03f6f-94e4-4c44-a3fb-dbda86ae9d5c"      # started 10 s before the sample was taken
MEMBER = "cf1da110-0cc3-4d8c-b786-3fe5d675ebf7"


def raw_column(doc, kind, uuid, ds):
    """The column's strings straight from the document, oldest first (an independent reading)."""
    index = doc["meta"]["legend"].index("AVERAGE:%s:%s:%s" % (kind, uuid, ds))
    return [row["values"][index] for row in reversed(doc["data"])]


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def test_rows_come_out_oldest_first_with_the_meta():
    doc = json.loads(rrd_samples.MASTER_5S)
    updates = stats.parse(rrd_samples.MASTER_5S)
    assert updates.step == 5
    assert updates.times == sorted(int(row["t"]) for row in doc["data"])
    assert updates.times[0] == updates.start and updates.times[-1] == updates.end
    assert updates.uuids("host") == [HOST]
    assert updates.uuids("vm") == sorted([WEB, APP])
    expected = [float(v) for v in raw_column(doc, "vm", WEB, "cpu_usage")]
    assert updates.get("vm", WEB, "cpu_usage") == expected


def test_nan_rows_are_gaps_and_latest_skips_them():
    doc = json.loads(rrd_samples.MASTER_5S)
    raw = raw_column(doc, "vm", APP, "cpu0")
    assert raw[:4] == ["NaN"] * 4 and "NaN" not in raw[4:]
    series = stats.parse(rrd_samples.MASTER_5S).get("vm", APP, "cpu0")
    assert series[:4] == [None] * 4
    assert series[4:] == [float(v) for v in raw[4:]]
    assert stats.latest(series) == float(raw[-1])
    assert stats.latest([1.0, None, None]) == 1.0
    assert stats.latest([None, None]) is None and stats.latest([]) is None


def test_coarse_archive_and_an_object_with_no_data_yet():
    updates = stats.parse(rrd_samples.MASTER_60S)
    assert updates.step == 60
    assert [b - a for a, b in zip(updates.times, updates.times[1:])] == [60] * (len(updates.times) - 1)
    assert updates.get("vm", APP, "cpu_usage") == [None] * len(updates.times)
    ranked = stats.top([updates], "vm", "cpu")
    assert [uuid for uuid, _ in ranked] == [WEB]


def test_number_gaps_and_junk():
    for text in ("NaN", "nan", "-nan", "Infinity", "-Infinity", "inf", "", "x", None):
        assert stats.number(text) is None, text
    assert stats.number("0.0") == 0.0
    assert stats.number("1e3") == 1000.0
    assert stats.number(7) == 7.0
    doc = json.loads(rrd_samples.MASTER_5S)
    doc["data"][0]["values"][0] = "Infinity"
    doc["data"][1]["values"][0] = "-Infinity"
    doc["data"][2]["values"] = doc["data"][2]["values"][:1]      # a short row
    updates = stats.parse(doc)
    assert updates.get("host", HOST, "cpu0")[-2:] == [None, None]
    assert updates.get("host", HOST, "cpu1")[-3] is None


def test_only_keeps_the_wanted_objects():
    updates = stats.parse(rrd_samples.MASTER_5S, only=(WEB,))
    assert updates.uuids("vm") == [WEB] and updates.uuids("host") == []
    assert updates.get("vm", APP, "cpu0") is None


def test_not_an_rrd_reply():
    for bad in ('{"jsonrpc": "2.0"}', "[]", {"meta": {}}):
        try:
            stats.parse(bad)
        except ValueError:
            continue
        raise AssertionError("accepted %r" % (bad,))


def test_host_cpu_percent_average_and_cores():
    doc = json.loads(rrd_samples.MASTER_5S)
    chart = stats.cpu(stats.parse(doc), "host", HOST)
    avg = [100 * float(v) for v in raw_column(doc, "host", HOST, "cpu_avg")]
    assert all(close(a, b) for a, b in zip(chart["avg"], avg))
    assert [n for n, _ in chart["cores"]] == [0, 1]
    core1 = [100 * float(v) for v in raw_column(doc, "host", HOST, "cpu1")]
    assert all(close(a, b) for a, b in zip(chart["cores"][1][1], core1))


def test_host_cpu_average_from_the_cores_when_cpu_avg_is_missing():
    doc = rrd_samples.MEMBER_5S
    chart = stats.cpu(stats.parse(doc), "host", MEMBER)
    cores = [raw_column(doc, "host", MEMBER, "cpu%d" % n) for n in range(3)]
    for i in range(len(chart["avg"])):
        expected = 100 * sum(float(core[i]) for core in cores) / 3
        assert close(chart["avg"][i], expected), (i, chart["avg"][i], expected)


def test_cores_sort_by_number_not_text():
    legend = ["AVERAGE:host:h:cpu%d" % n for n in (10, 2, 0, 1)] + ["AVERAGE:host:h:cpu_avg"]
    doc = {"meta": {"step": "5", "start": "0", "end": "0", "legend": legend},
           "data": [{"t": "0", "values": ["0.1", "0.2", "0.3", "0.4", "0.25"]}]}
    chart = stats.cpu(stats.parse(doc), "host", "h")
    assert [n for n, _ in chart["cores"]] == [0, 1, 2, 10]
    assert close(chart["cores"][3][1][0], 10.0)


def test_host_memory_used_is_total_minus_free_in_bytes():
    doc = json.loads(rrd_samples.MASTER_5S)
    memory = stats.host_memory(stats.parse(doc), HOST)
    total = raw_column(doc, "host", HOST, "memory_total_kib")
    free = raw_column(doc, "host", HOST, "memory_free_kib")
    for i in range(len(total)):
        assert close(memory["total"][i], float(total[i]) * 1024)
        assert close(memory["used"][i], (float(total[i]) - float(free[i])) * 1024)
    # app-01 started during the sample: 16 GiB left the host's free memory.
    assert memory["used"][-1] - memory["used"][0] > 16 * 1024 ** 3 * 0.99


def test_vm_memory_used_needs_the_guest_agent():
    doc = json.loads(rrd_samples.MASTER_5S)
    memory = stats.vm_memory(stats.parse(doc), WEB)
    raw_mem = raw_column(doc, "vm", WEB, "memory")
    raw_free = raw_column(doc, "vm", WEB, "memory_internal_free")
    assert close(memory["used"][-1], float(raw_mem[-1]) - float(raw_free[-1]) * 1024)
    assert memory["total"][-1] == float(raw_mem[-1])
    assert memory["target"] == [float(v) for v in raw_column(doc, "vm", WEB, "memory_target")]
    member = stats.parse(rrd_samples.MEMBER_5S)
    some_vm = member.uuids("vm")[0]
    assert stats.vm_memory(member, some_vm)["used"] is None
    assert stats.vm_memory(member, some_vm)["total"] is not None


def test_network_and_disks_per_device():
    doc = json.loads(rrd_samples.MASTER_5S)
    updates = stats.parse(doc)
    pifs = stats.network(updates, "host", HOST)
    assert [dev for dev, _, _ in pifs] == ["eth0"]
    assert pifs[0][1] == [float(v) for v in raw_column(doc, "host", HOST, "pif_eth0_rx")]
    vifs = stats.network(updates, "vm", WEB)
    assert [dev for dev, _, _ in vifs] == ["0"]
    assert vifs[0][2] == [float(v) for v in raw_column(doc, "vm", WEB, "vif_0_tx")]
    vbds = stats.disks(updates, APP)
    assert len(vbds) == 1 and vbds[0][0] == "xvda" and vbds[0][2] is None   # no write column
    assert stats.load_average(updates, HOST)[-1] == float(raw_column(doc, "host", HOST, "loadavg")[-1])


def test_chart_data_is_uplot_shaped():
    updates = stats.parse(rrd_samples.MASTER_5S)
    chart = stats.cpu(updates, "vm", APP)
    data = stats.chart_data(updates, [chart["avg"], stats.vm_memory(updates, "missing")["used"]])
    assert len(data) == 3 and data[0] == updates.times
    assert data[1][:4] == [None] * 4 and data[2] == [None] * len(updates.times)


def test_top_vms_and_hosts_across_hosts():
    master = stats.parse(rrd_samples.MASTER_5S)
    member = stats.parse(rrd_samples.MEMBER_5S)
    ranked = stats.top([master, member], "vm", "ram", n=3)
    assert len(ranked) == 3
    values = [v for _, v in ranked]
    assert values == sorted(values, reverse=True)
    everything = stats.top([master, member], "vm", "ram", n=100)
    assert len(everything) == len(master.uuids("vm")) + len(member.uuids("vm"))
    assert everything[:3] == ranked
    hosts = stats.top([master, member], "host", "cpu")
    assert [u for u, _ in hosts] == sorted([HOST, MEMBER], key=lambda u: -dict(hosts)[u])
    skipped = stats.top([master, member], "vm", "cpu", skip=(WEB,))
    assert WEB not in [u for u, _ in skipped] and APP in [u for u, _ in skipped]


def test_ranges_fit_xapi_archives():
    archives = {5: 120, 60: 120, 3600: 168, 86400: 366}
    assert sorted(stats.RANGES) == sorted(stats.RANGE_ORDER)
    for name in stats.RANGES:
        span, refresh, step = stats.RANGES[name]
        assert step in archives and span // step < archives[step], name
        assert refresh >= step or refresh >= 300, name


def test_rrd_url_same_origin_has_no_session():
    url = stats.rrd_url("http://127.0.0.1:8080", "http://127.0.0.1:8080", "10min", None,
                        session="OpaqueRef:secret")
    assert url == ("http://127.0.0.1:8080/rrd_updates?start=-595&interval=5&cf=AVERAGE&json=true"
                   "&host=true")


def test_rrd_url_other_origin_carries_the_session():
    url = stats.rrd_url("http://127.0.0.2:8080", "http://127.0.0.1:8080", "week", 1795306125,
                        vm_uuid=WEB, host=False, session="OpaqueRef:abc")
    assert url.startswith("http://127.0.0.2:8080/rrd_updates?start=%d&interval=3600&"
                          % (1795306125 - 167 * 3600))
    assert "&vm_uuid=" + WEB in url and "host=true" not in url
    assert url.endswith("&session_id=OpaqueRef%3Aabc")
    try:
        stats.rrd_url("http://127.0.0.1", "http://127.0.0.1", "month", None)
    except ValueError:
        return
    raise AssertionError("unknown range accepted")


def test_host_origin_from_address():
    assert stats.host_origin("127.0.0.2", "http://127.0.0.1:8080") == "http://127.0.0.2:8080"
    assert stats.host_origin("10.0.0.7", "https://10.0.0.1/") == "https://10.0.0.7"
    assert stats.host_origin("fd00::7", "https://10.0.0.1:8443") == "https://[fd00::7]:8443"


def test_stats_come_from_the_host_running_the_object():
    cache = Cache()
    cache.load("host", {"OpaqueRef:h1": {"uuid": HOST, "address": "127.0.0.1"}})
    cache.load("VM", {
        "OpaqueRef:web": {"uuid": WEB, "power_state": "Running", "resident_on": "OpaqueRef:h1"},
        "OpaqueRef:off": {"uuid": "x", "power_state": "Halted", "resident_on": "OpaqueRef:NULL"},
    })
    assert stats.stats_host(cache, "VM", "OpaqueRef:web") == "OpaqueRef:h1"
    assert stats.stats_host(cache, "VM", "OpaqueRef:off") is None
    assert stats.stats_host(cache, "VM", "OpaqueRef:gone") is None
    assert stats.stats_host(cache, "host", "OpaqueRef:h1") == "OpaqueRef:h1"
