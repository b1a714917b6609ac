"""VM copies and lifetime: create, snapshot, checkpoint, revert, clone, copy, destroy,
set_is_a_template (XAPI's xapi_vm.ml, xapi_vm_clone.ml, xapi_vm_snapshot.ml; VM.provision is in
provision.py).

The copies themselves are made by vmcopy; these handlers add XAPI's checks, the operation in
current_operations for the simulated time, and the power-state side (checkpoint images, revert).
"""
from .. import disks, rrd_sources, vmcopy, vmrules, vmstate
from ..errors import XapiFailure
from ..xtypes import now
from . import api, implicit

NULL = "OpaqueRef:NULL"
# Configuration a revert takes from the snapshot (identity, devices and runtime state excluded).
REVERTED = ("name_description", "user_version", "memory_static_min", "memory_dynamic_min",
            "memory_dynamic_max", "memory_static_max", "memory_target", "VCPUs_max",
            "VCPUs_at_startup", "VCPUs_params", "actions_after_shutdown", "actions_after_reboot",
            "actions_after_crash", "PV_bootloader", "PV_kernel", "PV_ramdisk", "PV_args",
            "PV_bootloader_args", "PV_legacy_args", "HVM_boot_policy", "HVM_boot_params",
            "HVM_shadow_multiplier", "platform", "PCI_bus", "other_config", "recommendations",
            "xenstore_data", "domain_type", "tags", "bios_strings", "NVRAM", "affinity")


# What VM.create sets whatever the record says (xapi_vm.ml create): a new VM is nobody's snapshot,
# runs nowhere and has no guest agent yet.
CREATED = {"domid": -1, "is_default_template": False, "is_a_snapshot": False, "snapshot_of": NULL,
           "parent": NULL, "snapshot_info": {}, "resident_on": NULL, "scheduled_to_be_resident_on": NULL,
           "is_control_domain": False, "guest_metrics": NULL, "current_operations": {},
           "allowed_operations": [], "blocked_operations": {}, "bios_strings": {},
           "protection_policy": NULL, "is_snapshot_from_vmpp": False, "snapshot_schedule": NULL,
           "memory_overhead": 0, "requires_reboot": False}


@api("VM.create")
def create(ctx, record):
    """A VM record with its VM_metrics, a mac_seed, Halted unless it brings a suspend image."""
    db = ctx.db
    implicit.check_refs(db, "VM", record)
    rec = dict(record, **CREATED)
    suspended = rec.get("power_state") == "Suspended"
    if suspended and not (rec.get("suspend_VDI", NULL) != NULL and rec.get("last_booted_record")
                          and rec.get("last_boot_CPU_flags")):
        raise XapiFailure("VM_BAD_POWER_STATE", db.new_ref(), "halted", "suspended")
    rec["power_state"] = "Suspended" if suspended else "Halted"
    if not suspended:
        rec.update(suspend_VDI=NULL, last_booted_record="", last_boot_CPU_flags={})
    rec["other_config"] = dict({"mac_seed": db.new_uuid()}, **rec.get("other_config", {}))
    if rec.get("domain_type", "unspecified") == "unspecified":   # derive_domain_type
        rec["domain_type"] = "pv" if rec.get("HVM_boot_policy", "") == "" else "hvm"
    rec["metrics"] = vmstate.new_metrics(
        db, current_domain_type=rec["domain_type"] if suspended else "unspecified")
    vm = db.create("VM", rec)
    vmrules.update(db, vm)
    return vm


async def _copy(ctx, vm, op, kind, name, sr=NULL, ignore=()):
    with vmrules.operation(ctx.db, vm, op, ctx.task):
        await ctx.work(ctx.op_seconds(kind), 5)
        return vmcopy.duplicate(ctx.db, vm, name, kind, sr, ignore_vdis=ignore)


@api("VM.snapshot")
async def snapshot(ctx, vm, new_name, ignore_vdis):
    return await _copy(ctx, vm, "snapshot", "snapshot", new_name, ignore=ignore_vdis)


@api("VM.checkpoint")
async def checkpoint(ctx, vm, new_name):
    """A snapshot with the memory image: Suspended, while the source keeps running."""
    db = ctx.db
    live = db.require("VM", vm)["power_state"] in ("Running", "Paused")
    snap = await _copy(ctx, vm, "checkpoint", "snapshot", new_name)
    image = db.get("VM", vm)["suspend_VDI"]
    if live:
        image = vmstate.create_suspend_vdi(db, vm)
    elif db.exists("VDI", image):
        image = vmcopy.copy_vdi(db, image, "snapshot")
    db.update("VM", snap, {"power_state": "Suspended", "suspend_VDI": image})
    vmrules.update(db, snap)
    return snap


@api("VM.clone")
async def clone(ctx, vm, new_name):
    return await _copy(ctx, vm, "clone", "clone", new_name)


