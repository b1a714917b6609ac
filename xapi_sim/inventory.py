"""A realistic, deterministic pool: hosts, control domains, networks, storage (VMs: inventory_vms).

Same seed, same inventory. Sizes are plausible for an XCP-ng 8.3 pool of rack servers.
"""
import hashlib

from . import derived, sm, srstate, vmstate
from .backends import ISO_FILES
from .xtypes import datetime_of_epoch, now

GiB = 1024 ** 3
TiB = 1024 ** 4
NULL = "OpaqueRef:NULL"
CPU_MODELS = [("Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz", "GenuineIntel", "2200.000", 24),
              ("AMD EPYC 7313P 16-Core Processor", "AuthenticAMD", "3000.000", 32),
              ("Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz", "GenuineIntel", "2100.000", 52)]
SOFTWARE_VERSION = {
    "product_brand": "XCP-ng", "product_version": "8.3.0", "product_version_text": "8.3",
    "product_version_text_short": "8.3", "platform_name": "XCP", "platform_version": "3.4.0",
    "build_number": "cloud", "xapi": "24.39", "xapi_build": "24.39.1", "xen": "4.17.5-3",
    "linux": "4.19.0+1", "xencenter_min": "2.21", "xencenter_max": "2.21",
    "network_backend": "openvswitch", "db_schema": "5.786", "date": "2025-06-05",
    "git_id": "0f4d3e2", "hostname": "localhost",
}
ISOS = list(ISO_FILES)
NFS_VMS = {"server": "nfs.lab.local", "serverpath": "/export/vms", "nfsversion": "4.1"}
NFS_ISO = {"location": "nfs.lab.local:/export/iso", "type": "nfs_iso"}
# A host's BIOS strings, every key XAPI fills, in its order (bios_strings.ml get_host_bios_strings:
# dmidecode types 0, 1, 2, then the standard type 11 strings of constants.ml, then hp-rombios).
BIOS_STRINGS = (("bios-vendor", "American Megatrends Inc."), ("bios-version", "3.4"),
                ("system-manufacturer", "Supermicro"), ("system-product-name", "SYS-1029P-WTR"),
                ("system-version", "0123456789"), ("system-serial-number", "S4182%05d"),
                ("baseboard-manufacturer", "Supermicro"), ("baseboard-product-name", "X11DDW-NT"),
                ("baseboard-version", "1.10"), ("baseboard-serial-number", "ZM19%06d"),
                ("oem-1", "Xen"), ("oem-2", "MS_VM_CERT/SHA1/bdbeb6e0a816d43fa6d3fe8aaef04c2bad9d3e3d"),
                ("hp-rombios", ""))
FEATURE_WORDS = 18   # a CPU policy as XAPI prints it: 32-bit words in hex, joined by "-"


class Builder:
    """Holds what later steps need (refs of networks, SRs, hosts) while the pool is built."""

    def __init__(self, sim):
        self.sim = sim
        self.db = sim.db
        self.rng = sim.db.rng
        self.hosts = []
        self.networks = {}
        self.local_srs = {}
        self.last_domid = 0

    def new_domid(self):
        # Counted here: vmstate.next_domid scans every VM, quadratic over a 10,000-VM build.
        self.last_domid += 1
        return self.last_domid

    def mac(self):
        return "be:ef:%s" % ":".join("%02x" % self.rng.randrange(256) for _ in range(4))

    def console_location(self, host, key="uuid"):
        return vmstate.console_location(self.sim.config, self.db, host, key)


