"""XCP-ng's lsblk plugin: `host.call_plugin(host, "lsblk.py", "list_block_devices", {})`
(xcp-ng-xapi-plugins, SOURCES/etc/xapi.d/plugins/lsblk.py; Xen Orchestra's host.getBlockdevices
calls it and JSON-parses the answer).

XAPI itself cannot list a host's disks: SM's EXT and LVM drivers only look at the devices they are
given (SR.py deviceCheck: ConfigDeviceMissing when `device` is absent, and their probe scans only
those devices). The plugin runs `lsblk -P -b -o NAME,KNAME,PKNAME,SIZE,TYPE,RO,MOUNTPOINT` and
answers a JSON string `{"blockdevices": [...]}`: one object per device without a parent, each
with the seven columns in lower case as strings ("size" in bytes, "ro" "0" or "1", "pkname" ""
at the top) and, when something sits on it, "children" in the same shape: partitions under their
disk, device-mapper volumes (type "lvm", the local SRs' volumes, blockdev.py) under the device
holding them. No model or serial: lsblk is not asked for them. A failure comes back as the
plugin's error_wrapped raises it: ["-1"|errno, message, details, traceback].
"""
import json

from ..smdrivers import blockdev
from .host_info import PLUGINS

COLUMNS = ("name", "kname", "pkname", "size", "type", "ro", "mountpoint")


def _entry(node):
    values = (node.name, node.kname, node.parent, str(node.size), node.kind,
              "1" if node.read_only else "0", node.mountpoint)
    entry = dict(zip(COLUMNS, values))
    if node.children:
        entry["children"] = [_entry(child) for child in node.children]
    return entry


def list_block_devices(ctx, host, args):
    nodes = blockdev.tree(ctx.db, ctx.sim.storage, host)
    return json.dumps({"blockdevices": [_entry(node) for node in nodes]})


PLUGINS["lsblk.py"] = {"list_block_devices": list_block_devices}
