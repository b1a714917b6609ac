"""VDI messages: create, destroy, forget, resize (grow only), copy, clone and snapshot.

Each checks the SR operation first and then the VDI one, as XAPI's `with_sr_andor_vdi` does, keeps
the SR's `virtual_allocation` / `physical_utilisation` in step (thin SRs allocate on write, LVM at
once), and recomputes `allowed_operations`.
"""
from ..errors import XapiFailure
from ..xtypes import now
from . import api, storage
from .sr import forget_vdi
from .storage import NULL, Marked, require, sr_check, update_sr, update_vdi, vdi_check

# Fields a new VDI never takes from the one it is made from.
FRESH = {"uuid", "allowed_operations", "current_operations", "is_a_snapshot", "snapshot_of",
         "snapshot_time", "location", "SR", "physical_utilisation", "cbt_enabled"}


def _on_sr(ctx, sr, op):
    ctx.db.require("SR", sr)
    require(sr_check(ctx.db, sr, op))
    if not storage.plugged_pbds(ctx.db, sr):
        raise XapiFailure("SR_HAS_NO_PBDS", sr)


def _allocated(db, sr, size):
    """Bytes a fresh VDI of `size` occupies: nothing yet on thin SRs, all of it on LVM."""
    found = storage.driver(db, sr)
    return 0 if found is None or found.thin else size


@api("VDI.create")
def create(ctx, record):
    db = ctx.db
    sr = record["SR"]
    _on_sr(ctx, sr, "vdi_create")
    size = max(0, record["virtual_size"])
    storage.assert_space(db, sr, _allocated(db, sr, size))
    fields = dict(record, virtual_size=size, location=db.new_uuid(), managed=True,
                  physical_utilisation=_allocated(db, sr, size), is_a_snapshot=False,
                  snapshot_of=NULL, current_operations={})
    if not record.get("sm_config") and db.get("SR", sr)["type"] in ("ext", "nfs", "lvm"):
        fields["sm_config"] = {"vdi_type": "vhd"}
    vdi = db.create("VDI", fields)
    storage.account(db, sr, size, fields["physical_utilisation"])
    update_vdi(db, vdi)
    update_sr(db, sr)
    return vdi


@api("VDI.destroy")
async def destroy(ctx, vdi):
    db = ctx.db
    rec = db.require("VDI", vdi)
    _on_sr(ctx, rec["SR"], "vdi_destroy")
    require(vdi_check(db, vdi, "destroy"))
    with Marked(db, "VDI", vdi, ctx.task, "destroy", update_vdi):
        await ctx.work(ctx.op_seconds("quick"), 2)
    _forget(db, vdi)


@api("VDI.forget")
def forget(ctx, vdi):
    ctx.db.require("VDI", vdi)
    require(vdi_check(ctx.db, vdi, "forget"))
    _forget(ctx.db, vdi)


def _forget(db, vdi):
    rec = db.get("VDI", vdi)
    forget_vdi(db, vdi)
    storage.account(db, rec["SR"], -rec["virtual_size"], -rec["physical_utilisation"])
    update_sr(db, rec["SR"])


@api("VDI.resize")
async def resize(ctx, vdi, size):
    db = ctx.db
    rec = db.require("VDI", vdi)
    _on_sr(ctx, rec["SR"], "vdi_resize")
    require(vdi_check(db, vdi, "resize"))
    if size < rec["virtual_size"]:
        raise XapiFailure("SR_BACKEND_FAILURE_79", "",
                          "VDI Invalid size [opterr=shrinking not allowed]", "")
    grow = size - rec["virtual_size"]
    storage.assert_space(db, rec["SR"], _allocated(db, rec["SR"], grow))
    with Marked(db, "VDI", vdi, ctx.task, "resize", update_vdi):
        await ctx.work(ctx.op_seconds("quick"), 2)
    physical = _allocated(db, rec["SR"], grow)
    db.update("VDI", vdi, {"virtual_size": size,
                           "physical_utilisation": rec["physical_utilisation"] + physical})
    storage.account(db, rec["SR"], grow, physical)


@api("VDI.clone")
async def clone(ctx, vdi, driver_params):
    return await _duplicate(ctx, vdi, "clone", {})


@api("VDI.snapshot")
async def snapshot(ctx, vdi, driver_params):
    extra = {"is_a_snapshot": True, "snapshot_of": vdi, "snapshot_time": now()}
    return await _duplicate(ctx, vdi, "snapshot", extra)


async def _duplicate(ctx, vdi, op, extra):
    """Clone and snapshot stay on the VDI's SR and share its blocks (a VHD child)."""
    db = ctx.db
    rec = db.require("VDI", vdi)
    _on_sr(ctx, rec["SR"], "vdi_" + op)
    require(vdi_check(db, vdi, op))
    with Marked(db, "VDI", vdi, ctx.task, op, update_vdi):
        await ctx.work(ctx.op_seconds(op), 3)
    return new_from(db, vdi, rec["SR"], dict(extra, physical_utilisation=0))


@api("VDI.copy")
async def copy(ctx, vdi, sr, base_vdi, into_vdi):
    db = ctx.db
    rec = db.require("VDI", vdi)
    for cls, ref in (("VDI", base_vdi), ("VDI", into_vdi)):
        if ref != NULL:
            db.require(cls, ref)
    target = db.get("VDI", into_vdi)["SR"] if into_vdi != NULL else sr
    _on_sr(ctx, target, "vdi_create")
    require(vdi_check(db, vdi, "copy"))
    used = max(rec["physical_utilisation"], _allocated(db, target, rec["virtual_size"]))
    if into_vdi != NULL:
        _assert_can_copy_into(db, into_vdi, rec["virtual_size"])
    else:
        storage.assert_space(db, target, used)
    with Marked(db, "VDI", vdi, ctx.task, "copy", update_vdi):
        await ctx.work(ctx.op_seconds("copy"), 5)
    if into_vdi != NULL:
        return into_vdi
    return new_from(db, vdi, target, {"physical_utilisation": used, "read_only": False})


def _assert_can_copy_into(db, into, size):
    rec = db.get("VDI", into)
    if rec["read_only"]:
        raise XapiFailure("VDI_READONLY", into)
    if rec["virtual_size"] < size:
        raise XapiFailure("VDI_TOO_SMALL", into, size)


def new_from(db, vdi, sr, changes):
    """A new VDI on `sr` with the metadata of `vdi`, plus `changes`."""
    src = db.get("VDI", vdi)
    fields = {k: v for k, v in src.items() if k not in FRESH}
    fields.update(SR=sr, location=db.new_uuid(), is_a_snapshot=False, snapshot_of=NULL)
    fields.update(changes)
    new = db.create("VDI", fields)
    storage.account(db, sr, fields["virtual_size"], fields["physical_utilisation"])
    update_vdi(db, new)
    update_sr(db, sr)
    return new
