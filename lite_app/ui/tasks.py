"""The tasks page (route `#/tasks`): pending and finished tasks of the visit with progress, time left
and Cancel. Rows come from the panel of lite_app.logic.tasks; calls run through the shell's task runner.
"""
from lite_app.logic import tasks
from lite_app.logic.model import namer
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h


# ---- the page -------------------------------------------------------------------------------------
def title(state):
    return state.t("page.tasks")


def render(state):
    t = state.t
    rows = tasks.panel(state).rows(state.now, namer(state.cache), t)
    if not rows:
        body = w.empty(t("task.none"))
    else:
        body = w.table(t("page.tasks"), [t("col.task"), t("col.object"), t("col.state"), t("col.started"),
                                         t("col.progress"), t("col.elapsed"), t("col.eta"), t("col.actions")],
                       [({"key": row["ref"]}, cells(state, row)) for row in rows])
    return [h("div", {"class": "xl-page xl-page-tasks", "key": "tasks"},
              w.page_header("task", t("page.tasks"), t("task.subtitle")),
              w.card("tasks-list", t("page.tasks"), body, icon="task", cls="xl-wide",
                     aside=str(tasks.pending_count(state))))]


def cells(state, row):
    t = state.t
    started = h("span", {"title": fmt.date_text(row["created"])}, fmt.relative(row["created"], state.now, t)) \
        if row["created"] else w.DASH
    return [h("strong", None, row["title"]), row["object"] or w.DASH, status_cell(state, row), started,
            w.progress_bar(row["progress"], t("task.progress_of", task=row["title"])),
            fmt.duration(row["elapsed"], t),
            fmt.duration(row["eta"], t) if row["eta"] is not None else w.DASH,
            cancel_button(state, row) if row["can_cancel"] else w.DASH]


def status_cell(state, row):
    t = state.t
    status = row["status"] or "unknown"
    kind = {"success": "ok", "failure": "danger", "cancelled": "warn", "pending": "accent"}.get(status, "neutral")
    badge = w.flag(t("task.status." + status), kind)
    if not row["error"]:
        return badge
    return h("div", {"class": "xl-task-error"}, badge, h("p", None, row["error"]["text"]),
             dialogs.details(state, row["error"]))


def cancel_button(state, row):
    label = state.t("task.cancel_named", task=row["title"], object=row["object"]) \
        if row["object"] else state.t("task.cancel_task", task=row["title"])
    return h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "tasks.cancel",
                        "data-ref": row["ref"], "aria-label": label}, state.t("task.cancel"))


def on_cancel(state, payload):
    ref = (payload.get("data") or {}).get("ref")
    if not ref:
        return None
    method, params = tasks.cancel_call(ref)
    return state.client.call(method, *params)


actions = {"tasks.cancel": on_cancel}
