"""Modal dialogs: one at a time, described by `state.ui["dialog"]` and drawn by the shell in its own region.

Pure vdom. A module registers a dialog kind with `register(kind, render, submit, actions)`:
- `render(state, spec) -> (title, body nodes, buttons)` (buttons: `submit_button`/`cancel_button`)
- `submit(state, spec, form) -> None or a coroutine`; `form` is the bridge's {name: value} of the form.
- `actions`: {name: handler(state, payload)} of the dialog's own controls (a radio that re-renders it),
  dispatched by the shell while a dialog of that kind is open; the shell owns ACTIONS below too.
`show(state, kind, **fields)` opens one (replacing any other), `close(state)` closes it. The frame is a
`role="dialog" aria-modal="true"` box labelled by its h2 around a form, so Enter submits and the bridge
sends every named field. Focus handling lives in lite_app/static/bridge.js (it needs the DOM): on open the first
field (or `data-autofocus`) gets focus, Tab stays inside, Escape presses the `data-dialog-cancel`
button, the rest of the app is inert, and on close focus returns to the control that opened it.

Long work runs through `run(state, spec, steps)`: each step goes through the shell's task runner
(`state.run_call`, which follows an `Async.*` call to the end of its task); the dialog stays open with a
progress bar while they run, closes on success, and shows a failure as a sentence with XAPI's code and
params. `run_job(state, spec, job)` does the same for a job of several calls (lite_app/logic/jobs.py): one
task of the app's own for the whole change, and a failure says whether what was done got undone.
"""
from lite_app.logic import jobs
from lite_app.logic.model import namer
from lite_app.text import fmt
from lite_app.text.errors import describe
from lite_app.ui.vdom import h

REGION = "xl-dialog"
TITLE_ID = "xl-dialog-title"
DESC_ID = "xl-dialog-desc"
ERROR_ID = "xl-dialog-error"  # the failure sentence; a field it is about names it in aria-describedby
_KINDS = {}


def register(kind, render, submit=None, actions=None):
    _KINDS[kind] = (render, submit, actions or {})


def open_actions(state):
    """The actions of the open dialog's own controls ({} when none is open)."""
    spec = state.ui.get("dialog")
    if not spec or spec.get("kind") not in _KINDS:
        return {}
    return _KINDS[spec["kind"]][2]


def show(state, kind, **fields):
    """Open dialog `kind` with `fields` as its spec (a dict kept in state.ui while it is open)."""
    serial = (state.ui.get("dialog.serial") or 0) + 1
    state.ui["dialog.serial"] = serial
    spec = dict(fields)
    spec["kind"], spec["serial"], spec["busy"], spec["error"] = kind, serial, False, None
    state.ui["dialog"] = spec
    return spec


def close(state):
    state.ui.pop("dialog", None)


def current(state, kind=None):
    """The open dialog's spec (of that kind), or None."""
    spec = state.ui.get("dialog")
    if spec is None or (kind is not None and spec.get("kind") != kind):
        return None
    return spec


def is_open(state, spec):
    return state.ui.get("dialog") is spec


def render(state):
    """The dialog region's nodes: nothing, or the scrim and the open dialog."""
    spec = state.ui.get("dialog")
    if not spec or spec.get("kind") not in _KINDS:
        return []
    title, body, buttons = _KINDS[spec["kind"]][0](state, spec)
    spec["title"] = title
    if spec.get("busy") and spec.get("task"):
        buttons = task_buttons(state, spec)
    return [h("div", {"class": "xl-scrim", "key": "dialog-%d" % spec["serial"]},
              h("div", {"class": "xl-dialog xl-dialog-" + spec.get("size", "normal"), "role": "dialog",
                        "aria-modal": "true", "aria-labelledby": TITLE_ID,
                        "aria-busy": "true" if spec.get("busy") else None},
                h("form", {"class": "xl-dialog-form", "data-action": "dialog.submit"},
                  h("h2", {"id": TITLE_ID, "class": "xl-dialog-title"}, title),
                  h("div", {"class": "xl-dialog-body"}, body),
                  progress(state, spec), error_box(state, spec.get("error")),
                  h("div", {"class": "xl-dialog-buttons"}, buttons))))]


