"""Disks, CD and network cards of an existing VM: what can be done now, what is refused, the calls.

Pure (CPython and MicroPython). The VM page (lite_app/ui/vm_devices.py) asks `disk_ops`, `cd_ops`,
`nic_ops` and `card_ops` which buttons to offer and, for the refused ones, the sentence saying why;
its dialogs check what was typed with `check_*` and run the `plan_*` steps through the job runner
(lite_app/logic/jobs.py): one task for the whole change, and what a failed step leaves is undone.

The rules follow XAPI's own (checked in xapi-project/xen-api):
- a disk grows only, and only while no running VM uses it (xapi_vdi.ml: VDI.resize needs the VDI
  unattached, VDI_RESIZE_ONLINE is offered by none of XCP-ng's SR drivers; FileSR/LVHDSR refuse to
  shrink);
- a VBD or VIF is created unplugged; on a running VM it is then plugged (hotplug, xapi_vbd.ml /
  xapi_vif.ml), and it must be unplugged before VBD.destroy / VIF.destroy (xapi_vbd_helpers.ml:
  "still attached");
- insert and eject are for CD drives of halted or running VMs (xapi_vbd_helpers.ml: removable media);
- VIF.move connects a card to another network, at once on a running VM (xapi_vif.ml).
"""
from lite_app.logic import limits, vm_create
from lite_app.logic.vm_create_run import vbd_record, vdi_record
from lite_app.logic.vm_edit import parse_size
from lite_app.text import fmt
from lite_app.xapi.cache import NULL_REF

LIVE = ("Halted", "Running")   # device changes need the VM stopped or running, not paused or suspended


# ---- what is offered --------------------------------------------------------------------------------
def _power(vm):
    return (vm or {}).get("power_state") or "Halted"


def _refusal(vm):
    """Why a device of this VM cannot change now (a catalog key), or None."""
    if (vm or {}).get("is_a_snapshot"):
        return "dev.why.snapshot"
    state = _power(vm)
    if state == "Suspended":
        return "dev.why.suspended"
    if state == "Paused":
        return "dev.why.paused"
    if (vm or {}).get("current_operations"):
        return "dev.why.busy"
    return None


def card_ops(vm):
    """{op: None or reason key} for the disks and NICs cards' own buttons (add, attach)."""
    why = _refusal(vm)
    return {"disk_add": why, "disk_attach": why, "nic_add": why}


def disk_ops(vm, disk):
    """{op: None (allowed) or reason key} for a disk row (a VBD of type Disk)."""
    why = _refusal(vm)
    vdi = disk.get("vdi") or {}
    shared = len([v for v in vdi.get("VBDs") or () if v != disk.get("ref")]) > 0
    ops = {"rename": None if vdi else "dev.why.no_vdi"}
    ops["resize"] = why or (None if _power(vm) == "Halted" else "dev.why.resize_running")
    if ops["resize"] is None and vdi.get("read_only"):
        ops["resize"] = "dev.why.read_only"
    ops["detach"] = why
    ops["delete"] = why or ("dev.why.shared" if shared else None)
    if ops["delete"] is None and not vdi:
        ops["delete"] = "dev.why.no_vdi"
    return ops


def cd_ops(vm, disk):
    """{op: None or reason key} for a CD drive row: insert when empty, eject when not."""
    why = _refusal(vm)
    empty = bool(disk["vbd"].get("empty")) or disk["vbd"].get("VDI") in (None, "", NULL_REF)
    return {"insert": why if empty else "dev.why.not_empty", "eject": "dev.why.empty" if empty else why}


def nic_ops(vm):
    why = _refusal(vm)
    return {"network": why, "remove": why}


# ---- choices ------------------------------------------------------------------------------------
def attachable(cache):
    """[(ref, VDI)] of the disks no VM uses that a VM could take: not snapshots, not the hidden base
    copies of snapshot chains (managed=false), not in ISO libraries, by name."""
    srs, vdis = cache.all("SR"), cache.all("VDI")
    out = []
    for ref in vdis:
        vdi = vdis[ref]
        sr = srs.get(vdi.get("SR")) or {}
        if vdi.get("VBDs") or vdi.get("is_a_snapshot") or sr.get("content_type") == "iso":
            continue
        if vdi.get("managed") is False:  # the hidden base copy of a snapshot chain
            continue
        if vdi.get("type") not in ("user", "system", None):
            continue
        out.append((ref, vdi))
    out.sort(key=lambda pair: ((pair[1].get("name_label") or "").lower(), pair[0]))
    return out


def next_vif_device(cache, vm, vm_ref):
    """The lowest free VIF device number of the VM, or None when it has vm_create.MAX_NICS cards."""
    used = {}
    for ref in vm.get("VIFs") or ():
        device = (cache.get("VIF", ref) or {}).get("device") or ""
        used[device] = True
    for number in range(vm_create.MAX_NICS):
        if str(number) not in used:
            return str(number)
    return None


# ---- checks (errors as (catalog key, params), keyed by field) --------------------------------------
def check_name(text):
    name = (text or "").strip()
    if not name:
        return ("dev.err.name", {})
    if len(name) > limits.MAX_NAME:
        return ("valid.too_long", {"limit": limits.MAX_NAME})
    return None


