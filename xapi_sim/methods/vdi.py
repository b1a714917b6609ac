"""VDI messages: create, destroy, forget, resize (grow only), copy, clone and snapshot.

Each checks the SR operation first and then the VDI one, as XAPI's `with_sr_andor_vdi` does,
lays the disks out as the SR's driver does (xapi_sim/disks.py: VHD rounding, thin or thick
allocation, snapshot chains, space) and recomputes `allowed_operations`. Resize only grows
(FileSR/LVHDSR.resize: VDISize "shrinking not allowed") and only while no VBD has the disk
attached: none of the drivers offers VDI_RESIZE_ONLINE, so XAPI answers VDI_IN_USE for a disk of
a running VM. An ISO library's driver writes a new image file named after sm_config:path (ISOSR.vdi,
ISOVDI.create): on a read-only share that fails with VDICreate.
"""
import re

from .. import disks, sm, srstate
from ..errors import XapiFailure
from ..xtypes import now
from . import api
from .storage import NULL, Marked, require, sr_check, update_sr, update_vdi, vdi_check

ISO_NAME = re.compile(r"[a-z0-9.-]+\.(iso|img)", re.I)     # ISOSR.vdi_path_regex
MOUNT_BASE = "/var/run/sr-mount"


def _on_sr(ctx, sr, op):
    ctx.db.require("SR", sr)
    require(sr_check(ctx.db, sr, op))
    if not srstate.pbd_hosts(ctx.db, sr):
        raise XapiFailure("SR_HAS_NO_PBDS", sr)


@api("VDI.create")
def create(ctx, record):
    db = ctx.db
    sr = record["SR"]
    _on_sr(ctx, sr, "vdi_create")
    fields = {k: v for k, v in record.items() if k not in ("SR", "virtual_size")}
    fields.update(is_a_snapshot=False, snapshot_of=NULL, current_operations={},
                  virtual_size=max(0, record["virtual_size"]))
    if db.get("SR", sr)["type"] == "iso":
        vdi = _create_iso(ctx, sr, fields)
    else:
        vdi = disks.create(db, sr, fields)
    update_vdi(db, vdi)
    update_sr(db, sr)
    return vdi


def _create_iso(ctx, sr, fields):
    """ISOVDI.create: an empty image file, writable, named sm_config:path or <uuid>.img."""
    db = ctx.db
    uuid = db.new_uuid()
    name = fields.get("sm_config", {}).get("path") or "%s.img" % uuid
    if not ISO_NAME.match(name):
        raise sm.failure("VDICreate", 'Invalid path "%s"' % name)
    target = srstate.target(ctx.sim, sr)
    present = {db.get("VDI", v)["location"] for v in db.referrers("SR", "VDIs", sr)}
    if name in present or (target is not None and name in target.isos):
        raise sm.failure("VDIExists")
    if target is None or not target.writable:
        raise sm.failure("VDICreate", 'could not create file: "%s/%s/%s"'
                         % (MOUNT_BASE, db.get("SR", sr)["uuid"], name))
    sm_config = dict(fields.get("sm_config", {}), created=str(now()))
    return disks.create(db, sr, dict(fields, uuid=uuid, location=name, read_only=False,
                                     sm_config=sm_config), physical=0)


@api("VDI.destroy")
async def destroy(ctx, vdi):
    db = ctx.db
    rec = db.require("VDI", vdi)
    _on_sr(ctx, rec["SR"], "vdi_destroy")
    require(vdi_check(db, vdi, "destroy"))
    with Marked(db, "VDI", vdi, ctx.task, "destroy", update_vdi):
        await ctx.work(ctx.op_seconds("quick"), 2)
    ctx.sim.content.drop(rec["uuid"])
    disks.remove(db, vdi)
    update_sr(db, rec["SR"])


@api("VDI.forget")
def forget(ctx, vdi):
    """The record goes, the disk stays on the SR: the next SR.scan finds it again."""
    db = ctx.db
    rec = db.require("VDI", vdi)
    require(vdi_check(db, vdi, "forget"))
    stray = ctx.sim.storage.forgotten_vdis.setdefault(db.get("SR", rec["SR"])["uuid"], [])
    stray.append(dict(rec))
    disks.unlink(db, vdi)
    db.destroy("VDI", vdi)
    update_sr(db, rec["SR"])


@api("VDI.resize")
async def resize(ctx, vdi, size):
    db = ctx.db
    rec = db.require("VDI", vdi)
    _on_sr(ctx, rec["SR"], "vdi_resize")
    require(vdi_check(db, vdi, "resize"))
    if size < rec["virtual_size"]:
        raise sm.failure("VDISize", "shrinking not allowed")
    with Marked(db, "VDI", vdi, ctx.task, "resize", update_vdi):
        await ctx.work(ctx.op_seconds("quick"), 2)
        disks.resize(db, vdi, size)


@api("VDI.clone")
async def clone(ctx, vdi, driver_params):
    return await _duplicate(ctx, vdi, "clone", {})


@api("VDI.snapshot")
async def snapshot(ctx, vdi, driver_params):
    extra = {"is_a_snapshot": True, "snapshot_of": vdi, "snapshot_time": now()}
    return await _duplicate(ctx, vdi, "snapshot", extra)


async def _duplicate(ctx, vdi, op, extra):
    """Clone and snapshot stay on the VDI's SR and share its blocks (a VHD chain)."""
    db = ctx.db
    rec = db.require("VDI", vdi)
    _on_sr(ctx, rec["SR"], "vdi_" + op)
    require(vdi_check(db, vdi, op))
    with Marked(db, "VDI", vdi, ctx.task, op, update_vdi):
        await ctx.work(ctx.op_seconds(op), 3)
        new = disks.branch(db, vdi, dict(disks.metadata(db, vdi), **extra),
                           op == "snapshot")
    ctx.sim.content.copy(rec["uuid"], db.get("VDI", new)["uuid"])
    _refresh(db, new)
    return new


@api("VDI.copy")
async def copy(ctx, vdi, sr, base_vdi, into_vdi):
    db = ctx.db
    rec = db.require("VDI", vdi)
    for ref in (base_vdi, into_vdi):
        if ref != NULL:
            db.require("VDI", ref)
    target = db.get("VDI", into_vdi)["SR"] if into_vdi != NULL else sr
    _on_sr(ctx, target, "vdi_create")
    require(vdi_check(db, vdi, "copy"))
    if into_vdi != NULL:
        _assert_can_copy_into(db, into_vdi, rec["virtual_size"])
    with Marked(db, "VDI", vdi, ctx.task, "copy", update_vdi):
        await ctx.work(ctx.op_seconds("copy"), 5)
        new = into_vdi if into_vdi != NULL else disks.full_copy(db, vdi, target)
    ctx.sim.content.copy(rec["uuid"], db.get("VDI", new)["uuid"])
    _refresh(db, new)
    return new


def _assert_can_copy_into(db, into, size):
    rec = db.get("VDI", into)
    if rec["read_only"]:
        raise XapiFailure("VDI_READONLY", into)
    if rec["virtual_size"] < size:
        raise XapiFailure("VDI_TOO_SMALL", into, size)


def _refresh(db, new):
    update_vdi(db, new)
    update_sr(db, db.get("VDI", new)["SR"])
