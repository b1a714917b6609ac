"""What the SM drivers do against the simulated storage (xapi_sim/backends.py), per SR type.

Each driver class answers three questions the way XCP-ng's drivers do (github.com/xcp-ng/sm):
`probe(env, dconf)` -> the XML string sr_probe prints, or the driver's error; `create(env, dconf,
uuid)` -> the Target a new SR gets, after the checks sr_create makes; `attach(env, dconf, uuid)`
-> the Target a PBD.plug reaches, after sr_attach's checks. A Target says where an SR lives
(`location`, a key two SRs share when they are on the same export or device), its size and the
space used there by anything but its own disks.
"""
from .. import sm
from ..errors import XapiFailure
from . import local, remote
from .common import NOT_PROBED, Target


class Env:
    """The host a driver runs on, the database and the storage it can reach."""

    def __init__(self, db, storage, host):
        self.db, self.storage, self.host = db, storage, host
        self.address = db.get("host", host)["address"]

    def srs_at(self, location, sr_type):
        """UUIDs of the SRs of `sr_type` stored at `location` (in the database or forgotten)."""
        here = sr_dirs(self.db, self.storage).get(location, {})
        return sorted(u for u, t in here.items() if t == sr_type)


class Udev:
    """Removable devices: XAPI creates these SRs itself; nothing to check."""

    @staticmethod
    def create(env, dconf, uuid):
        return Target(("udev", env.address, uuid), 0, 0)

    attach = create

    @staticmethod
    def location(storage, dconf, address):
        return None


DRIVERS = {"nfs": remote.Nfs, "smb": remote.Smb, "iso": remote.Iso, "ext": local.Ext,
           "lvm": local.Lvm, "udev": Udev}


def driver(sr_type):
    return DRIVERS.get(sr_type)


def probe(env, sr_type, dconf):
    found = DRIVERS.get(sr_type)
    if found is None or "SR_PROBE" not in sm.DRIVERS[sr_type].caps:
        raise sm_unsupported()
    return found.probe(env, dconf)


def sm_unsupported():
    return XapiFailure("SR_BACKEND_FAILURE", NOT_PROBED, "", "")


def location_of(db, storage, sr):
    """Where an SR lives, from its type and the device_config of one of its PBDs."""
    rec = db.get("SR", sr)
    found = DRIVERS.get(rec["type"]) if rec else None
    if found is None:
        return None
    for pbd in sorted(db.referrers("SR", "PBDs", sr)):
        pbd_rec = db.get("PBD", pbd)
        host = db.get("host", pbd_rec["host"])
        if host is not None:
            return found.location(storage, pbd_rec["device_config"], host["address"])
    forgotten = storage.forgotten.get(rec["uuid"])
    return forgotten.location if forgotten else None


def sr_dirs(db, storage):
    """{location: {uuid: type}} of the SRs on the storage, first taken from the database (the
    inventory, or a reloaded state) and the storage's own forgotten SRs, then kept up to date by
    SR.create / SR.destroy."""
    if storage.sr_dirs is None:
        storage.sr_dirs = {}
        for uuid, forgotten in storage.forgotten.items():
            storage.sr_dirs.setdefault(forgotten.location, {})[uuid] = forgotten.sr_type
        for sr in db.all("SR"):
            rec = db.get("SR", sr)
            location = location_of(db, storage, sr)
            if location is not None:
                storage.sr_dirs.setdefault(location, {})[rec["uuid"]] = rec["type"]
    return storage.sr_dirs


def stored(db, storage, location, uuid, sr_type):
    """An SR now exists on the storage (SR.create)."""
    sr_dirs(db, storage).setdefault(location, {})[uuid] = sr_type


def erased(db, storage, uuid):
    """An SR and its disks are gone from the storage (SR.destroy)."""
    for here in sr_dirs(db, storage).values():
        here.pop(uuid, None)
    storage.drop(uuid)
