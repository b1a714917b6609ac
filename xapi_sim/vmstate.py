"""VM power-state transitions and what each one keeps consistent (reference §5.3, checklist 20).

Entering Running/Paused sets resident_on, domid, VM_metrics, attaches VBDs/VIFs and creates the
console; entering Halted undoes all of it; Suspended keeps the disks but no domain. Every transition
recomputes allowed_operations.
"""
from . import vmrules
from .xtypes import EPOCH, DateTime, now

NULL = "OpaqueRef:NULL"


def next_domid(db):
    used = [db.get("VM", r)["domid"] for r in db.tables["VM"]]
    return max([0] + used) + 1


def enter_running(db, vm, host, paused=False, console_location=None):
    rec = db.get("VM", vm)
    changes = {"power_state": "Paused" if paused else "Running", "resident_on": host,
               "scheduled_to_be_resident_on": NULL}
    if rec["domid"] < 0 or rec["power_state"] in ("Halted", "Suspended"):
        changes["domid"] = 0 if rec["is_control_domain"] else next_domid(db)
    if rec["power_state"] == "Suspended":
        changes["suspend_VDI"] = NULL
    db.update("VM", vm, changes)
    _set_attached(db, vm, True)
    _metrics(db, vm, state="running", start=rec["power_state"] in ("Halted", "Suspended"))
    if not db.referrers("VM", "consoles", vm):
        create_console(db, vm, console_location)
    vmrules.update(db, vm)


def enter_halted(db, vm):
    db.update("VM", vm, {"power_state": "Halted", "resident_on": NULL, "domid": -1,
                         "scheduled_to_be_resident_on": NULL})
    _set_attached(db, vm, False)
    _drop_consoles(db, vm)
    _metrics(db, vm, state="halted", start=False)
    vmrules.update(db, vm)


def enter_suspended(db, vm, suspend_vdi=NULL):
    db.update("VM", vm, {"power_state": "Suspended", "resident_on": NULL, "domid": -1,
                         "suspend_VDI": suspend_vdi})
    _set_attached(db, vm, False)
    _drop_consoles(db, vm)
    _metrics(db, vm, state="suspended", start=False)
    vmrules.update(db, vm)


def create_console(db, vm, location=None):
    ref = db.new_ref()
    uuid = db.new_uuid()
    if location is None:
        location = ""
    db.create("console", {"uuid": uuid, "protocol": "rfb", "VM": vm,
                          "location": location.replace("{uuid}", uuid).replace("{ref}", ref)},
              ref=ref)
    return ref


def _drop_consoles(db, vm):
    for ref in list(db.referrers("VM", "consoles", vm)):
        db.destroy("console", ref)


def _set_attached(db, vm, attached):
    for cls, field in (("VBD", "VBDs"), ("VIF", "VIFs")):
        for ref in list(db.referrers("VM", field, vm)):
            rec = db.get(cls, ref)
            want = attached and not (cls == "VBD" and rec["empty"] and rec["type"] != "CD")
            if rec["currently_attached"] != want:
                db.set(cls, ref, "currently_attached", want)


def _metrics(db, vm, state, start):
    rec = db.get("VM", vm)
    metrics = rec["metrics"]
    if not db.exists("VM_metrics", metrics):
        return
    changes = {"state": [state] if state != "halted" else [], "last_updated": now(),
               "VCPUs_number": rec["VCPUs_at_startup"] if state == "running" else 0,
               "memory_actual": rec["memory_dynamic_max"] if state == "running" else 0}
    if start:
        changes["start_time"] = now()
    if state == "halted":
        changes["start_time"] = DateTime(EPOCH)
    db.update("VM_metrics", metrics, changes)
