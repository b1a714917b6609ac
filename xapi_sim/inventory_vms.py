"""The inventory's guests: templates, VMs with disks/NICs/metrics, snapshots, messages.

Every VM's system disk holds an installed system with the guest agent (guests.py), so a seeded
VM that is halted gets guest metrics when it starts. Each VM has a mac_seed, as VM.create gives.
"""
import uuid as uuidlib

from . import guests, inventory_templates, vmstate
from .inventory import GiB, NULL
from .xtypes import datetime_of_epoch, now

ROLES = ["web", "db", "app", "api", "cache", "mail", "dns", "ldap", "git", "ci-runner",
         "monitoring", "backup", "proxy", "k8s-node", "search", "kafka", "vault", "jump",
         "win-dc", "win-sql", "rdp", "build", "files", "print"]
OSES = [("Debian GNU/Linux 12 (bookworm)", "debian", "12", "6.1.0-28-amd64", False),
        ("Ubuntu 24.04.1 LTS", "ubuntu", "24", "6.8.0-49-generic", False),
        ("Rocky Linux 9.5 (Blue Onyx)", "rhel", "9", "5.14.0-503.14.1.el9_5.x86_64", False),
        ("AlmaLinux 9.5 (Teal Serval)", "rhel", "9", "5.14.0-503.11.1.el9_5.x86_64", False),
        ("Microsoft Windows Server 2022 Standard", "windows", "10", "", True),
        ("Alpine Linux v3.21", "alpine", "3", "6.12.4-0-virt", False)]
# The template and the guest key (guests.OSES) of each entry of OSES.
TEMPLATES = [("Debian Bookworm 12", "debian-12"), ("Ubuntu Noble Numbat 24.04", "ubuntu-24.04"),
             ("Rocky Linux 9", "rocky-9"), ("AlmaLinux 9", "alma-9"),
             ("Windows Server 2022 (64-bit)", "windows-server-2022"),
             ("Other install media", "alpine-3.21")]
TAGS = ["prod", "staging", "backup-daily", "critical", "team-infra", "team-web", "pci"]


def base_vm(name, memory, vcpus, extra=None):
    rec = {"name_label": name, "user_version": 1, "memory_static_min": min(memory, 512 * 1024 ** 2),
           "memory_dynamic_min": memory, "memory_dynamic_max": memory,
           "memory_static_max": memory, "memory_target": memory, "VCPUs_max": vcpus,
           "VCPUs_at_startup": vcpus, "HVM_boot_policy": "BIOS order", "domain_type": "hvm",
           "HVM_boot_params": {"order": "cd", "firmware": "bios"},
           "platform": {"acpi": "1", "apic": "true", "pae": "true", "viridian": "false",
                        "nx": "true", "device-model": "qemu-upstream-compat"},
           "actions_after_shutdown": "destroy", "actions_after_reboot": "restart",
           "actions_after_crash": "restart", "power_state": "Halted", "domid": -1}
    rec.update(extra or {})
    return rec


def build(b):
    b.templates = inventory_templates.make_default_templates(b, early=True)
    running_mem = {h: 0 for h in b.hosts}
    vms = []
    for i in range(b.sim.config.vms):
        vm, host = make_vm(b, i)
        vms.append(vm)
        if host != NULL:
            running_mem[host] += b.db.get("VM", vm)["memory_dynamic_max"]
    size_hosts(b, running_mem)
    for vm in vms[:2]:
        make_snapshot(b, vm, "before-upgrade")
    make_messages(b, vms)
    b.templates += inventory_templates.make_default_templates(b, early=False)
    b.templates += inventory_templates.make_cloud_templates(b)
    for template in b.templates:      # last, so the VMs above keep the seed's draws
        b.db.set("VM", template, "metrics", vmstate.new_metrics(b.db))


# A fixed rotation guarantees every power state even in a small pool: 60% running, 25% halted,
# 10% suspended, 5% paused over 20 VMs.
STATE_CYCLE = ("Running Running Halted Running Suspended Running Halted Running Running Halted "
               "Running Paused Running Halted Running Running Suspended Halted Running Halted").split()


def power_state_for(i, rng):
    return STATE_CYCLE[i % len(STATE_CYCLE)]


def guest_os(i, role):
    """(name, distro, major, uname, windows) of VM number i: Windows for the Windows roles."""
    if role.startswith(("win-", "rdp")):
        return OSES[4]
    return OSES[(i * 7) % len(OSES)]


