"""SRs on a host's block devices: EXT (EXTSR.py) and LVM (LVHDSR.py), with lvutil.py's probe.

`device` is required (SR.deviceCheck: ConfigDeviceMissing); a create refuses a device another
SR of this host uses (util.test_hostPBD_devs: SRInUse, which XAPI reports as SR_DEVICE_IN_USE),
the system disk (lvutil.createVG: Rootdev), a path that does not exist (InvalidDev) and a device
the kernel holds (mounted, swap, another volume group active on it: lvutil._openExclusive's
SRInUse "Device … in use", which XAPI also reports as SR_DEVICE_IN_USE). A probe
lists the volume groups of the type's prefix found on the given devices with their size.
"""
from .. import sm
from .common import Target, sr_list

MiB = 1024 ** 2
PREFIX = {"ext": "XSLocalEXT-", "lvm": "VG_XenStorage-"}    # constants.py, lvhdutil.py
ROOT_DEVICES = ("/dev/sda", "/dev/sda1", "/dev/sda2")         # the installation's system disk
PV_METADATA = 12 * MiB
EXTENT = 4 * MiB


def vg_size(device_size):
    """A volume group's size on a whole device: the device minus LVM metadata, in extents."""
    return max(0, (device_size - PV_METADATA) // EXTENT * EXTENT)


def canonical(storage, address, path):
    """One name per disk: the local SR's by-id path is /dev/sda3."""
    devices = storage.devices(address)
    if path.endswith("-part3") and path in devices:
        return "/dev/sda3"
    return path


def _devices(dconf):
    if not dconf.get("device"):
        raise sm.failure("ConfigDeviceMissing")
    return [d.strip() for d in dconf["device"].split(",") if d.strip()]


class Local:
    sr_type = None

    @classmethod
    def location(cls, storage, dconf, address):
        paths = [canonical(storage, address, p)
                 for p in (dconf.get("device") or "").split(",") if p.strip()]
        return ("dev", address, ",".join(paths))

    @classmethod
    def probe(cls, env, dconf):
        found = []
        for path in _devices(dconf):
            device = env.storage.device(env.address, path)
            if device is None:
                continue        # lvutil.scan_srlist ignores what it cannot read
            location = ("dev", env.address, canonical(env.storage, env.address, path))
            found += [(u, path, vg_size(device.size)) for u in env.srs_at(location, cls.sr_type)]
        sizes = {u: (path, size) for u, path, size in found}
        return sr_list([u for u, _p, _s in found],
                       lambda u: [("Devlist", sizes[u][0]), ("size", sizes[u][1])])

    @classmethod
    def create(cls, env, dconf, uuid):
        paths = _devices(dconf)
        if _in_use(env, paths, uuid):
            raise sm.failure("SRInUse")
        size = 0
        for path in paths:
            if path in ROOT_DEVICES:
                raise sm.failure("Rootdev", "Device %s contains core system files, please use "
                                            "another device" % path)
            device = env.storage.device(env.address, path)
            if device is None:
                raise sm.failure("InvalidDev", "Device %s does not exist" % path)
            if _held(env, path):
                raise sm.failure("SRInUse", "Device %s in use, please check your existing SRs "
                                            "for an instance of this device" % path)
            size += vg_size(device.size)
        return cls.target(env.storage, dconf, env.address, size)

    @classmethod
    def attach(cls, env, dconf, uuid):
        paths = _devices(dconf)
        location = cls.location(env.storage, dconf, env.address)
        devices = [env.storage.device(env.address, p) for p in paths]
        if None in devices or uuid not in env.srs_at(location, cls.sr_type):
            raise sm.failure("SRUnavailable", "no such volume group: %s%s"
                             % (PREFIX[cls.sr_type], uuid))
        return cls.target(env.storage, dconf, env.address,
                          sum(vg_size(d.size) for d in devices))

    @classmethod
    def target(cls, storage, dconf, address, size):
        return Target(cls.location(storage, dconf, address), size, cls.overhead(size))

    @staticmethod
    def overhead(size):
        return 4 * MiB          # the SR's metadata volume (MGT)


class Ext(Local):
    sr_type = "ext"

    @staticmethod
    def overhead(size):
        return size // 64       # the ext4 filesystem's own structures and journal


class Lvm(Local):
    sr_type = "lvm"


def _held(env, path):
    from . import blockdev
    node = blockdev.find(env.db, env.storage, env.host, path)
    return node is not None and blockdev.busy(node)


def _in_use(env, paths, uuid):
    """Whether another SR's PBD on this host names one of the devices."""
    db, storage = env.db, env.storage
    wanted = {canonical(storage, env.address, p) for p in paths}
    for pbd in db.referrers("host", "PBDs", env.host):
        rec = db.get("PBD", pbd)
        sr = db.get("SR", rec["SR"])
        if sr is None or sr["uuid"] == uuid:
            continue
        used = {canonical(storage, env.address, p.strip())
                for p in rec["device_config"].get("device", "").split(",") if p.strip()}
        if used & wanted:
            return True
    return False
