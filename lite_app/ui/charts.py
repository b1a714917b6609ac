"""Stats panels: range selector, chart cards, "No data", unreachable hosts, and the dashboard's Top 5.

Pure vdom. A chart is a container with role="img" and an accessible name whose `data-chart`
attribute holds the series as JSON; lite_app/static/charts.js draws it with uPlot in the element's
shadow root (the renderer morphs light-DOM children only, so the drawing survives re-renders) and
redraws when the attribute changes. Next to it a visually hidden table gives screen readers the
latest value of each series (its cell carries the raw number and time for tests too).
The shell's stats poller (lite_app/shell/stats_poller.py) fetches what the panels show.
"""
import json

from lite_app.logic import memo, stats
from lite_app.logic import stats_jobs
from lite_app.logic.charts import human, host_charts, latest_time, payload, vm_charts
from lite_app.logic.dashboard import hosts_by_memory
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

TOP_LISTS = (("host", "cpu", "stats.top.hosts_cpu"), ("host", "ram", "stats.top.hosts_ram"),
             ("vm", "cpu", "stats.top.vms_cpu"), ("vm", "ram", "stats.top.vms_ram"))


def range_selector(state):
    """The time range as native radio buttons (arrow keys move between them)."""
    t, current = state.t, stats_jobs.current_range(state)
    options = []
    for name in stats.RANGE_ORDER:
        options.append(h("label", {"class": "xl-range-option", "key": "range-" + name},
                         h("input", {"type": "radio", "name": "xl-stats-range", "value": name,
                                     "checked": name == current, "data-action": "stats.range"}),
                         " " + t("stats.range." + name)))
    return h("div", {"class": "xl-range", "role": "radiogroup", "aria-label": t("stats.range")}, options)


def latest_table(t, updates, chart):
    rows = []
    for label, values in chart["series"]:
        value = stats.latest(values)
        rows.append(h("tr", None, h("th", {"scope": "row"}, label),
                      h("td", {"data-value": repr(value), "data-time": str(latest_time(updates, values))},
                        human(value, chart["unit"]))))
    return h("table", {"class": "xu-sr-only"}, h("caption", None, t("stats.latest", chart=chart["title"])),
             h("thead", None, h("tr", None, h("th", {"scope": "col"}, t("stats.col.series")),
                                h("th", {"scope": "col"}, t("stats.col.value")))),
             h("tbody", None, rows))


def chart_card(t, updates, chart, range_label):
    cid = "chart-" + chart["id"]
    box = h("div", {"class": "xl-chart", "role": "img", "key": cid + "-box", "data-chart": chart["json"],
                    "aria-label": t("stats.chart", chart=chart["title"], range=range_label)})
    return w.card(cid, chart["title"], box, latest_table(t, updates, chart))


def charts_of(state, key, cls, uuid, updates):
    """The charts of a reply, with their JSON, computed once per reply (renders are frequent)."""
    def compute():
        found = (vm_charts if cls == "VM" else host_charts)(updates, uuid, state.t)
        for chart in found:
            chart["json"] = json.dumps(payload(updates, chart))
        return found
    # Updates compare by identity: the same reply object, the same charts.
    return memo.keyed(state, "stats.memo", (key, updates), compute)


def host_name(state, ref):
    host = state.cache.get("host", ref) or {}
    return host.get("name_label") or host.get("address") or ""


def problem(state, entry):
    """The sentence (and link) for a failed fetch; None when the last one worked."""
    t, error = state.t, entry.get("error")
    if error is None or error == "nodata":
        return None
    if error == "refused":
        return w.reload_note(state, t("stats.refused"))
    name = host_name(state, entry.get("host"))
    if error == "unreachable":
        origin = entry.get("origin") or ""
        return h("div", {"class": "xl-note", "role": "alert"},
                 h("p", None, t("stats.unreachable", host=name, origin=origin)),
                 h("a", {"href": origin + "/", "target": "_blank", "rel": "noopener"},
                   t("stats.open_host", host=name)),
                 h("p", None, t("stats.stale")) if entry.get("updates") is not None else None)
    return h("p", {"class": "xl-note", "role": "alert"}, t("stats.failed", host=name))


