"""VM.provision: create the disks a template's other_config:disks describes (xapi_vm.ml provision,
xapi_templates.ml, message_forwarding.ml's VM.provision).

The VM stops being a template first (install time), then each <disk device= size= sr= bootable=
type=/> of <provision> becomes a VDI (name "" then its userdevice, description "Created by
template provisioner", sm_config:vmhint = the VM's uuid) and a VBD (mode RW, unpluggable unless
the disk is a system disk, other_config:owner), then `disks` and `postinstall` leave other_config.
`sr` must be the uuid of an SR: XAPI does not fall back to the default SR (UUID_INVALID ["sr",
uuid] for "" too): clients rewrite it first, as the xe CLI's rewrite_provisioning_xml does with
the default SR. A disk that fails (an SR without space: SR_BACKEND_FAILURE_44 from the driver)
fails the call and leaves the disks made before it, as XAPI does.
"""
import xml.etree.ElementTree as ET

from .. import vmrules
from ..errors import XapiFailure
from ..xtypes import now
from . import api, devices, vdi as vdi_methods

VDI_TYPES = ("system", "user", "ephemeral", "suspend", "crashdump")   # string2vdi_type
DISK_KEYS = ("device", "size", "sr", "bootable")


@api("VM.provision")
async def provision(ctx, vm):
    db = ctx.db
    with vmrules.operation(db, vm, "provision", ctx.task):
        spec = provision_spec(db.get("VM", vm)["other_config"])
        _stop_being_a_template(db, vm)
        if spec and ctx.task:
            ctx.sim.tasks.set_progress(ctx.task, 0.1)
        for disk in spec:
            await ctx.work(ctx.op_seconds("quick"), 1)
            _create_disk(ctx, vm, disk)
        other = {k: v for k, v in db.get("VM", vm)["other_config"].items()
                 if k not in ("disks", "postinstall")}
        db.set("VM", vm, "other_config", other)
    vmrules.update(db, vm)


def provision_spec(other_config):
    """The disks of other_config:disks as dicts (xapi_templates.disks_of_xml)."""
    text = other_config.get("disks", "")
    if not text:
        return []
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise XapiFailure("INTERNAL_ERROR", "Xml.Error(%s)" % err)
    if root.tag != "provision" or root.attrib:
        raise XapiFailure("INTERNAL_ERROR", "Xapi_templates.Parse_failure")
    disks = []
    for node in root:
        if node.tag != "disk" or any(k not in node.attrib for k in DISK_KEYS):
            raise XapiFailure("INTERNAL_ERROR", "Xapi_templates.Parse_failure")
        disk = dict(node.attrib)
        if disk.get("type", "system") not in VDI_TYPES:
            disk["type"] = "system"
        disks.append(disk)
    return disks


def _stop_being_a_template(db, vm):
    rec = db.get("VM", vm)
    db.update("VM", vm, {"is_a_template": False, "is_default_template": False})
    if db.exists("VM_metrics", rec["metrics"]):
        db.set("VM_metrics", rec["metrics"], "install_time", now())


def _create_disk(ctx, vm, disk):
    """Xapi_templates.create_disk: the SR by uuid, a VDI, a VBD, the VDI named after it."""
    db = ctx.db
    sr = db.find_by_uuid("SR", disk["sr"])
    if sr is None:
        raise XapiFailure("UUID_INVALID", "sr", disk["sr"])
    try:
        size = int(disk["size"])
    except ValueError:
        raise XapiFailure("INTERNAL_ERROR", "Xapi_templates.Parse_failure")
    vdi = vdi_methods.create(ctx, {
        "name_label": "", "name_description": "Created by template provisioner", "SR": sr,
        "virtual_size": size, "type": disk.get("type", "system"), "sharable": False,
        "read_only": False, "other_config": {}, "xenstore_data": {}, "tags": [],
        "sm_config": {"vmhint": db.get("VM", vm)["uuid"]}})
    vbd = devices.vbd_create(ctx, {
        "VM": vm, "VDI": vdi, "userdevice": disk["device"], "bootable": disk["bootable"] == "true",
        "mode": "RW", "type": "Disk", "unpluggable": disk.get("type", "system") != "system",
        "empty": False, "qos_algorithm_type": "", "qos_algorithm_params": {},
        "other_config": {"owner": ""}})
    db.set("VDI", vdi, "name_label", db.get("VBD", vbd)["userdevice"])
