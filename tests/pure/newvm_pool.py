"""A pool for the New VM tests: templates shaped like XCP-ng's, SRs (thin, thick, ISO), networks, hosts."""
from lite_app.xapi.cache import Cache

NULL = "OpaqueRef:NULL"
GIB = 1024 ** 3
MIB = 1024 ** 2

PROVISION = ('<provision><disk device="0" size="%d" sr="" bootable="true" type="system"/></provision>'
             % (10 * GIB))
RECOMMENDATIONS = ('<restrictions><restriction field="memory-static-max" max="%d"/>'
                   '<restriction field="vcpus-max" max="32"/><restriction field="has-vendor-device" value="false"/>'
                   '<restriction field="supports-bios" value="yes"/><restriction field="supports-uefi" value="yes"/>'
                   '<restriction field="supports-secure-boot" value="yes"/>'
                   '<restriction property="number-of-vifs" max="7"/></restrictions>' % (64 * GIB))


def template(name, **fields):
    record = {"uuid": name + "-uuid", "name_label": name, "is_a_template": True, "is_a_snapshot": False,
              "is_default_template": True, "is_control_domain": False, "power_state": "Halted",
              "VCPUs_at_startup": 1, "VCPUs_max": 1, "memory_static_min": GIB, "memory_static_max": 2 * GIB,
              "memory_dynamic_min": 2 * GIB, "memory_dynamic_max": 2 * GIB,
              "HVM_boot_policy": "BIOS order", "HVM_boot_params": {"order": "cdn", "firmware": "uefi"},
              "platform": {"secureboot": "auto", "device-model": "qemu-upstream-compat"},
              "other_config": {"disks": PROVISION, "linux_template": "true"},
              "recommendations": RECOMMENDATIONS, "VBDs": [], "VIFs": []}
    record.update(fields)
    return record


def pool():
    c = Cache()
    c.load("pool", {"OpaqueRef:pool": {"name_label": "Lab", "master": "OpaqueRef:h1",
                                       "default_SR": "OpaqueRef:nfs"}})
    metrics = {"OpaqueRef:m1": {"live": True, "memory_total": 64 * GIB, "memory_free": 40 * GIB},
               "OpaqueRef:m2": {"live": True, "memory_total": 64 * GIB, "memory_free": 20 * GIB}}
    c.load("host_metrics", metrics)
    c.load("host", {
        "OpaqueRef:h1": {"name_label": "h1", "metrics": "OpaqueRef:m1", "resident_VMs": [],
                         "cpu_info": {"cpu_count": "32", "socket_count": "2"}},
        "OpaqueRef:h2": {"name_label": "h2", "metrics": "OpaqueRef:m2", "resident_VMs": [],
                         "cpu_info": {"cpu_count": "24", "socket_count": "2"}},
    })
    c.load("SR", {
        "OpaqueRef:nfs": {"uuid": "nfs-uuid", "name_label": "NFS", "type": "nfs", "content_type": "",
                          "shared": True, "physical_size": 1000 * GIB, "physical_utilisation": 100 * GIB,
                          "allowed_operations": ["vdi_create"], "PBDs": []},
        "OpaqueRef:lvm": {"uuid": "lvm-uuid", "name_label": "Fast", "type": "lvm", "content_type": "user",
                          "shared": False, "physical_size": 64 * GIB, "physical_utilisation": 4 * GIB,
                          "allowed_operations": ["vdi_create"], "PBDs": []},
        "OpaqueRef:isos": {"uuid": "iso-uuid", "name_label": "ISOs", "type": "iso", "content_type": "iso",
                           "shared": True, "physical_size": 10 * GIB, "physical_utilisation": 5 * GIB,
                           "allowed_operations": ["vdi_create"], "PBDs": []},
    })
    c.load("VDI", {"OpaqueRef:debian-iso": {"name_label": "debian-12.iso", "SR": "OpaqueRef:isos",
                                            "virtual_size": 600 * MIB, "VBDs": []}})
    c.load("network", {"OpaqueRef:net0": {"name_label": "Pool-wide network", "MTU": 1500, "other_config": {}},
                       "OpaqueRef:net1": {"name_label": "Storage", "MTU": 9000, "other_config": {}},
                       "OpaqueRef:internal": {"name_label": "Host internal", "MTU": 1500,
                                              "other_config": {"is_host_internal_management_network": "true"}}})
    c.load("PIF", {"OpaqueRef:pif": {"host": "OpaqueRef:h1", "network": "OpaqueRef:net0", "management": True}})
    c.load("VM", {"OpaqueRef:debian": template("Debian Bookworm 12"),
                  "OpaqueRef:other": template("Other install media", other_config={},
                                              HVM_boot_params={"order": "cd", "firmware": "bios"},
                                              platform={"secureboot": "false"}),
                  "OpaqueRef:snapshot": template("before", is_a_snapshot=True)})
    c.load("VBD", {})
    c.load("VIF", {})
    return c
