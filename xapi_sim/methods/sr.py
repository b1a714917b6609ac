"""SR lifetime: create, introduce, scan, update, destroy, forget, supported types (xapi_sr.ml and
message_forwarding.ml's SR module).

SR.create makes the record and its PBDs (one per host when shared, the master's first; one for
`host` otherwise), has the driver create the SR (xapi_sim/smdrivers: its checks and errors; on
failure the records go again), then plugs every PBD; a PBD that cannot be plugged stays
unplugged and the SR is created all the same (Tasks.wait_for_all). SR.introduce only makes the
record (sizes -1 until a plug). Destroy needs every PBD unplugged and no managed VDI, erases the
SR from its storage and drops the records; forget keeps the storage as it is, so a probe still
finds the SR and SR.introduce + PBD.create + PBD.plug + SR.scan bring it back with its disks.
Pool fields naming a removed SR are left as they are (the database does not cascade).
"""
from .. import disks, sm, smdrivers, srstate
from ..errors import XapiFailure
from . import api
from .pbd import plug_all
from .storage import Marked, require, sr_check, update_sr

NULL = "OpaqueRef:NULL"


def _new_record(db, uuid, name_label, name_description, sr_type, content_type, shared,
                sm_config):
    if db.find_by_uuid("SR", uuid):
        raise XapiFailure("SR_UUID_EXISTS", uuid)
    return db.create("SR", {
        "uuid": uuid, "name_label": name_label, "name_description": name_description,
        "type": sr_type, "content_type": content_type, "shared": shared,
        "sm_config": sm_config, "physical_size": -1, "physical_utilisation": -1,
        "virtual_allocation": 0})


def _create_pbds(ctx, sr, host, shared, device_config):
    db = ctx.db
    master = ctx.sim.master_ref()
    hosts = [master] + sorted(h for h in db.all("host") if h != master) if shared else [host]
    return [db.create("PBD", {"host": h, "SR": sr, "device_config": device_config,
                              "currently_attached": False}) for h in hosts]


@api("SR.create")
async def create(ctx, host, device_config, physical_size, name_label, name_description,
                 sr_type, content_type, shared, sm_config):
    db = ctx.db
    db.require("host", host)
    driver = smdrivers.driver(sr_type)
    if driver is None:
        raise XapiFailure("SR_UNKNOWN_DRIVER", sr_type)
    uuid = db.new_uuid()
    sr = _new_record(db, uuid, name_label, name_description, sr_type, content_type, shared,
                     sm_config)
    pbds = _create_pbds(ctx, sr, host, shared, device_config)
    where = ctx.sim.master_ref() if shared else host
    try:
        target = driver.create(srstate.env(ctx.sim, where), device_config, uuid)
    except XapiFailure:
        for pbd in pbds:
            db.destroy("PBD", pbd)
        db.destroy("SR", sr)
        raise
    smdrivers.stored(db, ctx.sim.storage, target.location, uuid, sr_type)
    db.update("SR", sr, {"sm_config": dict(sm_config, **_sm_additions(sr_type, device_config)),
                         "physical_size": target.size, "physical_utilisation": target.used})
    await ctx.work(ctx.op_seconds(), 3)
    await plug_all(ctx, pbds)
    srstate.recount(ctx.sim, sr)
    update_sr(db, sr)
    return sr


def _sm_additions(sr_type, device_config):
    """What the driver writes into a new SR's sm_config (LVHDSR.create, ISOSR.create)."""
    if sm.DRIVERS[sr_type].kind == "lvm":
        return {"use_vhd": "true", "allocation": "thick"}
    if sr_type == "iso" and "type" in device_config:
        return {"iso_type": device_config["type"]}
    return {}


@api("SR.introduce")
def introduce(ctx, uuid, name_label, name_description, sr_type, content_type, shared,
              sm_config):
    sr = _new_record(ctx.db, uuid or ctx.db.new_uuid(), name_label, name_description,
                     sr_type.lower(), content_type, shared, sm_config)
    update_sr(ctx.db, sr)
    return sr


@api("SR.scan")
async def scan(ctx, sr):
    await _refresh(ctx, sr, "scan", srstate.scan)


@api("SR.update")
async def update(ctx, sr):
    await _refresh(ctx, sr, "update", srstate.recount)


async def _refresh(ctx, sr, op, action):
    """Scan/update read the SR from its driver on a host with a plugged PBD."""
    db = ctx.db
    db.require("SR", sr)
    require(sr_check(db, sr, op))
    if not srstate.pbd_hosts(db, sr):
        raise XapiFailure("SR_HAS_NO_PBDS", sr)
    with Marked(db, "SR", sr, ctx.task, op, update_sr):
        await ctx.work(ctx.op_seconds("quick"), 2)
        action(ctx.sim, sr)
    db.touch("SR", sr)


@api("SR.destroy")
async def destroy(ctx, sr):
    db = ctx.db
    rec = db.require("SR", sr)
    require(sr_check(db, sr, "destroy"))
    with Marked(db, "SR", sr, ctx.task, "destroy", update_sr):
        _reach_for_destroy(ctx, sr)
        await ctx.work(ctx.op_seconds(), 3)
    for vdi in db.referrers("SR", "VDIs", sr):
        ctx.sim.content.drop(db.get("VDI", vdi)["uuid"])
    smdrivers.erased(db, ctx.sim.storage, rec["uuid"])
    _drop(db, sr)


def _reach_for_destroy(ctx, sr):
    """The driver attaches the SR (on a host with a PBD, plugged or not) to delete it."""
    db = ctx.db
    rec = db.get("SR", sr)
    driver = smdrivers.driver(rec["type"])
    pbds = sorted(db.referrers("SR", "PBDs", sr))
    if driver is None or not pbds:
        return
    pbd = db.get("PBD", pbds[0])
    driver.attach(srstate.env(ctx.sim, pbd["host"]), pbd["device_config"], rec["uuid"])


@api("SR.forget")
def forget(ctx, sr):
    db = ctx.db
    rec = db.require("SR", sr)
    require(sr_check(db, sr, "forget"))
    location = smdrivers.location_of(db, ctx.sim.storage, sr)
    if location is not None:
        vdis = [dict(db.get("VDI", v)) for v in sorted(db.referrers("SR", "VDIs", sr))]
        ctx.sim.storage.forget(rec["uuid"], rec["type"], location, rec["physical_size"],
                               rec["name_label"], vdis)
    _drop(db, sr)


def _drop(db, sr):
    """Xapi_sr.really_forget: the PBD, VDI and SR records go (their VBDs as disks.unlink says)."""
    suspended = {}
    for vm in db.all("VM"):
        image = db.get("VM", vm)["suspend_VDI"]
        if image != NULL:
            suspended.setdefault(image, []).append(vm)
    for vdi in sorted(db.referrers("SR", "VDIs", sr)):
        disks.unlink(db, vdi, suspended)
        db.destroy("VDI", vdi)
    for pbd in sorted(db.referrers("SR", "PBDs", sr)):
        db.destroy("PBD", pbd)
    db.destroy("SR", sr)


@api("SR.get_supported_types")
def get_supported_types(ctx):
    return sorted(sm.DRIVERS)
