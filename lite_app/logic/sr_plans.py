"""What an SR's lifecycle actions will do, before they run (pure: CPython and MicroPython).

Plans read the cache and return what the confirmation names and the calls that carry it out:
- destroy: XAPI refuses SR.destroy while a PBD is plugged (SR_HAS_PBD) or a managed VDI is left
  (SR_NOT_EMPTY; xapi_sr_operations.ml), so the plan erases every disk first (VDI.destroy needs a
  plugged PBD: unplugged ones are plugged first, the master's before the others), then unplugs every
  PBD (the master's last) and destroys the SR. Every disk is listed with the VMs and snapshots that
  use it; a VM that is not halted blocks the plan (its disk is attached, or it would lose it while
  suspended).
- forget: unplug, then SR.forget. The data stays on the storage (a probe finds the SR again); the
  VMs using its disks lose those drives, and are listed.
- repair: plug every unplugged PBD, each one's outcome its own.
Refusals are `(catalog key, params)`; calls are `(method, params)` without the session.
"""
from lite_app.logic import sr_disks
from lite_app.xapi.cache import NULL_REF

# VDI types XAPI does not count when it checks that an SR is empty.
UNCOUNTED_TYPES = ("rrd",)


def master_of(cache):
    pool = cache.first("pool")[1] or {}
    return pool.get("master") or NULL_REF


def pbds(cache, sr):
    """[(PBD ref, PBD, host ref)] of an SR, the pool master's first."""
    master = master_of(cache)
    found = []
    for ref in sr.get("PBDs") or ():
        pbd = cache.get("PBD", ref)
        if pbd is not None:
            found.append((ref, pbd, pbd.get("host") or NULL_REF))
    found.sort(key=lambda item: (item[2] != master, item[2], item[0]))
    return found


def connections(cache, sr):
    """(plugged, total) PBDs of an SR."""
    found = pbds(cache, sr)
    return len([p for p in found if p[1].get("currently_attached")]), len(found)


def sr_vdis(cache, sr_ref):
    """[(ref, VDI)] of an SR (VDI records name their SR; SR records come without their VDI list)."""
    table = cache.all("VDI")
    return [(ref, table[ref]) for ref in table if table[ref].get("SR") == sr_ref]


def doomed_disks(cache, sr_ref):
    """The disks SR.destroy's plan erases: every managed VDI XAPI counts, with who uses it."""
    out = []
    for ref, vdi in sr_vdis(cache, sr_ref):
        if vdi.get("managed", True) and vdi.get("type") not in UNCOUNTED_TYPES:
            out.append({"ref": ref, "vdi": vdi, "users": sr_disks.users(cache, vdi)})
    out.sort(key=lambda d: ((d["vdi"].get("name_label") or "").lower(), d["ref"]))
    return out


def vms_using(disks):
    """{vm ref: VM} of the VMs and snapshots using any of `disks`."""
    out = {}
    for disk in disks:
        for vm_ref, vm, _attached in disk["users"]:
            out[vm_ref] = vm
    return out


def not_halted(vms):
    """Names of the VMs among `vms` that are not halted (snapshots are always halted)."""
    return sorted(vm.get("name_label") or ref for ref, vm in vms.items()
                  if not sr_disks.is_snapshot_vm(vm) and vm.get("power_state") != "Halted")


def kind_refusal(sr):
    """Why an SR is not one to forget or destroy from here."""
    if sr.get("is_tools_sr"):
        return ("plan.tools", {})
    if sr.get("type") == "udev":
        return ("plan.removable", {})
    return None


def destroy_plan(cache, sr_ref):
    """{"disks": [{"ref", "vdi", "users"}], "vms": {ref: VM}, "blocked": refusal or None, "calls"}."""
    sr = cache.get("SR", sr_ref) or {}
    disks = doomed_disks(cache, sr_ref)
    vms = vms_using(disks)
    blocked = kind_refusal(sr)
    if blocked is None and sr.get("content_type") == "iso":
        blocked = ("plan.iso_destroy", {})
    if blocked is None and not sr.get("PBDs"):
        blocked = ("plan.no_pbds", {})
    if blocked is None and not_halted(vms):
        blocked = ("plan.running", {"vms": ", ".join(not_halted(vms))})
    return {"disks": disks, "vms": vms, "blocked": blocked, "calls": destroy_calls(cache, sr_ref, sr, disks)}


def destroy_calls(cache, sr_ref, sr, disks):
    found = pbds(cache, sr)
    calls = []
    if disks:
        calls.extend(("Async.PBD.plug", [ref]) for ref, pbd, _h in found if not pbd.get("currently_attached"))
    calls.extend(sr_disks.destroy_call(d["ref"]) for d in disks)
    calls.extend(("Async.PBD.unplug", [ref]) for ref, _pbd, _h in reversed(found))
    calls.append(("Async.SR.destroy", [sr_ref]))
    return calls


def forget_plan(cache, sr_ref):
    """{"disks", "vms", "blocked", "calls"}: the disks stay on the storage, the VMs lose them."""
    sr = cache.get("SR", sr_ref) or {}
    disks = doomed_disks(cache, sr_ref)
    vms = vms_using(disks)
    blocked = kind_refusal(sr)
    if blocked is None and not_halted(vms):
        blocked = ("plan.running", {"vms": ", ".join(not_halted(vms))})
    calls = [("Async.PBD.unplug", [ref]) for ref, pbd, _h in reversed(pbds(cache, sr)) if pbd.get("currently_attached")]
    calls.append(("Async.SR.forget", [sr_ref]))
    return {"disks": disks, "vms": vms, "blocked": blocked, "calls": calls}


def repair_targets(cache, sr):
    """[(PBD ref, host ref)] of the SR's unplugged PBDs, the master's first."""
    return [(ref, host) for ref, pbd, host in pbds(cache, sr) if not pbd.get("currently_attached")]


def plug_call(pbd_ref):
    return ("Async.PBD.plug", [pbd_ref])


def unplug_call(pbd_ref):
    return ("Async.PBD.unplug", [pbd_ref])


def scan_call(sr_ref):
    return ("Async.SR.scan", [sr_ref])


def default_call(cache, sr_ref):
    """Make the SR the pool's default (where new VMs' disks go when nothing else is said)."""
    return ("pool.set_default_SR", [cache.first("pool")[0], sr_ref])


def is_default(cache, sr_ref):
    return (cache.first("pool")[1] or {}).get("default_SR") == sr_ref


def default_refusal(cache, sr_ref, sr):
    """Why an SR cannot become the pool's default SR (None when it can)."""
    if is_default(cache, sr_ref):
        return ("sr.refuse.is_default", {})
    if sr.get("content_type") == "iso" or sr.get("type") in ("iso", "udev"):
        return ("sr.refuse.no_disks", {})
    return None


def _reverse_of(method, params):
    """The call taking back a plug or an unplug (a connection put back as it was), else None."""
    if method == "Async.PBD.plug":
        return lambda _result, _results: ("Async.PBD.unplug", params)
    if method == "Async.PBD.unplug":
        return lambda _result, _results: ("Async.PBD.plug", params)
    return None


def job_steps(calls):
    """lite_app.logic.jobs steps of a plan's calls. A failed step has the connections the plan
    changed put back as they were (erased disks cannot come back: the confirmation said so)."""
    steps = []
    for method, params in calls:
        step = {"call": (method, params)}
        undo = _reverse_of(method, params)
        if undo is not None:
            step["undo"] = undo
        steps.append(step)
    return steps