def make_vm(b, i):
    """VM number i with its disks, NICs and, per the state rotation, a domain; -> (ref, host)."""
    role = ROLES[i % len(ROLES)]
    guest = guest_os(i, role)
    host = b.hosts[i % len(b.hosts)]
    state = power_state_for(i, b.rng)
    live = state in ("Running", "Paused")
    vm = b.db.create("VM", vm_fields(b, i, role, guest, state if live else "Halted", live))
    make_disks(b, vm, i, host)
    make_vifs(b, vm, i)
    if live:
        make_guest_metrics(b, vm, i, *guest)
        vmstate.enter_running(b.db, vm, host, paused=(state == "Paused"),
                              console_location=b.console_location(host))
        backdate_start(b, vm, 3600 + (i * 7919) % (30 * 86400))
        return vm, host
    if state == "Suspended":
        memory = b.db.get("VM", vm)["memory_static_max"]
        suspend_vdi = make_vdi(b, b.shared["nfs"], "Suspend image", memory, "suspend")
        vmstate.enter_suspended(b.db, vm, suspend_vdi)
    else:
        vmstate.enter_halted(b.db, vm)
    return vm, NULL


def vm_fields(b, i, role, guest, power_state, live):
    db, rng = b.db, b.rng
    width = 4 if b.sim.config.vms > 999 else 2
    name = "%s-%0*d" % (role, width, i // len(ROLES) + 1)
    memory = rng.choice([1, 2, 2, 4, 4, 8, 16]) * GiB if b.sim.config.vms <= 1000 else GiB
    vcpus = rng.choice([1, 2, 2, 4, 8])
    tags = sorted(set(rng.sample(TAGS, rng.randrange(3))))
    windows = guest[4]
    metrics = vmstate.new_metrics(db, VCPUs_number=0, memory_actual=0, hvm=True,
                                  current_domain_type="hvm",
                                  install_time=datetime_of_epoch(1.7e9 + i * 3600))
    return base_vm(name, memory, vcpus, {
        # a live VM is created with its domain already numbered, so enter_running keeps it
        "power_state": power_state, "domid": b.new_domid() if live else -1,
        "name_description": "%s server (%s)" % (role, guest[0]), "tags": tags,
        "metrics": metrics, "affinity": NULL,
        "other_config": {"base_template_name": TEMPLATES[OSES.index(guest)][0],
                         "auto_poweron": "true" if i % 5 == 0 else "false",
                         "mac_seed": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, "xapi-sim:%d:vm:%d"
                                                       % (b.sim.config.seed, i)))},
        "HVM_boot_params": {"order": "cd", "firmware": "uefi" if windows else "bios"},
        "platform": {"acpi": "1", "apic": "true", "pae": "true", "nx": "true",
                     "viridian": "true" if windows else "false",
                     "device-model": "qemu-upstream-compat"}})


def backdate_start(b, vm, seconds):
    """Guests of a pool that has been up for a while: uptimes and stats history to show at once."""
    metrics = b.db.get("VM", vm)["metrics"]
    b.db.set("VM_metrics", metrics, "start_time", datetime_of_epoch(b.sim.clock() - seconds))


def make_vdi(b, sr, label, size, vdi_type="system"):
    used = int(size * (0.2 + 0.6 * b.rng.random())) if vdi_type != "suspend" else size
    return b.db.create("VDI", {"name_label": label, "SR": sr, "virtual_size": size,
                               "physical_utilisation": used, "type": vdi_type, "managed": True,
                               "location": b.db.new_uuid(), "sm_config": {"vdi_type": "vhd"},
                               "allowed_operations": ["clone", "copy", "resize", "snapshot",
                                                      "destroy", "forget", "update"]})


