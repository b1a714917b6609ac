"""A small pool of VMs, disks and SRs shaped like xapi_sim's records, for the VM action and delete tests."""
from lite_app.xapi.cache import Cache

NULL = "OpaqueRef:NULL"
GIB = 1024 ** 3


def vm(name, state="Halted", vbds=(), snapshots=(), **fields):
    record = {"uuid": name + "-uuid", "name_label": name, "power_state": state, "VBDs": list(vbds),
              "snapshots": list(snapshots), "snapshot_of": NULL, "is_a_template": False,
              "is_a_snapshot": False, "is_control_domain": False, "is_default_template": False,
              "suspend_VDI": NULL, "resident_on": NULL, "current_operations": {},
              "blocked_operations": {}, "memory_overhead": 0, "memory_dynamic_min": 2 * GIB,
              "memory_dynamic_max": 4 * GIB, "memory_static_max": 4 * GIB}
    record.update(fields)
    return record


def vbd(vm_ref, vdi_ref, kind="Disk", device="0"):
    return {"VM": vm_ref, "VDI": vdi_ref, "type": kind, "userdevice": device,
            "empty": vdi_ref == NULL, "mode": "RO" if kind == "CD" else "RW"}


def vdi(name, sr, vbds, size=20 * GIB, **fields):
    record = {"name_label": name, "SR": sr, "VBDs": list(vbds), "virtual_size": size,
              "is_a_snapshot": False, "is_tools_iso": False, "type": "user", "sharable": False}
    record.update(fields)
    return record


def pool():
    """web (Halted) with a system disk, a data disk, the Debian ISO in its CD drive and a disk it
    shares with db; one snapshot of web with snapshot disks and the same ISO."""
    c = Cache()
    c.load("SR", {
        "OpaqueRef:local": {"name_label": "Local storage", "content_type": "user", "type": "ext",
                            "physical_size": 900 * GIB, "physical_utilisation": 40 * GIB,
                            "allowed_operations": ["vdi_create", "vdi_destroy", "scan"]},
        "OpaqueRef:nfs": {"name_label": "NFS storage", "content_type": "", "type": "nfs",
                          "physical_size": 8192 * GIB, "physical_utilisation": 1024 * GIB,
                          "allowed_operations": ["vdi_create", "vdi_destroy"]},
        "OpaqueRef:isos": {"name_label": "ISO library", "content_type": "iso", "type": "iso",
                           "physical_size": 500 * GIB, "physical_utilisation": 31 * GIB},
        "OpaqueRef:tools": {"name_label": "XCP-ng Tools", "content_type": "iso", "type": "iso",
                            "is_tools_sr": True, "physical_size": 0, "physical_utilisation": 0},
        "OpaqueRef:usb": {"name_label": "Removable", "content_type": "disk", "type": "udev",
                          "physical_size": 64 * GIB, "physical_utilisation": 0},
        "OpaqueRef:ro": {"name_label": "Read-only", "content_type": "user", "type": "lvm",
                         "physical_size": 9999 * GIB, "physical_utilisation": 0,
                         "allowed_operations": ["scan"]},
    })
    c.load("VM", {
        "OpaqueRef:web": vm("web", vbds=["OpaqueRef:b-sys", "OpaqueRef:b-cd", "OpaqueRef:b-data",
                                         "OpaqueRef:b-shared"], snapshots=["OpaqueRef:snap"]),
        "OpaqueRef:snap": vm("before-upgrade", vbds=["OpaqueRef:s-sys", "OpaqueRef:s-cd"],
                             is_a_snapshot=True, is_a_template=True, snapshot_of="OpaqueRef:web"),
        "OpaqueRef:db": vm("db", "Running", vbds=["OpaqueRef:d-shared"], resident_on="OpaqueRef:h1"),
    })
    c.load("VBD", {
        "OpaqueRef:b-sys": vbd("OpaqueRef:web", "OpaqueRef:sys"),
        "OpaqueRef:b-cd": vbd("OpaqueRef:web", "OpaqueRef:iso", "CD", "3"),
        "OpaqueRef:b-data": vbd("OpaqueRef:web", "OpaqueRef:data", device="1"),
        "OpaqueRef:b-shared": vbd("OpaqueRef:web", "OpaqueRef:shared", device="2"),
        "OpaqueRef:s-sys": vbd("OpaqueRef:snap", "OpaqueRef:sys-snap"),
        "OpaqueRef:s-cd": vbd("OpaqueRef:snap", "OpaqueRef:iso", "CD", "3"),
        "OpaqueRef:d-shared": vbd("OpaqueRef:db", "OpaqueRef:shared", device="1"),
    })
    c.load("VDI", {
        "OpaqueRef:sys": vdi("web system", "OpaqueRef:local", ["OpaqueRef:b-sys"], 20 * GIB),
        "OpaqueRef:data": vdi("web data", "OpaqueRef:local", ["OpaqueRef:b-data"], 100 * GIB),
        "OpaqueRef:shared": vdi("cluster disk", "OpaqueRef:nfs",
                                ["OpaqueRef:b-shared", "OpaqueRef:d-shared"], 10 * GIB, sharable=True),
        "OpaqueRef:iso": vdi("debian-12.8.0-amd64-netinst.iso", "OpaqueRef:isos",
                             ["OpaqueRef:b-cd", "OpaqueRef:s-cd"], GIB),
        "OpaqueRef:sys-snap": vdi("web system", "OpaqueRef:local", ["OpaqueRef:s-sys"], 20 * GIB,
                                  is_a_snapshot=True, snapshot_of="OpaqueRef:sys"),
    })
    return c


def hosts_pool():
    c = pool()
    c.load("host", {
        "OpaqueRef:h1": {"name_label": "xcp-ng-01", "enabled": True, "metrics": "OpaqueRef:m1",
                         "memory_overhead": GIB, "resident_VMs": ["OpaqueRef:dom0", "OpaqueRef:db"]},
        "OpaqueRef:h2": {"name_label": "xcp-ng-02", "enabled": True, "metrics": "OpaqueRef:m2",
                         "memory_overhead": GIB, "resident_VMs": ["OpaqueRef:big"]},
        "OpaqueRef:h3": {"name_label": "xcp-ng-03", "enabled": False, "metrics": "OpaqueRef:m3",
                         "memory_overhead": 0, "resident_VMs": []},
        "OpaqueRef:h4": {"name_label": "xcp-ng-04", "enabled": True, "metrics": "OpaqueRef:m4",
                         "memory_overhead": 0, "resident_VMs": []},
    })
    c.load("host_metrics", {
        "OpaqueRef:m1": {"memory_total": 64 * GIB, "live": True},
        "OpaqueRef:m2": {"memory_total": 32 * GIB, "live": True},
        "OpaqueRef:m3": {"memory_total": 256 * GIB, "live": True},
        "OpaqueRef:m4": {"memory_total": 256 * GIB, "live": False},
    })
    vms = c.records["VM"]
    vms["OpaqueRef:dom0"] = vm("Control domain", "Running", is_control_domain=True,
                               memory_dynamic_min=4 * GIB, memory_dynamic_max=4 * GIB,
                               resident_on="OpaqueRef:h1")
    vms["OpaqueRef:big"] = vm("big", "Running", memory_dynamic_min=20 * GIB, memory_dynamic_max=28 * GIB,
                              memory_overhead=GIB // 4, resident_on="OpaqueRef:h2")
    vms["OpaqueRef:mover"] = vm("mover", "Running", memory_dynamic_min=6 * GIB, memory_dynamic_max=8 * GIB,
                                resident_on="OpaqueRef:h3")
    return c
