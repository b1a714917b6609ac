"""What a VM template offers a new VM (pure: CPython and MicroPython).

XCP-ng's default templates carry no disks of their own but a provision spec in
`other_config:disks` (`<provision><disk size sr bootable type device/>…`), which `VM.provision`
turns into disks on the SR each entry names; limits in `recommendations` (`<restrictions>`:
memory-static-max, vcpus-max, supports-uefi…); firmware in `HVM_boot_params:firmware` and
`platform:secureboot`. A custom template (made from an installed VM) has disks, NICs and a CD drive
of its own. Templates are grouped by OS family for the picker.
"""
from lite_app.logic import xmltags

GiB = 1024 ** 3
# (family, words of the name that place a template in it), in the order the picker shows them.
FAMILIES = (("Debian", ("debian",)), ("Ubuntu", ("ubuntu",)),
            ("Red Hat family", ("rocky", "alma", "centos", "red hat", "rhel", "oracle", "fedora")),
            ("SUSE", ("suse", "sles")), ("Alpine", ("alpine",)), ("Windows", ("windows",)),
            ("Other Linux", ("linux", "coreos", "gentoo", "arch")))
OTHER_FAMILY = "Other"


def is_template(vm):
    return bool(vm.get("is_a_template")) and not vm.get("is_a_snapshot")


def family(vm):
    name = (vm.get("name_label") or "").lower()
    for label, words in FAMILIES:
        for word in words:
            if word in name:
                return label
    return OTHER_FAMILY


def families():
    return [label for label, _words in FAMILIES] + [OTHER_FAMILY]


def provision_disks(vm):
    """[{"size", "sr", "bootable", "type", "device"}] of the template's provision spec."""
    out = []
    for disk in xmltags.elements((vm.get("other_config") or {}).get("disks"), "disk"):
        try:
            size = int(disk.get("size") or "0")
        except ValueError:
            continue
        out.append({"size": size, "sr": disk.get("sr") or "", "device": disk.get("device") or str(len(out)),
                    "bootable": disk.get("bootable") == "true", "type": disk.get("type") or "system"})
    return out


def provision_xml(disks):
    """The `other_config:disks` document for these disks (sr as an SR uuid)."""
    items = [xmltags.element("disk", (("device", d["device"]), ("size", str(d["size"])), ("sr", d["sr"]),
                                      ("bootable", "true" if d.get("bootable") else "false"),
                                      ("type", d.get("type") or "system")))
             for d in disks]
    return "<provision>" + "".join(items) + "</provision>"


def recommendations(vm):
    """{name: value} of the template's restrictions: fields (memory-static-max -> its max, vcpus-max,
    supports-uefi -> "yes"…) and properties (number-of-vbds -> max)."""
    out = {}
    for item in xmltags.elements(vm.get("recommendations"), "restriction"):
        name = item.get("field") or item.get("property")
        if name:
            out[name] = item.get("max") or item.get("min") or item.get("value") or ""
    return out


def limit(recs, name, default):
    try:
        return int(recs.get(name) or default)
    except ValueError:
        return default


def firmware_options(vm):
    """(firmwares offered, secure boot possible): BIOS unless the template says it is unsupported."""
    recs = recommendations(vm)
    options = []
    if recs.get("supports-bios", "yes") != "no":
        options.append("bios")
    if recs.get("supports-uefi", "no") == "yes" or firmware(vm) == "uefi":
        options.append("uefi")
    return options or ["bios"], recs.get("supports-secure-boot") == "yes"


def firmware(vm):
    return ((vm.get("HVM_boot_params") or {}).get("firmware") or "bios").lower()


def secure_boot(vm):
    return (vm.get("platform") or {}).get("secureboot") in ("true", "auto")


def wants_vtpm(vm):
    return (vm.get("platform") or {}).get("vtpm") == "true"


def is_custom(vm):
    """Made from an installed VM (not one of XCP-ng's): its own disks are its install media."""
    return not vm.get("is_default_template")
