"""host maintenance: disable/enable, the evacuation plan, evacuate, free memory
(xapi_host.ml, xapi_host_helpers.ml; power is in host_power.py).

`host_table` is xapi_host_helpers.valid_operations (reboot and shutdown need a disabled host,
power_on a host that is down and has a power-on mode); calls that must reach a host that is down
fail with `HOST_OFFLINE`, as message forwarding's check_live does. The evacuation plan is
compute_evacuation_plan_no_wlb's: targets are the other enabled hosts; a VM that cannot boot on
every one of them gets that reason, a VM whose pool_migrate is not allowed gets that one instead,
memory is binpacked; evacuate then moves the VMs with VM.pool_migrate, `evacuate_batch_size` at a
time (default 10), the task's progress counting the VMs moved.
"""
import asyncio

from .. import vmrules
from ..errors import XapiFailure
from . import HANDLERS, api

HOST_OPS = ("provision", "evacuate", "shutdown", "reboot", "power_on", "vm_start", "vm_resume",
            "vm_migrate", "apply_updates", "enable")
CREATING, REMOVING = {"provision", "vm_resume", "vm_migrate"}, {"evacuate", "reboot", "shutdown"}
# While the key operation runs, these fail with OTHER_OPERATION_IN_PROGRESS.
EXCLUSIVE = {"reboot": ("shutdown", "apply_updates"), "shutdown": ("reboot", "apply_updates"),
             "apply_updates": ("reboot", "shutdown", "enable"), "provision": ("provision",)}
LIVE_MIGRATE = {"live": "true"}
NULL = "OpaqueRef:NULL"


def live(db, host):
    metrics = db.get("host_metrics", db.get("host", host)["metrics"])
    return bool(metrics and metrics["live"])


def host_table(db, host):
    """{op: XapiFailure} for the host operations not allowed now (valid_operations' order: the
    first reason found for an operation stays)."""
    rec, table = db.get("host", host), {}
    current = sorted(rec["current_operations"].items())
    creating = next(((k, v) for k, v in current if v in CREATING), None)
    removing = next(((k, v) for k, v in current if v in REMOVING), None)

    def refuse(code, params, ops):
        for op in ops:
            table.setdefault(op, XapiFailure(code, *params))
    for op in HOST_OPS:
        if op == "power_on":
            continue
        clash = (op in CREATING and removing) or (op in REMOVING and creating)
        if clash:
            refuse("OTHER_OPERATION_IN_PROGRESS", ["host", host, clash[1], clash[0]], [op])
    for running in ("reboot", "shutdown", "apply_updates", "provision"):
        found = next((k for k, v in current if v == running), None)
        if found:
            refuse("OTHER_OPERATION_IN_PROGRESS", ["host", host, running, found],
                   EXCLUSIVE[running])
    if rec["enabled"]:
        refuse("HOST_NOT_DISABLED", [], ["reboot", "shutdown", "apply_updates"])
    if live(db, host):
        refuse("HOST_IS_LIVE", [host], ["power_on"])
    if rec["power_on_mode"] == "":
        refuse("HOST_POWER_ON_MODE_DISABLED", [], ["power_on"])
    return table


def update_host(db, host):
    ops = sorted(op for op in HOST_OPS if op not in host_table(db, host))
    if ops != sorted(db.get("host", host)["allowed_operations"]):
        db.set("host", host, "allowed_operations", ops)


def reachable(db, host):
    """The host record, if it is up; HOST_OFFLINE otherwise (message forwarding's check_live)."""
    rec = db.require("host", host)
    if not live(db, host):
        raise XapiFailure("HOST_OFFLINE", host)
    return rec


def require_op(db, host, op):
    reachable(db, host)
    err = host_table(db, host).get(op)
    if err is not None:
        raise err


@api("host.disable")
def disable(ctx, host):
    """The host takes no new VMs; it stays disabled until host.enable or its next boot (this
    datamodel's host.disable has no auto_enable parameter, so a boot always re-enables it)."""
    if reachable(ctx.db, host)["enabled"]:
        ctx.db.set("host", host, "enabled", False)
        update_host(ctx.db, host)


@api("host.enable")
def enable(ctx, host):
    """with_host_operation `enable` (OTHER_OPERATION_IN_PROGRESS while updates are applied),
    forwarded to the host (HOST_OFFLINE)."""
    db = ctx.db
    db.require("host", host)
    err = host_table(db, host).get("enable")
    if err is not None:
        raise err
    reachable(db, host)
    if not db.get("host", host)["enabled"]:
        db.set("host", host, "enabled", True)
        update_host(db, host)


# ---- memory and evacuation ------------------------------------------------------------------
def free_memory(db, host, field="memory_dynamic_max"):
    """Host memory minus its own overhead and its resident VMs' (at `field`)."""
    rec = db.get("host", host)
    metrics = db.get("host_metrics", rec["metrics"])
    total = metrics["memory_total"] if metrics else 0
    used = sum(db.get("VM", vm)[field] + db.get("VM", vm)["memory_overhead"]
               for vm in db.referrers("host", "resident_VMs", host))
    return total - rec["memory_overhead"] - used


@api("host.compute_free_memory")
def compute_free_memory(ctx, host):
    ctx.db.require("host", host)
    return free_memory(ctx.db, host)


def guests(db, host):
    return sorted(vm for vm in db.referrers("host", "resident_VMs", host)
                  if not db.get("VM", vm)["is_control_domain"])


