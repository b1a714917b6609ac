"""VM actions as XAPI calls: what to call, with which params, in which order (xapi-protocol.md §5).

Pure (CPython and MicroPython): functions read the record cache and return calls as
`(method, params)` tuples without the session, e.g. `("Async.VM.start", [vm, False, False])`.
Long operations use their `Async.` twin so the UI follows the returned task; setters have none.
Also the choices a dialog offers: hosts a VM can move to (free memory each) and SRs a full copy can
go to (free space each). Deleting a VM is planned in lite_app/logic/vm_delete.py.
"""
from lite_app.logic import infra, model, space
from lite_app.text.catalog import translate
from lite_app.xapi.cache import NULL_REF

# Power actions -> (XAPI method, param shape): vm = [vm]; flags = [vm, start_paused, force];
# on = [vm, host, start_paused, force].
POWER = {
    "start": ("VM.start", "flags"),
    "start_on": ("VM.start_on", "on"),
    "resume": ("VM.resume", "flags"),
    "resume_on": ("VM.resume_on", "on"),
    "clean_shutdown": ("VM.clean_shutdown", "vm"),
    "hard_shutdown": ("VM.hard_shutdown", "vm"),
    "clean_reboot": ("VM.clean_reboot", "vm"),
    "hard_reboot": ("VM.hard_reboot", "vm"),
    "suspend": ("VM.suspend", "vm"),
    "pause": ("VM.pause", "vm"),
    "unpause": ("VM.unpause", "vm"),
}
# pool_migrate options XAPI reads (XO Lite sends force=false too).
MIGRATE_OPTIONS = {"force": "false"}


def async_call(method, params):
    return ("Async." + method, params)


def power_call(action, vm, host=None):
    """The call for a power action; `host` for start_on / resume_on."""
    if action not in POWER:
        raise ValueError("not a power action: " + str(action))
    method, shape = POWER[action]
    if shape == "vm":
        return async_call(method, [vm])
    if shape == "flags":
        return async_call(method, [vm, False, False])
    if not host or host == NULL_REF:
        raise ValueError(action + " needs a host")
    return async_call(method, [vm, host, False, False])


def snapshot_call(vm, name):
    # ignore_vdis is omitted: XAPI defaults it, and older versions do not know it.
    return async_call("VM.snapshot", [vm, name])


def revert_call(snapshot):
    return async_call("VM.revert", [snapshot])


def clone_call(vm, name):
    """Fast clone: copy-on-write disks on the same SRs (XAPI: Halted VMs and snapshots)."""
    return async_call("VM.clone", [vm, name])


def copy_call(vm, name, sr=None):
    """Full copy of every disk to `sr` (None: each disk stays on its own SR)."""
    return async_call("VM.copy", [vm, name, sr or NULL_REF])


def migrate_call(vm, host):
    return async_call("VM.pool_migrate", [vm, host, dict(MIGRATE_OPTIONS)])


def snapshot_name(vm_name, stamp):
    """Default name of a new snapshot: "<vm>_<stamp>" (stamp: e.g. fmt.date_text(now))."""
    return vm_name + "_" + stamp


def copy_name(vm_name, t=translate):
    return t("action.copy_name", name=vm_name)


# ---- targets ----------------------------------------------------------------------------
def _host_usage(host, resident):
    """(used at dynamic_max, used at dynamic_min) by the host's resident VMs, overheads included."""
    high = low = host.get("memory_overhead") or 0
    for vm in resident:
        overhead = vm.get("memory_overhead") or 0
        high += (vm.get("memory_dynamic_max") or 0) + overhead
        low += (vm.get("memory_dynamic_min") or vm.get("memory_dynamic_max") or 0) + overhead
    return high, low


def migrate_targets(cache, vm_ref):
    """Hosts a VM can move to, most free memory first: [{"ref", "name", "free", "total", "fits"}].

    free = host_metrics.memory_total - host overhead - what resident VMs (dom0 included) may
    balloon up to. fits follows XAPI's own check: the free memory if every VM shrank to its
    dynamic_min must hold this VM's dynamic_min plus overhead. The VM's host, disabled hosts
    and hosts that are not live are left out.
    """
    vm = cache.get("VM", vm_ref) or {}
    needed = (vm.get("memory_dynamic_min") or vm.get("memory_dynamic_max") or 0) + \
        (vm.get("memory_overhead") or 0)
    hosts = cache.all("host")
    resident = model.residents_by_host(cache)
    out = []
    for ref in hosts:
        host = hosts[ref]
        metrics = cache.get("host_metrics", host.get("metrics"))
        if ref == vm.get("resident_on") or not host.get("enabled") or not metrics or \
                not metrics.get("live"):
            continue
        total = metrics.get("memory_total") or 0
        high, low = _host_usage(host, resident[ref])
        out.append({"ref": ref, "name": host.get("name_label", ""), "total": total,
                    "free": max(0, total - high), "fits": total - low >= needed})
    out.sort(key=lambda h: (-h["free"], h["name"], h["ref"]))
    return out


def disks_size(cache, vm):
    """Total virtual size of a VM's disks (not CDs), bytes: what a full copy needs."""
    size = 0
    for vdi_ref, reason in model.vm_vdis(cache, vm):
        vdi = cache.get("VDI", vdi_ref)
        if reason is None and vdi is not None:
            size += vdi.get("virtual_size") or 0
    return size


def copy_targets(cache, vm_ref):
    """SRs a full copy can go to, most free space first: [{"ref", "name", "free", "fits"}].
    ISO libraries, the tools SR, removable drives and SRs refusing vdi_create are left out."""
    needed = disks_size(cache, cache.get("VM", vm_ref) or {})
    srs = cache.all("SR")
    out = []
    for ref in srs:
        sr = srs[ref]
        ops = sr.get("allowed_operations")
        if sr.get("content_type") == "iso" or sr.get("is_tools_sr") or sr.get("type") == "udev" \
                or (ops is not None and "vdi_create" not in ops):
            continue
        free = space.sr_space(sr)["free"]
        out.append({"ref": ref, "name": infra.sr_label(cache, sr), "free": free, "fits": free >= needed})
    out.sort(key=lambda s: (-s["free"], s["name"], s["ref"]))
    return out
