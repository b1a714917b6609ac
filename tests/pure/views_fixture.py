"""A small pool shaped like xapi_sim's records, and a page state, for the view and model tests.

Two hosts (one offline after `host_down`), dom0s, a running, a paused, a halted and a suspended VM, a
template, a snapshot, disks on a local and a shared SR, NICs, guest metrics, tasks and messages, plus
a VM whose every string is markup. Runs under CPython and MicroPython like the tests using it.
"""
from lite_app.shell.state import State
from lite_app.xapi.cache import Cache

GiB = 1024 ** 3
NOW = 1750000000.0  # 2025-06-15T15:06:40Z
NULL = "OpaqueRef:NULL"
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


def ref(name):
    return "OpaqueRef:" + name


def vm(name, state, host=NULL, **extra):
    record = {"uuid": "uuid-" + name, "name_label": name, "name_description": name + " server",
              "power_state": state, "is_a_template": False, "is_a_snapshot": False,
              "is_control_domain": False, "resident_on": host, "VCPUs_at_startup": 2, "VCPUs_max": 2,
              "memory_dynamic_max": 2 * GiB, "memory_static_max": 2 * GiB, "metrics": ref(name + "-m"),
              "guest_metrics": NULL, "VBDs": [], "VIFs": [], "snapshots": [], "tags": [],
              "other_config": {}, "allowed_operations": [], "current_operations": {},
              "blocked_operations": {}, "snapshot_time": "19700101T00:00:00Z"}
    record.update(extra)
    return record


def hosts(records):
    records["host_metrics"] = {ref("hm1"): {"uuid": "hm1", "live": True, "memory_total": 64 * GiB,
                                            "memory_free": 0},
                               ref("hm2"): {"uuid": "hm2", "live": True, "memory_total": 32 * GiB}}
    records["host"] = {}
    for n, cpus, addr in ((1, "24", "127.0.0.1"), (2, "32", "127.0.0.2")):
        records["host"][ref("h%d" % n)] = {
            "uuid": "host-%d" % n, "name_label": "xcp-ng-%02d" % n, "name_description": "Rack 1, slot %d" % n,
            "hostname": "xcp-ng-%02d" % n, "address": addr, "enabled": True, "metrics": ref("hm%d" % n),
            "cpu_info": {"cpu_count": cpus, "socket_count": "2", "modelname": "Xeon %d" % n},
            "software_version": {"product_brand": "XCP-ng", "product_version": "8.3.0", "xapi": "24.39"},
            "other_config": {"boot_time": "%.0f." % (NOW - 3 * 86400 - 3600)},
            "memory_overhead": 2 * GiB, "resident_VMs": [], "PIFs": [], "PBDs": [],
            "control_domain": ref("dom0-%d" % n)}


def guests(records):
    records["VM"] = {
        ref("dom0-1"): vm("Control domain on host: xcp-ng-01", "Running", ref("h1"), is_control_domain=True,
                          memory_dynamic_max=4 * GiB),
        ref("dom0-2"): vm("Control domain on host: xcp-ng-02", "Running", ref("h2"), is_control_domain=True,
                          memory_dynamic_max=4 * GiB),
        ref("web"): vm("web-01", "Running", ref("h1"), VCPUs_at_startup=4, tags=["prod", "team-web"],
                       guest_metrics=ref("web-gm"), VBDs=[ref("web-vbd0"), ref("web-vbd3")],
                       VIFs=[ref("web-vif0"), ref("web-vif1")], snapshots=[ref("web-snap")]),
        ref("db"): vm("db-01", "Paused", ref("h2"), memory_dynamic_max=8 * GiB, tags=["prod"]),
        ref("app"): vm("app-01", "Halted", VCPUs_at_startup=1, resident_on=NULL),
        ref("mail"): vm("mail-01", "Suspended", tags=["staging"]),
        ref("tpl"): vm("Debian Bookworm 12", "Halted", is_a_template=True, is_default_template=True),
        ref("web-snap"): vm("before-upgrade", "Halted", is_a_snapshot=True, snapshot_of=ref("web"),
                            snapshot_time="20250614T10:00:00Z"),
        ref("evil"): vm(HOSTILE, "Running", ref("h2"), name_description=HOSTILE, tags=[HOSTILE],
                        other_config={"note": HOSTILE}),
    }
    records["host"][ref("h1")]["resident_VMs"] = [ref("dom0-1"), ref("web")]
    records["host"][ref("h2")]["resident_VMs"] = [ref("dom0-2"), ref("db"), ref("evil")]
    records["VM_metrics"] = {}
    for name, (vcpus, memory, start) in (("web-01", (4, 2 * GiB, "20250615T14:06:40Z")),
                                         ("db-01", (2, 8 * GiB, "20250601T00:00:00Z")),
                                         (HOSTILE, (2, 2 * GiB, "20250615T15:00:00Z")),
                                         ("Control domain on host: xcp-ng-01", (8, 4 * GiB, "")),
                                         ("Control domain on host: xcp-ng-02", (8, 4 * GiB, ""))):
        records["VM_metrics"][ref(name + "-m")] = {"uuid": "m-" + name, "VCPUs_number": vcpus,
                                                   "memory_actual": memory, "start_time": start}
    records["VM_guest_metrics"] = {ref("web-gm"): {
        "uuid": "gm-web", "os_version": {"name": "Debian GNU/Linux 12 (bookworm)", "distro": "debian"},
        "networks": {"0/ip": "10.1.0.2", "0/ipv4/0": "10.1.0.2", "0/ipv6/0": "fd00::2",
                     "1/ip": "10.2.0.2", "1/ipv4/0": "10.2.0.2"},
        "PV_drivers_detected": True}}