def check_new_disk(cache, form):
    """{field: error} for a new disk: name, size (a size within what SM creates), SR with the room."""
    errors = {}
    error = check_name(form.get("name"))
    if error:
        errors["name"] = error
    size = parse_size(form.get("size") or "")
    if size is None:
        errors["size"] = ("newvm.err.disk_size", {})
    elif size < vm_create.MIN_DISK or size > vm_create.MAX_VHD:
        errors["size"] = ("newvm.err.disk_range", {"low": fmt.size(vm_create.MIN_DISK),
                                                    "high": fmt.size(vm_create.MAX_VHD)})
    usable = dict(vm_create.disk_srs(cache))
    sr = usable.get(form.get("sr"))
    if sr is None:
        errors["sr"] = ("newvm.err.disk_sr", {})
    elif size is not None and sr.get("type") in vm_create.THICK_TYPES and size > vm_create.sr_free(sr):
        errors["sr"] = ("dev.err.sr_space", {"need": fmt.size(size), "free": fmt.size(vm_create.sr_free(sr))})
    return errors


def check_resize(vdi, text):
    """The new size in bytes, or an error: bigger than today (disks only grow), within SM's limit."""
    size = parse_size(text or "")
    current = int((vdi or {}).get("virtual_size") or 0)
    if size is None:
        return None, ("newvm.err.disk_size", {})
    if size <= current:
        return None, ("dev.err.grow_only", {"size": fmt.size(current)})
    if size > vm_create.MAX_VHD:
        return None, ("newvm.err.disk_range", {"low": fmt.size(current), "high": fmt.size(vm_create.MAX_VHD)})
    return size, None


def check_nic(cache, form):
    errors = {}
    if cache.get("network", form.get("network")) is None:
        errors["network"] = ("newvm.err.network", {})
    error = vm_create.mac_error(form.get("mac"))
    if error:
        errors["mac"] = error
    return errors


# ---- plans: steps for lite_app/logic/jobs.py ----------------------------------------------------------
def _plug(vm, cls, key):
    """Plug the new device when the VM runs (XAPI creates it unplugged)."""
    if _power(vm) != "Running":
        return []
    return [{"call": lambda results: (cls + ".plug", [results[key]]),
             "undo": lambda result, results: (cls + ".unplug", [results[key]])}]


def plan_new_disk(vm_ref, vm, form):
    """Create the disk, its drive, plug it on a running VM; a failure removes what was made."""
    size = parse_size(form.get("size") or "")
    steps = [{"call": ("VDI.create", [vdi_record(form["name"].strip(), form["sr"], size)]), "key": "vdi",
              "undo": lambda result, results: ("VDI.destroy", [result])},
             {"call": lambda results: ("VBD.create", [vbd_record(vm_ref, results["vdi"])]), "key": "vbd",
              "undo": lambda result, results: ("VBD.destroy", [result])}]
    return steps + _plug(vm, "VBD", "vbd")


def plan_attach(vm_ref, vm, vdi_ref, vdi):
    mode = "RO" if (vdi or {}).get("read_only") else "RW"
    steps = [{"call": ("VBD.create", [vbd_record(vm_ref, vdi_ref, mode=mode)]), "key": "vbd",
              "undo": lambda result, results: ("VBD.destroy", [result])}]
    return steps + _plug(vm, "VBD", "vbd")


def _unplug_first(record, cls, ref):
    if not record.get("currently_attached"):
        return []
    return [{"call": (cls + ".unplug", [ref]), "undo": lambda result, results: (cls + ".plug", [ref])}]


def plan_detach(disk):
    """Unplug (a running VM's disk) and remove the drive; the disk itself stays, unattached."""
    return _unplug_first(disk["vbd"], "VBD", disk["ref"]) + [{"call": ("VBD.destroy", [disk["ref"]])}]


def plan_delete(disk):
    """Detach, then destroy the disk: its data is lost."""
    return plan_detach(disk) + [{"call": ("VDI.destroy", [disk["vdi_ref"]])}]


def plan_rename(vdi_ref, name):
    return [{"call": ("VDI.set_name_label", [vdi_ref, name.strip()])}]


def plan_resize(vdi_ref, size):
    return [{"call": ("VDI.resize", [vdi_ref, size])}]


def plan_insert(vbd_ref, vdi_ref):
    return [{"call": ("VBD.insert", [vbd_ref, vdi_ref])}]


def plan_eject(vbd_ref):
    return [{"call": ("VBD.eject", [vbd_ref])}]


def vif_record(vm_ref, device, network, mac, mtu):
    return {"device": device, "network": network, "VM": vm_ref, "MAC": (mac or "").strip().lower().replace("-", ":"),
            "MTU": int(mtu or 1500), "other_config": {}, "qos_algorithm_type": "",
            "qos_algorithm_params": {}, "locking_mode": "network_default"}


def plan_new_nic(cache, vm_ref, vm, form, device):
    network = cache.get("network", form["network"]) or {}
    steps = [{"call": ("VIF.create", [vif_record(vm_ref, device, form["network"], form.get("mac"),
                                                 network.get("MTU"))]), "key": "vif",
              "undo": lambda result, results: ("VIF.destroy", [result])}]
    return steps + _plug(vm, "VIF", "vif")


def plan_move(vif_ref, network_ref):
    return [{"call": ("VIF.move", [vif_ref, network_ref])}]


def plan_remove_nic(nic):
    return _unplug_first(nic["vif"], "VIF", nic["ref"]) + [{"call": ("VIF.destroy", [nic["ref"]])}]
