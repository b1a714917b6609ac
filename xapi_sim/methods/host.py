"""host and pool operations: disable/enable, evacuate, reboot/shutdown/power_on, free memory.

`host_table` is the `valid_operations` of XAPI's host code (reboot and shutdown need a disabled
host); calls that must reach a host that is down fail with `HOST_OFFLINE`, as message forwarding
does.
Going down halts the resident guests (vmstate.enter_halted) and sets host_metrics.live false; a
reboot comes back on its own after op_time("reboot") * BOOT_FACTOR, enabled. Evacuation plans
like compute_evacuation_plan_no_wlb, then moves each VM with VM.pool_migrate, as XAPI does.
"""
import asyncio

from .. import vmrules, vmstate
from ..errors import XapiFailure
from ..xtypes import now
from . import HANDLERS, api

HOST_OPS = ("provision", "evacuate", "shutdown", "reboot", "power_on", "vm_start", "vm_resume",
            "vm_migrate", "apply_updates", "enable")
CREATING, REMOVING = {"provision", "vm_resume", "vm_migrate"}, {"evacuate", "reboot", "shutdown"}
# While the key operation runs, these fail with OTHER_OPERATION_IN_PROGRESS.
EXCLUSIVE = {"reboot": ("shutdown", "apply_updates"), "shutdown": ("reboot", "apply_updates"),
             "apply_updates": ("reboot", "shutdown", "enable"), "provision": ("provision",)}
BOOT_FACTOR = 2.0
LIVE_MIGRATE = {"live": "true"}


def live(db, host):
    metrics = db.get("host_metrics", db.get("host", host)["metrics"])
    return bool(metrics and metrics["live"])


def host_table(db, host):
    """{op: XapiFailure} for the host operations not allowed now."""
    rec, table = db.get("host", host), {}
    current = sorted(rec["current_operations"].values())
    for op in HOST_OPS:
        clash = (op in CREATING and REMOVING & set(current)) or \
                (op in REMOVING and CREATING & set(current))
        if clash and op != "power_on":
            table[op] = XapiFailure("OTHER_OPERATION_IN_PROGRESS", "host", host, current[0])
    for running, blocked in sorted(EXCLUSIVE.items()):
        if running in current:
            for op in blocked:
                table.setdefault(op, XapiFailure("OTHER_OPERATION_IN_PROGRESS", "host", host,
                                                 running))
    if rec["enabled"]:
        for op in ("reboot", "shutdown", "apply_updates"):
            table.setdefault(op, XapiFailure("HOST_NOT_DISABLED"))
    if live(db, host):
        table.setdefault("power_on", XapiFailure("HOST_IS_LIVE", host))
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
    if reachable(ctx.db, host)["enabled"]:
        ctx.db.set("host", host, "enabled", False)
        update_host(ctx.db, host)


@api("host.enable")
def enable(ctx, host):
    require_op(ctx.db, host, "enable")
    if not ctx.db.get("host", host)["enabled"]:
        ctx.db.set("host", host, "enabled", True)
        update_host(ctx.db, host)


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
    targets = [h for h in sorted(db.all("host"))
               if h != host and db.get("host", h)["enabled"] and live(db, h)]
    vms = guests(db, host)
    if not targets:
        return {vm: XapiFailure("NO_HOSTS_AVAILABLE", vm) for vm in vms}
    plan = {}
    for vm in vms:
        err = _boot_error(ctx, vm, targets) or vmrules.check(db, vm, "pool_migrate")
        if err is not None:
            plan[vm] = err
    _binpack(db, [vm for vm in vms if vm not in plan], targets, plan)
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
    """Biggest VM first, onto the target with the most free memory (at dynamic_min)."""
    free = {h: free_memory(db, h, "memory_dynamic_min") for h in targets}
    need = {vm: db.get("VM", vm)["memory_dynamic_min"] + db.get("VM", vm)["memory_overhead"]
            for vm in vms}
    for vm in sorted(vms, key=lambda v: (-need[v], v)):
        best = max(targets, key=lambda h: (free[h], h))
        if free[best] >= need[vm]:
            plan[vm] = best
            free[best] -= need[vm]
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


@api("host.evacuate")
async def evacuate(ctx, host, network, batch_size):
    db = ctx.db
    require_op(db, host, "evacuate")
    plan = evacuation_plan(ctx, host)
    errors = _errors(plan)
    if errors:
        raise errors[0][1]
    with Operation(db, host, ctx.task, "evacuate"):
        for i, vm in enumerate(sorted(plan)):
            await _migrate(ctx, vm, plan[vm])
            if ctx.task:
                ctx.sim.tasks.set_progress(ctx.task, round((i + 1) / (len(plan) + 1), 3))
    left = guests(db, host)
    if left:
        raise XapiFailure("INTERNAL_ERROR", "evacuate: %d VMs are still resident on %s"
                          % (len(left), host))


async def _migrate(ctx, vm, target):
    try:
        await ctx.sim.call("VM.pool_migrate", [ctx.session, vm, target, LIVE_MIGRATE])
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


# ---- power ----------------------------------------------------------------------------------
async def _go_down(ctx, host, op):
    """Stop the guests, then the host: live false, a 'Host is …' task held in current_operations
    until the host is up again (XAPI keeps that subtask's operation until the host restarts)."""
    db, sim = ctx.db, ctx.sim
    require_op(db, host, op)
    marker = sim.tasks.create("Host is %s" % ("rebooting" if op == "reboot" else "shutting down"))
    sim.tasks.succeed(marker)
    db.add_to("host", host, "current_operations", marker, op)
    for vm in guests(db, host):
        vmstate.enter_halted(db, vm)
    await ctx.work(ctx.op_seconds("shutdown"), 2)
    _set_live(db, host, False)


def _set_live(db, host, value):
    db.update("host_metrics", db.get("host", host)["metrics"], {"live": value,
                                                                "last_updated": now()})
    update_host(db, host)


def boot(db, host):
    """The host is up again: live, enabled, no operation left over from before."""
    if db.exists("host", host):
        db.update("host", host, {"enabled": True, "current_operations": {}})
        _set_live(db, host, True)


def _boot_later(sim, host, delay):
    async def later():
        await asyncio.sleep(delay)
        boot(sim.db, host)
    job = asyncio.ensure_future(later())
    sim.on_close.append(job.cancel)
    job.add_done_callback(lambda _: sim.on_close.remove(job.cancel))


@api("host.reboot")
async def reboot(ctx, host):
    await _go_down(ctx, host, "reboot")
    _boot_later(ctx.sim, host, ctx.op_seconds("reboot") * BOOT_FACTOR)


@api("host.shutdown")
async def shutdown(ctx, host):
    await _go_down(ctx, host, "shutdown")


@api("host.power_on")
async def power_on(ctx, host):
    """Power a host that is down back on (the simulator needs no power-on mode or plugin)."""
    ctx.db.require("host", host)
    err = host_table(ctx.db, host).get("power_on")
    if err is not None:
        raise err
    await ctx.work(ctx.op_seconds("start") * BOOT_FACTOR, 4)
    boot(ctx.db, host)
