"""Deleting a VM or a snapshot: the confirmation naming it, and the plan shown before anything runs.

The plan (lite_app.logic.vm_delete.delete_plan) destroys the VM, its snapshots and every disk no other VM
uses; the dialog lists those disks as checkboxes, checked by default, so the user sees and can change
what goes, and lists the disks that stay with the reason (a CD, an ISO, used by another VM). A plan
needs whole records (VBDs, snapshots): until they are in the cache the dialog says it is loading.
"""
from lite_app.logic import model
from lite_app.logic.vm_delete import delete_calls, delete_plan
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui.vdom import h


def open_delete(state, ref, vm):
    # The name and kind are kept: the dialog must still say what it deletes once the VM is gone.
    dialogs.show(state, "vm.delete", vm=ref, keep_snapshots=False, keep_disks={}, size="wide",
                 name=vm.get("name_label") or "", snapshot=bool(vm.get("is_a_snapshot")))


def missing(state, ref, vm):
    """Whether records the plan reads are still missing (and asked for)."""
    lacking = False
    for owner in [ref] + list(vm.get("snapshots") or ()):
        record = state.cache.get("VM", owner)
        if record is not None and not model.is_full(record, "VBDs"):
            state.request_record("VM", owner)
            lacking = True
        elif record is not None and not watch_disks(state, record):
            lacking = True
    return lacking


def watch_disks(state, vm):
    """Watch what the plan reads of a VM's disks (state.watch, not their classes): its VBDs, their VDIs
    and its suspend image, and every VBD of the disks that may go (who else uses them; not of a CD's or
    an ISO library's image, which always stay: the tools ISO sits in hundreds of drives); True once all
    are in."""
    cache, ready, disks = state.cache, True, [(vm.get("suspend_VDI"), False)]
    for vbd_ref in vm.get("VBDs") or ():
        state.watch("VBD", vbd_ref)
        vbd = cache.get("VBD", vbd_ref)
        if vbd is None:
            ready = False
        else:
            disks.append((vbd.get("VDI"), vbd.get("type") == "CD"))
    for vdi_ref, is_cd in disks:
        if not model.deref_ok(vdi_ref):
            continue
        state.watch("VDI", vdi_ref)
        vdi = cache.get("VDI", vdi_ref)
        if vdi is None:
            ready = False
        elif not is_cd and not stays(cache, vdi):
            for other in vdi.get("VBDs") or ():
                state.watch("VBD", other)
                ready = ready and cache.get("VBD", other) is not None
    return ready


def stays(cache, vdi):
    """An image the plan keeps whoever uses it (the tools ISO, an ISO library's)."""
    sr = cache.get("SR", vdi.get("SR")) or {}
    return bool(vdi.get("is_tools_iso")) or sr.get("content_type") == "iso"


def current_plan(state, spec):
    """The plan shown: the one being run once submitted, else one from the cache (None: loading)."""
    if spec.get("plan") is not None:
        return spec["plan"]
    vm = state.cache.get("VM", spec["vm"])
    if vm is None or missing(state, spec["vm"], vm):
        return None
    return delete_plan(state.cache, spec["vm"], spec["keep_snapshots"])


def disk_label(state, vdi_ref):
    vdi = state.cache.get("VDI", vdi_ref) or {}
    sr = state.cache.get("SR", vdi.get("SR") or "") or {}
    return "%s (%s, %s)" % (vdi.get("name_label") or vdi.get("uuid") or vdi_ref,
                            fmt.size(vdi.get("virtual_size") or 0), sr.get("name_label") or "?")


def plan_nodes(state, spec, plan):
    t = state.t
    nodes = []
    if plan["snapshots"] or spec["keep_snapshots"]:
        nodes.append(h("p", {"class": "xl-dialog-text"}, t("action.delete.snapshots")))
        nodes.append(h("ul", {"class": "xu-plain xl-dialog-list"},
                       [h("li", {"key": s}, model.name_of(state.cache, "VM", s)) for s in plan["snapshots"]]))
        nodes.append(h("label", {"class": "xl-check"},
                       h("input", {"type": "checkbox", "data-action": "vmdel.keep_snapshots",
                                   "checked": spec["keep_snapshots"]}),
                       t("action.delete.keep_snapshots")))
    if plan["disks"]:
        boxes = [h("label", {"class": "xl-check", "key": d},
                   h("input", {"type": "checkbox", "data-action": "vmdel.disk", "data-ref": d,
                               "checked": d not in spec["keep_disks"]}), disk_label(state, d))
                 for d in plan["disks"]]
        nodes.append(h("fieldset", {"class": "xl-choices"},
                       h("legend", None, t("action.delete.disks")), boxes))
    if plan["kept"]:
        nodes.append(h("p", {"class": "xl-dialog-text"}, t("action.delete.kept")))
        nodes.append(h("ul", {"class": "xu-plain xl-dialog-list", "aria-label": t("action.delete.kept")},
                       [h("li", {"key": d}, disk_label(state, d) + " \u2013 " + t("action.kept." + why))
                        for d, why in plan["kept"]]))
    return nodes


def delete_render(state, spec):
    t = state.t
    plan = current_plan(state, spec)
    is_snapshot = spec["snapshot"]
    key = "action.delete.snapshot_confirm" if is_snapshot else "action.delete.confirm"
    body = [dialogs.description(t(key, vm=spec["name"], snapshot=spec["name"]))]
    if plan is None and state.cache.get("VM", spec["vm"]) is None:
        body.append(h("p", {"class": "xl-empty"}, t("page.missing")))
    elif plan is None:
        body.append(h("p", {"class": "xl-empty", "aria-busy": "true"}, t("view.loading")))
    else:
        body.extend(plan_nodes(state, spec, plan))
    ready = plan is not None and not plan["blocked"]
    title = t("dlg.delete_snapshot") if is_snapshot else t("dlg.delete")
    submit = dialogs.submit_button(state, spec, title, danger=True) if ready else None
    return title, body, [submit, dialogs.cancel_button(state)]


def delete_submit(state, spec, form):
    plan = current_plan(state, spec)
    if plan is None or plan["blocked"]:
        return None
    spec["plan"] = plan
    disks = [d for d in plan["disks"] if d not in spec["keep_disks"]]
    running = dialogs.run(state, spec, delete_calls(spec["vm"], plan["snapshots"], disks))
    deleted = state.cache.get("VM", spec["vm"]) or {}

    async def finish():
        if not await running:
            spec["plan"] = None  # what is left now, if the user tries again
        elif state.route[0] == "vm" and state.route[1].get("uuid") == deleted.get("uuid"):
            # its page would only say "does not exist": go to the list, and say what happened
            state.notify(state.t("vm.deleted", vm=spec["name"]))
            state.go("vms")
    return finish()


def on_disk(state, payload):
    spec = dialogs.current(state, "vm.delete")
    ref = (payload.get("data") or {}).get("ref")
    if spec is None or not ref:
        return
    if payload.get("checked"):
        spec["keep_disks"].pop(ref, None)
    else:
        spec["keep_disks"][ref] = True


dialogs.register("vm.delete", delete_render, delete_submit,
                 {"vmdel.keep_snapshots": dialogs.checkbox("vm.delete", "keep_snapshots"), "vmdel.disk": on_disk})