def evacuation_plan(ctx, host):
    """{vm: target host ref or XapiFailure} for the guests resident on `host`."""
    db = ctx.db
    targets = [h for h in sorted(db.all("host")) if h != host and db.get("host", h)["enabled"]]
    vms = guests(db, host)
    if not targets:
        return {vm: XapiFailure("NO_HOSTS_AVAILABLE", vm) for vm in vms}
    plan = {}
    for vm in vms:
        err = _boot_error(ctx, vm, targets)
        if err is not None:
            plan[vm] = err
    movable = [vm for vm in vms if vm not in plan]
    for vm in vms:
        err = vmrules.check(db, vm, "pool_migrate")
        if err is not None:
            plan[vm] = err                  # replaces a boot error, as the Hashtbl.replace does
    _binpack(db, movable, targets, plan)
    return plan


def _boot_error(ctx, vm, targets):
    """The first non-memory reason `vm` cannot run on every target (memory is binpacked)."""
    check = HANDLERS.get("VM.assert_can_boot_here")
    if check is None:
        return None
    for target in targets:
        try:
            check(ctx, vm, target)
        except XapiFailure as err:
            if err.code != "HOST_NOT_ENOUGH_FREE_MEMORY":
                return err
    return None


def _binpack(db, vms, targets, plan):
    """Biggest VM first, onto the target with the most free memory (at dynamic_min); a VM with
    an error already keeps it when it is placed (only a missing placement replaces it)."""
    free = {h: free_memory(db, h, "memory_dynamic_min") for h in targets}
    need = {vm: db.get("VM", vm)["memory_dynamic_min"] + db.get("VM", vm)["memory_overhead"]
            for vm in vms}
    for vm in sorted(vms, key=lambda v: (-need[v], v)):
        best = max(targets, key=lambda h: (free[h], h))
        if free[best] >= need[vm]:
            free[best] -= need[vm]
            plan.setdefault(vm, best)
        else:
            plan[vm] = XapiFailure("HOST_NOT_ENOUGH_FREE_MEMORY", vm)


def _errors(plan):
    return [(vm, plan[vm]) for vm in sorted(plan) if isinstance(plan[vm], XapiFailure)]


@api("host.assert_can_evacuate")
def assert_can_evacuate(ctx, host):
    reachable(ctx.db, host)
    errors = _errors(evacuation_plan(ctx, host))
    if errors:
        raise XapiFailure("CANNOT_EVACUATE_HOST",
                          "|".join(",".join(err.description) for _, err in errors))


@api("host.get_vms_which_prevent_evacuation")
def get_vms_which_prevent_evacuation(ctx, host):
    reachable(ctx.db, host)
    return {vm: err.description for vm, err in _errors(evacuation_plan(ctx, host))}


BATCH = 10       # xapi_globs.evacuation_batch_size


@api("host.evacuate")
async def evacuate(ctx, host, network, batch_size):
    """Refused with the plan's first error; with a network, every destination must have a
    plugged PIF with an address on it (PIF_NOT_PRESENT, REQUIRED_PIF_IS_UNPLUGGED,
    INTERFACE_HAS_NO_IP). VMs move `batch_size` at a time; a VM stopped meanwhile is skipped."""
    db = ctx.db
    db.require("host", host)
    err = host_table(db, host).get("evacuate")
    if err is not None:
        raise err
    with Operation(db, host, ctx.task, "evacuate"):
        plan = evacuation_plan(ctx, host)
        errors = _errors(plan)
        if errors:
            raise errors[0][1]
        options = dict(LIVE_MIGRATE)
        if network != NULL:
            db.require("network", network)
            for target in sorted(set(plan.values())):
                _assert_ip_on_network(db, network, target)
            options = {"network": network, "live": "true"}
        size = max(1, abs(batch_size)) if batch_size else BATCH
        vms = sorted(plan)
        done = 0
        for start in range(0, len(vms), size):
            batch = vms[start:start + size]
            await asyncio.gather(*(_migrate(ctx, vm, plan[vm], options) for vm in batch))
            done += len(batch)
            if ctx.task:
                ctx.sim.tasks.set_progress(ctx.task, round(done / len(vms), 3))
    left = guests(db, host)
    if left:
        raise XapiFailure("INTERNAL_ERROR", "evacuate: %d VMs are still resident on %s"
                          % (len(left), host))


def _assert_ip_on_network(db, network, host):
    pifs = [p for p in db.referrers("network", "PIFs", network) if db.get("PIF", p)["host"] == host]
    if not pifs:
        raise XapiFailure("PIF_NOT_PRESENT", host, network)
    rec = db.get("PIF", pifs[0])
    if not rec["currently_attached"]:
        raise XapiFailure("REQUIRED_PIF_IS_UNPLUGGED", pifs[0])
    if not rec["IP"]:
        raise XapiFailure("INTERFACE_HAS_NO_IP", pifs[0])


async def _migrate(ctx, vm, target, options=LIVE_MIGRATE):
    try:
        await ctx.sim.call("VM.pool_migrate", [ctx.session, vm, target, options])
    except XapiFailure as err:
        if err.code != "VM_BAD_POWER_STATE":  # it stopped meanwhile: nothing to move
            raise


class Operation:
    """{key: op} in host.current_operations while an operation runs (with_host_operation)."""

    def __init__(self, db, host, key, op):
        self.db, self.host, self.key, self.op = db, host, key, op

    def __enter__(self):
        if self.key:
            self.db.add_to("host", self.host, "current_operations", self.key, self.op)
            update_host(self.db, self.host)
        return self

    def __exit__(self, *exc):
        if self.key and self.key in self.db.get("host", self.host)["current_operations"]:
            self.db.remove_from("host", self.host, "current_operations", self.key)
            update_host(self.db, self.host)
        return False
