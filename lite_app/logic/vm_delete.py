"""Deleting a VM or a snapshot: the plan shown before anything runs, and the calls that carry it out.

Pure (CPython and MicroPython). `delete_plan` destroys the VM, then its snapshots, then every disk no
other VM uses. Disks are VDIs behind Disk VBDs and a suspended VM's suspend image; CDs, ISO libraries,
the tools ISO and disks another VM (or a kept snapshot) still uses are kept and listed with the reason.
Snapshots go with their VM by default: once the VM is gone nothing lists them, so they would be orphans
holding storage; `keep_snapshots` keeps them (and the disks they use). VMs go before disks because XAPI
refuses to destroy an attached VDI, and VM.destroy removes the VBDs.

`gather(client, cache, refs)` serves plans made where the cache holds projected VM records and no VBD
or VDI at all (the VM list's bulk delete): it fetches what the plans read into a cache of its own.
"""
import asyncio

from lite_app.logic import model
from lite_app.logic.vm_actions import async_call
from lite_app.logic.vm_rules import vm_action_state
from lite_app.xapi.cache import NULL_REF, Cache

# Fields a delete plan reads from the VM record. The list views load VMs projected to a few
# fields; planning from such a record would miss disks, so the plan says "incomplete" instead
# and the UI fetches the full record (VM.get_record) first.
DELETE_FIELDS = ("power_state", "VBDs", "snapshots")


def _keep_reason(cache, vdi_ref, doomed):
    """Why a VDI must stay (None if it can go with the VMs in `doomed`)."""
    vdi = cache.get("VDI", vdi_ref)
    if vdi is None:
        return "unknown"
    sr = cache.get("SR", vdi.get("SR"))
    if vdi.get("is_tools_iso") or (sr is not None and sr.get("content_type") == "iso"):
        return "iso"
    for vbd_ref in vdi.get("VBDs") or []:
        vbd = cache.get("VBD", vbd_ref)
        if vbd is None or vbd.get("VM") not in doomed:
            return "shared"
    return None


def delete_plan(cache, vm_ref, keep_snapshots=False):
    """What deleting a VM (or a snapshot) does, before asking the user.

    Returns {"vm", "blocked" (rules reason key or None), "snapshots": [refs],
    "disks": [vdi refs to destroy], "kept": [(vdi ref, reason)], "calls": [...]}.
    Reasons: "cd", "iso", "shared" (another VM uses it), "unknown" (not in the cache).
    blocked is "incomplete" (and "missing" lists the fields) for a projected record.
    """
    vm = cache.get("VM", vm_ref)
    if vm is None:
        raise KeyError(vm_ref)
    missing = [f for f in DELETE_FIELDS if f not in vm]
    if missing:
        return {"vm": vm_ref, "blocked": "incomplete", "missing": missing, "snapshots": [],
                "disks": [], "kept": [], "calls": []}
    snapshots = [] if keep_snapshots else [s for s in vm.get("snapshots") or [] if cache.get("VM", s)]
    doomed = {vm_ref: True}
    for snap in snapshots:
        doomed[snap] = True
    disks, kept, seen = [], [], {}
    for owner in [vm_ref] + snapshots:
        for vdi_ref, reason in model.vm_vdis(cache, cache.get("VM", owner)):
            if vdi_ref in seen:
                continue
            seen[vdi_ref] = True
            reason = reason or _keep_reason(cache, vdi_ref, doomed)
            (kept.append((vdi_ref, reason)) if reason else disks.append(vdi_ref))
    allowed, reason = vm_action_state(vm, "destroy")
    return {"vm": vm_ref, "blocked": None if allowed else reason, "snapshots": snapshots,
            "disks": disks, "kept": kept, "calls": delete_calls(vm_ref, snapshots, disks)}


def delete_calls(vm_ref, snapshots, disks):
    """The ordered calls for the user's choice: VM, snapshots, then the disks."""
    calls = [async_call("VM.destroy", [vm_ref])]
    calls.extend(async_call("VM.destroy", [s]) for s in snapshots)
    calls.extend(async_call("VDI.destroy", [d]) for d in disks)
    return calls


# ---- records for plans made outside the VM page ---------------------------------------------------
async def fetch_all(client, cls, refs, into):
    """get_record of each ref not already in `into` (a Cache), in parallel; returns the records fetched."""
    wanted, seen = [], {}
    for ref in refs:
        if ref and ref != NULL_REF and ref not in seen and into.get(cls, ref) is None:
            seen[ref] = True
            wanted.append(ref)
    records = await asyncio.gather(*[client.call(cls + ".get_record", ref) for ref in wanted])
    into.apply([{"class": cls, "ref": wanted[i], "operation": "mod", "snapshot": records[i]}
                for i in range(len(wanted))])
    return list(records)


async def gather(client, cache, refs):
    """A Cache with what delete plans of `refs` read: whole VM and snapshot records, their VBDs and
    VDIs, every VBD of those VDIs (to see who else uses a disk), and the SRs."""
    own = Cache()
    own.load("SR", cache.all("SR"))
    vms = await fetch_all(client, "VM", refs, own)
    snaps = await fetch_all(client, "VM", [s for vm in vms for s in vm.get("snapshots") or ()], own)
    vbds = await fetch_all(client, "VBD", [b for vm in vms + snaps for b in vm.get("VBDs") or ()], own)
    vdis = [b.get("VDI") for b in vbds] + [vm.get("suspend_VDI") for vm in vms + snaps]
    vdi_records = await fetch_all(client, "VDI", vdis, own)
    await fetch_all(client, "VBD", [b for vdi in vdi_records for b in vdi.get("VBDs") or ()], own)
    return own
