"""Which VMs have an installed operating system whose guest agent reports to XAPI.

XAPI only has VM_guest_metrics (IP addresses, OS version, PV drivers, feature flags) once the
guest agent inside a running VM has written them to xenstore; a VM installed from a default
template with a blank disk has none, so operations that need the guest's cooperation fail
(VM_LACKS_FEATURE for clean_shutdown on an HVM guest, VM_MISSING_PV_DRIVERS for hotplug).

The simulator marks a disk that holds an installed system with tools in its sm_config
(`xapi_sim_guest`: a key of OSES). The mark travels with the disk through clone, copy,
snapshot and export, so VMs cloned from an installed VM, or made from a template that was an
installed VM, boot with an agent; a disk created empty has no mark.
"""
from .xtypes import now

MARK = "xapi_sim_guest"
# key -> (os_version name, distro, major, minor, uname, windows)
OSES = {
    "debian-12": ("Debian GNU/Linux 12 (bookworm)", "debian", "12", "8", "6.1.0-28-amd64", False),
    "ubuntu-24.04": ("Ubuntu 24.04.1 LTS", "ubuntu", "24", "04", "6.8.0-49-generic", False),
    "rocky-9": ("Rocky Linux 9.5 (Blue Onyx)", "rhel", "9", "5",
                "5.14.0-503.14.1.el9_5.x86_64", False),
    "alma-9": ("AlmaLinux 9.5 (Teal Serval)", "rhel", "9", "5",
               "5.14.0-503.11.1.el9_5.x86_64", False),
    "windows-server-2022": ("Microsoft Windows Server 2022 Standard", "windows", "10", "0", "",
                            True),
    "alpine-3.21": ("Alpine Linux v3.21", "alpine", "3", "21", "6.12.4-0-virt", False),
}
FEATURES = {"feature-shutdown": "1", "feature-poweroff": "1", "feature-reboot": "1",
            "feature-suspend": "1", "feature-vcpu-hotplug": "1", "has-vendor-device": "0",
            "platform-feature-multiprocessor-suspend": "1"}
PV_DRIVERS = {"major": "8", "minor": "3", "micro": "0", "build": "1"}


def mark(db, vdi, os_key):
    """Say that `vdi` holds an installed `os_key` with the guest agent."""
    sm_config = dict(db.get("VDI", vdi)["sm_config"], **{MARK: os_key})
    db.set("VDI", vdi, "sm_config", sm_config)


def installed_os(db, vm):
    """The OS key on the VM's first disk that has one (by userdevice), or None."""
    disks = []
    for vbd in db.referrers("VM", "VBDs", vm):
        rec = db.get("VBD", vbd)
        vdi = db.get("VDI", rec["VDI"]) if rec["type"] == "Disk" else None
        if vdi is not None and vdi["sm_config"].get(MARK) in OSES:
            disks.append((not rec["bootable"], rec["userdevice"].zfill(4), vdi["sm_config"][MARK]))
    return min(disks)[2] if disks else None


def version(os_key):
    name, distro, major, minor, uname, _windows = OSES[os_key]
    found = {"name": name, "distro": distro, "major": major, "minor": minor}
    if uname:
        found["uname"] = uname
    return found


def new_metrics(db, vm, os_key, networks):
    """The VM_guest_metrics the agent of `os_key` writes once the VM runs."""
    return db.create("VM_guest_metrics", {
        "os_version": version(os_key), "networks": networks, "live": True,
        "last_updated": now(), "PV_drivers_version": dict(PV_DRIVERS),
        "PV_drivers_up_to_date": True, "PV_drivers_detected": True,
        "can_use_hotplug_vbd": "yes", "can_use_hotplug_vif": "yes", "other": dict(FEATURES)})
