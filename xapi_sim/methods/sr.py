"""SR and PBD messages: create, scan, update, destroy, forget, supported types, PBD plug/unplug.

No real storage: an SR is its record, a PBD per host that can reach it (every host when shared),
plugged at creation as XAPI does. Destroy needs every PBD unplugged and no managed VDI left
(`SR_HAS_PBD`, `SR_NOT_EMPTY`); forget only needs the PBDs unplugged and drops the VDI records.
"""
from ..errors import XapiFailure
from . import api, storage
from .storage import NULL, Marked, require, sr_check, update_sr

# Pool fields that name an SR; cleared when that SR goes away so no reference dangles.
POOL_SR_FIELDS = ("default_SR", "suspend_image_SR", "crash_dump_SR")


@api("SR.create")
async def create(ctx, host, device_config, physical_size, name_label, name_description,
                 sr_type, content_type, shared, sm_config):
    db = ctx.db
    db.require("host", host)
    found = storage.DRIVERS.get(sr_type)
    if found is None:
        raise XapiFailure("SR_UNKNOWN_DRIVER", sr_type)
    await ctx.work(ctx.op_seconds(), 3)
    sr = db.create("SR", {
        "name_label": name_label, "name_description": name_description, "type": sr_type,
        "content_type": content_type or found.content, "shared": shared,
        "physical_size": physical_size if physical_size > 0 else found.size,
        "sm_config": sm_config})
    hosts = db.all("host") if shared else [host]
    for member in sorted(hosts):
        db.create("PBD", {"host": member, "SR": sr, "device_config": device_config,
                          "currently_attached": True})
    update_sr(db, sr)
    return sr


@api("SR.scan")
async def scan(ctx, sr):
    await _refresh(ctx, sr, "scan")


@api("SR.update")
async def update(ctx, sr):
    await _refresh(ctx, sr, "update")


async def _refresh(ctx, sr, op):
    """Scan/update re-read the SR from its driver: the record is written again (a `mod` event)."""
    db = ctx.db
    db.require("SR", sr)
    require(sr_check(db, sr, op))
    if not storage.plugged_pbds(db, sr):
        raise XapiFailure("SR_HAS_NO_PBDS", sr)
    with Marked(db, "SR", sr, ctx.task, op, update_sr):
        await ctx.work(ctx.op_seconds("quick"), 2)
    db.touch("SR", sr)


@api("SR.destroy")
async def destroy(ctx, sr):
    db = ctx.db
    db.require("SR", sr)
    require(sr_check(db, sr, "destroy"))
    with Marked(db, "SR", sr, ctx.task, "destroy", update_sr):
        await ctx.work(ctx.op_seconds(), 3)
    _drop(db, sr)


@api("SR.forget")
def forget(ctx, sr):
    db = ctx.db
    db.require("SR", sr)
    require(sr_check(db, sr, "forget"))
    _drop(db, sr)


def _drop(db, sr):
    for vdi in sorted(db.referrers("SR", "VDIs", sr)):
        forget_vdi(db, vdi)
    for pbd in sorted(db.referrers("SR", "PBDs", sr)):
        db.destroy("PBD", pbd)
    for pool in db.all("pool"):
        stale = {f: NULL for f in POOL_SR_FIELDS if db.get("pool", pool)[f] == sr}
        if stale:
            db.update("pool", pool, stale)
    db.destroy("SR", sr)


def forget_vdi(db, vdi):
    """Drop a VDI record: CD drives holding it become empty, other VBDs of it go too."""
    for vbd in sorted(db.referrers("VDI", "VBDs", vdi)):
        if db.get("VBD", vbd)["type"] == "CD":
            db.update("VBD", vbd, {"VDI": NULL, "empty": True})
        else:
            db.destroy("VBD", vbd)
    for vm in db.find("VM", suspend_VDI=vdi):
        db.set("VM", vm, "suspend_VDI", NULL)
    db.destroy("VDI", vdi)


@api("SR.get_supported_types")
def get_supported_types(ctx):
    return sorted(storage.DRIVERS)


@api("PBD.plug")
async def pbd_plug(ctx, pbd):
    rec = ctx.db.require("PBD", pbd)
    if ctx.db.get("SR", rec["SR"])["type"] not in storage.DRIVERS:
        raise XapiFailure("SR_UNKNOWN_DRIVER", ctx.db.get("SR", rec["SR"])["type"])
    if not rec["currently_attached"]:
        await ctx.work(ctx.op_seconds("quick"), 2)
        _set_attached(ctx.db, pbd, True)


@api("PBD.unplug")
async def pbd_unplug(ctx, pbd):
    rec = ctx.db.require("PBD", pbd)
    in_use = vdis_in_use(ctx.db, rec["SR"], rec["host"])
    if in_use:
        raise XapiFailure("VDI_IN_USE", *in_use)
    if rec["currently_attached"]:
        await ctx.work(ctx.op_seconds("quick"), 2)
        _set_attached(ctx.db, pbd, False)


def _set_attached(db, pbd, value):
    db.set("PBD", pbd, "currently_attached", value)
    sr = db.get("PBD", pbd)["SR"]
    update_sr(db, sr)
    for vdi in db.referrers("SR", "VDIs", sr):
        storage.update_vdi(db, vdi)


def vdis_in_use(db, sr, host):
    """VDIs of `sr` attached to a VM running on `host` (xapi_pbd.get_active_vdis_by_pbd)."""
    out = []
    for vdi in sorted(db.referrers("SR", "VDIs", sr)):
        for vbd in storage.active_vbds(db, vdi):
            if db.get("VM", db.get("VBD", vbd)["VM"])["resident_on"] == host:
                out.append(vdi)
                break
    return out
