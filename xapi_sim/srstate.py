"""An SR as its storage sees it: the driver's view from a host, totals recomputed from the storage.

`target(sim, sr)` asks the SR's driver what a plugged PBD reaches (size, space used by anything
but the SR's disks, writability, ISO files); `recount(sim, sr)` sets physical_size,
physical_utilisation and virtual_allocation from it and from the disks, as SR.update / SR.scan
do with the driver's stat (xapi_sr.ml update, FileSR/LVHDSR scan). Between those, xapi_sim/disks.py
keeps the totals in step with every disk operation.
"""
from . import disks, smdrivers
from .errors import XapiFailure
from .methods import storage
from .xtypes import now

NULL = "OpaqueRef:NULL"


def env(sim, host):
    return smdrivers.Env(sim.db, sim.storage, host)


def pbd_hosts(db, sr, plugged_only=True):
    """Hosts of the SR's PBDs (plugged ones only by default), the master first."""
    master = db.get("pool", db.all("pool")[0])["master"] if db.all("pool") else NULL
    hosts = [db.get("PBD", p)["host"] for p in sorted(db.referrers("SR", "PBDs", sr))
             if db.get("PBD", p)["currently_attached"] or not plugged_only]
    return sorted(hosts, key=lambda h: (h != master, h))


def target(sim, sr, host=None):
    """The driver's Target for the SR from `host` (else from a host with a plugged PBD), or None
    when nothing can reach it."""
    db = sim.db
    rec = db.get("SR", sr)
    driver = smdrivers.driver(rec["type"])
    hosts = [host] if host else pbd_hosts(db, sr)
    for candidate in hosts:
        pbd = _pbd_of(db, sr, candidate)
        if driver is None or pbd is None:
            continue
        try:
            return driver.attach(env(sim, candidate), db.get("PBD", pbd)["device_config"],
                                 rec["uuid"])
        except XapiFailure:     # a host that cannot reach the storage has no view of it
            continue
    return None


def _pbd_of(db, sr, host):
    for pbd in db.referrers("SR", "PBDs", sr):
        if db.get("PBD", pbd)["host"] == host:
            return pbd
    return None


def recount(sim, sr, found=None):
    """physical_size and totals from the storage (`found`: a Target already known)."""
    db = sim.db
    rec = db.get("SR", sr)
    found = found or target(sim, sr)
    if found is None:
        return
    vdis = [db.get("VDI", v) for v in db.referrers("SR", "VDIs", sr)]
    stray = [v for v in waiting_vdis(sim, sr) if not db.find_by_uuid("VDI", v["uuid"])]
    listed = {v["location"] for v in vdis}
    images = sum(size for name, size in found.isos.items() if name not in listed)
    physical = found.used + images + sum(v["physical_utilisation"] for v in vdis + stray)
    if rec["type"] == "iso":
        virtual = found.size
    else:
        virtual = sum(v["virtual_size"] for v in vdis if v["managed"]) + sum(
            v["virtual_size"] for v in stray)
    db.update("SR", sr, {"physical_size": found.size, "physical_utilisation": physical,
                         "virtual_allocation": virtual})


def waiting_vdis(sim, sr):
    """Disks on the SR's storage without a record: its forgotten self's, forgotten VDIs."""
    uuid = sim.db.get("SR", sr)["uuid"]
    forgotten = sim.storage.forgotten.get(uuid)
    return (list(forgotten.vdis) if forgotten else []) + sim.storage.forgotten_vdis.get(uuid, [])


def scan(sim, sr):
    """SR.scan: disks found on the storage get records again (file SRs keep no names); ISO
    libraries list their image files."""
    db = sim.db
    rec = db.get("SR", sr)
    found = target(sim, sr)
    keeps_names = disks.driver(db, sr) is not None and disks.driver(db, sr).kind == "lvm"
    for vdi in waiting_vdis(sim, sr):
        if db.find_by_uuid("VDI", vdi["uuid"]) is None:
            _reintroduce(db, sr, vdi, keeps_names)
    forgotten = sim.storage.forgotten.get(rec["uuid"])
    if forgotten is not None:
        forgotten.vdis = []
    sim.storage.forgotten_vdis.pop(rec["uuid"], None)
    if found is not None and rec["type"] == "iso":
        _scan_isos(db, sr, found)
    recount(sim, sr, found)


def _reintroduce(db, sr, vdi, keeps_names):
    """A disk found on the storage gets a record again (SR.ScanRecord.synchronise_new)."""
    fields = {k: v for k, v in vdi.items()
              if k not in ("allowed_operations", "current_operations", "SR")}
    fields.setdefault("location", vdi["uuid"])
    fields.setdefault("managed", True)
    if not db.exists("VDI", fields.get("snapshot_of", NULL)):
        fields["snapshot_of"] = NULL
    if fields.get("managed", True) and not keeps_names:
        fields.update(name_label="", name_description="")
    new = db.create("VDI", dict(fields, SR=sr))
    storage.update_vdi(db, new)


def _scan_isos(db, sr, found):
    present = {db.get("VDI", v)["location"] for v in db.referrers("SR", "VDIs", sr)}
    for name, size in sorted(found.isos.items()):
        if name not in present:
            new = db.create("VDI", {"name_label": name, "SR": sr, "virtual_size": size,
                              "physical_utilisation": size, "type": "user", "read_only": True,
                              "location": name, "managed": True,
                              "sm_config": {"created": str(now())}})
            storage.update_vdi(db, new)
