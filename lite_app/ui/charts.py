"""Stats panels: range selector, chart cards, "No data", unreachable hosts, and the dashboard's Top 5.

Pure vdom. A chart is a container with role="img" and an accessible name whose `data-chart`
attribute holds the series as JSON; lite_app/static/charts.js draws it with uPlot in the element's
shadow root (the renderer morphs light-DOM children only, so the drawing survives re-renders) and
redraws when the attribute changes. Next to it a visually hidden table gives screen readers the
latest value of each series (its cell carries the raw number and time for tests too).
Rendering a panel starts the stats runner (lite_app/logic/stats_jobs.py) when the page runs in a browser.
"""
import json

from lite_app.logic import stats, stats_jobs as statsview
from lite_app.logic.charts import human, host_charts, latest_time, payload, say, vm_charts
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

REDRAW_ID = "xl-stats-redraw"
TOP_LISTS = (("host", "cpu", "stats.top.hosts_cpu"), ("host", "ram", "stats.top.hosts_ram"),
             ("vm", "cpu", "stats.top.vms_cpu"), ("vm", "ram", "stats.top.vms_ram"))


def redraw_hook():
    """A hidden button the edge clicks when a reply arrived: an action is how a page asks the shell
    for a render (lite_app/shell/pages.py), so no other channel into the shell is needed."""
    return h("button", {"type": "button", "id": REDRAW_ID, "hidden": True, "tabindex": "-1",
                        "aria-hidden": "true", "data-action": "stats.redraw", "key": REDRAW_ID}, "")


def range_selector(state):
    """The time range as native radio buttons (arrow keys move between them)."""
    t, current = state.t, statsview.current_range(state)
    options = []
    for name in stats.RANGE_ORDER:
        options.append(h("label", {"class": "xl-range-option", "key": "range-" + name},
                         h("input", {"type": "radio", "name": "xl-stats-range", "value": name,
                                     "checked": name == current, "data-action": "stats.range"}),
                         " " + say(t, "stats.range." + name)))
    return h("div", {"class": "xl-range", "role": "radiogroup", "aria-label": say(t, "stats.range")}, options)


def latest_table(t, updates, chart):
    rows = []
    for label, values in chart["series"]:
        value = stats.latest(values)
        rows.append(h("tr", None, h("th", {"scope": "row"}, label),
                      h("td", {"data-value": repr(value), "data-time": str(latest_time(updates, values))},
                        human(value, chart["unit"]))))
    return h("table", {"class": "xl-sr-only"}, h("caption", None, say(t, "stats.latest", chart["title"])),
             h("thead", None, h("tr", None, h("th", {"scope": "col"}, say(t, "stats.col.series")),
                                h("th", {"scope": "col"}, say(t, "stats.col.value")))),
             h("tbody", None, rows))


def chart_card(t, updates, chart, range_label):
    cid = "chart-" + chart["id"]
    box = h("div", {"class": "xl-chart", "role": "img", "key": cid + "-box", "data-chart": chart["json"],
                    "aria-label": say(t, "stats.chart", chart["title"], range_label)})
    return w.card(cid, chart["title"], box, latest_table(t, updates, chart))


def charts_of(state, key, cls, uuid, updates):
    """The charts of a reply, with their JSON, computed once per reply (renders are frequent)."""
    memo = state.ui.get("stats.memo")
    if memo is not None and memo[0] == key and memo[1] is updates:
        return memo[2]
    found = (vm_charts if cls == "VM" else host_charts)(updates, uuid, state.t)
    for chart in found:
        chart["json"] = json.dumps(payload(updates, chart))
    state.ui["stats.memo"] = (key, updates, found)
    return found


def host_name(state, ref):
    host = state.cache.get("host", ref) or {}
    return host.get("name_label") or host.get("address") or ""


def problem(state, entry):
    """The sentence (and link) for a failed fetch; None when the last one worked."""
    t, error = state.t, entry.get("error")
    if error is None or error == "nodata":
        return None
    name = host_name(state, entry.get("host"))
    if error == "unreachable":
        origin = entry.get("origin") or ""
        return h("div", {"class": "xl-note", "role": "alert"},
                 h("p", None, say(t, "stats.unreachable", name, origin)),
                 h("a", {"href": origin + "/", "target": "_blank", "rel": "noopener"},
                   say(t, "stats.open_host", name)),
                 h("p", None, say(t, "stats.stale")) if entry.get("updates") is not None else None)
    return h("p", {"class": "xl-note", "role": "alert"}, say(t, "stats.failed", name))


