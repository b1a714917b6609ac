"""VBD messages: create, destroy, hotplug (plug/unplug), CD insert/eject; VIFs are in vif.py.

`vbd_table` (and vif.py's `vif_table`) follow the `valid_operations` of XAPI's VBD and VIF code:
the first failure found for an operation wins, in XAPI's order, and `allowed_operations` lists
the operations without one. Hotplug needs a running VM, and PV drivers when the VM is HVM.
"""
from ..devnames import disk_number, linux_device
from ..errors import XapiFailure
from . import api, storage
from .storage import NULL, Marked, require

VBD_OPS = ("attach", "eject", "insert", "plug", "unplug", "unplug_force", "pause", "unpause")
VBD_TYPES_OK = {"system", "user", "ephemeral", "suspend", "crashdump", "metadata", "rrd",
                "pvs_cache"}
MAX_VBD = 254               # xapi_vm_helpers.allowed_VBD_devices: 0 .. 254 for autodetect
MIGRATING = {"migrate_send", "pool_migrate"}
VM_BUSY = {"clean_shutdown", "hard_shutdown", "suspend", "pause"}
HVM_CD = "HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected"


def _fail(table, code, params, ops):
    failure = None
    for op in ops:
        if op not in table:
            failure = failure or XapiFailure(code, *params)
            table[op] = failure


def vbd_check(db, vbd, op):
    return vbd_table(db, vbd, sharing=True).get(op)


def vbd_table(db, vbd, sharing=False):
    """{op: XapiFailure} for the operations this VBD does not allow now. The VDI sharing checks
    run when an operation is asked for, not for allowed_operations (XAPI's
    expensive_sharing_checks: an ISO can sit in thousands of CD drives)."""
    rec, table = db.get("VBD", vbd), {}
    _busy(vbd, rec, table)
    if not rec["unpluggable"]:
        _fail(table, "VBD_NOT_UNPLUGGABLE", [vbd], ["unplug", "unplug_force"])
    if rec["type"] != "CD":
        _fail(table, "VBD_NOT_REMOVABLE_MEDIA", [vbd], ["insert", "eject"])
    if rec["empty"]:
        _fail(table, "VBD_IS_EMPTY", [vbd], ["eject"])
    else:
        _fail(table, "VBD_NOT_EMPTY", [vbd], ["insert"])
    _power(db, rec["VM"], vbd, rec["currently_attached"], table,
           ["unplug", "unplug_force"], ["pause", "unpause"])
    _hotplug(db, rec["VM"], "vbd", table, ("plug", "unplug", "unplug_force"))
    if rec["type"] == "CD":
        _cd_rules(db, rec["VM"], table)
    _vdi_busy(db, vbd, rec, table, sharing)
    return table


def _busy(vbd, rec, table):
    """One operation at a time, but pause/unpause alongside each other (and unpause alongside
    an attach, for VM.reboot)."""
    current = sorted((o, t) for t, o in rec["current_operations"].items())
    if not current:
        return
    op, task = current[0]
    _fail(table, "OTHER_OPERATION_IN_PROGRESS", ["VBD", vbd, op, task],
          [o for o in VBD_OPS if o not in ("pause", "unpause")])
    for ops, safe in ((["pause"], ("pause", "unpause")), (["unpause"], ("attach", "pause", "unpause"))):
        others = [(o, t) for o, t in current if o not in safe]
        if others:
            _fail(table, "OTHER_OPERATION_IN_PROGRESS", ["VBD", vbd] + list(others[0]), ops)


def _cd_rules(db, vm, table):
    """HVM guests only insert/eject CDs; a suspended VM's CD cannot change."""
    rec = db.get("VM", vm)
    if rec["power_state"] == "Running" and rec["domain_type"] == "hvm":
        _fail(table, "OPERATION_NOT_ALLOWED", [HVM_CD], ["plug", "unplug", "unplug_force"])
    if rec["power_state"] == "Suspended":
        _fail(table, "VM_BAD_POWER_STATE", [vm, "halted, running", "suspended"],
              ["insert", "eject"])


def _power(db, vm, dev, attached, table, unplug_ops, paused_ops=()):
    """Hotplug needs a running VM; `paused_ops` are also allowed while it is paused."""
    state = db.get("VM", vm)["power_state"]
    if state == "Running":
        if attached:
            _fail(table, "DEVICE_ALREADY_ATTACHED", [dev], ["plug"])
        else:
            _fail(table, "DEVICE_ALREADY_DETACHED", [dev], unplug_ops)
        return
    bad = ["plug"] + list(unplug_ops) + ([] if state == "Paused" else list(paused_ops))
    _fail(table, "VM_BAD_POWER_STATE", [vm, "running", state.lower()], bad)


