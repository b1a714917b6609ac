"""VM configuration and placement: constrained setters, device slots, hosts a VM can run on,
power_state_reset and migration (XAPI's xapi_vm.ml, xapi_vm_helpers.ml, xapi_vm_migrate.ml).

Memory limits must satisfy static_min <= dynamic_min <= dynamic_max <= static_max; XAPI 24.x
(XCP-ng 8.3) reports a violation as MEMORY_CONSTRAINT_VIOLATION_ORDER [] and, for control
domains whose limits must be pinned, MEMORY_CONSTRAINT_VIOLATION_MAXPIN ["control domain"].
"""
from .. import vmrules, vmstate
from ..errors import XapiFailure
from . import api

NULL = "OpaqueRef:NULL"
VCPU_RULE = "VCPU values must satisfy: 0 < VCPUs_at_startup \u2264 VCPUs_max"
VBD_SLOTS, DOM0_VBD_SLOTS, VIF_SLOTS = 255, 256, 7
MEMORY = ("memory_static_min", "memory_dynamic_min", "memory_dynamic_max", "memory_static_max")


# ---- placement --------------------------------------------------------------------------
def boot_error(db, vm, host):
    """The failure XAPI's assert_can_boot_here raises for `vm` on `host`, or None."""
    rec, h = db.get("VM", vm), db.require("host", host)
    metrics = db.get("host_metrics", h["metrics"])
    if metrics is None or not metrics["live"]:
        return XapiFailure("HOST_NOT_LIVE")
    if rec["is_control_domain"]:
        if rec["affinity"] not in (NULL, host):
            return XapiFailure("OPERATION_NOT_ALLOWED", "Cannot boot a control domain on a "
                               "host different from its affinity")
    elif not h["enabled"]:
        return XapiFailure("HOST_DISABLED", host)
    for sr in required_srs(db, vm):
        if not _host_sees_sr(db, host, sr):
            return XapiFailure("VM_REQUIRES_SR", vm, sr)
    for net in sorted(set(db.get("VIF", v)["network"] for v in db.referrers("VM", "VIFs", vm))):
        pifs = db.find("PIF", network=net)
        if pifs and not any(db.get("PIF", p)["host"] == host for p in pifs):
            return XapiFailure("VM_REQUIRES_NETWORK", vm, net)
    return _memory_error(db, vm, host)


def _memory_error(db, vm, host):
    rec = db.get("VM", vm)
    needed = rec["memory_dynamic_min"] + rec["memory_overhead"]
    free = vmstate.host_free_memory(db, host, compressed=True)
    if rec["resident_on"] == host:
        free += rec["memory_dynamic_min"]
    if free < needed:
        return XapiFailure("HOST_NOT_ENOUGH_FREE_MEMORY", needed, max(0, free))


def required_srs(db, vm):
    """SRs of the VM's disks (and of its suspend image): the host must have them plugged."""
    vdis = [db.get("VBD", v)["VDI"] for v in db.referrers("VM", "VBDs", vm)]
    vdis.append(db.get("VM", vm)["suspend_VDI"])
    return sorted(set(db.get("VDI", v)["SR"] for v in vdis if db.exists("VDI", v)))


def _host_sees_sr(db, host, sr):
    return any(db.get("PBD", p)["host"] == host and db.get("PBD", p)["currently_attached"]
               for p in db.find("PBD", SR=sr))


def possible_hosts(db, vm):
    return [h for h in sorted(db.all("host")) if boot_error(db, vm, h) is None]


def choose_host(db, vm):
    """Where VM.start puts a VM: its affinity host if it can boot there, else the possible
    host with the most free memory (XAPI picks at random; this keeps the demo deterministic)."""
    affinity = db.get("VM", vm)["affinity"]
    if db.exists("host", affinity) and boot_error(db, vm, affinity) is None:
        return affinity
    hosts = possible_hosts(db, vm)
    if not hosts:
        raise XapiFailure("NO_HOSTS_AVAILABLE")
    return max(hosts, key=lambda h: (vmstate.host_free_memory(db, h, compressed=True), h))


def require_boot(db, vm, host):
    err = boot_error(db, vm, host)
    if err is not None:
        raise err
    return host


@api("VM.get_possible_hosts")
def get_possible_hosts(ctx, vm):
    ctx.db.require("VM", vm)
    return possible_hosts(ctx.db, vm)


