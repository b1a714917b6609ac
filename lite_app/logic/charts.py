"""Which charts the Stats tabs show, built from a parsed reply (lite_app.logic.stats.Updates).

Pure (CPython and MicroPython). A chart is a dict {"id", "title", "unit", "max", "series":
[(label, values)]}, values aligned with `updates.times`; units are "%", "B", "B/s" or "" (a plain
number). A series with no known value is left out, and a chart left with no series too, so a reply
without a VM's columns gives no chart at all ("No data").
`human` writes a value with its unit the way lite_app/static/charts.js does for axes and the hover legend.
"""
from lite_app.logic import stats
from lite_app.text import fmt
from lite_app.text.catalog import translate


def known(values):
    return values is not None and stats.latest(values) is not None


def chart(cid, title, unit, series, top=None):
    kept = [(label, values) for label, values in series if known(values)]
    if not kept:
        return None
    return {"id": cid, "title": title, "unit": unit, "max": top, "series": kept}


def two_way(devices, label_of, ways, t):
    """[(label, series)] of (device, a, b) triples: "eth0 receive", "eth0 send"..."""
    out = []
    for dev, a, b in devices:
        name = label_of(dev)
        out.append((t(ways[0], device=name), a))
        out.append((t(ways[1], device=name), b))
    return out


def vm_charts(updates, uuid, t=translate):
    """CPU (average and per vCPU), memory used vs target, network per VIF, disks per VBD."""
    cpu = stats.cpu(updates, "vm", uuid)
    memory = stats.vm_memory(updates, uuid)
    memory_series = [(t("stats.used"), memory["used"]), (t("stats.target"), memory["target"])]
    if memory["used"] is None:
        memory_series.insert(0, (t("stats.allocated"), memory["total"]))
    # one vCPU's line would only hide the average under it
    cores = [(t("stats.vcpu", index=n), s) for n, s in cpu["cores"]] if len(cpu["cores"]) > 1 else []
    vif = lambda dev: t("stats.vif", device=dev)
    found = [
        chart("cpu", t("stats.cpu"), "%", [(t("stats.average"), cpu["avg"])] + cores, 100),
        chart("memory", t("stats.memory"), "B", memory_series),
        chart("network", t("stats.network"), "B/s",
              two_way(stats.network(updates, "vm", uuid), vif, ("stats.rx", "stats.tx"), t)),
        chart("disk", t("stats.disk"), "B/s",
              two_way(stats.disks(updates, uuid), str, ("stats.read", "stats.write"), t)),
    ]
    return [c for c in found if c is not None]


def host_charts(updates, uuid, t=translate):
    """CPU average, CPU per core, memory used and total, network per PIF, load average."""
    cpu = stats.cpu(updates, "host", uuid)
    memory = stats.host_memory(updates, uuid)
    found = [
        chart("cpu", t("stats.cpu"), "%", [(t("stats.average"), cpu["avg"])], 100),
        chart("cores", t("stats.cpu_cores"), "%",
              [(t("stats.core", index=n), s) for n, s in cpu["cores"]], 100),
        chart("memory", t("stats.memory"), "B",
              [(t("stats.used"), memory["used"]), (t("stats.total"), memory["total"])]),
        chart("network", t("stats.network"), "B/s",
              two_way(stats.network(updates, "host", uuid), str, ("stats.rx", "stats.tx"), t)),
        chart("load", t("stats.load"), "", [(t("stats.load"), stats.load_average(updates, uuid))]),
    ]
    return [c for c in found if c is not None]


def latest_time(updates, values):
    """The time of a series' newest known value (None when it has none)."""
    for i in range(len(values) - 1, -1, -1):
        if values[i] is not None:
            return updates.times[i]
    return None


def human(value, unit):
    """A value with its unit: "12.5 %", "1.5 GiB", "320 KiB/s", "0.42"."""
    if value is None:
        return "\u2014"
    if unit == "%":
        return fmt.percent_text(float(value))
    if unit == "B":
        return fmt.size(value)
    if unit == "B/s":
        return fmt.size(value) + "/s"
    return ("%.2f" % value).replace(".", fmt.translate("fmt.decimal"))


def payload(updates, chart):
    """What lite_app/static/charts.js draws: {"unit", "max", "labels", "data": [times, series...]}."""
    t = fmt.translate
    return {"unit": chart["unit"], "max": chart["max"],
            "fmt": {"decimal": t("fmt.decimal"), "percent": t("fmt.percent"), "time": t("fmt.time"),
                    "months": [t("fmt.month." + str(n)) for n in range(1, 13)]},
            "labels": [label for label, _ in chart["series"]],
            "data": stats.chart_data(updates, [values for _, values in chart["series"]])}
