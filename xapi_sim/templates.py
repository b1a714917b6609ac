"""XCP-ng's default templates, as its template loader creates them.

Facts from the guest-templates-json packages XCP-ng 8.3 installs (github.com/xenserver/
guest-templates-json json/*.json, the XCP-ng additions in github.com/xcp-ng-rpms/
guest-templates-json SOURCES/*.json) and from how their loader turns a JSON description into a
template (guesttemplates/blank_template.py): `min_memory` M gives memory_static_min M and the
other limits 2M; `disks` becomes other_config:disks, a <provision> document with one <disk> per
entry (size in bytes, sr "", bootable, type, device 0, 1…); the limits become the
`recommendations` <restrictions> document; base templates give platform flags, boot firmware
and order, install methods. The loader sets is_default_template (other_config:default_template
stays "false").
"""
import xml.dom.minidom

GiB = 1024 ** 3
MiB = 1024 ** 2
LINUX_DESCRIPTION = ("To use this template from the CLI, install your VM using vm-install, then "
                     "set other-config-install-repository to the path to your network "
                     "repository, e.g. http://<server>/<path> or nfs:server:/<path>")
WINDOWS_DESCRIPTION = ("Clones of this template will automatically provision their storage when "
                       "first booted and then reconfigure themselves with the optimal settings%s.")

# Base templates: what a template derived from them starts with.
_LINUX = {"vcpus": (1, 1), "install": "cdrom,nfs,http,ftp", "linux": True,
          "platform": {"vga": "std", "videoram": "8", "viridian": "false", "device_id": "0001",
                       "device-model": "qemu-upstream-compat", "secureboot": "false"},
          "boot": {"firmware": "bios", "order": "cdn"}, "vendor_device": False,
          "limits": {"max_memory": 1536 * 1024 * GiB, "vcpus_max": 64, "gpu": True,
                     "sriov": True, "bios": True, "uefi": False, "secure_boot": False}}
_WINDOWS = {"vcpus": (2, 2), "install": "cdrom", "linux": False,
            "platform": {"cores-per-socket": "2", "device_id": "0002", "viridian": "true",
                         "viridian_time_ref_count": "true", "viridian_reference_tsc": "true",
                         "viridian_apic_assist": "true", "viridian_crash_ctl": "true",
                         "viridian_stimer": "true", "device-model": "qemu-upstream-compat",
                         "secureboot": "false", "vga": "std", "videoram": "8"},
            "boot": {"firmware": "bios", "order": "dc"}, "vendor_device": True,
            "generation_id": "0:0",
            "limits": {"vcpus_max": 64, "bios": True, "uefi": False, "secure_boot": False}}


def _uefi(base, order):
    """base-linux-uefi / base-windows-uefi: UEFI firmware, secure boot 'auto', no device-model."""
    platform = {k: v for k, v in base["platform"].items() if k != "device-model"}
    platform["secureboot"] = "auto"
    limits = dict(base["limits"], uefi=True, secure_boot=True)
    return dict(base, platform=platform, boot={"firmware": "uefi", "order": order},
                limits=limits)


_LINUX_UEFI = _uefi(_LINUX, "cdn")
_WINDOWS_UEFI = dict(_uefi(_WINDOWS, "cd"), limits=dict(_uefi(_WINDOWS, "cd")["limits"],
                                                        vcpus_min=2))
_OTHER = {"vcpus": (1, 1), "install": "cdrom", "linux": False,
          "platform": {"viridian": "true", "secureboot": "false"},
          "boot": {"firmware": "bios", "order": "cd"}, "vendor_device": False,
          "limits": {"max_memory": 128 * GiB, "vcpus_max": 64, "bios": True, "uefi": True,
                     "secure_boot": True}}

# (uuid, reference_label, name_label, base, min_memory, disks [(size, bootable)], extra)
DEFAULT_TEMPLATES = [
    ("07d91aaa-43f7-430a-bf84-0edb6714df0f", "debian-12", "Debian Bookworm 12", _LINUX_UEFI,
     1 * GiB, [(10 * GiB, True)], {}),
    ("0f690a2c-2bf3-4bde-b5b6-3fd236adbc88", "debian-13", "Debian Trixie 13", _LINUX_UEFI,
     1 * GiB, [(10 * GiB, True)], {}),
    ("ff1f3e17-84d9-4d72-962d-571c4ceb527b", "ubuntu-24.04", "Ubuntu Noble Numbat 24.04",
     _LINUX_UEFI, 1 * GiB, [(10 * GiB, True)], {}),
    ("1a647cf9-99c1-4e9c-b3b4-6b9989c530be", "rocky-9", "Rocky Linux 9", _LINUX_UEFI, 2 * GiB,
     [(15 * GiB, True)], {}),
    ("6ff2c2f1-92af-4396-b117-a9cc2cc76aa4", "alma-9", "AlmaLinux 9", _LINUX_UEFI, 2 * GiB,
     [(10 * GiB, True)], {}),
    ("dfbd1201-329f-4c87-9f0c-78a6f5270ba0", "generic-linux-bios", "Generic Linux BIOS",
     _LINUX, 1 * GiB, [(10 * GiB, True)], {}),
    ("b73b736f-8dee-4bbe-9380-30d1e1854958", "generic-linux-uefi", "Generic Linux UEFI",
     _LINUX_UEFI, 1 * GiB, [(10 * GiB, True)], {}),
    ("1c33af1c-e919-418c-ad45-85d7d6fb604a", "windows-server-2022-64bit",
     "Windows Server 2022 (64-bit)", _WINDOWS_UEFI, 1 * GiB, [(32 * GiB, False)],
     {"limits": {"max_memory": 1536 * 1024 * GiB, "sriov": True}}),
    ("1f8728f9-6354-4a68-adc3-222c34f2bb94", "windows-11", "Windows 11", _WINDOWS_UEFI, 4 * GiB,
     [(64 * GiB, False)], {"platform": {"acpi_laptop_slate": "1", "vtpm": "true"},
                           "limits": {"max_memory": 1536 * 1024 * GiB, "bios": False}}),
    ("552bce37-51b2-445d-84f2-5f33fa112d7e", "other-install-media", "Other install media",
     _OTHER, 128 * MiB, [], {"description": "Template which allows VM installation from "
                                            "install media"}),
]