@api("VM.assert_can_boot_here")
def assert_can_boot_here(ctx, vm, host):
    ctx.db.require("VM", vm)
    require_boot(ctx.db, vm, host)


@api("VM.get_allowed_VBD_devices")
def get_allowed_VBD_devices(ctx, vm):
    rec = ctx.db.require("VM", vm)
    used = set(ctx.db.get("VBD", v)["userdevice"] for v in ctx.db.referrers("VM", "VBDs", vm))
    slots = DOM0_VBD_SLOTS if rec["is_control_domain"] else VBD_SLOTS
    return [str(n) for n in range(slots) if str(n) not in used]


@api("VM.get_allowed_VIF_devices")
def get_allowed_VIF_devices(ctx, vm):
    ctx.db.require("VM", vm)
    used = set(ctx.db.get("VIF", v)["device"] for v in ctx.db.referrers("VM", "VIFs", vm))
    return [str(n) for n in range(VIF_SLOTS) if str(n) not in used]


# ---- VCPUs --------------------------------------------------------------------------------
@api("VM.set_VCPUs_max")
def set_VCPUs_max(ctx, vm, value):
    with vmrules.operation(ctx.db, vm, "changing_VCPUs", ctx.task):
        if value < 1 or value < ctx.db.get("VM", vm)["VCPUs_at_startup"]:
            raise XapiFailure("INVALID_VALUE", VCPU_RULE, value)
        ctx.db.set("VM", vm, "VCPUs_max", value)


@api("VM.set_VCPUs_at_startup")
def set_VCPUs_at_startup(ctx, vm, value):
    rec = ctx.db.require("VM", vm)
    if vmrules.is_dom0(rec):
        raise XapiFailure("OPERATION_NOT_ALLOWED", "set_VCPUs_at_startup is not allowed on dom0")
    if value < 1 or value > rec["VCPUs_max"]:
        raise XapiFailure("INVALID_VALUE", VCPU_RULE, value)
    ctx.db.set("VM", vm, "VCPUs_at_startup", value)


@api("VM.set_VCPUs_number_live")
def set_VCPUs_number_live(ctx, vm, nvcpu):
    with vmrules.operation(ctx.db, vm, "changing_VCPUs_live", ctx.task):
        rec = ctx.db.get("VM", vm)
        if nvcpu < 1 or nvcpu > rec["VCPUs_max"]:
            raise XapiFailure("INVALID_VALUE", "VCPU values must satisfy: 0 < VCPUs \u2264 "
                              "VCPUs_max", nvcpu)
        ctx.db.set("VM", vm, "VCPUs_at_startup", nvcpu)  # XAPI keeps the new count for boot
        if ctx.db.exists("VM_metrics", rec["metrics"]):
            ctx.db.set("VM_metrics", rec["metrics"], "VCPUs_number", nvcpu)


# ---- memory -------------------------------------------------------------------------------
def _set_memory(ctx, vm, op, **new):
    """Check the four limits after applying `new` (field suffix -> bytes) and store them."""
    with vmrules.operation(ctx.db, vm, op, ctx.task):
        rec = ctx.db.get("VM", vm)
        values = [new.get(f[len("memory_"):], rec[f]) for f in MEMORY]
        _check_order(rec, values)
        changes = dict(zip(MEMORY, values))
        if "dynamic_min" in new:
            changes["memory_target"] = values[1]  # XAPI keeps target = dynamic_min
        ctx.db.update("VM", vm, changes)
        _running_memory(ctx.db, vm)


def _check_order(rec, values):
    smin, dmin, dmax, smax = values
    if rec["is_control_domain"] and not (smin <= dmin == dmax == smax):
        raise XapiFailure("MEMORY_CONSTRAINT_VIOLATION_MAXPIN", "control domain")
    if not smin <= dmin <= dmax <= smax:
        raise XapiFailure("MEMORY_CONSTRAINT_VIOLATION_ORDER")


def _running_memory(db, vm):
    """A running guest balloons to its new dynamic_max at once in the simulator."""
    rec = db.get("VM", vm)
    if rec["power_state"] == "Running" and db.exists("VM_metrics", rec["metrics"]):
        db.set("VM_metrics", rec["metrics"], "memory_actual", rec["memory_dynamic_max"])


