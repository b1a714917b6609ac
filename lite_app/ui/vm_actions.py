"""The VM page's toolbar: power buttons, then snapshot, copy, migrate, edit and delete.

Every button is drawn, enabled or not, from lite_app.logic.vm_rules (power state, kind, current operations,
XAPI's allowed_operations): a refused one is `aria-disabled` (still focusable, so a keyboard or screen
reader user can learn why) with the reason as its `title` and `aria-describedby`. Power actions run at
once as `Async.VM.*` tasks; the others open a dialog (lite_app/ui/vm_dialogs.py, vm_delete.py,
vm_edit.py). Under the buttons, the VM's running tasks show their progress, and the last failed action
stays as a sentence with XAPI's code and params until dismissed.
"""
from lite_app.logic import tasks
from lite_app.logic.vm_actions import power_call
from lite_app.logic.vm_rules import reason_text, vm_action_state
from lite_app.ui import dialogs, vm_delete, vm_dialogs, vm_edit
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

# (operation, label key, rules action); operations with a dialog are in DIALOGS below.
POWER = (("start", "act.start", "start"), ("start_on", "act.start_on", "start_on"),
         ("clean_shutdown", "act.clean_shutdown", "clean_shutdown"),
         ("hard_shutdown", "act.hard_shutdown", "hard_shutdown"),
         ("clean_reboot", "act.clean_reboot", "clean_reboot"), ("hard_reboot", "act.hard_reboot", "hard_reboot"),
         ("suspend", "act.suspend", "suspend"), ("resume", "act.resume", "resume"),
         ("pause", "act.pause", "pause"), ("unpause", "act.unpause", "unpause"))
MANAGE = (("snapshot", "act.snapshot", "snapshot"), ("copy", "act.copy", "copy"),
          ("migrate", "act.migrate", "pool_migrate"), ("edit", "act.edit", None),
          ("delete", "act.delete", "destroy"))
RULE = {}
for _op, _key, _rule in POWER + MANAGE:
    RULE[_op] = _rule
OUTCOMES = "vm.outcomes"
PENDING = "vm.pending"  # state.ui: {ref + "|" + op: True} from the click until the call ended


def op_state(vm, op):
    """(allowed, reason text or None) of a toolbar operation on a VM record."""
    rule = RULE.get(op)
    if rule is None:  # editing: anything but a control domain
        return (False, reason_text("control_domain")) if vm.get("is_control_domain") else (True, None)
    if op == "copy":  # a fast clone or a full copy, whichever XAPI allows
        allowed, reason = vm_action_state(vm, "clone")
        if allowed:
            return True, None
    allowed, reason = vm_action_state(vm, rule)
    return allowed, (None if allowed else reason_text(reason))


def pending(state, ref, op):
    return (ref + "|" + op) in (state.ui.get(PENDING) or {})


def button(state, ref, vm, op, label_key):
    """A toolbar button keyed by its operation (the renderer keeps its identity, and so its focus, while the
    buttons around it change); refused ones say why, and one already clicked is busy until its call ends."""
    allowed, why = op_state(vm, op)
    busy = pending(state, ref, op)
    reason_id = "vm-why-" + op
    attrs = {"type": "button", "class": "xl-button xl-quiet", "data-action": "vm.act", "data-op": op,
             "data-ref": ref, "key": "act-" + op}
    if busy:
        attrs.update({"aria-disabled": "true", "aria-busy": "true", "title": state.t("act.busy")})
    elif not allowed:
        attrs.update({"aria-disabled": "true", "title": why, "aria-describedby": reason_id})
    label = state.t(label_key)
    return [h("button", attrs, h("span", {"class": "xl-spinner", "aria-hidden": "true"}) if busy else None, label),
            None if allowed or busy else h("span", {"id": reason_id, "class": "xu-sr-only", "key": "why-" + op}, why)]


