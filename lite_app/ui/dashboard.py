"""The pool dashboard (route `#/`): status, CPU provisioning, RAM per host, storage per SR, tasks, alarms.

It is the first page after login, so its figures come from one pass over the cache
(lite_app.logic.dashboard) and each card reads only the few records it lists.
"""
from lite_app.logic import alarms, infra, model, space
from lite_app.logic.dashboard import figures, host_memory
from lite_app.text import fmt
from lite_app.ui import help  # noqa: F401  (the shortcuts dialog travels with the home group)
from lite_app.ui import space as space_view
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

ALARM_LIMIT = 5
TASK_LIMIT = 8


def title(state):
    return state.t("nav.dashboard")


def render(state):
    cache, t = state.cache, state.t
    pool_ref, pool = cache.first("pool")
    if pool is None:
        return w.loading(t)
    numbers = figures(state)
    master = model.deref(cache, "host", pool.get("master"))
    subtitle = pool.get("name_description") or None
    return [h("div", {"class": "xl-page xl-page-dashboard", "key": "dashboard"},
              w.page_header("pool", pool.get("name_label") or t("nav.pool"), subtitle,
                            actions=w.new_vm_link(state)),
              h("div", {"class": "xl-grid"},
                status_card(state, numbers, master), cpu_card(numbers, t),
                ram_card(state, numbers), storage_card(state),
                top_card(state), tasks_card(cache, t), alarms_card(state)))]


def status_card(state, figures, master):
    t = state.t
    # Running, then the other states: the four add up to the VMs counted (a paused VM is counted once).
    running = figures["Running"]
    detail = " \u00b7 ".join([t("dash.state_count", state=t("state." + power), count=figures[power])
                              for power in ("Paused", "Suspended", "Halted")])
    return w.card("dash-status", t("dash.status"),
                  h("div", {"class": "xl-stats"},
                    w.stat(t("dash.hosts_up"), "%d / %d" % (figures["hosts_up"], figures["hosts"]),
                           None, "hosts-up"),
                    w.stat(t("dash.vms_running"), "%d / %d" % (running, figures["vms"]), detail,
                           "vms-running")),
                  w.kv([(t("dash.master"), w.object_link(state, "host", master))]),
                  icon="pool")


def cpu_card(figures, t):
    vcpus, cpus = figures["vcpus"], figures["cpus"]
    pct = int(100.0 * vcpus / cpus + 0.5) if cpus else 0
    text = t("dash.cpu_text", vcpus=str(vcpus), cpus=str(cpus))
    note = t("dash.cpu_over") if pct > 100 else t("dash.cpu_ok")
    return w.card("dash-cpu", t("dash.cpu"),
                  h("div", {"class": "xl-stats"},
                    w.stat(t("dash.cpu_ratio"), fmt.percent_text(pct), text, "cpu-provisioning")),
                  h("div", {"class": "xl-bar " + ("xl-level-high" if pct > 100 else w.level_class(pct)),
                            "role": "meter", "aria-label": t("dash.cpu"), "aria-valuemin": "0",
                            "aria-valuemax": str(max(100, pct)), "aria-valuenow": str(pct),
                            "aria-valuetext": text},
                    h("div", {"class": "xl-bar-fill", "style": "width:%d%%" % min(100, pct)})),
                  h("p", {"class": "xl-note"}, note),
                  icon="cpu")


def ram_card(state, numbers):
    cache, t = state.cache, state.t
    hosts = cache.all("host")
    rows = []
    for ref in sorted(hosts, key=lambda ref: model.name_key(hosts[ref])):
        host = hosts[ref]
        used, total = host_memory(state, ref)
        name = host.get("name_label") or host.get("uuid")
        rows.append(h("li", {"class": "xl-usage-item", "key": ref},
                      h("div", {"class": "xl-usage-name"}, w.object_link(state, "host", host)),
                      w.usage_bar(used, total, t("dash.ram_of", host=name), t)))
    body = h("ul", {"class": "xl-usage-list"}, rows) if rows else w.empty(t("dash.no_hosts"))
    return w.card("dash-ram", t("dash.ram"), body, icon="memory")


def storage_card(state):
    """Each SR with a size: its meter and free/allocated figures (lite_app.logic.space, as on the
    storage pages)."""
    cache, t = state.cache, state.t
    srs = cache.all("SR")
    refs = [ref for ref in srs if space.has_capacity(srs[ref])]
    refs.sort(key=lambda ref: (infra.sr_label(cache, srs[ref]).lower(), ref))
    rows = []
    for ref in refs:
        sr = srs[ref]
        host = infra.sr_host(cache, sr)
        rows.append(h("li", {"class": "xl-usage-item", "key": ref},
                      h("div", {"class": "xl-usage-name"}, w.object_link(state, "SR", sr),
                        h("span", {"class": "xu-muted"}, " \u00b7 " + (sr.get("type") or "")
                          + (" \u00b7 " + host.get("name_label", "") if host else ""))),
                      space_view.meter(state, sr),
                      h("div", {"class": "xl-usage-text"}, space_view.brief(state, sr))))
    body = h("ul", {"class": "xl-usage-list"}, rows) if rows else w.empty(t("dash.no_storage"))
    return w.card("dash-storage", t("dash.storage"), body, icon="storage")


def tasks_card(cache, t):
    tasks = cache.all("task")
    pending = {}
    for ref in tasks:
        if tasks[ref].get("status") == "pending":
            pending[ref] = tasks[ref]
    rows = []
    for ref, task in model.latest(pending, "created", TASK_LIMIT):
        pct = fmt.percent(task.get("progress") or 0, 1)
        name = task.get("name_label") or ""
        rows.append(h("li", {"class": "xl-task", "key": ref},
                      h("span", {"class": "xl-task-name"}, name),
                      h("div", {"class": "xl-bar xl-level-ok", "role": "progressbar",
                                "aria-label": name, "aria-valuemin": "0", "aria-valuemax": "100",
                                "aria-valuenow": str(pct)},
                        h("div", {"class": "xl-bar-fill", "style": "width:%d%%" % pct}))))
    body = h("ul", {"class": "xl-task-list"}, rows) if rows else w.empty(t("dash.no_tasks"))
    return w.card("dash-tasks", t("dash.tasks"), body, icon="task", aside=str(len(pending)))


def alarms_card(state):
    """The newest important messages, named and ranked as the alarms page does (lite_app.logic.alarms)."""
    from lite_app.ui import alarms as alarms_page
    cache, now, t = state.cache, state.now, state.t
    messages = cache.all("message")
    found = {}
    for ref in messages:
        if alarms.is_alarm(messages[ref]):
            found[ref] = messages[ref]
    rows = [({"key": row["ref"]}, [fmt.relative(row["time"], now, t), row["title"],
                                   alarms_page.object_cell(state, row), alarms_page.severity_flag(t, row)])
            for row in alarms.rows(cache, found, t, limit=ALARM_LIMIT)]
    body = (w.table(t("dash.alarms"), [t("col.when"), t("col.alarm"), t("col.object"), t("col.level")],
                    rows) if rows else w.empty(t("dash.no_alarms")))
    return w.card("dash-alarms", t("dash.alarms"), body, icon="alarm", aside=str(len(found)),
                  cls="xl-wide")


def top_card(state):
    """Top 5 hosts and VMs by CPU and RAM (lite_app/ui/charts.py, compiled on the first dashboard render
    rather than at start-up); it fetches every live host's latest figures while the dashboard shows."""
    from lite_app.ui import charts
    return charts.top_card(state)