@api("VM.set_memory_limits")
def set_memory_limits(ctx, vm, static_min, static_max, dynamic_min, dynamic_max):
    _set_memory(ctx, vm, "changing_memory_limits", static_min=static_min,
                static_max=static_max, dynamic_min=dynamic_min, dynamic_max=dynamic_max)


@api("VM.set_memory")
def set_memory(ctx, vm, value):
    _set_memory(ctx, vm, "changing_memory_limits", static_max=value, dynamic_min=value,
                dynamic_max=value)


@api("VM.set_memory_static_range")
def set_memory_static_range(ctx, vm, low, high):
    _set_memory(ctx, vm, "changing_static_range", static_min=low, static_max=high)


@api("VM.set_memory_dynamic_range")
def set_memory_dynamic_range(ctx, vm, low, high):
    _set_memory(ctx, vm, "changing_dynamic_range", dynamic_min=low, dynamic_max=high)


@api("VM.set_memory_static_min")
def set_memory_static_min(ctx, vm, value):
    _set_memory(ctx, vm, "changing_static_range", static_min=value)


@api("VM.set_memory_static_max")
def set_memory_static_max(ctx, vm, value):
    _set_memory(ctx, vm, "changing_static_range", static_max=value)


@api("VM.set_memory_dynamic_min")
def set_memory_dynamic_min(ctx, vm, value):
    _set_memory(ctx, vm, "changing_dynamic_range", dynamic_min=value)


@api("VM.set_memory_dynamic_max")
def set_memory_dynamic_max(ctx, vm, value):
    _set_memory(ctx, vm, "changing_dynamic_range", dynamic_max=value)


# ---- recovery and migration ---------------------------------------------------------------
@api("VM.power_state_reset")
def power_state_reset(ctx, vm):
    """Force Halted after a host died. Refused for control domains, and for a domain that
    still runs on the master (where XAPI can see it is alive)."""
    db = ctx.db
    rec = db.require("VM", vm)
    if rec["is_control_domain"]:
        raise XapiFailure("CANNOT_RESET_CONTROL_DOMAIN", vm)
    if rec["power_state"] in ("Running", "Paused") and rec["resident_on"] == ctx.sim.master_ref():
        raise XapiFailure("DOMAIN_EXISTS", vm, rec["domid"])
    vmstate.drop_suspend_vdi(db, vm)
    if rec["current_operations"]:
        db.set("VM", vm, "current_operations", {})
    vmstate.enter_halted(db, vm)


@api("VM.pool_migrate")
async def pool_migrate(ctx, vm, host, options):
    """Live migration inside the pool: same VM, new host, new domid, console on the new host.
    Migrating to the host it runs on is XAPI's 'localhost migration' and is allowed."""
    db = ctx.db
    db.require("host", host)
    with vmrules.operation(db, vm, "pool_migrate", ctx.task):
        require_boot(db, vm, host)
        await ctx.work(ctx.op_seconds("migrate"), 5)
        location = vmstate.console_location(ctx.sim.config, db, host)
        vmstate.move(db, vm, host, location)


@api("VM.migrate_send")
async def migrate_send(ctx, vm, dest, live, vdi_map, vif_map, options, vgpu_map):
    """Storage migration; only destinations in this pool exist in the simulator: `dest`
    (from host.migrate_receive) names the target host, disks move to the SRs in vdi_map."""
    db = ctx.db
    host = dest.get("host", NULL)
    db.require("host", host)
    with vmrules.operation(db, vm, "migrate_send", ctx.task):
        for vdi, sr in sorted(vdi_map.items()):
            db.require("VDI", vdi)
            db.require("SR", sr)
        if db.get("VM", vm)["power_state"] != "Halted":
            require_boot(db, vm, host)
        await ctx.work(ctx.op_seconds("migrate") * 2, 8)
        for vdi, sr in sorted(vdi_map.items()):
            db.set("VDI", vdi, "SR", sr)
        for vif, net in sorted(vif_map.items()):
            if db.exists("VIF", vif) and db.exists("network", net):
                db.set("VIF", vif, "network", net)
        if db.get("VM", vm)["power_state"] in ("Running", "Paused"):
            vmstate.move(db, vm, host, vmstate.console_location(ctx.sim.config, db, host))
    return vm