def toolbar(state, ref, vm):
    """The toolbar and, under it, the VM's running tasks and last failure."""
    t = state.t
    power = [button(state, ref, vm, op, key) for op, key, _rule in POWER]
    manage = [button(state, ref, vm, op, key) for op, key, _rule in MANAGE]
    return [h("div", {"class": "xl-actions", "key": "vm-actions", "role": "toolbar", "aria-label": t("vm.actions")},
              h("div", {"class": "xl-action-group", "role": "group", "aria-label": t("act.power")}, power),
              h("div", {"class": "xl-action-group", "role": "group", "aria-label": t("act.manage")}, manage)),
            running(state, ref), outcome(state, ref)]


def running(state, ref):
    """Progress bars of the pending tasks acting on this VM."""
    panel = tasks.panel(state)
    rows = []
    for task_ref in panel.live:
        task = panel.live[task_ref]
        if task.get("status") == "pending" and (panel.objects.get(task_ref) or (None, None))[1] == ref:
            row = panel.row(task_ref, task, state.now, None, state.t)
            label = state.t("task.progress_of", task=row["title"])
            rows.append(h("li", {"key": task_ref, "class": "xl-task"},
                          h("span", {"class": "xl-task-name"}, row["title"]),
                          w.progress_bar(row["progress"], label)))
    if not rows:
        return None
    return h("ul", {"class": "xl-task-list xl-vm-tasks", "key": "vm-tasks", "aria-label": state.t("vm.running_tasks")},
             rows)


def outcome(state, ref):
    found = (state.ui.get(OUTCOMES) or {}).get(ref)
    if not found:
        return None
    return h("div", {"class": "xl-dialog-error xl-vm-outcome", "role": "alert", "key": "vm-outcome"},
             h("p", None, state.t("act.failed", action=found["title"], reason=found["error"]["text"])),
             dialogs.details(state, found["error"]),
             h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "vm.outcome_dismiss",
                          "data-ref": ref}, state.t("shell.dismiss")))


async def run_power(state, ref, op):
    """Run a power action as a task; a failure stays on the VM page (and in the tasks page), and is a
    notice too when the user has left that page meanwhile."""
    outcomes = state.ui.setdefault(OUTCOMES, {})
    outcomes.pop(ref, None)
    route = state.route
    method, params = power_call(op, ref)
    try:
        await state.run_call(method, params)
    except Exception as error:  # shown to the user with XAPI's code; nothing is lost
        if getattr(error, "code", None) == "SESSION_INVALID":
            return  # the runner noted it: the user hears after signing in again
        info = dialogs.failure(state, error)
        outcomes[ref] = {"title": state.t("act." + op), "error": info}
        if state.route != route:
            state.notify(state.t("act.failed", action=state.t("act." + op), reason=info["text"]), "error")
    finally:
        (state.ui.get(PENDING) or {}).pop(ref + "|" + op, None)


def on_act(state, payload):
    data = payload.get("data") or {}
    op, ref = data.get("op") or "", data.get("ref") or ""
    vm = state.cache.get("VM", ref)
    if vm is None or op not in RULE or pending(state, ref, op):
        return None  # one call per intent: a double click or a held Enter sends it once
    allowed, why = op_state(vm, op)
    if not allowed:
        state.notify(why, here=True)
        return None
    if op in DIALOGS:
        return DIALOGS[op](state, ref, vm)
    state.ui.setdefault(PENDING, {})[ref + "|" + op] = True
    return run_power(state, ref, op)


def on_outcome_dismiss(state, payload):
    (state.ui.get(OUTCOMES) or {}).pop((payload.get("data") or {}).get("ref"), None)


DIALOGS = {"start_on": vm_dialogs.open_start_on, "snapshot": vm_dialogs.open_snapshot,
           "copy": vm_dialogs.open_copy, "migrate": vm_dialogs.open_migrate, "edit": vm_edit.open_edit,
           "delete": vm_delete.open_delete}
actions = {"vm.act": on_act, "vm.outcome_dismiss": on_outcome_dismiss}