def body(state, cls, ref, record):
    t = state.t
    key = stats_jobs.object_key(state, cls, ref)
    if key is None:
        return [w.empty(t("stats.no_data")), h("p", {"class": "xl-note"}, t("stats.not_running"))]
    entry = stats_jobs.result(state, key)
    if entry is None:
        return h("p", {"class": "xl-empty", "aria-busy": "true"}, t("stats.loading"))
    updates = entry.get("updates")
    found = charts_of(state, key, cls, record.get("uuid") or "", updates) if updates is not None else []
    note = problem(state, entry)
    if not found:
        return [note, w.empty(t("stats.no_data"))] if note is not None else w.empty(t("stats.no_data"))
    label = t("stats.range." + stats_jobs.current_range(state))
    return [note, h("div", {"class": "xl-grid xl-charts"}, [chart_card(t, updates, c, label) for c in found])]


def object_panel(state, cls, ref, record):
    """The "Stats" tab of a VM or host page."""
    return [h("div", {"class": "xl-stats-head", "key": "stats-head"}, range_selector(state)),
            h("div", {"class": "xl-stats-body", "key": "stats-body"}, body(state, cls, ref, record))]


# ---- dashboard ---------------------------------------------------------------------------------
def top_lists(state, entries):
    """The four top-5 lists, computed once per set of replies (compared by identity)."""
    replies = tuple([e["updates"] for e in entries if e is not None and e.get("updates") is not None])

    def compute():
        skip = {}
        for uuid in stats_jobs.control_domains(state):
            skip[uuid] = True
        return [stats.top(list(replies), kind, what, stats_jobs.TOP_N, skip) for kind, what, _ in TOP_LISTS]
    lists = memo.keyed(state, "stats.top", replies, compute)
    # A host's memory is one figure wherever it shows: the dashboard's derivation (logic/dashboard), not
    # the RRD's (which samples it at another moment).
    return [lists[0], hosts_by_memory(state, stats_jobs.TOP_N)] + lists[2:]


def top_row(state, kind, uuid, value, what):
    cls = "host" if kind == "host" else "VM"
    ref = state.cache.ref_by_uuid(cls, uuid)
    record = state.cache.get(cls, ref) if ref else None
    name = w.object_link(state, cls, record) if record is not None else uuid
    return ({"key": uuid}, [name, human(value, "%" if what == "cpu" else "B")])


def top_card(state):
    """Hosts and VMs with the highest CPU and RAM use, from every live host's latest figures."""
    t = state.t
    hosts = state.cache.all("host")
    entries = [stats_jobs.result(state, "top:" + (hosts[ref].get("uuid") or ref)) for ref in sorted(hosts)]
    lists = top_lists(state, entries)
    sections = []
    for (kind, what, key), ranked in zip(TOP_LISTS, lists):
        rows = [top_row(state, kind, uuid, value, what) for uuid, value in ranked]
        sections.append(h("div", {"class": "xl-top", "key": key},
                          w.table(t(key), [t(key), t("stats.col." + what)], rows) if rows
                          else [h("p", {"class": "xu-muted"}, h("strong", None, t(key))), w.empty(t("stats.top.none"))]))
    missing = [host_name(state, e.get("host")) for e in entries if e is not None and e.get("error")]
    note = h("p", {"class": "xl-note"}, t("stats.top.missing", hosts=", ".join(missing))) if missing else None
    if [e for e in entries if e is not None and e.get("error") == "refused"]:
        note = w.reload_note(state, t("stats.refused"))
    grid = h("div", {"style": "display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(190px,1fr))"},
             sections)
    return w.card("dash-top", t("stats.top"), grid, note, icon="cpu", cls="xl-wide")


def set_range(state, payload):
    stats_jobs.set_range(state, payload.get("value") or (payload.get("data") or {}).get("range"))


actions = {"stats.range": set_range}
