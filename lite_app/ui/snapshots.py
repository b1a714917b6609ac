"""The VM page's snapshots card: each snapshot with its date, Revert (after a confirmation naming the VM
and the snapshot) and Delete (the snapshot with its disks, through the delete plan of vm_delete.py).

Buttons follow lite_app.logic.vm_rules on the snapshot's record like the toolbar does (aria-disabled with the
reason); their accessible names say which snapshot they act on.
"""
from lite_app.logic import model, vm_actions
from lite_app.logic.vm_rules import reason_text, vm_action_state
from lite_app.text import fmt
from lite_app.ui import dialogs, vm_delete
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h


def snap_button(state, snap_ref, snap, action, rule, label_key, name, vm_ref):
    allowed, reason = vm_action_state(snap, rule)
    attrs = {"type": "button", "class": "xl-button xl-quiet xl-small", "data-action": action,
             "data-ref": snap_ref, "data-vm": vm_ref, "aria-label": state.t(label_key, snapshot=name)}
    if not allowed:
        attrs.update({"aria-disabled": "true", "title": reason_text(reason)})
    return h("button", attrs, state.t(label_key + ".short"))


def card(state, vm_ref, vm):
    t = state.t
    snaps = model.vm_snapshots(state.cache, vm)
    if not snaps:
        return w.card("vm-snapshots", t("card.snapshots"), w.empty(t("vm.no_snapshots")), icon="task", aside="0")
    rows = []
    for ref, snap in snaps:
        taken = fmt.parse_time(snap.get("snapshot_time"))
        name = snap.get("name_label") or snap.get("uuid") or ref
        buttons = h("div", {"class": "xl-row-actions"},
                    snap_button(state, ref, snap, "snap.revert", "revert", "snap.revert", name, vm_ref),
                    snap_button(state, ref, snap, "snap.delete", "destroy", "snap.delete", name, vm_ref))
        rows.append(({"key": ref}, [w.object_link(state, "VM", snap), fmt.date_text(taken),
                                    fmt.relative(taken, state.now, t), buttons]))
    table = w.table(t("card.snapshots"), [t("col.name"), t("col.taken"), t("col.when"), t("col.actions")], rows)
    return w.card("vm-snapshots", t("card.snapshots"), table, icon="task", aside=str(len(snaps)), cls="xl-wide")


def checked(state, payload, rule):
    """(ref, record) of the snapshot a button names, if the rules allow `rule` on it."""
    ref = (payload.get("data") or {}).get("ref") or ""
    snap = state.cache.get("VM", ref)
    if snap is None:
        return None, None
    allowed, reason = vm_action_state(snap, rule)
    if not allowed:
        state.notify(reason_text(reason), here=True)
        return None, None
    return ref, snap


def on_revert(state, payload):
    ref, snap = checked(state, payload, "revert")
    if ref is not None:
        dialogs.show(state, "snap.revert", snap=ref, vm=(payload.get("data") or {}).get("vm") or "")


def on_delete(state, payload):
    ref, snap = checked(state, payload, "destroy")
    if ref is not None:
        vm_delete.open_delete(state, ref, snap)


def revert_render(state, spec):
    t = state.t
    snap = state.cache.get("VM", spec["snap"]) or {}
    vm = state.cache.get("VM", snap.get("snapshot_of") or spec["vm"]) or {}
    sentence = t("action.revert.confirm", vm=vm.get("name_label") or "", snapshot=snap.get("name_label") or "")
    return (t("dlg.revert"), [dialogs.description(sentence)],
            [dialogs.submit_button(state, spec, t("dlg.revert"), danger=True), dialogs.cancel_button(state)])


def revert_submit(state, spec, form):
    return dialogs.run(state, spec, [vm_actions.revert_call(spec["snap"])])


dialogs.register("snap.revert", revert_render, revert_submit)
actions = {"snap.revert": on_revert, "snap.delete": on_delete}
