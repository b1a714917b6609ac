"""The tasks page (route `#/tasks`) and how every action runs an XAPI call as a task.

`run_call(state, method, params)` calls an `Async.*` method, notes which object the task acts on,
then waits for the task through the live cache (the `task` class comes with event.from), checking
it directly now and then in case events are late; it returns the task's result or raises its
XapiError. The panel (lite_app.logic.tasks.TaskPanel) is kept in state.ui for the visit and synced
with the cache whenever the task table changed (`panel`, called by the shell's header indicator at
every render, so no finished task is missed even while another page is shown).
"""
import asyncio

from lite_app.logic import tasks as taskview

from lite_app.text import fmt
from lite_app.text.errors import namer
from lite_app.xapi.tasks import task_outcome
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

PANEL_KEY = "tasks.panel"
POLL_SECONDS = 0.2
# Polls between direct task.get_record checks (the event loop may be reconnecting).
CHECK_EVERY = 25
ENDED = ("success", "failure", "cancelled")


def panel(state):
    """The visit's TaskPanel, updated from the cache when its task table changed."""
    found = state.ui.get(PANEL_KEY)
    if found is None:
        found = state.ui[PANEL_KEY] = [taskview.TaskPanel(), -1]
    deps = w.versions(state, ("task",))
    if deps is None or deps != found[1]:
        found[0].update(state.cache.all("task"))
        found[1] = deps
        learn_objects(state, found[0])
    return found[0]


def learn_objects(state, tasks):
    """Map pending tasks the app did not start to the VM whose current_operations names them."""
    unknown = [r for r in tasks.live if tasks.live[r].get("status") == "pending" and r not in tasks.objects]
    if not unknown:
        return
    vms = state.cache.all("VM")
    for ref in vms:
        if vms[ref].get("current_operations"):
            tasks.note_operations("VM", ref, vms[ref])


def pending_count(state):
    return panel(state).pending_count()


def class_of(method):
    """"Async.VM.start" -> "VM"."""
    name = method[len("Async."):] if method.startswith("Async.") else method
    return name.split(".")[0]


async def run_call(state, method, params, spec=None):
    """Run one call; an Async one is followed to its end. `spec` (a dialog's) gets the task ref."""
    if not method.startswith("Async."):
        return await state.client.call(method, *params)
    task_ref = await state.client.call(method, *params)
    if params and isinstance(params[0], str) and params[0].startswith("OpaqueRef:"):
        panel(state).note(task_ref, class_of(method), params[0])
    if spec is not None:
        spec["task"] = task_ref
    status, value = await wait(state, task_ref)
    if status != "success":
        raise value
    return value


async def wait(state, task_ref):
    """(status, value) of the task once it ended (lite_app.xapi.tasks.task_outcome)."""
    polls = 0
    while True:
        record = state.cache.get("task", task_ref) or panel(state).history.get(task_ref)
        if record is None or (polls and polls % CHECK_EVERY == 0):
            if polls >= 5:
                record = await state.client.call("task.get_record", task_ref)
        if record is not None and record.get("status") in ENDED:
            return task_outcome(record)
        polls += 1
        await asyncio.sleep(POLL_SECONDS)


# ---- the page -------------------------------------------------------------------------------------
def title(state):
    return state.t("page.tasks")


def render(state):
    t = state.t
    rows = panel(state).rows(state.now, namer(state.cache), t)
    if not rows:
        body = w.empty(t("task.none"))
    else:
        body = w.table(t("page.tasks"), [t("col.task"), t("col.object"), t("col.state"), t("col.progress"),
                                         t("col.elapsed"), t("col.eta"), t("col.actions")],
                       [({"key": row["ref"]}, cells(state, row)) for row in rows])
    return [h("div", {"class": "xl-page xl-tasks-page", "key": "tasks"},
              w.page_header("task", t("page.tasks"), t("task.subtitle")),
              w.card("tasks-list", t("page.tasks"), body, icon="task", cls="xl-wide",
                     aside=str(pending_count(state))))]


def cells(state, row):
    t = state.t
    return [h("strong", None, row["title"]), row["object"] or w.DASH, status_cell(state, row),
            progress_bar(row["progress"], t("task.progress_of").replace("{0}", row["title"])),
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


def progress_bar(percent, label):
    return h("div", {"class": "xl-usage"},
             h("div", {"class": "xl-bar", "role": "progressbar", "aria-label": label, "aria-valuemin": "0",
                       "aria-valuemax": "100", "aria-valuenow": str(percent)},
               h("div", {"class": "xl-bar-fill", "style": "width:%d%%" % percent})),
             h("div", {"class": "xl-usage-text"}, "%d%%" % percent))


def cancel_button(state, row):
    label = state.t("task.cancel_named").replace("{0}", row["title"]).replace("{1}", row["object"]) \
        if row["object"] else state.t("task.cancel") + " " + row["title"]
    return h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "tasks.cancel",
                        "data-ref": row["ref"], "aria-label": label}, state.t("task.cancel"))


def on_cancel(state, payload):
    ref = (payload.get("data") or {}).get("ref")
    if not ref:
        return None
    method, params = taskview.cancel_call(ref)
    return state.client.call(method, *params)


actions = {"tasks.cancel": on_cancel}
actions.update(dialogs.ACTIONS)
