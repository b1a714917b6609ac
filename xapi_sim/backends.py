"""The storage outside XAPI that SR drivers reach: NFS and SMB servers, hosts' block devices.

Nothing connects anywhere: names and addresses are data (`nfs.lab.local` = 127.0.5.10…). What
lives there besides the database's SRs is kept here: exported paths and shares with their sizes,
ISO files, block devices per host (by the host's address, so a reloaded state finds them again),
SRs that were forgotten (their disks stay on the storage until an SR.introduce brings them back),
and faults (a server a host cannot reach).
"""
from .sm import GiB

TiB = 1024 * GiB
ISO_FILES = {"debian-12.8.0-amd64-netinst.iso": 661651456,
             "ubuntu-24.04.1-live-server-amd64.iso": 2773874688,
             "AlmaLinux-9.5-x86_64-minimal.iso": 2052063232,
             "Rocky-9.5-x86_64-minimal.iso": 1892286464,
             "SERVER_EVAL_x64FRE_en-us.iso": 5044211712,
             "alpine-virt-3.21.0-x86_64.iso": 65011712}


class Area:
    """An NFS export or SMB share: its size, data not belonging to SRs, writability, ISO files."""

    def __init__(self, size, used, writable=True, isos=None, users=None):
        self.size, self.used, self.writable = size, used, writable
        self.isos = dict(isos or {})
        self.users = users          # SMB: {user: password}; None = guest access


class Server:
    def __init__(self, name, address, kind, areas, versions=("3", "4", "4.1"), service=True):
        self.name, self.address, self.kind, self.areas = name, address, kind, areas
        self.versions, self.service = versions, service


class Device:
    """A block device of a host: `path` (/dev/…), size in bytes, the model the disk reports,
    `kind` as lsblk types it (disk, part, rom), the device it is a partition of, where it is
    mounted, whether it is the system disk, and `alias` for a /dev/disk/by-id link to another."""

    def __init__(self, path, size, model, root=False, kind="disk", parent=None, mountpoint="",
                 alias=False):
        self.path, self.size, self.model, self.root = path, size, model, root
        self.kind, self.parent, self.mountpoint, self.alias = kind, parent, mountpoint, alias


def _servers():
    old_iso = {k: v for k, v in ISO_FILES.items() if not k.startswith("SERVER")}
    return [
        Server("nfs.lab.local", "127.0.5.10", "nfs", {
            "/export/vms": Area(8 * TiB, 900 * GiB),
            "/export/iso": Area(500 * GiB, 12 * GiB, isos=ISO_FILES),
            "/export/iso-ro": Area(200 * GiB, 2 * GiB, writable=False, isos=old_iso),
            "/export/backup": Area(4 * TiB, 300 * GiB),
            "/export/new": Area(2 * TiB, 0)}),
        Server("nfs-old.lab.local", "127.0.5.11", "nfs", {"/srv/xcp": Area(1 * TiB, 40 * GiB)},
               versions=("3",)),
        Server("nfs-down.lab.local", "127.0.5.12", "nfs", {}, service=False),
        Server("smb.lab.local", "127.0.5.20", "smb", {
            "vms": Area(4 * TiB, 200 * GiB, users={"xcp": "xcp-secret"}),
            "isos": Area(1 * TiB, 5 * GiB, isos={"alpine-virt-3.21.0-x86_64.iso": 65011712},
                         users={"xcp": "xcp-secret"})}),
    ]


# XCP-ng 8's partitions of the system disk (the installer's GPT layout): root, backup root, the
# local SR's partition (the rest of the disk), EFI boot, /var/log, swap.
SYSTEM_PARTITIONS = (("1", 18 * GiB, "/"), ("2", 18 * GiB, ""), ("3", None, ""),
                     ("4", 512 * 1024 ** 2, "/boot/efi"), ("5", 4 * GiB, "/var/log"),
                     ("6", 1 * GiB, "[SWAP]"))


def _system_disk(name):
    size = 480103981056
    rest = size - sum(p[1] for p in SYSTEM_PARTITIONS if p[1]) - 2 * 1024 ** 2
    devices = [Device("/dev/sda", size, "SSD 480GB", root=True)]
    for number, part_size, mountpoint in SYSTEM_PARTITIONS:
        devices.append(Device("/dev/sda" + number, part_size or rest, "", kind="part",
                              parent="/dev/sda", mountpoint=mountpoint))
    devices.append(Device("/dev/disk/by-id/ata-SSD-%s-part3" % name, rest, "", kind="part",
                          parent="/dev/sda", alias=True))
    return devices


