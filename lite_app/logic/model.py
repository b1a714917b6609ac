"""Derived data the views show, computed from the record cache (pure: CPython and MicroPython).

Records stay as XAPI sends them (lite_app/xapi/cache.py); this module answers the questions the pages
ask: which fields each class needs (FIELDS, used to project big get_all_records replies in JS), what an
object is called, which VMs are guests, a VM's IPs, disks, NICs, snapshots, vCPUs and memory.
Each function reads what it needs through refs, so one event changes one record and the next render
is right without any derived state to invalidate.
"""
from lite_app.text import fmt
from lite_app.xapi.cache import NULL_REF

LIVE_STATES = ("Running", "Paused")
POWER_STATES = ("Running", "Paused", "Suspended", "Halted")

# The fields each class's views read: the bridge keeps only these from get_all_records replies, so a
# 10,000-VM pool crosses into Python at a fraction of its size (MicroPython parses JSON at ~8 MB/s:
# the unprojected records of such a pool took 5 s). VM records carry what the tree, the list, the
# dashboard and the rules' first checks need; a page showing one object asks for its full record
# (state.request_record). Events are projected the same way, except for the records read whole, whose
# events keep every field (lite_app/shell/transport.py events_spec). host.resident_VMs is left out: at
# 10,000 VMs each host's event would carry thousands of refs; VM.resident_on says the same (residents).
FIELDS = {
    "pool": ("uuid", "name_label", "name_description", "master", "default_SR", "tags", "restrictions"),
    "host": ("uuid", "name_label", "name_description", "hostname", "address", "enabled", "metrics",
             "cpu_info", "software_version", "other_config", "memory_overhead",
             "PIFs", "PBDs", "control_domain", "current_operations", "allowed_operations", "tags",
             "power_on_mode", "logging"),
    "host_metrics": ("uuid", "live", "memory_total", "memory_free"),
    "VM": ("uuid", "name_label", "power_state", "is_a_template", "is_a_snapshot",
           "is_control_domain", "resident_on", "VCPUs_at_startup", "memory_dynamic_max",
           "guest_metrics", "tags", "current_operations"),
    "VM_metrics": ("uuid", "VCPUs_number", "memory_actual", "start_time"),
    "VM_guest_metrics": ("uuid", "networks"),
    "VBD": ("uuid", "VM", "VDI", "device", "userdevice", "type", "mode", "bootable",
            "currently_attached", "empty"),
    "VDI": ("uuid", "name_label", "name_description", "SR", "virtual_size", "physical_utilisation", "type",
            "read_only", "VBDs", "is_a_snapshot", "snapshot_of", "snapshot_time", "is_tools_iso", "managed",
            "allowed_operations", "current_operations"),
    "SR": ("uuid", "name_label", "name_description", "type", "content_type", "shared",
           "physical_size", "physical_utilisation", "virtual_allocation", "PBDs", "sm_config",
           "is_tools_sr", "allowed_operations", "current_operations", "other_config", "tags"),
    "PBD": ("uuid", "host", "SR", "currently_attached", "device_config"),
    "SM": ("uuid", "type", "name_label"),
    "network": ("uuid", "name_label", "name_description", "bridge", "MTU", "PIFs",
                "other_config", "tags"),
    "PIF": ("uuid", "device", "host", "network", "MAC", "MTU", "VLAN", "IP", "netmask", "gateway",
            "ip_configuration_mode", "management", "currently_attached", "physical", "metrics",
            "DNS", "managed", "bond_slave_of", "bond_master_of", "VLAN_master_of"),
    "PIF_metrics": ("uuid", "carrier", "speed", "duplex"),
    "VIF": ("uuid", "device", "VM", "network", "MAC", "MTU", "currently_attached"),
    "console": ("uuid", "protocol", "location", "VM"),
    "task": ("uuid", "name_label", "status", "progress", "created", "finished", "error_info", "subtask_of",
             "resident_on", "allowed_operations", "current_operations", "result"),
    "message": ("uuid", "name", "priority", "cls", "obj_uuid", "timestamp", "body"),
}

# Classes with one record per VM device (or console): not loaded at login (at 10,000 VMs they are 17 MB
# of JSON). A page listing them all loads them whole (its CLASSES, or state.need from a dialog); a page
# showing one VM watches that VM's own (state.watch).
LAZY = ("VBD", "VDI", "VIF", "VM_metrics", "console", "SM")


# Classes searched (in this order) to name a ref found in an error's params.
NAMED_CLASSES = ("VM", "host", "SR", "VDI", "network", "pool", "task", "PIF", "VBD", "VIF")