def storage(records):
    records["SR"] = {
        ref("local1"): {"uuid": "sr-local1", "name_label": "Local storage", "type": "ext", "shared": False,
                        "content_type": "user", "physical_size": 900 * GiB, "physical_utilisation": 40 * GiB,
                        "virtual_allocation": 40 * GiB, "PBDs": [ref("pbd-l1")], "VDIs": [ref("web-disk0")]},
        ref("nfs"): {"uuid": "sr-nfs", "name_label": "NFS storage", "type": "nfs", "shared": True,
                     "content_type": "", "physical_size": 8 * 1024 * GiB, "physical_utilisation": 7680 * GiB,
                     "virtual_allocation": 1024 * GiB, "PBDs": [ref("pbd-n1"), ref("pbd-n2")],
                     "VDIs": [ref("web-disk1")]},
        ref("iso"): {"uuid": "sr-iso", "name_label": "ISO library", "type": "iso", "shared": True,
                     "physical_size": 500 * GiB, "physical_utilisation": 31 * GiB, "PBDs": [],
                     "VDIs": [ref("iso1")]},
        ref("udev"): {"uuid": "sr-udev", "name_label": "Removable storage", "type": "udev",
                      "physical_size": 0, "physical_utilisation": 0, "PBDs": [], "VDIs": []},
    }
    records["PBD"] = {ref("pbd-l1"): {"uuid": "pbd-l1", "host": ref("h1"), "SR": ref("local1"),
                                      "currently_attached": True},
                      ref("pbd-n1"): {"uuid": "pbd-n1", "host": ref("h1"), "SR": ref("nfs"),
                                      "currently_attached": True},
                      ref("pbd-n2"): {"uuid": "pbd-n2", "host": ref("h2"), "SR": ref("nfs"),
                                      "currently_attached": False}}
    records["VDI"] = {
        ref("web-disk0"): {"uuid": "vdi-web0", "name_label": "web-01 system", "SR": ref("local1"),
                           "virtual_size": 20 * GiB, "physical_utilisation": 8 * GiB, "type": "system",
                           "VBDs": [ref("web-vbd0")]},
        ref("web-disk1"): {"uuid": "vdi-web1", "name_label": "web-01 data 1", "SR": ref("nfs"),
                           "virtual_size": 100 * GiB, "physical_utilisation": 50 * GiB, "type": "user",
                           "VBDs": []},
        ref("iso1"): {"uuid": "vdi-iso1", "name_label": "debian-12.8.0-amd64-netinst.iso", "SR": ref("iso"),
                      "virtual_size": 600 * 1024 ** 2, "type": "user", "VBDs": [ref("web-vbd3")]},
    }
    records["VBD"] = {
        ref("web-vbd0"): {"uuid": "vbd-0", "VM": ref("web"), "VDI": ref("web-disk0"), "device": "xvda",
                          "userdevice": "0", "type": "Disk", "mode": "RW", "currently_attached": True},
        ref("web-vbd3"): {"uuid": "vbd-3", "VM": ref("web"), "VDI": ref("iso1"), "device": "xvdd",
                          "userdevice": "3", "type": "CD", "mode": "RO", "currently_attached": True},
    }


