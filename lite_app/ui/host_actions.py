"""The host page's toolbar: maintenance mode (enter or leave), reboot, shut down, power on, edit.

Every button is drawn from lite_app.logic.hostpower; a refused one is aria-disabled with the reason.
Maintenance, reboot and shutdown open the plan dialog (lite_app/ui/host_power.py); leaving maintenance
and powering on run at once, the button busy until the call ended; a failure stays under the toolbar
as a sentence until dismissed. The host's running jobs (maintenance, updates) show their progress there.
"""
from lite_app.logic import hostpower, tasks
from lite_app.ui import admin_edit, dialogs, host_power
from lite_app.ui import admin_forms as form
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

PENDING = "host.pending"
OUTCOMES = "host.outcomes"
LABELS = {"maintenance": "adm.host.maintenance", "enable": "adm.host.enable", "reboot": "adm.host.reboot",
          "shutdown": "adm.host.shutdown", "power_on": "adm.host.power_on", "edit": "act.edit"}
DIRECT = {"enable": ("host.enable", "adm.host.enable"), "power_on": ("Async.host.power_on", "adm.host.power_on")}


def busy(state, ref, op):
    return (ref + "|" + op) in (state.ui.get(PENDING) or {})


def button(state, ref, host, op):
    allowed, reason = hostpower.action_state(state.cache, ref, host, op)
    return form.action_button(state, "host.act", op, state.t(LABELS[op]), allowed, state.t(reason) if reason else None,
                              busy(state, ref, op), {"ref": ref})


def toolbar(state, ref, host):
    t = state.t
    first = "maintenance" if host.get("enabled", True) else "enable"
    buttons = [button(state, ref, host, op) for op in (first, "reboot", "shutdown", "power_on", "edit")]
    return [form.toolbar(t("adm.host.actions"), buttons), running(state, ref), outcome(state, ref)]


def running(state, ref):
    """Progress bars of the pending tasks acting on this host (the app's jobs among them)."""
    panel = tasks.panel(state)
    rows = []
    for task_ref in panel.live:
        task = panel.live[task_ref]
        if task.get("status") == "pending" and task_ref not in panel.hidden \
                and (panel.objects.get(task_ref) or (None, None))[1] == ref:
            row = panel.row(task_ref, task, state.now, None, state.t)
            rows.append(h("li", {"key": task_ref, "class": "xl-task"}, h("span", {"class": "xl-task-name"}, row["title"]),
                          w.progress_bar(row["progress"], state.t("task.progress_of", task=row["title"]))))
    if not rows:
        return None
    return h("ul", {"class": "xl-task-list xl-vm-tasks", "key": "host-tasks", "aria-label": state.t("vm.running_tasks")}, rows)


def outcome(state, ref):
    found = (state.ui.get(OUTCOMES) or {}).get(ref)
    if not found:
        return None
    return h("div", {"class": "xl-dialog-error xl-vm-outcome", "role": "alert", "key": "host-outcome"},
             h("p", None, state.t("act.failed", action=found["title"], reason=found["error"]["text"])),
             dialogs.details(state, found["error"]),
             h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "host.outcome_dismiss",
                          "data-ref": ref}, state.t("shell.dismiss")))


async def run_direct(state, ref, op):
    method, label = DIRECT[op]
    outcomes = state.ui.setdefault(OUTCOMES, {})
    outcomes.pop(ref, None)
    try:
        await state.run_call(method, [ref])
    except Exception as error:  # shown under the toolbar with XAPI's code; nothing is lost
        if getattr(error, "code", None) != "SESSION_INVALID":
            outcomes[ref] = {"title": state.t(label), "error": dialogs.failure(state, error)}
    finally:
        (state.ui.get(PENDING) or {}).pop(ref + "|" + op, None)


def on_act(state, payload):
    data = payload.get("data") or {}
    op, ref = data.get("op") or "", data.get("ref") or ""
    host = state.cache.get("host", ref)
    if host is None or op not in LABELS or busy(state, ref, op):
        return None
    allowed, reason = hostpower.action_state(state.cache, ref, host, op)
    if not allowed:
        state.notify(state.t(reason), here=True)
        return None
    if op == "edit":
        admin_edit.open_edit(state, "host", ref)
        return None
    if op in DIRECT:
        state.ui.setdefault(PENDING, {})[ref + "|" + op] = True
        return run_direct(state, ref, op)
    return host_power.open_power(state, ref, host, op)


def on_outcome_dismiss(state, payload):
    (state.ui.get(OUTCOMES) or {}).pop((payload.get("data") or {}).get("ref"), None)


actions = {"host.act": on_act, "host.outcome_dismiss": on_outcome_dismiss}