def provision_xml(disks):
    """other_config:disks: <provision><disk size sr bootable type device/>…</provision>."""
    doc = xml.dom.minidom.Document()
    root = doc.createElement("provision")
    for device, (size, bootable) in enumerate(disks):
        disk = doc.createElement("disk")
        for name, value in (("size", str(size)), ("sr", ""),
                            ("bootable", "true" if bootable else "false"), ("type", "system"),
                            ("device", str(device))):
            disk.setAttribute(name, value)
        root.appendChild(disk)
    return root.toxml()


def recommendations_xml(limits, vendor_device):
    """The <restrictions> document UIs read for memory, vCPU and device limits."""
    doc = xml.dom.minidom.Document()
    root = doc.createElement("restrictions")
    yes_no = {True: "yes", False: "no"}
    fields = [("memory-static-max", "max", limits.get("max_memory")),
              ("vcpus-min", "min", limits.get("vcpus_min")),
              ("vcpus-max", "max", limits.get("vcpus_max")),
              ("has-vendor-device", "value", "true" if vendor_device else "false"),
              ("allow-gpu-passthrough", "value", "1" if limits.get("gpu") else None),
              ("allow-vgpu", "value", "1" if limits.get("gpu") else None),
              ("allow-network-sriov", "value", "1" if limits.get("sriov") else None),
              ("supports-bios", "value", yes_no[limits["bios"]]),
              ("supports-uefi", "value", yes_no[limits["uefi"]]),
              ("supports-secure-boot", "value", yes_no[limits["secure_boot"]])]
    for field, attribute, value in fields:
        if value is not None:
            entry = doc.createElement("restriction")
            entry.setAttribute("field", field)
            entry.setAttribute(attribute, str(value))
            root.appendChild(entry)
    for prop, value in (("number-of-vbds", "255"), ("number-of-vifs", "7")):
        entry = doc.createElement("restriction")
        entry.setAttribute("property", prop)
        entry.setAttribute("max", value)
        root.appendChild(entry)
    return root.toxml()


def record(spec, mac_seed):
    """The VM record fields of a default template."""
    uuid, reference, label, base, memory, disks, extra = spec
    limits = dict(base["limits"], **extra.get("limits", {}))
    platform = {"nx": "true", "acpi": "1", "apic": "true", "pae": "true", "hpet": "true"}
    platform.update(base["platform"])
    platform.update(extra.get("platform", {}))
    other = {"mac_seed": mac_seed, "install-methods": base["install"],
             "default_template": "false"}
    if base["linux"]:
        other["linux_template"] = "true"
    if disks:
        other["disks"] = provision_xml(disks)
    if base is _LINUX or base is _LINUX_UEFI:
        description = LINUX_DESCRIPTION
    elif base is _OTHER:
        description = extra["description"]
    else:
        description = WINDOWS_DESCRIPTION % (" for " + label)
    vcpus_max, vcpus = base["vcpus"]
    return {
        "uuid": uuid, "name_label": label, "name_description": description,
        "reference_label": reference, "is_a_template": True, "is_default_template": True,
        "user_version": 1, "memory_static_min": memory, "memory_static_max": 2 * memory,
        "memory_dynamic_min": 2 * memory, "memory_dynamic_max": 2 * memory,
        "memory_target": 2 * memory, "VCPUs_max": vcpus_max, "VCPUs_at_startup": vcpus,
        "HVM_boot_policy": "BIOS order", "HVM_boot_params": dict(base["boot"]),
        "HVM_shadow_multiplier": 1.0, "domain_type": "hvm", "platform": platform,
        "other_config": other, "recommendations": recommendations_xml(limits,
                                                                      base["vendor_device"]),
        "generation_id": base.get("generation_id", ""), "power_state": "Halted", "domid": -1,
        "actions_after_shutdown": "destroy", "actions_after_reboot": "restart",
        "actions_after_crash": "restart"}