def description(text):
    """The dialog's main sentence (say what will happen, naming the object)."""
    return h("p", {"id": DESC_ID, "class": "xl-dialog-text"}, text)


def submit_button(state, spec, label, danger=False):
    busy = bool(spec.get("busy"))
    return h("button", {"type": "submit", "class": "xl-button" + (" xl-danger-button" if danger else ""),
                        "disabled": busy, "aria-disabled": "true" if busy else None},
             h("span", {"class": "xl-spinner", "aria-hidden": "true"}) if busy else None, label)


def cancel_button(state, label=None):
    return h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "dialog.cancel",
                        "data-dialog-cancel": "1"}, label or state.t("dialog.cancel"))


def progress(state, spec):
    """While a dialog's task runs: its progress bar (task.progress from the live cache)."""
    if not spec.get("busy"):
        return None
    task = state.cache.get("task", spec.get("task") or "") or {}
    percent = int(max(0.0, min(1.0, task.get("progress") or 0.0)) * 100 + 0.5)
    label = state.t("dialog.working")
    return h("div", {"class": "xl-dialog-progress", "role": "status"},
             h("div", {"class": "xl-bar", "role": "progressbar", "aria-label": label, "aria-valuemin": "0",
                       "aria-valuemax": "100", "aria-valuenow": str(percent)},
               h("div", {"class": "xl-bar-fill", "style": "width:%d%%" % percent})),
             h("span", {"class": "xu-muted"}, "%s %s" % (label, fmt.percent_text(percent))))


def error_box(state, info):
    """A failure as a sentence, with XAPI's code and params one click away."""
    if not info:
        return None
    return h("div", {"class": "xl-dialog-error", "role": "alert", "id": ERROR_ID},
             h("p", None, info["text"]), details(state, info))


def details(state, info):
    if not info.get("code"):
        return None
    return h("details", {"class": "xl-error-details"},
             h("summary", None, state.t("error.details")),
             h("code", None, " ".join([info["code"]] + [str(p) for p in info.get("params") or []])))


def task_buttons(state, spec):
    """While the dialog's task runs: leave it running in the background, or cancel it (when XAPI allows)."""
    t = state.t
    task = state.cache.get("task", spec["task"]) or {}
    can_cancel = "cancel" in (task.get("allowed_operations") or []) and not spec.get("cancelling")
    return [h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "dialog.background",
                         "data-dialog-cancel": "1", "key": "background"}, t("dialog.background")),
            h("button", {"type": "button", "class": "xl-button xl-danger-button", "data-action": "dialog.cancel_task",
                         "key": "cancel-task", "disabled": not can_cancel,
                         "aria-busy": "true" if spec.get("cancelling") else None},
              t("dialog.cancelling") if spec.get("cancelling") else t("dialog.cancel_task", action=spec.get("title") or ""))]


def failure(state, error):
    """describe() of an error, refs named from the cache."""
    return describe(error, namer(state.cache), state.t)


def run(state, spec, steps, perform=None):
    """Run `steps` (a list of (method, params)) through `perform(method, params, spec)` (default: the
    shell's task runner, `state.run_call`) with the dialog busy from now on (so a second submit does
    nothing); close it on success, else keep it open with the error. Returns the coroutine doing it,
    which answers True on success."""
    spec["busy"], spec["error"] = True, None
    return _run(state, spec, steps, perform or state.run_call)


