"""Disk device names as xenopsd gives them (xapi-idl/xen/device_number.ml).

A VBD's `userdevice` is a disk number ("0", "3") or a Linux name ("xvdb", "hda", "sdc"); when
the VM runs, xenopsd reports the device it made and XAPI stores it in `device`. Every bus is
named with the `xvd` prefix followed by the disk number in base 26 (0 -> a, 25 -> z, 26 -> aa),
IDE disks of HVM guests included (to_linux_prefix; old "hd" names are upgraded to "xvd"); SCSI
names keep `sd`, floppies `fd`.
"""
import re

_NAME = re.compile(r"^(xvd|hd|sd|fd)([a-z]+)$")


def base26(number):
    """0 -> a … 25 -> z, 26 -> aa (string_of_int26)."""
    high, low = number // 26 - 1, number % 26
    return (base26(high) if high >= 0 else "") + chr(ord("a") + low)


def _number26(letters):
    value = 0
    for char in letters:
        value = value * 26 + (ord(char) - ord("a") + 1)
    return value - 1


def parse(name):
    """(prefix, disk number) of a userdevice, or None when it names no disk."""
    if name.isdigit():
        return ("xvd", int(name))
    found = _NAME.match(name)
    if found is None:
        return None
    prefix = "xvd" if found.group(1) == "hd" else found.group(1)
    return (prefix, _number26(found.group(2)))


def disk_number(name):
    """0 for "0", "xvda", "hda", "sda"; None when the name means no disk slot."""
    parsed = parse(name)
    return parsed[1] if parsed else None


def linux_device(userdevice):
    """The `device` xenopsd reports for a VBD: "xvda" for "0", "xvdd" for "3" or "hdd"; None
    for a userdevice that names no disk."""
    parsed = parse(userdevice)
    return parsed[0] + base26(parsed[1]) if parsed else None
