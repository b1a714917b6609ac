"""Emptying a host: the plan shown before anything runs, each VM's progress, and what is left.

Pure (CPython and MicroPython). XAPI says which VMs cannot leave a host and why
(`host.get_vms_which_prevent_evacuation` -> {vm: [code, params…]}); it does not say where the others
will go, so `plan` predicts it as XAPI's own plan does (compute_evacuation_plan without WLB): the
biggest VM first, onto the enabled live host with the most free memory, counting each VM at its
dynamic minimum. The prediction is labelled as expected; while the evacuation runs `vm_status` reads
where each VM really is from the live cache.
"""
from lite_app.logic import model
from lite_app.logic.hoststate import live

MOVING_OPS = ("pool_migrate", "migrate_send")
STOPPING_OPS = ("clean_shutdown", "hard_shutdown", "shutdown")


def guests_on(cache, host_ref, host=None):
    """[(ref, VM)] of the guests running (or paused) on a host, by name."""
    out = []
    for ref, vm in model.residents(cache, host_ref):
        if model.is_guest(vm) and model.live_host(vm) == host_ref:
            out.append((ref, vm))
    out.sort(key=lambda pair: model.name_key(pair[1]))
    return out


def need(vm):
    """Memory a VM takes at its dynamic minimum, with its overhead (bytes)."""
    return int(vm.get("memory_dynamic_min") or vm.get("memory_dynamic_max") or 0) + int(vm.get("memory_overhead") or 0)


def free_memory(cache, host, resident):
    """Free memory of a host if every VM on it (`resident`: [VM]) shrank to its dynamic minimum."""
    metrics = model.deref(cache, "host_metrics", host.get("metrics")) or {}
    used = int(host.get("memory_overhead") or 0)
    for vm in resident:
        used += need(vm)
    return int(metrics.get("memory_total") or 0) - used


def targets(cache, host_ref):
    """{ref: free memory} of the hosts the VMs may go to: the others, enabled and up (one pass over
    the VMs for all of them)."""
    hosts = cache.all("host")
    resident = model.residents_by_host(cache)
    out = {}
    for ref in hosts:
        if ref != host_ref and hosts[ref].get("enabled") and live(cache, hosts[ref]):
            out[ref] = free_memory(cache, hosts[ref], resident[ref])
    return out


def plan(cache, host_ref, host, blockers):
    """[{"vm", "name", "target" (host ref, None when not predicted), "reason" (error list or None)}] by
    VM name; `blockers` is XAPI's {vm: [code, params…]}."""
    rows, movable = [], []
    for ref, vm in guests_on(cache, host_ref, host):
        row = {"vm": ref, "name": vm.get("name_label") or "", "target": None, "reason": blockers.get(ref)}
        rows.append(row)
        if row["reason"] is None:
            movable.append((need(vm), ref, row))
    free = targets(cache, host_ref)
    movable.sort(key=lambda item: (-item[0], item[1]))
    for size, _ref, row in movable:
        if free:
            best = sorted(free, key=lambda h: (-free[h], h))[0]
            if free[best] >= size:
                free[best] -= size
                row["target"] = best
    return rows


def blocked(rows):
    return [row for row in rows if row["reason"] is not None]


def vm_status(cache, host_ref, vm_ref):
    """(status, host ref or None) of a VM of the plan now: "moved" (and where), "moving", "stopping",
    "stopped", "gone" or "waiting"."""
    vm = cache.get("VM", vm_ref)
    if vm is None:
        return "gone", None
    where = model.live_host(vm)
    if where is None:
        return "stopped", None
    if where != host_ref:
        return "moved", where
    ops = [value for value in (vm.get("current_operations") or {}).values()]
    if any([op in MOVING_OPS for op in ops]):
        return "moving", None
    if any([op in STOPPING_OPS for op in ops]):
        return "stopping", None
    return "waiting", None


def left_on(cache, host_ref):
    """Names of the guests still running on a host."""
    host = cache.get("host", host_ref) or {}
    return [vm.get("name_label") or "" for _ref, vm in guests_on(cache, host_ref, host)]


def empty_steps(host_ref, host, rows, stop_blocked):
    """The steps putting a host in maintenance: host.disable, the blocked VMs shut down (only when the
    user agreed: clean when the guest can, else hard, as VM.shutdown does), then host.evacuate."""
    steps = []
    if host.get("enabled", True):
        steps.append({"call": ("host.disable", [host_ref]), "weight": 0.5})
    if stop_blocked:
        for row in blocked(rows):
            steps.append({"call": ("Async.VM.shutdown", [row["vm"]])})
    if rows:
        steps.append({"call": ("Async.host.evacuate", [host_ref]), "weight": max(1, len(rows))})
    return steps


def power_steps(op, host_ref, host, rows, stop_blocked, master):
    """Maintenance first, then host.reboot / host.shutdown. On the master the connection may drop
    before the answer comes back: that counts as done (`lost_ok`); members are followed as tasks."""
    last = {"call": ("host." + op, [host_ref]), "lost_ok": True} if master else {"call": ("Async.host." + op, [host_ref])}
    return empty_steps(host_ref, host, rows, stop_blocked) + [last]