def _hotplug(db, vm, kind, table, ops):
    """Guests support hotplug when PV drivers say so; HVM guests without drivers do not."""
    rec = db.get("VM", vm)
    for task, op in sorted(rec["current_operations"].items()):
        if op in VM_BUSY:
            text = "Current operation on VM:%s is %s" % (vm, op)
            _fail(table, "OPERATION_NOT_ALLOWED", [text], ops[:2])
    if rec["power_state"] != "Running" or rec["domain_type"] != "hvm":
        return
    gm = db.get("VM_guest_metrics", rec["guest_metrics"])
    claim = gm["can_use_hotplug_" + kind] if gm else "unspecified"
    if claim == "no":
        text = "VM states it does not support %s hotplug." % kind.upper()
        _fail(table, "OPERATION_NOT_ALLOWED", [text], ops)
    elif claim == "unspecified" and not (gm and gm["PV_drivers_detected"]):
        _fail(table, "VM_MISSING_PV_DRIVERS", [vm], ops)


def _vdi_busy(db, vbd, rec, table, sharing):
    vdi = db.get("VDI", rec["VDI"]) if not rec["empty"] else None
    if vdi is None:
        return
    if not vdi["managed"]:
        _fail(table, "VDI_NOT_MANAGED", [rec["VDI"]], VBD_OPS)
    busy = sorted((o, t) for t, o in vdi["current_operations"].items()
                  if o not in ("copy", "mirror"))
    if busy:
        _fail(table, "OTHER_OPERATION_IN_PROGRESS", ["VDI", rec["VDI"], busy[0][0], busy[0][1]],
              ["attach", "plug", "insert"])
    if sharing and not rec["currently_attached"]:
        _sharing(db, vbd, rec, vdi, table)


def _sharing(db, vbd, rec, vdi, table):
    """A disk is written by one VBD at a time unless sharable; VMs suspended and the control
    domain do not count (xapi_vbd_helpers.valid_operations' sharing checks)."""
    others = []
    for other in db.referrers("VDI", "VBDs", rec["VDI"]):
        o = db.get("VBD", other)
        vm = db.get("VM", o["VM"])
        if other == vbd or vm is None:
            continue
        if vm["power_state"] == "Suspended" or vm["is_control_domain"]:
            continue
        if o["currently_attached"] or o["current_operations"]:
            others.append(o)
    need_write = rec["mode"] == "RW"
    dom0 = db.get("VM", rec["VM"])["is_control_domain"]
    if not vdi["sharable"] and not dom0 and (any(o["mode"] == "RW" for o in others)
                                             or (need_write and others)):
        _fail(table, "VDI_IN_USE", [rec["VDI"]], ["attach", "insert", "plug"])
    if need_write and vdi["read_only"]:
        _fail(table, "VDI_READONLY", [rec["VDI"]], ["attach", "insert", "plug"])


def vbd_signature(db, vbd):
    """Every input of vbd_table but the refs, or None when an operation is running (then the
    refs appear in the failures): VBDs alike allow the same operations (a bulk refresh's memo)."""
    rec = db.get("VBD", vbd)
    vm = db.get("VM", rec["VM"])
    vdi = db.get("VDI", rec["VDI"]) if not rec["empty"] else None
    if rec["current_operations"] or vm["current_operations"] or (vdi and vdi["current_operations"]):
        return None
    gm = db.get("VM_guest_metrics", vm["guest_metrics"])
    return (rec["type"], rec["empty"], rec["unpluggable"], rec["currently_attached"],
            vm["power_state"], vm["domain_type"], gm["can_use_hotplug_vbd"] if gm else None,
            bool(gm and gm["PV_drivers_detected"]), vdi["managed"] if vdi else None)


def update_vbd(db, vbd, with_vdi=True, memo=None):
    """Recompute the VBD's allowed_operations and, unless told not to, its VDI's. `memo` (a dict
    kept for one bulk refresh) reuses the result for VBDs of the same signature."""
    if db.exists("VBD", vbd):
        key = vbd_signature(db, vbd) if memo is not None else None
        ops = memo.get(key) if key is not None else None
        if ops is None:
            refused = vbd_table(db, vbd)
            ops = sorted(op for op in VBD_OPS if op not in refused)
            if key is not None:
                memo[key] = ops
        if ops != sorted(db.get("VBD", vbd)["allowed_operations"]):
            db.set("VBD", vbd, "allowed_operations", ops)
        vdi = db.get("VBD", vbd)["VDI"]
        if with_vdi and db.exists("VDI", vdi):
            storage.update_vdi(db, vdi)


# ---- VBD ------------------------------------------------------------------------------------
def used_disks(db, vm):
    used = set()
    for vbd in db.referrers("VM", "VBDs", vm):
        rec = db.get("VBD", vbd)
        used.update(n for n in (disk_number(rec["userdevice"]), disk_number(rec["device"]))
                    if n is not None)
    return used