async def _run(state, spec, steps, perform):
    try:
        for method, params in steps:
            await perform(method, params, spec)
    except Exception as error:  # every failure is shown to the user, none is lost
        spec["busy"] = False
        if getattr(error, "code", None) == "SESSION_INVALID":
            return False  # the shell went back to the login form; the runner noted what was not done
        if spec.get("cancelling") and getattr(error, "code", None) == "TASK_CANCELLED":
            close_if_open(state, spec)
            state.notify(state.t("dialog.cancelled", action=spec.get("title") or ""))
            return False
        info = failure(state, error)
        if is_open(state, spec):
            spec["error"] = info
        else:
            state.notify(info["text"], "error")
        return False
    spec["busy"] = False
    if is_open(state, spec):
        close(state)
    return True


def run_job(state, spec, job, done=None):
    """Run `job` (lite_app.logic.jobs.Job) from dialog `spec`, busy from now on (its task is the
    progress bar); on success `done(results)` runs and the dialog closes, else it stays open with the
    step's error and what became of the steps done before. Returns the coroutine, True on success."""
    spec["busy"], spec["error"] = True, None
    return _run_job(state, spec, job, done)


async def _run_job(state, spec, job, done):
    try:
        results = await jobs.run(state, job, spec)
    except jobs.Failed as failed:
        spec["busy"] = False
        if failed.code != "SESSION_INVALID":  # else the shell went back to its login form
            job_failure(state, spec, job, failed)
        return False
    spec["busy"] = False
    if done is not None:
        done(results)
    close_if_open(state, spec)
    return True


def job_failure(state, spec, job, failed):
    """A failed job in the dialog (or as a notice once it is closed): the step's sentence, then whether
    the steps done before were taken back, or which could not be."""
    info = dict(failure(state, failed.error))
    if failed.undo_errors:
        left = "; ".join([failure(state, error)["text"] for error in failed.undo_errors])
        info["text"] += " " + state.t("job.undo_failed", errors=left)
    elif [item for item in failed.done if item.get("undo")]:
        info["text"] += " " + state.t("job.undone")
    if is_open(state, spec):
        spec["error"] = info
    else:
        state.notify(state.t("act.failed", action=job.title, reason=info["text"]), "error")


def checkbox(kind, field):
    """An action keeping a checkbox of dialog `kind` in its spec's `field` (for dialogs' own actions)."""
    def on_change(state, payload):
        spec = current(state, kind)
        if spec is not None:
            spec[field] = bool(payload.get("checked"))
    return on_change


def close_if_open(state, spec):
    if is_open(state, spec):
        close(state)


def on_cancel(state, payload):
    """Cancel (or Escape): close; a task already running goes on in the background, and the user is told."""
    spec = current(state)
    close(state)
    if spec is not None and spec.get("busy") and spec.get("task"):
        state.notify(state.t("dialog.in_background", action=spec.get("title") or ""))


def on_cancel_task(state, payload):
    """Ask XAPI to cancel the dialog's task; the dialog says so, then reports how the task ended."""
    spec = current(state)
    if spec is None or not spec.get("task") or spec.get("cancelling"):
        return None
    spec["cancelling"] = True
    return state.client.call("task.cancel", spec["task"])


def on_input(state, payload):
    """Keep what the user typed in a dialog field (`data-field`) so a re-render never resets it."""
    spec = state.ui.get("dialog")
    field = (payload.get("data") or {}).get("field")
    if spec is not None and field and field not in ("kind", "serial", "busy", "error"):
        spec[field] = payload.get("value") or ""


def on_submit(state, payload):
    spec = state.ui.get("dialog")
    if spec is None or spec.get("busy") or spec.get("kind") not in _KINDS:
        return None
    submit = _KINDS[spec["kind"]][1]
    return submit(state, spec, payload.get("form") or {}) if submit is not None else close(state)


# Dispatched by the shell (lite_app/shell/dispatch.py) whatever the page; Escape closes a dialog there too.
ACTIONS = {"dialog.cancel": on_cancel, "dialog.background": on_cancel, "dialog.cancel_task": on_cancel_task,
           "dialog.submit": on_submit, "dialog.input": on_input}
