"""VM power-state transitions and what each one keeps consistent (reference §5.3, checklist 20).

Entering Running/Paused sets resident_on, domid, VM_metrics, attaches VBDs/VIFs, creates the
console and brings the guest agent's VM_guest_metrics up; entering Halted undoes all of it;
Suspended keeps the disks but no domain. Every transition recomputes allowed_operations.

Guest metrics follow XAPI's lifetime: the object is kept when the VM stops (its `live` flag goes
false, so the last known IPs stay visible) and is refreshed when the guest runs again. A VM that
never ran gets guest metrics on its first start only if its disks hold an installed system with
the guest agent (guests.py); a VM installed from a template with blank disks gets none. A run that
ends (halt, suspend, reboot) goes to the VM's archived RRD (rrd_sources.archive_run), so its
statistics outlive it. Times come from the simulator's clock (`db.clock`).

When a VM starts, xenopsd attaches its devices and names them (devnames.py: "xvda" for
userdevice 0): empty CD drives are attached only for HVM guests, which have an emulated drive.
"""
from . import derived, devnames, disks, guests, rrd_sources, vmrules
from .errors import XapiFailure
from .xtypes import EPOCH, DateTime, datetime_of_epoch, now

NULL = "OpaqueRef:NULL"


def new_metrics(db, **fields):
    """A VM's VM_metrics as XAPI creates them with the VM (xapi_vm.ml create: one VCPU at 0.)."""
    return db.create("VM_metrics", dict({"VCPUs_utilisation": {"0": 0.0}}, **fields))


def next_domid(db):
    used = [db.get("VM", r)["domid"] for r in db.tables["VM"]]
    return max([0] + used) + 1


def console_location(config, db, host, key="uuid"):
    """The console URL of a VM on `host` (the host running it serves it), §6.1.

    `{uuid}` / `{ref}` are filled per console by create_console.
    """
    address = db.get("host", host)["address"]
    return "%s/console?%s={%s}" % (config.origin(address), key, key)


def enter_running(db, vm, host, paused=False, console_location=None):
    rec = db.get("VM", vm)
    was_down = rec["power_state"] in ("Halted", "Suspended")
    changes = {"power_state": "Paused" if paused else "Running", "resident_on": host,
               "scheduled_to_be_resident_on": NULL}
    if rec["domid"] < 0 or was_down:
        changes["domid"] = 0 if rec["is_control_domain"] else next_domid(db)
    if rec["power_state"] == "Suspended":
        changes["suspend_VDI"] = NULL
    db.update("VM", vm, changes)
    _set_attached(db, vm, True)
    _metrics(db, vm, state="running", start=was_down)
    if not db.referrers("VM", "consoles", vm):
        create_console(db, vm, console_location)
    _guest_live(db, vm, True)
    vmrules.update(db, vm)
    derived.refresh_host_memory(db, host)


def reboot(db, vm):
    """A new domain for the same VM: new domid and start time, same host and console."""
    db.set("VM", vm, "domid", next_domid(db))
    _metrics(db, vm, state="running", start=True)


def enter_halted(db, vm):
    host = db.get("VM", vm)["resident_on"]
    db.update("VM", vm, {"power_state": "Halted", "resident_on": NULL, "domid": -1,
                         "scheduled_to_be_resident_on": NULL})
    _set_attached(db, vm, False)
    _drop_consoles(db, vm)
    _metrics(db, vm, state="halted", start=False)
    _guest_live(db, vm, False)
    vmrules.update(db, vm)
    derived.refresh_host_memory(db, host)


def enter_suspended(db, vm, suspend_vdi=NULL):
    host = db.get("VM", vm)["resident_on"]
    db.update("VM", vm, {"power_state": "Suspended", "resident_on": NULL, "domid": -1,
                         "suspend_VDI": suspend_vdi})
    _set_attached(db, vm, False)
    _drop_consoles(db, vm)
    _metrics(db, vm, state="suspended", start=False)
    _guest_live(db, vm, False)
    vmrules.update(db, vm)
    derived.refresh_host_memory(db, host)


def move(db, vm, host, console_location):
    """A running VM now runs on `host` (migration): residence, console URL, host memory."""
    source = db.get("VM", vm)["resident_on"]
    db.update("VM", vm, {"resident_on": host, "domid": next_domid(db)})
    for console in sorted(db.referrers("VM", "consoles", vm)):
        rec = db.get("console", console)
        location = console_location.replace("{uuid}", rec["uuid"]).replace("{ref}", console)
        db.set("console", console, "location", location)
    vmrules.update(db, vm)
    derived.refresh_host_memory(db, source)
    derived.refresh_host_memory(db, host)


def create_console(db, vm, location=None):
    ref = db.new_ref()
    uuid = db.new_uuid()
    if location is None:
        location = ""
    db.create("console", {"uuid": uuid, "protocol": "rfb", "VM": vm,
                          "location": location.replace("{uuid}", uuid).replace("{ref}", ref)},
              ref=ref)
    return ref


def suspend_sr(db, vm):
    """Where a memory image goes (Helpers.choose_suspend_sr): the VM's suspend_SR, else the
    pool's suspend_image_SR, else its default SR; VM_NO_SUSPEND_SR when none exists."""
    pools = db.all("pool")
    pool = db.get("pool", pools[0]) if pools else {}
    for sr in (db.get("VM", vm)["suspend_SR"], pool.get("suspend_image_SR", NULL),
               pool.get("default_SR", NULL)):
        if db.exists("SR", sr):
            return sr
    raise XapiFailure("VM_NO_SUSPEND_SR", vm)


