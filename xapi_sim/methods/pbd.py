"""PBD messages: create, destroy, plug, unplug (xapi_pbd.ml, message_forwarding.ml's PBD module).

A plug runs the SR driver's attach on the PBD's host (xapi_sim/smdrivers: a server that host
cannot reach, a path no longer exported, a missing volume group fail with the driver's
SR_BACKEND_FAILURE_*); a non-shared SR cannot be plugged on a second host (SR_NOT_SHARABLE);
plugging the master's PBD refreshes the SR's sizes (Xapi_sr.update). An unplug is refused while a
VM running on that host uses one of the SR's disks (VDI_IN_USE with the disks) or a disk of the
SR is busy (OTHER_OPERATION_IN_PROGRESS).
"""
from .. import smdrivers, srstate
from ..errors import XapiFailure
from . import api, storage
from .storage import Marked, require, sr_check, update_sr


@api("PBD.create")
def create(ctx, record):
    db = ctx.db
    sr, host = record["SR"], record["host"]
    db.require("SR", sr)
    db.require("host", host)
    for pbd in db.referrers("SR", "PBDs", sr):
        if db.get("PBD", pbd)["host"] == host:
            raise XapiFailure("PBD_EXISTS", sr, host, pbd)
    if "SRmaster" in record["device_config"]:
        raise XapiFailure("VALUE_NOT_SUPPORTED", "SRmaster", record["device_config"]["SRmaster"],
                          "This key is for internal use only")
    require(sr_check(db, sr, "pbd_create"))
    pbd = db.create("PBD", {"host": host, "SR": sr, "device_config": record["device_config"],
                            "other_config": record.get("other_config", {}),
                            "currently_attached": False})
    update_sr(db, sr)
    return pbd


@api("PBD.destroy")
def destroy(ctx, pbd):
    db = ctx.db
    rec = db.require("PBD", pbd)
    require(sr_check(db, rec["SR"], "pbd_destroy"))
    if rec["currently_attached"]:
        raise XapiFailure("OPERATION_NOT_ALLOWED", "PBD is currently attached")
    db.destroy("PBD", pbd)
    update_sr(db, rec["SR"])


@api("PBD.plug")
async def plug(ctx, pbd):
    db = ctx.db
    rec = db.require("PBD", pbd)
    sr = rec["SR"]
    sr_rec = db.get("SR", sr)
    driver = smdrivers.driver(sr_rec["type"])
    if driver is None:
        raise XapiFailure("SR_UNKNOWN_DRIVER", sr_rec["type"])
    require(sr_check(db, sr, "plug"))
    if rec["currently_attached"]:
        return
    with Marked(db, "SR", sr, ctx.task, "plug", update_sr):
        _assert_sharable(db, sr, rec["host"])
        target = driver.attach(srstate.env(ctx.sim, rec["host"]), rec["device_config"],
                               sr_rec["uuid"])
        await ctx.work(ctx.op_seconds("quick"), 2)
        _set_attached(db, pbd, True)
    if rec["host"] == ctx.sim.master_ref():
        srstate.recount(ctx.sim, sr, target)


def _assert_sharable(db, sr, host):
    """xapi_pbd.check_sharing_constraint: a local SR is plugged on one host at a time."""
    if db.get("SR", sr)["shared"]:
        return
    for other in sorted(db.referrers("SR", "PBDs", sr)):
        rec = db.get("PBD", other)
        if rec["currently_attached"] and rec["host"] != host:
            raise XapiFailure("SR_NOT_SHARABLE", sr, rec["host"])


async def plug_all(ctx, pbds):
    """Plug each PBD as SR.create does (failures leave that PBD unplugged)."""
    for pbd in pbds:
        try:
            await plug(ctx, pbd)
        except XapiFailure:
            pass


@api("PBD.unplug")
async def unplug(ctx, pbd):
    db = ctx.db
    rec = db.require("PBD", pbd)
    sr = rec["SR"]
    for vdi in sorted(db.referrers("SR", "VDIs", sr)):
        busy = sorted(db.get("VDI", vdi)["current_operations"].items())
        if busy:
            raise XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VDI", vdi, busy[0][1], busy[0][0])
    require(sr_check(db, sr, "unplug"))
    if not rec["currently_attached"]:
        return
    in_use = vdis_in_use(db, sr, rec["host"])
    if in_use:
        raise XapiFailure("VDI_IN_USE", *in_use)
    with Marked(db, "SR", sr, ctx.task, "unplug", update_sr):
        await ctx.work(ctx.op_seconds("quick"), 2)
        _set_attached(db, pbd, False)


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