def body(state, cls, ref, record):
    t = state.t
    key = statsview.object_key(state, cls, ref)
    if key is None:
        return [w.empty(say(t, "stats.no_data")), h("p", {"class": "xl-note"}, say(t, "stats.not_running"))]
    entry = statsview.result(state, key)
    if entry is None:
        return h("p", {"class": "xl-empty", "aria-busy": "true"}, say(t, "stats.loading"))
    updates = entry.get("updates")
    found = charts_of(state, key, cls, record.get("uuid") or "", updates) if updates is not None else []
    note = problem(state, entry)
    if not found:
        return [note, w.empty(say(t, "stats.no_data"))] if note is not None else w.empty(say(t, "stats.no_data"))
    label = say(t, "stats.range." + statsview.current_range(state))
    return [note, h("div", {"class": "xl-grid xl-charts"}, [chart_card(t, updates, c, label) for c in found])]


def object_panel(state, cls, ref, record):
    """The "Stats" tab of a VM or host page."""
    statsview.ensure(state)
    return [h("div", {"class": "xl-stats-head", "key": "stats-head"}, range_selector(state), redraw_hook()),
            h("div", {"class": "xl-stats-body", "key": "stats-body"}, body(state, cls, ref, record))]


# ---- dashboard ---------------------------------------------------------------------------------
def top_lists(state, entries):
    """The four top-5 lists, computed once per set of replies."""
    replies = [e["updates"] for e in entries if e is not None and e.get("updates") is not None]
    memo = state.ui.get("stats.top")
    if memo is not None and len(memo[0]) == len(replies) and all(a is b for a, b in zip(memo[0], replies)):
        return memo[1]
    skip = {}
    for uuid in statsview.control_domains(state):
        skip[uuid] = True
    lists = [stats.top(replies, kind, what, statsview.TOP_N, skip) for kind, what, _ in TOP_LISTS]
    state.ui["stats.top"] = (replies, lists)
    return lists


def top_row(state, kind, uuid, value, what):
    cls = "host" if kind == "host" else "VM"
    ref = state.cache.ref_by_uuid(cls, uuid)
    record = state.cache.get(cls, ref) if ref else None
    name = w.object_link(state, cls, record) if record is not None else uuid
    return ({"key": uuid}, [name, human(value, "%" if what == "cpu" else "B")])


def top_card(state):
    """Hosts and VMs with the highest CPU and RAM use, from every live host's latest figures."""
    statsview.ensure(state)
    t = state.t
    hosts = state.cache.all("host")
    entries = [statsview.result(state, "top:" + (hosts[ref].get("uuid") or ref)) for ref in sorted(hosts)]
    lists = top_lists(state, entries)
    sections = []
    for (kind, what, key), ranked in zip(TOP_LISTS, lists):
        rows = [top_row(state, kind, uuid, value, what) for uuid, value in ranked]
        sections.append(h("div", {"class": "xl-top", "key": key},
                          w.table(say(t, key), [say(t, key), say(t, "stats.col." + what)], rows) if rows
                          else [h("p", {"class": "xl-muted"}, h("strong", None, say(t, key))), w.empty(say(t, "stats.top.none"))]))
    missing = [host_name(state, e.get("host")) for e in entries if e is not None and e.get("error")]
    note = h("p", {"class": "xl-note"}, say(t, "stats.top.missing", ", ".join(missing))) if missing else None
    grid = h("div", {"style": "display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(190px,1fr))"},
             sections)
    return w.card("dash-top", say(t, "stats.top"), grid, note, redraw_hook(), icon="cpu", cls="xl-wide")


def set_range(state, payload):
    statsview.set_range(state, payload.get("value") or (payload.get("data") or {}).get("range"))


def redraw(state, payload):
    """Nothing to change: the shell re-renders after every action."""


ACTIONS = {"stats.range": set_range, "stats.redraw": redraw}