@api("VM.copy")
async def copy(ctx, vm, new_name, sr):
    db = ctx.db
    db.require("VM", vm)
    if not db.exists("SR", sr):
        sr = NULL  # XAPI: an SR that does not exist means "the disks' own SRs"
    elif db.get("SR", sr)["content_type"] == "iso":
        raise XapiFailure("OPERATION_NOT_ALLOWED", "Cannot copy a VM's disks to an ISO SR")
    return await _copy(ctx, vm, "copy", "copy", new_name, sr)


@api("VM.revert")
async def revert(ctx, snap):
    """The snapshot's VM takes the snapshot's configuration, disks and power state."""
    db = ctx.db
    rec = db.require("VM", snap)
    with vmrules.operation(db, snap, "revert", ctx.task):
        vm = rec["snapshot_of"]
        if not db.exists("VM", vm):
            vm = _vm_from_snapshot(db, snap)
        with vmrules.operation(db, vm, "reverting", ctx.task):
            await ctx.work(ctx.op_seconds("snapshot"), 5)
            if db.get("VM", vm)["power_state"] != "Halted":
                vmstate.drop_suspend_vdi(db, vm)
                vmstate.enter_halted(db, vm)
            _revert_into(db, snap, vm)


def _vm_from_snapshot(db, snap):
    """XAPI recreates the VM when the snapshot outlived it."""
    vm = vmcopy.duplicate(db, snap, db.get("VM", snap)["name_label"], "clone")
    db.update("VM", vm, {"is_a_template": False})
    for vbd in list(db.referrers("VM", "VBDs", vm)):
        vdi = db.get("VBD", vbd)["VDI"]
        db.destroy("VBD", vbd)
        if _own_disk(db, vdi):
            disks.remove(db, vdi)
    for vif in list(db.referrers("VM", "VIFs", vm)):
        db.destroy("VIF", vif)
    db.set("VM", snap, "snapshot_of", vm)
    return vm


def _revert_into(db, snap, vm):
    src = db.get("VM", snap)
    for vbd in sorted(db.referrers("VM", "VBDs", vm)):
        vdi = db.get("VBD", vbd)["VDI"]
        db.destroy("VBD", vbd)
        if _own_disk(db, vdi):
            disks.remove(db, vdi)  # XAPI frees the current disks before cloning the snapshot's
    for vif in sorted(db.referrers("VM", "VIFs", vm)):
        db.destroy("VIF", vif)
    db.update("VM", vm, {k: src[k] for k in REVERTED})
    vmcopy.copy_devices(db, snap, vm, "revert", NULL)
    if src["power_state"] == "Suspended":
        image = vmcopy.copy_vdi(db, src["suspend_VDI"], "revert")
        vmstate.enter_suspended(db, vm, image)
    vmrules.update(db, vm)


def _own_disk(db, vdi):
    rec = db.get("VDI", vdi)
    return (rec is not None and not rec["sharable"] and not rec["read_only"]
            and not db.referrers("VDI", "VBDs", vdi)
            and db.get("SR", rec["SR"]) is not None
            and db.get("SR", rec["SR"])["content_type"] != "iso")


@api("VM.destroy")
def destroy(ctx, vm):
    """Remove the VM and its devices but not its disks (XAPI leaves VDIs behind)."""
    db = ctx.db
    rec = db.require("VM", vm)
    vmrules.require(db, vm, "destroy")
    for child in sorted(db.referrers("VM", "children", vm)):
        db.set("VM", child, "parent", rec["parent"])
    for snap in sorted(db.referrers("VM", "snapshots", vm)):
        db.set("VM", snap, "snapshot_of", NULL)
    for cls, field in (("VBD", "VBDs"), ("VIF", "VIFs"), ("console", "consoles"),
                       ("VGPU", "VGPUs"), ("VUSB", "VUSBs"), ("crashdump", "crash_dumps")):
        for ref in list(db.referrers("VM", field, vm)):
            db.destroy(cls, ref)
    for ref in list(rec.get("VTPMs") or ()):    # a destroyed VM leaves no vTPM behind
        if db.exists("VTPM", ref):
            db.destroy("VTPM", ref)
    for cls, ref in (("VM_metrics", rec["metrics"]), ("VM_guest_metrics", rec["guest_metrics"])):
        if db.exists(cls, ref):
            db.destroy(cls, ref)
    rrd_sources.remove_rrd(db, rec["uuid"])     # xapi_vm.ml destroy: Rrdd.remove_rrd
    db.destroy("VM", vm)


@api("VM.set_is_a_template")
def set_is_a_template(ctx, vm, value):
    """true needs a Halted VM (make_into_template); false is "install time" in XAPI."""
    db = ctx.db
    rec = db.require("VM", vm)
    if value and not rec["is_a_template"]:
        vmrules.require(db, vm, "make_into_template")
    changes = {"is_a_template": value}
    if not value:
        changes["is_default_template"] = False
        if db.exists("VM_metrics", rec["metrics"]):
            db.set("VM_metrics", rec["metrics"], "install_time", now())
    db.update("VM", vm, changes)
    vmrules.update(db, vm)
