"""A host's block devices for a local ext / LVM SR: XCP-ng's lsblk plugin read, each device judged.

Pure (CPython and MicroPython). XAPI has no call listing a host's disks (SM's EXT and LVM drivers
only probe the devices they are given and fail with ConfigDeviceMissing without one), so, as Xen
Orchestra does, the page asks XCP-ng's plugin: `host.call_plugin(host, "lsblk.py",
"list_block_devices", {})` answers the JSON string `{"blockdevices": [...]}`, one object per device
with lsblk's columns as strings (name, kname, pkname, size in bytes, type, ro, mountpoint) and its
partitions and device-mapper volumes as "children" (xcp-ng-xapi-plugins
SOURCES/etc/xapi.d/plugins/lsblk.py). It reports no model or serial.

`devices(text, used)` flattens that tree into the rows the page lists (disks, partitions, RAID and
multipath devices; never optical drives or the volumes themselves) and says why a row cannot take
a new SR: it holds an SR (a volume `XSLocalEXT-<uuid>` or `VG_XenStorage-<uuid>` sits on it, or a
PBD of the host names it), it or something on it is mounted or swap, it has partitions (choose one
of them), it is read-only, something else holds it, or it is a partition of the system disk (the
one whose partition is mounted at /: XCP-ng's backup root partition is unmounted, and SM refuses
it, lvutil.createVG: Rootdev). SM refuses most of these too (SRInUse), but
a disk whose partitions are merely unmounted would be wiped without a word.
"""
import json

PLUGIN = "lsblk.py"
FUNCTION = "list_block_devices"
LISTED = ("disk", "part", "mpath", "raid0", "raid1", "raid4", "raid5", "raid6", "raid10")
SR_VOLUME_PREFIXES = ("XSLocalEXT-", "VG_XenStorage-")   # EXTSR.py, lvhdutil.py VG_PREFIX


def list_call(host):
    return ("Async.host.call_plugin", [host, PLUGIN, FUNCTION, {}])


def dm_split(name):
    """(volume group, volume) of a device-mapper name, whose dashes inside names are doubled."""
    parts, current, pos = [], "", 0
    while pos < len(name):
        if name[pos] == "-":
            if name[pos + 1:pos + 2] == "-":
                current += "-"
                pos += 2
                continue
            parts.append(current)
            current = ""
        else:
            current += name[pos]
        pos += 1
    parts.append(current)
    return (parts[0], "-".join(parts[1:])) if len(parts) > 1 else (parts[0], "")


def sr_of_volume(name):
    """The SR uuid of a local SR's volume name (lsblk's NAME of a dm device), or None."""
    group = dm_split(name)[0]
    for prefix in SR_VOLUME_PREFIXES:
        if group.startswith(prefix) and len(group) > len(prefix):
            return group[len(prefix):]
    return None


def _text(entry, key):
    value = entry.get(key)
    return value if isinstance(value, str) else ""


def _size(text):
    return int(text) if text.isdigit() else None


def parse(text):
    """The plugin's tree as nested dicts; ValueError when the answer is not the plugin's JSON."""
    found = json.loads(text) if isinstance(text, str) else text
    if not isinstance(found, dict) or not isinstance(found.get("blockdevices"), list):
        raise ValueError("not an lsblk listing")
    return [_node(entry) for entry in found["blockdevices"]]


def _node(entry):
    if not isinstance(entry, dict) or not _text(entry, "name"):
        raise ValueError("not a block device")
    children = entry.get("children") if isinstance(entry.get("children"), list) else []
    return {"name": _text(entry, "name"), "type": _text(entry, "type"), "size": _size(_text(entry, "size")),
            "ro": _text(entry, "ro") == "1", "mountpoint": _text(entry, "mountpoint"),
            "children": [_node(child) for child in children]}


def _below(node):
    """Every device on `node` (its partitions, their volumes…), not `node` itself."""
    out = []
    for child in node["children"]:
        out.append(child)
        out.extend(_below(child))
    return out


def _srs_on(node, used):
    """UUIDs of the SRs on the device: volumes on it, PBDs naming it (`used`: path -> SR uuid)."""
    found = []
    path = "/dev/" + node["name"]
    if path in used:
        found.append(used[path])
    for below in _below(node):
        uuid = sr_of_volume(below["name"]) if below["type"] != "part" else None
        if uuid and uuid not in found:
            found.append(uuid)
        if "/dev/" + below["name"] in used and used["/dev/" + below["name"]] not in found:
            found.append(used["/dev/" + below["name"]])
    return found


def reason(node, used):
    """Why a new SR cannot go on this device: (catalog key, params), or None when it is free."""
    srs = _srs_on(node, used)
    if srs:
        return ("newsr.dev_sr", {"sr": srs[0]})
    if node["mountpoint"] == "[SWAP]":
        return ("newsr.dev_swap", {})
    if node["mountpoint"]:
        return ("newsr.dev_mounted", {"where": node["mountpoint"]})
    below = _below(node)
    for other in below:
        if other["mountpoint"]:
            return ("newsr.dev_part_used", {"device": "/dev/" + other["name"]})
    if [p for p in node["children"] if p["type"] == "part"]:
        return ("newsr.dev_partitions", {})
    if node["ro"]:
        return ("newsr.dev_read_only", {})
    if below:
        return ("newsr.dev_held", {"by": below[0]["name"]})
    return None


def devices(text, used=None):
    """[{"path", "name", "type", "size", "depth", "reason", "sr"}] of the devices a local SR could
    use, in the plugin's order (partitions after their disk); `reason` (catalog key, params) is
    None for a free device; `sr` is the uuid of the SR on it (from a volume on it, or from `used`,
    {path: SR uuid} of the host's PBDs). ValueError when the answer is not the plugin's."""
    used = used or {}
    out = []
    for node in parse(text):
        _add(node, 0, used, out, False)
    return out


def _system(node):
    """Whether the device holds the running system (a partition of it is mounted at /)."""
    return node["mountpoint"] == "/" or len([n for n in _below(node) if n["mountpoint"] == "/"]) > 0


def _add(node, depth, used, out, on_system):
    if node["type"] not in LISTED:
        return
    why = reason(node, used)
    if why is None and on_system:
        why = ("newsr.dev_system", {})
    out.append({"path": "/dev/" + node["name"], "name": node["name"], "type": node["type"], "size": node["size"],
                "depth": depth, "reason": why, "sr": why[1]["sr"] if why and why[0] == "newsr.dev_sr" else None})
    for child in node["children"]:
        _add(child, depth + 1, used, out, on_system or _system(node))


def used_by_pbds(pbds, uuids):
    """{device path: SR uuid} from PBD records (a host's) and `uuids` {SR ref: uuid}: each path of
    their device_config:device."""
    out = {}
    for pbd in pbds:
        device = (pbd.get("device_config") or {}).get("device") or ""
        uuid = uuids.get(pbd.get("SR") or "")
        for path in device.split(","):
            if path.strip() and uuid:
                out[path.strip()] = uuid
    return out


def free(rows):
    """The paths a new SR can use."""
    return [row["path"] for row in rows if row["reason"] is None]
