"""A host's block devices as its kernel shows them: disks, their partitions, what is mounted and
the device-mapper volumes of the local SRs attached there.

backends.py holds the devices as data; this module adds what the database implies. An attached
EXT SR (EXTSR.py) is one logical volume `<uuid>` in the volume group `XSLocalEXT-<uuid>`, active
and mounted at /run/sr-mount/<uuid>; an attached LVM SR (LVHDSR.py _checkMetadataVolume) keeps its
management volume `MGT` of `VG_XenStorage-<uuid>` active until detach. device-mapper names such a
volume `<vg>-<lv>` with every dash inside the names doubled (so lsblk shows
`XSLocalEXT--1fad55d2--…-1fad55d2--…`). A device something holds (a mount, swap, an active volume)
cannot be opened exclusively, which is how SM's lvutil._openExclusive finds it in use.
"""
from .local import canonical, vg_size

MiB = 1024 ** 2
VG_PREFIX = {"ext": "XSLocalEXT-", "lvm": "VG_XenStorage-"}    # EXTSR.py, lvhdutil.py


class Node:
    """One line of lsblk: kernel name, name, parent's kernel name, size, type, read-only flag,
    mount point; `children` below it."""

    def __init__(self, kname, name, size, kind, mountpoint="", parent="", read_only=False):
        self.kname, self.name, self.size, self.kind = kname, name, size, kind
        self.mountpoint, self.parent, self.read_only = mountpoint, parent, read_only
        self.children = []


def dm_name(vg, lv):
    """device-mapper's name of a logical volume (libdevmapper's dm_build_dm_name)."""
    return vg.replace("-", "--") + "-" + lv.replace("-", "--")


def _kname(path):
    return path.rsplit("/", 1)[-1]


def _volumes(db, storage, host, address):
    """{device path: [(dm name, size, mount point)]} of the local SRs attached on the host."""
    out = {}
    pbds = sorted(db.referrers("host", "PBDs", host))
    for pbd in pbds:
        rec = db.get("PBD", pbd)
        sr = db.get("SR", rec["SR"])
        if sr is None or sr["type"] not in VG_PREFIX or not rec["currently_attached"]:
            continue
        paths = [canonical(storage, address, p.strip())
                 for p in rec["device_config"].get("device", "").split(",") if p.strip()]
        devices = [storage.device(address, p) for p in paths]
        if None in devices:
            continue
        vg = VG_PREFIX[sr["type"]] + sr["uuid"]
        if sr["type"] == "ext":
            volume = (dm_name(vg, sr["uuid"]), sum(vg_size(d.size) for d in devices),
                      "/run/sr-mount/" + sr["uuid"])
        else:
            volume = (dm_name(vg, "MGT"), 4 * MiB, "")
        for path in paths:
            out.setdefault(path, []).append(volume)
    return out


def tree(db, storage, host):
    """[Node] of the host's devices, each followed by its children, in the kernel's order."""
    address = db.get("host", host)["address"]
    devices = storage.devices(address)
    volumes = _volumes(db, storage, host, address)
    nodes, tops, dm_numbers = {}, [], {}
    for path in sorted(devices, key=_order):
        device = devices[path]
        if device.alias:
            continue
        node = Node(_kname(path), _kname(path), device.size, device.kind, device.mountpoint,
                    _kname(device.parent) if device.parent else "")
        nodes[path] = node
        (nodes[device.parent].children if device.parent else tops).append(node)
        for name, size, mountpoint in volumes.get(path, ()):
            number = dm_numbers.setdefault(name, len(dm_numbers))
            node.children.append(Node("dm-%d" % number, name, size, "lvm", mountpoint,
                                      node.kname))
    return tops


def _order(path):
    """sda before sda1 … sda6 before sdb …, then nvme, then optical drives (as sysfs lists them)."""
    name = _kname(path)
    group = 2 if name.startswith("sr") else 1 if name.startswith("nvme") else 0
    return (group, name)


def walk(nodes):
    """Every node of the tree, each followed by its descendants."""
    for node in nodes:
        yield node
        for child in walk(node.children):
            yield child


def find(db, storage, host, path):
    """The node of a device path (a by-id link resolves to its device), or None."""
    address = db.get("host", host)["address"]
    kname = _kname(canonical(storage, address, path))
    for node in walk(tree(db, storage, host)):
        if node.kname == kname and node.kind != "lvm":
            return node
    return None


def busy(node):
    """Whether the device cannot be opened for writing exclusively: it or a device on it is
    mounted, swap or an active volume, or it is an optical drive."""
    return any(n.mountpoint or n.kind == "lvm" for n in walk([node])) or node.kind == "rom"