def deref(cache, cls, ref):
    """The record a ref field points to; None for OpaqueRef:NULL, "" or a missing object."""
    if not ref or ref == NULL_REF:
        return None
    return cache.get(cls, ref)


def label(record, ref=""):
    """What a record is called on screen: its name, else its device or uuid, else the ref."""
    return record.get("name_label") or record.get("device") or record.get("uuid") or ref


def name_of(cache, cls, ref):
    """The name of the object `ref` of class `cls`, or the ref itself when it is not loaded."""
    record = cache.get(cls, ref)
    return label(record, ref) if record is not None else ref


def namer(cache, classes=NAMED_CLASSES):
    """A `name_of(ref)` over the cache for refs of unknown class (XAPI error params): the name of the
    first class holding `ref`, None when none does."""
    def find(ref):
        for cls in classes:
            record = cache.get(cls, ref)
            if record is not None:
                return label(record, ref)
        return None
    return find


def name_key(record):
    """Sort key by name, case-insensitive, then uuid so equal names keep a stable order."""
    return ((record.get("name_label") or "").lower(), record.get("uuid") or "")


def is_full(record, field):
    """Whether a record came whole (get_record or an event) rather than projected: it has `field`."""
    return record is not None and field in record


def loaded(cache, cls):
    """Whether class `cls` has been loaded whole (a lazy class is not until a page or dialog needs all of
    it; a page showing one VM watches that VM's devices only)."""
    return cache.is_loaded(cls)


def deref_ok(ref):
    """Whether `ref` names an object (not OpaqueRef:NULL nor empty)."""
    return bool(ref) and ref != NULL_REF


def all_in(cache, cls, refs):
    """Whether every object `refs` names (OpaqueRef:NULL and "" left out) is in the cache."""
    for ref in refs:
        if deref_ok(ref) and cache.get(cls, ref) is None:
            return False
    return True


def referrers(cache, cls, field, ref):
    """[(ref, record)] of class `cls` whose `field` is `ref` (for a projected record without its list)."""
    table = cache.all(cls)
    return [(other, table[other]) for other in table if table[other].get(field) == ref]


def is_guest(vm):
    """A real VM: not a template, snapshot or control domain."""
    return not (vm.get("is_a_template") or vm.get("is_a_snapshot") or vm.get("is_control_domain"))


def guests(cache):
    """[(ref, record)] of every guest VM, in no set order."""
    table = cache.all("VM")
    return [(ref, table[ref]) for ref in table if is_guest(table[ref])]


def live_host(vm):
    """The host ref a running or paused VM lives on, else None."""
    host = vm.get("resident_on")
    if vm.get("power_state") in LIVE_STATES and host and host != NULL_REF:
        return host
    return None


def network_ips(networks, device=None):
    """IPs from VM_guest_metrics.networks ("0/ip", "0/ipv4/0", "0/ipv6/0"...), IPv4 first, no repeats.

    With `device`, only that NIC's addresses.
    """
    keyed = []
    for key in networks or {}:
        parts = key.split("/")
        if device is not None and parts[0] != str(device):
            continue
        family = 1 if len(parts) > 1 and parts[1] == "ipv6" else 0
        index = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else -1
        nic = int(parts[0]) if parts[0].isdigit() else 999
        keyed.append(((family, nic, index), networks[key]))
    keyed.sort()
    seen, out = {}, []
    for _key, ip in keyed:
        if ip and ip not in seen:
            seen[ip] = True
            out.append(ip)
    return out


def residents(cache, host_ref):
    """[(ref, VM)] of the VMs resident on a host, control domain included: what XAPI's
    host.resident_VMs lists (it is the other side of VM.resident_on)."""
    table = cache.all("VM")
    return [(ref, table[ref]) for ref in table if table[ref].get("resident_on") == host_ref]


def residents_by_host(cache):
    """{host ref: [VM]} of every host's resident VMs (residents), in one pass over the VMs."""
    out = {}
    for ref in cache.all("host"):
        out[ref] = []
    table = cache.all("VM")
    for ref in table:
        found = out.get(table[ref].get("resident_on"))
        if found is not None:
            found.append(table[ref])
    return out


def vm_ips(cache, vm, device=None):
    metrics = deref(cache, "VM_guest_metrics", vm.get("guest_metrics"))
    return network_ips(metrics.get("networks") if metrics else None, device)


def _userdevice_key(vbd):
    device = vbd.get("userdevice") or ""
    return (int(device) if device.isdigit() else 999, device)


def devices(cache, cls, vm_ref, vm, field):
    """[(ref, record)] of a VM's VBDs or VIFs: from its full record's list, else by their VM field."""
    if field in vm:
        found = [(ref, cache.get(cls, ref)) for ref in vm.get(field) or ()]
        return [pair for pair in found if pair[1] is not None]
    return referrers(cache, cls, "VM", vm_ref)


