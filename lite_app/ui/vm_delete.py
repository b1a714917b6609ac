"""Deleting a VM or a snapshot: the confirmation naming it, and the plan shown before anything runs.

The plan (lite_app.logic.vm_actions.delete_plan) destroys the VM, its snapshots and every disk no other VM
uses; the dialog lists those disks as checkboxes, checked by default, so the user sees and can change
what goes, and lists the disks that stay with the reason (a CD, an ISO, used by another VM). A plan
needs whole records (VBDs, snapshots): until they are in the cache the dialog says it is loading.

`gather(state, refs)` serves the VM list's bulk delete: there the cache holds projected VM records
and no VBD or VDI at all, so it fetches what the plans read into a cache of its own.
"""
import asyncio

from lite_app.logic import model, vm_actions as vmactions

from lite_app.text import fmt
from lite_app.text.strings_actions import text
from lite_app.ui import dialogs, tasks
from lite_app.ui.vdom import h
from lite_app.xapi.cache import Cache

NULL = "OpaqueRef:NULL"


def open_delete(state, ref, vm):
    # The name and kind are kept: the dialog must still say what it deletes once the VM is gone.
    dialogs.show(state, "vm.delete", vm=ref, keep_snapshots=False, keep_disks={}, size="wide",
                 name=vm.get("name_label") or "", snapshot=bool(vm.get("is_a_snapshot")))


def missing(state, ref, vm):
    """Whether records the plan reads are still missing (and asked for)."""
    lacking = False
    if not model.loaded(state.cache, "VBD") or not model.loaded(state.cache, "VDI"):
        lacking = True
    for owner in [ref] + list(vm.get("snapshots") or ()):
        record = state.cache.get("VM", owner)
        if record is not None and not model.is_full(record, "VBDs"):
            state.request_record("VM", owner)
            lacking = True
    return lacking


def current_plan(state, spec):
    """The plan shown: the one being run once submitted, else one from the cache (None: loading)."""
    if spec.get("plan") is not None:
        return spec["plan"]
    vm = state.cache.get("VM", spec["vm"])
    if vm is None or missing(state, spec["vm"], vm):
        return None
    return vmactions.delete_plan(state.cache, spec["vm"], spec["keep_snapshots"])


def disk_label(state, vdi_ref):
    vdi = state.cache.get("VDI", vdi_ref) or {}
    sr = state.cache.get("SR", vdi.get("SR") or "") or {}
    return "%s (%s, %s)" % (vdi.get("name_label") or vdi.get("uuid") or vdi_ref,
                            fmt.size(vdi.get("virtual_size") or 0), sr.get("name_label") or "?")


def name_of(state, ref):
    return (state.cache.get("VM", ref) or {}).get("name_label") or ref


def plan_nodes(state, spec, plan):
    t = state.t
    nodes = []
    if plan["snapshots"] or spec["keep_snapshots"]:
        nodes.append(h("p", {"class": "xl-dialog-text"}, text("action.delete.snapshots", (), t)))
        nodes.append(h("ul", {"class": "xl-plain xl-dialog-list"},
                       [h("li", {"key": s}, name_of(state, s)) for s in plan["snapshots"]]))
        nodes.append(h("label", {"class": "xl-check"},
                       h("input", {"type": "checkbox", "data-action": "vmdel.keep_snapshots",
                                   "checked": spec["keep_snapshots"]}),
                       text("action.delete.keep_snapshots", (), t)))
    if plan["disks"]:
        boxes = [h("label", {"class": "xl-check", "key": d},
                   h("input", {"type": "checkbox", "data-action": "vmdel.disk", "data-ref": d,
                               "checked": d not in spec["keep_disks"]}), disk_label(state, d))
                 for d in plan["disks"]]
        nodes.append(h("fieldset", {"class": "xl-choices"},
                       h("legend", None, text("action.delete.disks", (), t)), boxes))
    if plan["kept"]:
        nodes.append(h("p", {"class": "xl-dialog-text"}, text("action.delete.kept", (), t)))
        nodes.append(h("ul", {"class": "xl-plain xl-dialog-list", "aria-label": text("action.delete.kept", (), t)},
                       [h("li", {"key": d}, disk_label(state, d) + " \u2013 " + text("action.kept." + why, (), t))
                        for d, why in plan["kept"]]))
    return nodes


def delete_render(state, spec):
    t = state.t
    plan = current_plan(state, spec)
    is_snapshot = spec["snapshot"]
    key = "action.delete.snapshot_confirm" if is_snapshot else "action.delete.confirm"
    body = [dialogs.description(text(key, (spec["name"],), t))]
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
    calls = vmactions.delete_calls(spec["vm"], plan["snapshots"], disks)

    async def perform(method, params, spec):
        return await tasks.run_call(state, method, params, spec)

    async def run():
        if not await dialogs.run(state, spec, calls, perform):
            spec["plan"] = None  # what is left now, if the user tries again
    return run()


def on_keep_snapshots(state, payload):
    spec = dialogs.current(state, "vm.delete")
    if spec is not None:
        spec["keep_snapshots"] = bool(payload.get("checked"))


def on_disk(state, payload):
    spec = dialogs.current(state, "vm.delete")
    ref = (payload.get("data") or {}).get("ref")
    if spec is None or not ref:
        return
    if payload.get("checked"):
        spec["keep_disks"].pop(ref, None)
    else:
        spec["keep_disks"][ref] = True


# ---- records for plans made outside the VM page ---------------------------------------------------
async def fetch_all(client, cls, refs, into):
    """get_record of each ref not already in `into` (a Cache), in parallel; returns the records fetched."""
    wanted, seen = [], {}
    for ref in refs:
        if ref and ref != NULL and ref not in seen and into.get(cls, ref) is None:
            seen[ref] = True
            wanted.append(ref)
    records = await asyncio.gather(*[client.call(cls + ".get_record", ref) for ref in wanted])
    into.apply([{"class": cls, "ref": wanted[i], "operation": "mod", "snapshot": records[i]}
                for i in range(len(wanted))])
    return list(records)


async def gather(state, refs):
    """A Cache with what delete plans of `refs` read: whole VM and snapshot records, their VBDs and
    VDIs, every VBD of those VDIs (to see who else uses a disk), and the SRs."""
    own = Cache()
    own.load("SR", state.cache.all("SR"))
    vms = await fetch_all(state.client, "VM", refs, own)
    snaps = await fetch_all(state.client, "VM", [s for vm in vms for s in vm.get("snapshots") or ()], own)
    vbds = await fetch_all(state.client, "VBD", [b for vm in vms + snaps for b in vm.get("VBDs") or ()], own)
    vdis = [b.get("VDI") for b in vbds] + [vm.get("suspend_VDI") for vm in vms + snaps]
    vdi_records = await fetch_all(state.client, "VDI", vdis, own)
    await fetch_all(state.client, "VBD", [b for vdi in vdi_records for b in vdi.get("VBDs") or ()], own)
    return own


dialogs.register("vm.delete", delete_render, delete_submit)
actions = {"vmdel.keep_snapshots": on_keep_snapshots, "vmdel.disk": on_disk}
