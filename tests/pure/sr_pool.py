"""A small pool's storage shaped like xapi_sim's records, for the SR page's logic tests.

Two hosts (h1 the master). "NFS" is shared, plugged on h1 only, the pool's default SR, and holds:
web's system disk (web runs on h1: attached) with a snapshot of it (the snapshot VM's disk) and the
hidden base copy the snapshot made (managed=false); db's disk (db halted); an orphan; a snapshot
disk whose snapshot VM is gone (an orphan too); a disk no VM uses that still has a snapshot (a
snapshot base, not an orphan); a suspend image; a disk being resized. "Local" is h1's ext SR (thin),
"Fast" an LVM SR (thick) without disks, "ISO" an NFS ISO library, "Tools" the tools SR.
"""
from lite_app.xapi.cache import Cache

NULL = "OpaqueRef:NULL"
GIB = 1024 ** 3


def ref(name):
    return "OpaqueRef:" + name


def sr(name, sr_type, shared, pbds, **fields):
    record = {"uuid": name.lower() + "-uuid", "name_label": name, "name_description": "", "type": sr_type,
              "content_type": "user", "shared": shared, "PBDs": [ref(p) for p in pbds], "tags": [],
              "physical_size": 1000 * GIB, "physical_utilisation": 100 * GIB, "virtual_allocation": 300 * GIB,
              "sm_config": {}, "is_tools_sr": False, "other_config": {},
              "allowed_operations": ["scan", "plug", "unplug", "vdi_create", "vdi_destroy", "vdi_resize"]}
    record.update(fields)
    return record


def vdi(name, sr_name, vbds=(), size=20 * GIB, **fields):
    record = {"uuid": name.replace(" ", "-") + "-uuid", "name_label": name, "name_description": "",
              "SR": ref(sr_name), "VBDs": [ref(v) for v in vbds], "virtual_size": size,
              "physical_utilisation": size // 4, "type": "user", "managed": True, "is_a_snapshot": False,
              "snapshot_of": NULL, "snapshot_time": "19700101T00:00:00Z", "is_tools_iso": False,
              "read_only": False, "current_operations": {},
              "allowed_operations": ["clone", "copy", "destroy", "forget", "resize", "snapshot", "update"]}
    record.update(fields)
    return record


def vm(name, power, vbds, **fields):
    record = {"uuid": name + "-uuid", "name_label": name, "power_state": power, "VBDs": [ref(v) for v in vbds],
              "is_a_template": False, "is_a_snapshot": False, "is_control_domain": False,
              "resident_on": ref("h1") if power == "Running" else NULL, "snapshot_of": NULL}
    record.update(fields)
    return record


def vbd(vm_name, vdi_name, attached, kind="Disk"):
    return {"VM": ref(vm_name), "VDI": ref(vdi_name), "type": kind, "currently_attached": attached,
            "empty": False, "mode": "RW", "userdevice": "0"}


def pool():
    c = Cache()
    c.load("pool", {ref("pool"): {"uuid": "pool-uuid", "name_label": "Lab", "master": ref("h1"),
                                  "default_SR": ref("nfs")}})
    c.load("host", {ref("h1"): {"uuid": "h1-uuid", "name_label": "xcp-ng-01"},
                    ref("h2"): {"uuid": "h2-uuid", "name_label": "xcp-ng-02"}})
    c.load("SR", {
        ref("nfs"): sr("NFS", "nfs", True, ["pn1", "pn2"]),
        ref("local"): sr("Local", "ext", False, ["pl1"], physical_size=400 * GIB, virtual_allocation=900 * GIB),
        ref("fast"): sr("Fast", "lvm", False, ["pf1"], sm_config={"allocation": "thick", "use_vhd": "true"},
                        physical_utilisation=4 * 1024 ** 2, virtual_allocation=0),
        ref("iso"): sr("ISO", "iso", True, ["pi1", "pi2"], content_type="iso", sm_config={"iso_type": "nfs_iso"},
                       virtual_allocation=1000 * GIB, allowed_operations=["scan", "vdi_create", "vdi_destroy"]),
        ref("tools"): sr("Tools", "iso", True, ["pt1"], content_type="iso", is_tools_sr=True,
                         allowed_operations=["scan"]),
    })
    c.load("PBD", {
        ref("pn1"): {"host": ref("h1"), "SR": ref("nfs"), "currently_attached": True},
        ref("pn2"): {"host": ref("h2"), "SR": ref("nfs"), "currently_attached": False},
        ref("pl1"): {"host": ref("h1"), "SR": ref("local"), "currently_attached": True},
        ref("pf1"): {"host": ref("h2"), "SR": ref("fast"), "currently_attached": True},
        ref("pi1"): {"host": ref("h1"), "SR": ref("iso"), "currently_attached": True},
        ref("pi2"): {"host": ref("h2"), "SR": ref("iso"), "currently_attached": True},
        ref("pt1"): {"host": ref("h1"), "SR": ref("tools"), "currently_attached": True},
    })
    c.load("VM", {
        ref("web"): vm("web", "Running", ["b-web"]),
        ref("db"): vm("db", "Halted", ["b-db"]),
        ref("snap"): vm("web before upgrade", "Halted", ["b-snap"], is_a_snapshot=True, is_a_template=True,
                        snapshot_of=ref("web")),
    })
    c.load("VBD", {
        ref("b-web"): vbd("web", "web-sys", True),
        ref("b-db"): vbd("db", "db-sys", False),
        ref("b-snap"): vbd("snap", "web-sys-snap", False),
        ref("b-iso"): vbd("db", "debian.iso", False, "CD"),
    })
    c.load("VDI", {
        ref("web-sys"): vdi("web system", "nfs", ["b-web"], 32 * GIB),
        ref("web-sys-snap"): vdi("web system", "nfs", ["b-snap"], 32 * GIB, is_a_snapshot=True,
                                 snapshot_of=ref("web-sys"), snapshot_time="20250101T10:00:00Z"),
        ref("base"): vdi("base copy", "nfs", (), 32 * GIB, managed=False),
        ref("db-sys"): vdi("db system", "nfs", ["b-db"], 10 * GIB),
        ref("old"): vdi("old data", "nfs", (), 100 * GIB),
        ref("lost-snap"): vdi("gone vm disk", "nfs", (), 8 * GIB, is_a_snapshot=True, snapshot_of=ref("deleted"),
                              snapshot_time="20240101T10:00:00Z"),
        ref("golden"): vdi("golden image", "nfs", (), 16 * GIB),
        ref("golden-snap"): vdi("golden image", "nfs", (), 16 * GIB, is_a_snapshot=True,
                                snapshot_of=ref("golden"), snapshot_time="20250301T10:00:00Z"),
        ref("suspend"): vdi("Suspend image", "nfs", (), GIB, type="suspend"),
        ref("busy"): vdi("growing", "nfs", (), 5 * GIB, current_operations={ref("t1"): "resize"},
                         allowed_operations=["clone", "snapshot"]),
        ref("debian.iso"): vdi("debian.iso", "iso", ["b-iso"], GIB, allowed_operations=["copy"]),
        ref("alpine.iso"): vdi("alpine.iso", "iso", (), GIB // 16, allowed_operations=["copy", "destroy"]),
        ref("tools.iso"): vdi("guest-tools.iso", "tools", (), GIB // 16, is_tools_iso=True, allowed_operations=[]),
    })
    return c