def create_suspend_vdi(db, vm):
    """The memory image of a suspend or checkpoint: written whole, so it uses its size."""
    sr = suspend_sr(db, vm)
    size = db.get("VM", vm)["memory_static_max"]
    fields = {"name_label": "Suspend image", "virtual_size": size, "type": "suspend"}
    vdi = disks.create(db, sr, fields, physical=disks.fresh_usage(db, sr, size) + size
                       if disks.is_thin(db, sr) else None)
    return vdi


def drop_suspend_vdi(db, vm):
    vdi = db.get("VM", vm)["suspend_VDI"]
    if vdi != NULL:
        db.set("VM", vm, "suspend_VDI", NULL)
        if db.exists("VDI", vdi):
            disks.remove(db, vdi)


def announce(sim, vm, name, body, **values):
    """A VM lifecycle message (VM_STARTED…), priority 5 as XAPI's api_messages.

    `body` is a %-template; `name` is the VM's name_label, `values` fill the rest."""
    rec = sim.db.get("VM", vm)
    values["name"] = rec["name_label"]
    return sim.messages.create(name, 5, "VM", rec["uuid"], body % values)


def host_free_memory(db, host, compressed=False):
    """Free memory of `host`: all of it minus its overhead and what its VMs use.

    `compressed` counts running VMs at memory_dynamic_min, as XAPI's start check does
    (host_compute_free_memory_with_maximum_compression); otherwise at their actual size.
    """
    rec = db.get("host", host)
    metrics = db.get("host_metrics", rec["metrics"])
    total = metrics["memory_total"] if metrics else 0
    field = "memory_dynamic_min" if compressed else "memory_dynamic_max"
    used = sum(db.get("VM", vm)[field] for vm in db.referrers("host", "resident_VMs", host))
    return total - rec["memory_overhead"] - used


def _drop_consoles(db, vm):
    for ref in list(db.referrers("VM", "consoles", vm)):
        db.destroy("console", ref)


def _set_attached(db, vm, attached):
    """Plug or unplug the VM's devices; their (and their disks') allowed operations follow
    (except while the inventory is built: it derives every list once at the end)."""
    from .methods import devices, vif   # the device tables live with their messages
    hvm = db.get("VM", vm)["domain_type"] == "hvm"
    for cls, field in (("VBD", "VBDs"), ("VIF", "VIFs")):
        for ref in list(db.referrers("VM", field, vm)):
            rec = db.get(cls, ref)
            want = attached and not (cls == "VBD" and rec["empty"] and not hvm)
            changes = {}
            if rec["currently_attached"] != want:
                changes["currently_attached"] = want
            if cls == "VBD" and want:
                device = devnames.linux_device(rec["userdevice"]) or rec["device"]
                if rec["device"] != device:
                    changes["device"] = device
            if cls == "VIF" and want:
                mtu = vif_mtu(db, ref)
                if rec["MTU"] != mtu:
                    changes["MTU"] = mtu
            if changes:
                db.update(cls, ref, changes)
            if getattr(db, "building", False):
                continue
            if cls == "VIF":
                vif.update_vif(db, ref)
                continue
            devices.update_vbd(db, ref)      # and its VDI's


def vif_mtu(db, vif):
    """The MTU a VIF gets when plugged: its network's, unless other_config:mtu says otherwise
    (xapi_xenops.ml; XAPI then reads it back from the device)."""
    rec = db.get("VIF", vif)
    net = db.get("network", rec["network"])
    mtu = net["MTU"] if net else rec["MTU"]
    try:
        return int(rec["other_config"].get("mtu", mtu))
    except ValueError:
        return mtu


def _metrics(db, vm, state, start):
    rec = db.get("VM", vm)
    metrics = rec["metrics"]
    if not db.exists("VM_metrics", metrics):
        return
    running = state == "running"
    clock = db.clock()
    old = db.get("VM_metrics", metrics)
    if "running" in old["state"] and (start or not running):   # a run ended: halt, suspend, reboot
        rrd_sources.archive_run(db, rec["uuid"], rrd_sources.epoch_of(old["start_time"]), clock)
    changes = {"state": [state] if state != "halted" else [], "last_updated": datetime_of_epoch(clock),
               "VCPUs_number": rec["VCPUs_at_startup"] if running else 0,
               "memory_actual": rec["memory_dynamic_max"] if running else 0}
    if running:
        changes["hvm"] = rec["domain_type"] != "pv"
        changes["current_domain_type"] = rec["domain_type"]
    if start:
        changes["start_time"] = datetime_of_epoch(clock)
    if state == "halted":
        changes["start_time"] = DateTime(EPOCH)
    db.update("VM_metrics", metrics, changes)


def _guest_live(db, vm, live):
    """Mark the guest agent's record live or not; a guest running for the first time gets one."""
    rec = db.get("VM", vm)
    gm = rec["guest_metrics"]
    if db.exists("VM_guest_metrics", gm):
        db.update("VM_guest_metrics", gm, {"live": live, "last_updated": now()})
    elif live and not rec["is_control_domain"]:
        os_key = guests.installed_os(db, vm)
        if os_key is not None:
            db.set("VM", vm, "guest_metrics", guests.new_metrics(db, vm, os_key,
                                                                 _networks(db, vm)))


def _networks(db, vm):
    """The addresses the guest agent reports, one per NIC."""
    n = db.count("VM_guest_metrics")
    networks = {}
    for nic, vif in enumerate(sorted(db.referrers("VM", "VIFs", vm))):
        dev = db.get("VIF", vif)["device"]
        ip = "10.%d.%d.%d" % (200 + nic % 50, n // 250 % 250, n % 250 + 2)
        networks.update({dev + "/ip": ip, dev + "/ipv4/0": ip})
    return networks