def _devices(name):
    """The block devices of the host named `name` (sizes as disks report them)."""
    devices = _system_disk(name) + [
        Device("/dev/sdb", 2000398934016, "HDD 2TB"),
        Device("/dev/sdc", 960197124096, "SSD 960GB"),
        Device("/dev/sdd", 64 * GiB, "USB SSD 64GB"),
        Device("/dev/nvme0n1", 3840755982336, "NVMe 3.84TB"),
        Device("/dev/sr0", 1073741312, "Virtual CD/DVD", kind="rom")]
    return {d.path: d for d in devices}


class Forgotten:
    """An SR that left the database but not its storage: enough to find and re-introduce it."""

    def __init__(self, sr_type, location, size, name, vdis):
        self.sr_type, self.location, self.size, self.name, self.vdis = (
            sr_type, location, size, name, vdis)


def _old_disk(uuid, label, size, used, sr_type="user"):
    return {"uuid": uuid, "name_label": label, "name_description": "", "virtual_size": size,
            "physical_utilisation": used, "type": sr_type, "sm_config": {"vdi_type": "vhd"}}


def _old_srs(first_address):
    """SRs a previous pool left on the storage: probes find them, SR.introduce brings them back."""
    return {
        "3f2c8a6e-5b1d-4e7a-9c0f-8d4b2a6e1c57": Forgotten(
            "nfs", ("nfs", "nfs.lab.local", "/export/backup"), 4 * TiB, "Backup (old pool)",
            [_old_disk("5d0e9a41-7c2b-4f6e-8a13-2b9c4e7d1f08", "old-web 0", 20 * GiB, 6 * GiB),
             _old_disk("c81f3b52-9e4d-4a07-b6c5-0d2e8f1a7b39", "old-db 1", 100 * GiB,
                       41 * GiB)]),
        "9b7e1d24-0c6a-4f38-a5e2-71c3d8f4b690": Forgotten(
            "lvm", ("dev", first_address, "/dev/sdc"), 960184451072, "Fast SSD (reinstalled)",
            [_old_disk("e4a2c7d9-1b3f-4c8e-9d60-5f7a2b1e8c43", "scratch", 50 * GiB, 50 * GiB)]),
    }


class Storage:
    def __init__(self, config):
        self.config = config
        self.servers = {}
        for server in _servers():
            self.servers[server.name] = self.servers[server.address] = server
        self.forgotten = {}          # SR uuid -> Forgotten
        self.forgotten_vdis = {}     # SR uuid -> records of its VDIs forgotten (VDI.forget)
        self.sr_dirs = None          # location -> {uuid: type}, see smdrivers.sr_dirs
        self.unreachable = set()     # (host address or None = every host, server name)
        for uuid, forgotten in _old_srs(config.addresses[0]).items():
            self.forgotten[uuid] = forgotten

    # ---- names ----------------------------------------------------------------------------
    def server(self, name):
        """The server a name or address resolves to, or None (DNS failure)."""
        return self.servers.get((name or "").strip().lower())

    def reachable(self, server, host_address):
        return server.service and not ({(None, server.name), (host_address, server.name)}
                                       & self.unreachable)

    def set_unreachable(self, server_name, host_address=None, on=True):
        server = self.server(server_name)
        if server is None:
            raise KeyError("no storage server %r" % (server_name,))
        key = (host_address, server.name)
        (self.unreachable.add if on else self.unreachable.discard)(key)

    # ---- devices --------------------------------------------------------------------------
    def devices(self, host_address):
        """{path: Device} of the host with this address (no devices for unknown hosts)."""
        addresses = self.config.addresses
        if host_address not in addresses:
            return {}
        index = addresses.index(host_address)
        return _devices("xcp-ng-%02d" % (index + 1))

    def device(self, host_address, path):
        return self.devices(host_address).get(path)

    # ---- forgotten SRs --------------------------------------------------------------------
    def forget(self, uuid, sr_type, location, size, name, vdis):
        self.forgotten[uuid] = Forgotten(sr_type, location, size, name, vdis)

    def forgotten_at(self, location):
        return sorted(u for u, f in self.forgotten.items() if f.location == location)

    def drop(self, uuid):
        self.forgotten.pop(uuid, None)
        self.forgotten_vdis.pop(uuid, None)
