"""Host power: reboot, shutdown, power_on, set_power_on_mode, and a host going down and booting
(xapi_host.ml shutdown_and_reboot_common / prepare_for_poweroff, vm_evacuation.ml, dbsync_slave.ml,
xapi_host_helpers.ml consider_enabling_host, python3/poweron/power-on.py).

host.reboot / host.shutdown need a disabled host (HOST_NOT_DISABLED) and return at once: XAPI
records a finished "Host is rebooting" / "Host is shutting down" task whose id stays in the host's
current_operations with the value `shutdown` (for a reboot too, as XAPI writes it) until the host
is back, and goes down a moment later (XAPI waits 10 s; here op_time("quick")). Going down is
prepare_for_poweroff: the guests that cannot be evacuated are shut down (clean when allowed, else
hard), the others are migrated away (host.evacuate), the host's PBDs are unplugged, then
host_metrics.live is false and the host stops answering on its address. Its PIFs keep the state
XAPI last wrote. A reboot boots again after op_time("reboot") * BOOT_FACTOR: live, enabled (a
boot re-enables the host), its operations cleared, its PBDs plugged, other_config boot_time and
agent_start_time renewed, software_version refreshed (updates installed meanwhile, updater.py).
The pool master going down drops every open connection to it and every session, as XAPI's restart
does, and listens again once booted.
host.power_on runs the power-on-host plugin: `wake-on-lan`, `IPMI` (power_on_config needs
power_on_ip, power_on_user, power_on_password_secret) or a custom script (none is installed here).
"""
import asyncio

from .. import vmrules
from ..errors import XapiFailure
from ..xtypes import now
from . import api
from .host import Operation, evacuation_plan, guests, host_table, live, update_host

BOOT_FACTOR = 2.0
POWER_ON_PLUGIN_FN = "main"


def require_op(db, host, op):
    """with_host_operation's check, then message forwarding's HOST_OFFLINE."""
    db.require("host", host)
    err = host_table(db, host).get(op)
    if err is not None:
        raise err
    if not live(db, host):
        raise XapiFailure("HOST_OFFLINE", host)


async def _power_off(ctx, host, op):
    db, sim = ctx.db, ctx.sim
    require_op(db, host, op)
    with Operation(db, host, ctx.task, op):
        label = "Host is rebooting" if op == "reboot" else "Host is shutting down"
        marker = sim.tasks.create(label, label)
        if ctx.task:
            db.set("task", marker, "subtask_of", ctx.task)
        sim.tasks.succeed(marker)
        db.add_to("host", host, "current_operations", marker, "shutdown")
    update_host(db, host)
    sim.background(_go_down(sim, host, op == "reboot"))


async def _go_down(sim, host, again):
    db = sim.db
    await asyncio.sleep(sim.config.op_time("quick"))
    session = sim.sessions.login("root", "xapi", host, pool_ref_flag=True)
    try:
        await _ensure_no_vms(sim, session, host)
    finally:
        sim.sessions.end(session)
    for pbd in sorted(db.referrers("host", "PBDs", host)):
        if db.get("PBD", pbd)["currently_attached"]:
            _set_pbd(db, pbd, False)
    master = host == sim.master_ref()
    _set_live(db, host, False)
    served = [a for a, h in sim.served.items() if h == host]
    if sim.listeners is not None and served:
        await sim.listeners.down(served[0])
    if master:
        sim.sessions.end_all()
    if again:
        await asyncio.sleep(sim.config.op_time("reboot") * BOOT_FACTOR)
        boot(sim, host)
        if sim.listeners is not None and served:
            await sim.listeners.up(served[0])


async def _ensure_no_vms(sim, session, host):
    """vm_evacuation.ensure_no_vms: stop the VMs that block evacuation, evacuate the others,
    stop whatever is left."""
    from ..context import Context
    ctx = Context(sim, session, "host.evacuate", host=sim.master_ref())
    plan = evacuation_plan(ctx, host)
    await _shut_down(sim, session, [vm for vm in plan if isinstance(plan[vm], XapiFailure)])
    plan = evacuation_plan(ctx, host)
    moves = [sim.call("VM.pool_migrate", [session, vm, target, {"live": "true"}])
             for vm, target in sorted(plan.items()) if not isinstance(target, XapiFailure)]
    await asyncio.gather(*moves, return_exceptions=True)
    await _shut_down(sim, session, guests(sim.db, host))