def _vbd_create_checks(db, rec):
    vdi = db.get("VDI", rec["VDI"]) if not rec["empty"] else None
    if vdi is not None and vdi["type"] not in VBD_TYPES_OK:
        raise XapiFailure("VDI_INCOMPATIBLE_TYPE", rec["VDI"], vdi["type"])
    if rec["type"] == "CD" and rec["mode"] != "RO":
        raise XapiFailure("VBD_CDS_MUST_BE_READONLY")
    if rec["type"] != "CD" and rec["empty"]:
        raise XapiFailure("VBD_NOT_REMOVABLE_MEDIA", "in constructor")
    if rec["mode"] == "RW" and vdi is not None and vdi["read_only"]:
        raise XapiFailure("VDI_READONLY", rec["VDI"])
    vm = db.get("VM", rec["VM"])
    moving = sorted((o, t) for t, o in vm["current_operations"].items() if o in MIGRATING)
    if moving:
        raise XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VM", rec["VM"], moving[0][0],
                          moving[0][1])


def _userdevice(db, vm, wanted):
    used = used_disks(db, vm)
    if wanted == "autodetect":
        free = [n for n in range(MAX_VBD + 1) if n not in used]
        if not free:
            raise XapiFailure("INVALID_DEVICE", wanted)
        return str(free[0])
    number = disk_number(wanted)
    if number is None:
        raise XapiFailure("INVALID_DEVICE", wanted)
    if number in used:
        raise XapiFailure("DEVICE_ALREADY_EXISTS", wanted)
    return wanted


@api("VBD.create")
def vbd_create(ctx, record):
    db = ctx.db
    db.require("VM", record["VM"])
    if not record["empty"] or record["VDI"] != NULL:
        db.require("VDI", record["VDI"])
    _vbd_create_checks(db, record)
    userdevice = _userdevice(db, record["VM"], record["userdevice"])
    # Only a suspended VM's VBD keeps a device and attachment given by the caller.
    suspended = db.get("VM", record["VM"])["power_state"] == "Suspended"
    fields = dict(record, userdevice=userdevice, current_operations={}, allowed_operations=[],
                  device=record.get("device", "") if suspended else "",
                  currently_attached=record.get("currently_attached", False) and suspended)
    vbd = db.create("VBD", fields)
    update_vbd(db, vbd)
    return vbd


@api("VBD.destroy")
def vbd_destroy(ctx, vbd):
    db = ctx.db
    rec = db.require("VBD", vbd)
    if rec["currently_attached"]:
        raise XapiFailure("OPERATION_NOT_ALLOWED", "VBD '%s' still attached to '%s'"
                          % (rec["uuid"], db.get("VM", rec["VM"])["uuid"]))
    db.destroy("VBD", vbd)
    if db.exists("VDI", rec["VDI"]):
        storage.update_vdi(db, rec["VDI"])


async def _vbd_op(ctx, vbd, op, changes):
    db = ctx.db
    db.require("VBD", vbd)
    require(vbd_check(db, vbd, op))
    with Marked(db, "VBD", vbd, ctx.task, op, update_vbd):
        await ctx.work(ctx.op_seconds("quick"), 2)
    db.update("VBD", vbd, changes(db.get("VBD", vbd)))
    update_vbd(db, vbd)


@api("VBD.plug")
async def vbd_plug(ctx, vbd):
    await _vbd_op(ctx, vbd, "plug", lambda rec: {"currently_attached": True,
                                                  "device": linux_device(rec["userdevice"])
                                                            or rec["device"]})


@api("VBD.unplug")
async def vbd_unplug(ctx, vbd):
    await _vbd_op(ctx, vbd, "unplug", lambda rec: {"currently_attached": False})


@api("VBD.unplug_force")
async def vbd_unplug_force(ctx, vbd):
    await _vbd_op(ctx, vbd, "unplug_force", lambda rec: {"currently_attached": False})


@api("VBD.insert")
async def vbd_insert(ctx, vbd, vdi):
    db = ctx.db
    db.require("VBD", vbd)
    db.require("VDI", vdi)
    require(vbd_check(db, vbd, "insert"))
    if not db.get("VDI", vdi)["managed"]:
        raise XapiFailure("VDI_NOT_MANAGED", vdi)
    await _vbd_op(ctx, vbd, "insert", lambda rec: {"VDI": vdi, "empty": False})


@api("VBD.eject")
async def vbd_eject(ctx, vbd):
    old = ctx.db.require("VBD", vbd)["VDI"]
    await _vbd_op(ctx, vbd, "eject", lambda rec: {"VDI": NULL, "empty": True})
    if ctx.db.exists("VDI", old):
        storage.update_vdi(ctx.db, old)
