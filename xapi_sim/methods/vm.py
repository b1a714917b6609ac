"""VM power operations: start, shutdown, reboot, suspend/resume, pause/unpause (reference §5.3).

Every operation runs the same way, as XAPI's message forwarding does: check it
(vmrules: power state, concurrency, template/snapshot/dom0 rules), place the VM if it boots,
show {task: op} in current_operations for the simulated duration (progress, cancel), make the
power-state transition, then post the VM lifecycle message. A cancelled operation leaves the VM
as it was. The table below is the whole difference between operations.
"""
import asyncio

from .. import disks, vmrules, vmstate
from . import api, vm_config

NULL = "OpaqueRef:NULL"
# What hard operations cancel when they start (message_forwarding.ml).
CANCELLED_BY = {"hard_shutdown": ("clean_shutdown", "clean_reboot", "hard_reboot",
                                  "pool_migrate", "call_plugin", "suspend"),
                "hard_reboot": ("clean_shutdown", "clean_reboot", "pool_migrate",
                                "call_plugin", "suspend")}
ON_HOST = " on host: %(host)s (uuid: %(host_uuid)s)"


def _boot(ctx, vm, host, paused):
    location = vmstate.console_location(ctx.sim.config, ctx.db, host)
    vmstate.enter_running(ctx.db, vm, host, paused=paused, console_location=location)


def _resume(ctx, vm, host, paused):
    vdi = ctx.db.get("VM", vm)["suspend_VDI"]
    _boot(ctx, vm, host, paused)
    if ctx.db.exists("VDI", vdi):
        disks.remove(ctx.db, vdi)  # the memory image is consumed by the resume


def _halt(ctx, vm, host, paused):
    vmstate.drop_suspend_vdi(ctx.db, vm)
    vmstate.enter_halted(ctx.db, vm)


def _reboot(ctx, vm, host, paused):
    if ctx.db.get("VM", vm)["power_state"] == "Paused":
        ctx.db.set("VM", vm, "power_state", "Running")
    vmstate.reboot(ctx.db, vm)
    vmrules.update(ctx.db, vm)


def _suspend(ctx, vm, host, paused):
    vmstate.enter_suspended(ctx.db, vm, vmstate.create_suspend_vdi(ctx.db, vm))


def _pause(ctx, vm, host, paused):
    ctx.db.set("VM", vm, "power_state", "Paused")
    vmrules.update(ctx.db, vm)


def _unpause(ctx, vm, host, paused):
    ctx.db.set("VM", vm, "power_state", "Running")
    vmrules.update(ctx.db, vm)


# wire message -> (operation checked and shown, work kind, transition, message, body)
POWER_OPS = {
    "start": ("start", "start", _boot, "VM_STARTED", "VM '%(name)s' started" + ON_HOST),
    "start_on": ("start_on", "start", _boot, "VM_STARTED", "VM '%(name)s' started" + ON_HOST),
    "resume": ("resume", "resume", _resume, "VM_RESUMED", "VM '%(name)s' resumed" + ON_HOST),
    "resume_on": ("resume_on", "resume", _resume, "VM_RESUMED",
                  "VM '%(name)s' resumed" + ON_HOST),
    "clean_shutdown": ("clean_shutdown", "shutdown", _halt, "VM_SHUTDOWN",
                       "VM '%(name)s' shutdown"),
    "shutdown": ("shutdown", "shutdown", _halt, "VM_SHUTDOWN", "VM '%(name)s' shutdown"),
    "hard_shutdown": ("hard_shutdown", "quick", _halt, "VM_SHUTDOWN",
                      "VM '%(name)s' shutdown forcibly"),
    "clean_reboot": ("clean_reboot", "reboot", _reboot, "VM_REBOOTED",
                     "VM '%(name)s' rebooted cleanly"),
    "hard_reboot": ("hard_reboot", "reboot", _reboot, "VM_REBOOTED",
                    "VM '%(name)s' rebooted forcibly"),
    "suspend": ("suspend", "suspend", _suspend, "VM_SUSPENDED", "VM '%(name)s' suspended"),
    "pause": ("pause", "quick", _pause, "VM_PAUSED", "VM '%(name)s' paused"),
    "unpause": ("unpause", "quick", _unpause, "VM_UNPAUSED", "VM '%(name)s' unpaused"),
}
BOOTS = {"start", "start_on", "resume", "resume_on"}


async def run(ctx, name, vm, host=None, paused=False):
    """Run power operation `name` on `vm` (host: the chosen one for *_on, else placed here)."""
    op, kind, transition, message, body = POWER_OPS[name]
    db = ctx.db
    db.require("VM", vm)
    if host is not None:
        db.require("host", host)
    with vmrules.operation(db, vm, op, ctx.task):
        if name in BOOTS:
            host = vm_config.require_boot(db, vm, host) if host else vm_config.choose_host(db, vm)
        else:
            host = db.get("VM", vm)["resident_on"]
        await _cancel_others(ctx, vm, name)
        await ctx.work(ctx.op_seconds(kind), 5)
        transition(ctx, vm, host, paused)
    _announce(ctx, vm, host, message, body)


def _announce(ctx, vm, host, message, body):
    h = ctx.db.get("host", host) or {"name_label": "", "uuid": ""}
    vmstate.announce(ctx.sim, vm, message, body, host=h["name_label"], host_uuid=h["uuid"])


async def _cancel_others(ctx, vm, name):
    """hard_shutdown/hard_reboot cancel a running clean operation and wait for it to unwind."""
    victims = CANCELLED_BY.get(name, ())
    tasks = [t for t, op in sorted(ctx.db.get("VM", vm)["current_operations"].items())
             if op in victims and t != ctx.task]
    for task in tasks:
        if ctx.db.exists("task", task) and ctx.db.get("task", task)["status"] == "pending":
            ctx.sim.tasks.cancelling.add(task)
    for _ in range(1000):
        current = ctx.db.get("VM", vm)["current_operations"]
        if not any(t in current for t in tasks):
            return
        await asyncio.sleep(0.005)


async def _shutdown(ctx, vm):
    """VM.shutdown: clean when the guest can, otherwise (or if suspended/paused) hard."""
    rec = ctx.db.require("VM", vm)
    if rec["power_state"] == "Running" and vmrules.check(ctx.db, vm, "clean_shutdown") is None:
        return await run(ctx, "shutdown", vm)
    vmrules.require(ctx.db, vm, "shutdown")
    return await run(ctx, "hard_shutdown", vm)


def _register():
    def simple(name):
        return lambda ctx, vm: run(ctx, name, vm)
    for name in ("clean_shutdown", "hard_shutdown", "clean_reboot", "hard_reboot",
                 "suspend", "pause", "unpause"):
        api("VM." + name)(simple(name))
    api("VM.shutdown")(_shutdown)


_register()


@api("VM.start")
async def start(ctx, vm, start_paused, force):
    await run(ctx, "start", vm, paused=start_paused)


@api("VM.start_on")
async def start_on(ctx, vm, host, start_paused, force):
    await run(ctx, "start_on", vm, host=host, paused=start_paused)


@api("VM.resume")
async def resume(ctx, vm, start_paused, force):
    await run(ctx, "resume", vm, paused=start_paused)


@api("VM.resume_on")
async def resume_on(ctx, vm, host, start_paused, force):
    await run(ctx, "resume_on", vm, host=host, paused=start_paused)