async def _shut_down(sim, session, vms):
    """A clean shutdown where it is allowed, then a hard one for what still runs."""
    db = sim.db

    def running():
        return [vm for vm in vms if db.exists("VM", vm)
                and db.get("VM", vm)["power_state"] in ("Running", "Paused")]
    clean = [vm for vm in running() if vmrules.check(db, vm, "clean_shutdown") is None]
    await asyncio.gather(*(sim.call("VM.clean_shutdown", [session, vm]) for vm in clean),
                         return_exceptions=True)
    await asyncio.gather(*(sim.call("VM.hard_shutdown", [session, vm]) for vm in running()),
                         return_exceptions=True)


def _set_pbd(db, pbd, value):
    from .storage import update_sr
    db.set("PBD", pbd, "currently_attached", value)
    update_sr(db, db.get("PBD", pbd)["SR"])


def _set_live(db, host, value):
    db.update("host_metrics", db.get("host", host)["metrics"], {"live": value,
                                                                "last_updated": now()})
    update_host(db, host)


def boot(sim, host):
    """The host is up again: operations left from before cancelled, live, enabled, its storage
    plugged, its boot recorded."""
    from . import updater
    db = sim.db
    if not db.exists("host", host):
        return
    clock = sim.clock()
    other = dict(db.get("host", host)["other_config"], boot_time="%.0f." % clock,
                 agent_start_time="%.0f." % (clock + 40))
    db.update("host", host, {"current_operations": {}, "enabled": True, "other_config": other})
    updater.booted(sim, host)
    _set_live(db, host, True)
    for pbd in sorted(db.referrers("host", "PBDs", host)):
        if not db.get("PBD", pbd)["currently_attached"]:
            _set_pbd(db, pbd, True)
    dom0 = db.get("host", host)["control_domain"]
    if db.exists("VM", dom0):
        metrics = db.get("VM", dom0)["metrics"]
        if db.exists("VM_metrics", metrics):
            db.set("VM_metrics", metrics, "start_time", now())


@api("host.reboot")
async def reboot(ctx, host):
    await _power_off(ctx, host, "reboot")


@api("host.shutdown")
async def shutdown(ctx, host):
    await _power_off(ctx, host, "shutdown")


@api("host.power_on")
async def power_on(ctx, host):
    """Always run on the master: the power-on plugin for the host's mode, then wait until the
    host is live (power-on.py waitForXapi)."""
    db = ctx.db
    db.require("host", host)
    err = host_table(db, host).get("power_on")
    if err is not None:
        raise err
    with Operation(db, host, ctx.task, "power_on"):
        rec = db.get("host", host)
        _power_on_plugin(rec["power_on_mode"], rec["power_on_config"])
        await ctx.work(ctx.op_seconds("reboot") * BOOT_FACTOR, 4)
    boot(ctx.sim, host)
    served = [a for a, h in ctx.sim.served.items() if h == host]
    if ctx.sim.listeners is not None and served:
        await ctx.sim.listeners.up(served[0])


def _power_on_plugin(mode, config):
    """power-on.py main(): what fails before the host is woken, as XenAPIPlugin reports it."""
    if mode == "IPMI":
        for key in ("power_on_ip", "power_on_user", "power_on_password_secret"):
            if key not in config:
                raise XapiFailure("XENAPI_PLUGIN_FAILURE", POWER_ON_PLUGIN_FN, "KeyError",
                                  "'%s'" % key)
    elif mode != "wake-on-lan":
        raise XapiFailure("XENAPI_PLUGIN_FAILURE", POWER_ON_PLUGIN_FN, "ModuleNotFoundError",
                          "No module named '%s'" % mode)


@api("host.set_power_on_mode")
def set_power_on_mode(ctx, host, mode, config):
    """xapi_host.set_power_on_mode: no check; the allowed operations follow ("" disables
    power_on)."""
    db = ctx.db
    db.require("host", host)
    db.update("host", host, {"power_on_mode": mode, "power_on_config": dict(config)})
    update_host(db, host)