def networks(records):
    records["network"] = {
        ref("net0"): {"uuid": "net-0", "name_label": "Pool-wide network associated with eth0", "bridge": "xenbr0",
                      "MTU": 1500, "PIFs": [ref("pif-1-0"), ref("pif-2-0")], "VIFs": [ref("web-vif0")]},
        ref("vlan20"): {"uuid": "net-20", "name_label": "Storage VLAN 20", "bridge": "xapi1", "MTU": 9000,
                        "PIFs": [ref("pif-1-20")], "VIFs": [ref("web-vif1")]},
        ref("internal"): {"uuid": "net-int", "name_label": "Host internal management network",
                          "bridge": "xenapi", "MTU": 1500, "PIFs": [], "VIFs": []},
    }
    records["PIF"] = {}
    for name, host, net, vlan, ip in (("pif-1-0", "h1", "net0", -1, "127.0.0.1"),
                                      ("pif-2-0", "h2", "net0", -1, "127.0.0.2"),
                                      ("pif-1-20", "h1", "vlan20", 20, "")):
        records["PIF"][ref(name)] = {"uuid": name, "device": "eth0" if vlan < 0 else "eth1", "host": ref(host),
                                     "network": ref(net), "MAC": "be:ef:00:00:00:0" + name[4],
                                     "MTU": 1500, "VLAN": vlan, "IP": ip, "netmask": "255.0.0.0" if ip else "",
                                     "management": bool(ip), "currently_attached": True,
                                     "metrics": ref(name + "-m")}
        records["host"][ref(host)]["PIFs"].append(ref(name))
    records["PIF_metrics"] = {ref("pif-1-0-m"): {"uuid": "pm", "carrier": True, "speed": 10000},
                              ref("pif-1-20-m"): {"uuid": "pm20", "carrier": False, "speed": 0}}
    records["VIF"] = {ref("web-vif0"): {"uuid": "vif-0", "device": "0", "VM": ref("web"), "network": ref("net0"),
                                        "MAC": "be:ef:12:34:56:78", "currently_attached": True},
                      ref("web-vif1"): {"uuid": "vif-1", "device": "1", "VM": ref("web"),
                                        "network": ref("vlan20"), "MAC": "be:ef:12:34:56:79",
                                        "currently_attached": True}}


def activity(records):
    records["pool"] = {ref("pool"): {"uuid": "pool-1", "name_label": "Demo pool",
                                     "name_description": "Simulated XCP-ng pool", "master": ref("h1")}}
    records["task"] = {ref("t1"): {"uuid": "task-1", "name_label": "Async.VM.start", "status": "pending",
                                   "progress": 0.42, "created": "20250615T15:00:00Z"},
                       ref("t2"): {"uuid": "task-2", "name_label": "Async.VM.copy", "status": "success",
                                   "progress": 1.0, "created": "20250615T14:00:00Z"}}
    records["message"] = {
        ref("m1"): {"uuid": "msg-1", "name": "ALARM", "priority": 3, "cls": "VM", "obj_uuid": "uuid-web-01",
                    "timestamp": "20250615T15:01:40Z",
                    "body": "value: 0.954\nconfig:\n<variable>\n<name value=\"cpu_usage\"/>\n</variable>"},
        ref("m2"): {"uuid": "msg-2", "name": "VM_STARTED", "priority": 5, "cls": "VM", "obj_uuid": "uuid-web-01",
                    "timestamp": "20250615T15:02:00Z", "body": "started"},
        ref("m3"): {"uuid": "msg-3", "name": "HOST_CLOCK_SKEW_DETECTED", "priority": 2, "cls": "Host",
                    "obj_uuid": "host-1", "timestamp": "20250614T15:06:40Z", "body": "skew"},
    }


def records():
    out = {}
    for step in (hosts, guests, storage, networks, activity):
        step(out)
    return out


def make_cache():
    cache = Cache()
    data = records()
    for cls in data:
        cache.load(cls, data[cls])
    return cache


def page_state(page="dashboard", params=None, cache=None):
    """The app's own State (lite_app/shell/state.py) on this pool, at `page`, at NOW."""
    state = State(cache if cache is not None else make_cache())
    state.route = (page, dict(params or {}))
    state.now = NOW
    return state
