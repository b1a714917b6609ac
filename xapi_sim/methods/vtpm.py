"""VTPM messages: create and destroy a VM's virtual TPM (xapi_vtpm.ml).

VTPM.create checks, in XAPI's order: the pool's `restrict_vtpm` restriction is "false"
(FEATURE_RESTRICTED otherwise: XCP-ng 8.3 pools lift it), no HA or clustering may fence the VM
(NOT_IMPLEMENTED), the VM has no vTPM yet (VTPM_MAX_AMOUNT_REACHED with how many it has), and the VM is
Halted (VM_BAD_POWER_STATE). The record's persistence backend is "xapi". VM.VTPMs lists the VM's
vTPMs; destroying the VM destroys them (vm_copy.py).
"""
from ..errors import XapiFailure
from . import api


def _pool(db):
    return db.get("pool", db.find("pool")[0]) if db.find("pool") else {}


def _halted(db, vm):
    state = db.get("VM", vm)["power_state"]
    if state != "Halted":
        raise XapiFailure("VM_BAD_POWER_STATE", vm, "halted", state.lower())


@api("VTPM.create")
def create(ctx, vm, is_unique):
    db = ctx.db
    rec = db.require("VM", vm)
    pool = _pool(db)
    if (pool.get("restrictions") or {}).get("restrict_vtpm") != "false":
        raise XapiFailure("FEATURE_RESTRICTED", "restrict_vtpm")
    if pool.get("ha_enabled") or db.count("Cluster"):
        raise XapiFailure("NOT_IMPLEMENTED", "VTPM.create with HA or clustering enabled")
    if rec["VTPMs"]:
        raise XapiFailure("VTPM_MAX_AMOUNT_REACHED", str(len(rec["VTPMs"])))
    _halted(db, vm)
    ref = db.create("VTPM", {"VM": vm, "is_unique": bool(is_unique), "persistence_backend": "xapi",
                             "allowed_operations": ["destroy"]})
    db.set("VM", vm, "VTPMs", list(rec["VTPMs"]) + [ref])
    return ref


@api("VTPM.destroy")
def destroy(ctx, vtpm):
    db = ctx.db
    rec = db.require("VTPM", vtpm)
    _halted(db, rec["VM"])
    forget(db, vtpm)


def forget(db, vtpm):
    """Remove the vTPM and its VM's reference to it."""
    vm = db.get("VTPM", vtpm)["VM"]
    db.destroy("VTPM", vtpm)
    if db.exists("VM", vm):
        db.set("VM", vm, "VTPMs", [r for r in db.get("VM", vm)["VTPMs"] if r != vtpm])