def build(sim):
    b = Builder(sim)
    cfg = sim.config
    pool = b.db.create("pool", {"name_label": "Demo pool", "name_description": "Simulated XCP-ng pool",
                                "other_config": {"auto_poweron": "false"},
                                # XCP-ng 8.3 lifts the vTPM restriction (xapi_vtpm.ml assert_not_restricted)
                                "restrictions": {"restrict_vtpm": "false"}})
    make_sms(b)
    make_networks(b)
    for i in range(cfg.hosts):
        b.hosts.append(make_host(b, i, cfg.addresses[i]))
    shared = make_shared_storage(b)
    b.db.update("pool", pool, {"master": b.hosts[0], "default_SR": shared["nfs"],
                               "suspend_image_SR": shared["nfs"], "crash_dump_SR": shared["nfs"]})
    b.shared = shared
    from . import inventory_vms
    b.db.building = True          # bulk: no per-write checks or wake-ups (see db.py)
    try:
        inventory_vms.build(b)
        refresh_allowed_operations(b.db)
    finally:
        b.db.building = False
    make_sms(b, early=False)
    for sr in b.db.all("SR"):
        srstate.recount(sim, sr)
    refresh_derived(b.db)
    return b


def refresh_derived(db):
    """The fields XAPI derives (xapi_sim/derived.py), once the pool is built."""
    derived.refresh_pool_cpu_info(db)
    for host in db.all("host"):
        derived.refresh_host_memory(db, host)


def refresh_allowed_operations(db):
    """Derive every object's allowed_operations from XAPI's tables, as XAPI does after a change."""
    from .methods import devices, host, storage, vif
    vbds, vdis, vifs = {}, {}, {}        # memos for this pass: objects alike allow the same
    for cls, update in (("host", host.update_host), ("SR", storage.update_sr),
                        ("VBD", lambda db, ref: devices.update_vbd(db, ref, False, vbds)),
                        ("VDI", lambda db, ref: storage.update_vdi(db, ref, vdis)),
                        ("VIF", lambda db, ref: vif.update_vif(db, ref, vifs))):
        for ref in db.all(cls):
            update(db, ref)


SM_FILES = {"ext": "EXTSR", "lvm": "LVMSR", "nfs": "NFSSR", "smb": "SMBSR", "iso": "ISOSR",
            "udev": "udevSR"}


# SM records made before the VMs (as many as there always were: the seeded VMs keep their random
# draws) and after them.
EARLY_SMS = ("ext", "lvm", "nfs", "iso", "udev")


def make_sms(b, early=True):
    """One SM record per driver, as XAPI registers them from /opt/xensource/sm."""
    for sr_type in EARLY_SMS if early else sorted(set(sm.DRIVERS) - set(EARLY_SMS)):
        driver = sm.DRIVERS[sr_type]
        b.db.create("SM", {"name_label": driver.name, "name_description": driver.description,
                           "type": sr_type, "vendor": "Citrix Systems Inc",
                           "copyright": "(C) 2008 Citrix Systems Inc", "version": "1.0",
                           "required_api_version": "1.0", "configuration": driver.config,
                           "capabilities": sorted(driver.caps), "features": sm.features(driver),
                           "driver_filename": "/opt/xensource/sm/" + SM_FILES[sr_type]})


def make_networks(b):
    specs = [("eth0", "Pool-wide network associated with eth0", "xenbr0", 1500, {}),
             ("eth1", "Pool-wide network associated with eth1", "xenbr1", 9000, {}),
             ("vlan20", "Storage VLAN 20", "xapi1", 9000, {}),
             ("internal", "Host internal management network", "xenapi", 1500,
              {"is_guest_installer_network": "true", "is_host_internal_management_network": "true",
               "ip_begin": "169.254.0.1", "ip_end": "169.254.255.254", "netmask": "255.255.0.0"})]
    for key, label, bridge, mtu, other in specs:
        b.networks[key] = b.db.create("network", {
            "name_label": label, "bridge": bridge, "MTU": mtu, "other_config": other,
            "managed": True, "purpose": []})