def make_disks(b, vm, i, host):
    db = b.db
    name = db.get("VM", vm)["name_label"]
    sr = b.shared["nfs"] if i % 4 else b.local_srs[host]
    sizes = [b.rng.choice([10, 20, 32, 50, 100]) * GiB]
    if i % 3 == 0:
        sizes.append(b.rng.choice([50, 100, 200, 500]) * GiB)
    guest = TEMPLATES[OSES.index(guest_os(i, ROLES[i % len(ROLES)]))][1]
    for n, size in enumerate(sizes):
        vdi = make_vdi(b, sr, "%s %s" % (name, "system" if n == 0 else "data %d" % n), size,
                       "system" if n == 0 else "user")
        if n == 0:
            guests.mark(db, vdi, guest)
        db.create("VBD", {"VM": vm, "VDI": vdi, "device": "xvd" + "abc"[n], "userdevice": str(n),
                          "bootable": n == 0, "mode": "RW", "type": "Disk", "unpluggable": n > 0,
                          "allowed_operations": ["attach", "unpause", "pause"]})
    iso = list(b.isos.values())[i % len(b.isos)] if i % 2 == 0 else NULL
    db.create("VBD", {"VM": vm, "VDI": iso, "device": "xvdd", "userdevice": "3", "mode": "RO",
                      "type": "CD", "empty": iso == NULL, "unpluggable": True,
                      "allowed_operations": ["attach", "eject" if iso != NULL else "insert"]})


def make_vifs(b, vm, i):
    keys = ["eth0"] + (["eth1"] if i % 4 == 1 else [])
    for n, key in enumerate(keys):
        b.db.create("VIF", {"VM": vm, "device": str(n), "network": b.networks[key], "MAC": b.mac(),
                            "MAC_autogenerated": True, "MTU": 1500, "locking_mode": "network_default",
                            "allowed_operations": ["attach", "unplug"]})


def ip_of(i, nic=0):
    return "10.%d.%d.%d" % (nic + 1, (i // 250) % 250, i % 250 + 2)


def make_guest_metrics(b, vm, i, os_name, distro, major, uname, windows):
    networks = {"0/ip": ip_of(i), "0/ipv4/0": ip_of(i), "0/ipv6/0": "fd00::%x" % (i + 2)}
    if len(b.db.referrers("VM", "VIFs", vm)) > 1:
        networks.update({"1/ip": ip_of(i, 1), "1/ipv4/0": ip_of(i, 1)})
    version = {"name": os_name, "distro": distro, "major": major}
    if uname:
        version["uname"] = uname
    gm = b.db.create("VM_guest_metrics", {
        "os_version": version, "networks": networks, "live": True, "last_updated": now(),
        "PV_drivers_version": {"major": "8", "minor": "3", "micro": "0", "build": "1"}
        if i % 9 else {},
        "PV_drivers_up_to_date": i % 9 != 0, "PV_drivers_detected": i % 9 != 0,
        "can_use_hotplug_vbd": "yes", "can_use_hotplug_vif": "yes",
        "other": {"feature-shutdown": "1", "feature-poweroff": "1", "feature-reboot": "1",
                  "feature-suspend": "1", "feature-vcpu-hotplug": "1", "has-vendor-device": "0",
                  "platform-feature-multiprocessor-suspend": "1"} if i % 9 else {}})
    b.db.set("VM", vm, "guest_metrics", gm)


def size_hosts(b, running_mem):
    for host, used in running_mem.items():
        total = max(256 * GiB, int((used + 8 * GiB) * 1.25) // GiB * GiB)
        metrics = b.db.get("host", host)["metrics"]
        b.db.set("host_metrics", metrics, "memory_total", total)


def make_snapshot(b, vm, label):
    from .vmcopy import snapshot_vm
    snapshot_vm(b.db, vm, label)


def make_messages(b, vms):
    store, db = b.sim.messages, b.db
    if vms:
        first = db.get("VM", vms[0])
        store.create("ALARM", 3, "VM", first["uuid"],
                     "value: 0.954\nconfig:\n<variable>\n<name value=\"cpu_usage\"/>\n"
                     "<alarm_trigger_level value=\"0.9\"/>\n</variable>")
        host = db.get("host", first["resident_on"])
        store.create("VM_STARTED", 5, "VM", first["uuid"], "VM '%s' started on host: %s (uuid: %s)"
                     % (first["name_label"], host["name_label"], host["uuid"]))
    master = db.get("host", b.hosts[0])
    store.create("HOST_CLOCK_SKEW_DETECTED", 2, "Host", master["uuid"],
                 "The clock of host %s is 4 seconds ahead of the pool master" % master["name_label"])
    nfs = db.get("SR", b.shared["nfs"])
    store.create("SR_BACKEND_FAILURE", 3, "SR", nfs["uuid"],
                 "NFS SR %s: latency above 200 ms for 5 minutes" % nfs["name_label"])