def vm_vdis(cache, vm):
    """[(vdi ref, "cd" or None)] of a VM's disks, CDs and suspend image (empty drives left out)."""
    out = []
    for vbd_ref in vm.get("VBDs") or []:
        vbd = cache.get("VBD", vbd_ref)
        if vbd is None or vbd.get("empty") or not vbd.get("VDI") or vbd["VDI"] == NULL_REF:
            continue
        out.append((vbd["VDI"], "cd" if vbd.get("type") == "CD" else None))
    suspend = vm.get("suspend_VDI")
    if suspend and suspend != NULL_REF:
        out.append((suspend, None))
    return out


def vm_disks(cache, vm, vm_ref=None):
    """The VM's VBDs with their VDI and SR: list of dicts sorted by userdevice."""
    disks = []
    for ref, vbd in devices(cache, "VBD", vm_ref, vm, "VBDs"):
        vdi = deref(cache, "VDI", vbd.get("VDI"))
        sr = deref(cache, "SR", vdi.get("SR")) if vdi else None
        disks.append({"ref": ref, "vbd": vbd, "vdi_ref": vbd.get("VDI"), "vdi": vdi,
                      "sr_ref": vdi.get("SR") if vdi else None, "sr": sr})
    disks.sort(key=lambda disk: _userdevice_key(disk["vbd"]))
    return disks


def vm_disk_total(cache, vm, vm_ref=None):
    """Sum of the virtual sizes of the VM's disks (CDs excluded)."""
    total = 0
    for disk in vm_disks(cache, vm, vm_ref):
        if disk["vbd"].get("type") == "Disk" and disk["vdi"]:
            total += int(disk["vdi"].get("virtual_size") or 0)
    return total


def vm_nics(cache, vm, vm_ref=None):
    """The VM's VIFs with their network and IPs: list of dicts sorted by device number."""
    metrics = deref(cache, "VM_guest_metrics", vm.get("guest_metrics"))
    networks = metrics.get("networks") if metrics else None
    nics = []
    for ref, vif in devices(cache, "VIF", vm_ref, vm, "VIFs"):
        device = vif.get("device") or ""
        nics.append({"ref": ref, "vif": vif, "network_ref": vif.get("network"),
                     "network": deref(cache, "network", vif.get("network")),
                     "ips": network_ips(networks, device)})
    nics.sort(key=lambda nic: (int(nic["vif"]["device"]) if (nic["vif"].get("device") or "").isdigit()
                               else 999))
    return nics


def vm_snapshots(cache, vm):
    """[(ref, snapshot)] of the VM's snapshots, newest first."""
    found = []
    for ref in vm.get("snapshots") or ():
        snap = cache.get("VM", ref)
        if snap is not None:
            found.append((ref, snap))
    found.sort(key=lambda pair: pair[1].get("snapshot_time") or "", reverse=True)
    return found


def vm_vcpus(cache, vm):
    """vCPUs in use when live (VM_metrics), else the number it starts with."""
    if vm.get("power_state") in LIVE_STATES:
        metrics = deref(cache, "VM_metrics", vm.get("metrics"))
        if metrics and metrics.get("VCPUs_number"):
            return int(metrics["VCPUs_number"])
    return int(vm.get("VCPUs_at_startup") or 0)


def vm_memory(cache, vm):
    """Memory in bytes: the live domain's actual size, else the dynamic maximum it would get."""
    if vm.get("power_state") in LIVE_STATES:
        metrics = deref(cache, "VM_metrics", vm.get("metrics"))
        if metrics and metrics.get("memory_actual"):
            return int(metrics["memory_actual"])
    return int(vm.get("memory_dynamic_max") or 0)


def vm_uptime(cache, vm, now):
    """Seconds since the live VM started, or None."""
    if vm.get("power_state") not in LIVE_STATES or now is None:
        return None
    metrics = deref(cache, "VM_metrics", vm.get("metrics"))
    start = fmt.parse_time(metrics.get("start_time")) if metrics else None
    return max(0, now - start) if start else None


def vm_os(cache, vm):
    """The guest OS name its agent reports, or ""."""
    metrics = deref(cache, "VM_guest_metrics", vm.get("guest_metrics"))
    version = (metrics.get("os_version") if metrics else None) or {}
    return version.get("name") or version.get("distro") or ""


def latest(records, field, limit):
    """[(ref, record)] of `records` ({ref: record}) sorted by `field` (a time), newest first."""
    pairs = [(ref, records[ref]) for ref in records]
    pairs.sort(key=lambda pair: (pair[1].get(field) or "", pair[0]), reverse=True)
    return pairs[:limit]