def make_host(b, i, address):
    db = b.db
    model, vendor, speed, cores = CPU_MODELS[i % len(CPU_MODELS)]
    name = "xcp-ng-%02d" % (i + 1)
    metrics = db.create("host_metrics", {"memory_total": 256 * GiB, "live": True,
                                         "last_updated": now()})
    host = db.create("host", {
        "name_label": name, "name_description": "Rack %d, slot %d" % (i // 8 + 1, i % 8 + 1),
        "hostname": name, "address": address, "enabled": True, "metrics": metrics,
        "API_version_major": 2, "API_version_minor": 21, "API_version_vendor": "XenSource",
        "software_version": dict(SOFTWARE_VERSION, hostname=name), "edition": "xcp-ng",
        "cpu_info": cpu_info(model, vendor, speed, cores),
        "memory_overhead": 2 * GiB, "other_config": {"iscsi_iqn": "iqn.2024-01.lan:" + name},
        "iscsi_iqn": "iqn.2024-01.lan:" + name,
        "bios_strings": {k: v % (i + 1) if "%" in v else v for k, v in BIOS_STRINGS},
        "license_params": {"sku_type": "free"}, "display": "enabled",
        "power_on_mode": "wake-on-lan",
        "allowed_operations": ["provision", "evacuate", "shutdown", "reboot", "vm_start",
                               "vm_resume", "vm_migrate", "enable"],
    })
    for n in range(cores):
        db.create("host_cpu", {"host": host, "number": n, "vendor": vendor, "modelname": model,
                               "speed": int(float(speed)), "family": 6, "model": 85, "stepping": "7",
                               "utilisation": 0.0})
    make_pifs(b, host, i, address)
    make_local_storage(b, host, name)
    make_dom0(b, host, name)
    return host


def cpu_info(model, vendor, speed, cores):
    """A host's cpu_info with every key XAPI sets (create_misc.ml create_host_cpu)."""
    words = hashlib.sha256(model.encode()).hexdigest() * 3
    features = "-".join(words[8 * n:8 * n + 8] for n in range(FEATURE_WORDS))
    return {"cpu_count": str(cores), "socket_count": "2", "threads_per_core": "2", "nr_nodes": "2",
            "vendor": vendor, "speed": speed, "modelname": model, "family": "6", "model": "85",
            "stepping": "7", "flags": "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi "
                                      "mmx fxsr sse sse2 ht syscall nx lm constant_tsc rep_good nopl",
            "features_pv": features, "features_hvm": features,
            "features_pv_host": features, "features_hvm_host": features}


def make_pifs(b, host, i, address):
    db = b.db
    for port, (dev, key, mgmt) in enumerate((("eth0", "eth0", True), ("eth1", "eth1", False))):
        # monitor_master.ml set_pif_metrics: what networkd reports of the NIC (an X710: 8086:1572)
        metrics = db.create("PIF_metrics", {"carrier": True, "speed": 10000, "duplex": True,
                                            "vendor_id": "8086", "device_id": "1572",
                                            "vendor_name": "Intel Corporation",
                                            "device_name": "Ethernet Controller X710 for 10GbE SFP+",
                                            "pci_bus_path": "0000:%02x:00.%d" % (3 + i % 2, port),
                                            "last_updated": now()})
        pif = db.create("PIF", {
            "device": dev, "network": b.networks[key], "host": host, "MAC": b.mac(),
            "MTU": db.get("network", b.networks[key])["MTU"], "VLAN": -1, "physical": True,
            "currently_attached": True, "management": mgmt, "metrics": metrics,
            "ip_configuration_mode": "Static" if mgmt else "None",
            "IP": address if mgmt else "", "netmask": "255.0.0.0" if mgmt else "",
            "gateway": "127.0.0.254" if mgmt else "", "DNS": "127.0.0.53" if mgmt else "",
            "primary_address_type": "IPv4", "properties": {"gro": "on"},
            "capabilities": ["fcoe"]})
        if dev == "eth1":
            make_vlan(b, host, pif)


def make_vlan(b, host, tagged):
    db = b.db
    # xapi_vlan.create_internal: the VLAN's MAC, and the tagged PIF's MTU and PIF_metrics
    untagged = db.create("PIF", {"device": "eth1", "network": b.networks["vlan20"], "host": host,
                                 "MAC": "fe:ff:ff:ff:ff:ff", "MTU": 9000, "VLAN": 20,
                                 "metrics": db.get("PIF", tagged)["metrics"], "managed": True,
                                 "physical": False, "currently_attached": True,
                                 "ip_configuration_mode": "None", "primary_address_type": "IPv4"})
    vlan = db.create("VLAN", {"tagged_PIF": tagged, "untagged_PIF": untagged, "tag": 20})
    db.set("PIF", untagged, "VLAN_master_of", vlan)


def make_sr(b, label, sr_type, content, shared, hosts, device_config, other=None, sm_config=None):
    """An SR with its PBDs plugged; its sizes come from its storage once its disks exist."""
    db = b.db
    serial = db.new_uuid()[:8]
    sm_config = sm_config if sm_config is not None else {"devserial": "scsi-" + serial}
    sr = db.create("SR", {"name_label": label, "type": sr_type, "content_type": content,
                          "shared": shared, "other_config": other or {},
                          "sm_config": sm_config})
    for host in hosts:
        db.create("PBD", {"host": host, "SR": sr, "device_config": device_config,
                          "currently_attached": True})
    return sr


def make_local_storage(b, host, name):
    b.local_srs[host] = make_sr(b, "Local storage", "ext", "user", False, [host],
                                {"device": "/dev/disk/by-id/ata-SSD-%s-part3" % name})


def make_shared_storage(b):
    nfs = make_sr(b, "NFS storage", "nfs", "", True, b.hosts, NFS_VMS, sm_config={})
    iso = make_sr(b, "ISO library", "iso", "iso", True, b.hosts, NFS_ISO,
                  other={"auto-scan": "true"}, sm_config={"iso_type": "nfs_iso"})
    tools = make_sr(b, "XCP-ng Tools", "iso", "iso", True, b.hosts,
                    {"location": "/opt/xensource/packages/iso", "legacy_mode": "true"},
                    {"xensource_internal": "true", "xenserver_tools_sr": "true"})
    b.db.set("SR", tools, "is_tools_sr", True)
    b.isos = {}
    for name in ISOS:
        b.isos[name] = make_iso(b, iso, name, ISO_FILES[name])
    make_iso(b, tools, "guest-tools.iso", 76 * 1024 ** 2, tools=True)
    return {"nfs": nfs, "iso": iso, "tools": tools}


def make_iso(b, sr, name, size, tools=False):
    return b.db.create("VDI", {"name_label": name, "SR": sr, "virtual_size": size,
                               "physical_utilisation": size, "type": "user", "read_only": True,
                               "location": name, "is_tools_iso": tools, "managed": True,
                               "sm_config": {"xs-tools": "true"} if tools else {}})


def make_dom0(b, host, name):
    db = b.db
    # create_misc.ml: a control domain's VCPUs_utilisation has one zero per CPU
    metrics = db.create("VM_metrics", {"VCPUs_number": 8, "memory_actual": 4 * GiB,
                                       "current_domain_type": "pv", "install_time": now(),
                                       "VCPUs_utilisation": {str(n): 0.0 for n in range(8)}})
    vm = db.create("VM", {
        "name_label": "Control domain on host: %s" % name, "is_control_domain": True,
        "power_state": "Halted", "domid": -1, "metrics": metrics, "VCPUs_max": 8,
        "VCPUs_at_startup": 8, "memory_static_max": 4 * GiB, "memory_dynamic_max": 4 * GiB,
        "memory_dynamic_min": 4 * GiB, "memory_static_min": 4 * GiB, "memory_target": 4 * GiB,
        "domain_type": "pv", "user_version": 1, "affinity": host,
        "other_config": {"storage_driver_domain": ""}})
    vmstate.enter_running(db, vm, host, console_location=b.console_location(host, "ref"))
    db.set("host", host, "control_domain", vm)
    booted = b.sim.clock() - (30 + 17 * len(b.hosts)) * 86400
    db.set("VM_metrics", metrics, "start_time", datetime_of_epoch(booted))
    db.set("host", host, "other_config", dict(db.get("host", host)["other_config"],
                                              boot_time="%.0f." % booted,
                                              agent_start_time="%.0f." % (booted + 40)))
    return vm
