"""A small pool for the administration tests: three hosts (the master h1, h3 down), eth0 (management)
and eth1 on each live host, a VLAN 20 network on eth1, guests with their memory, a bond-capable layout.

Runs under CPython and MicroPython like the tests that use it."""
from lite_app.xapi.cache import Cache

GiB = 1024 ** 3
NULL = "OpaqueRef:NULL"


def r(name):
    return "OpaqueRef:" + name


def host(name, pifs, vms, enabled=True, live=True, other=None):
    return {"uuid": name + "-uuid", "name_label": name, "enabled": enabled, "metrics": r("m-" + name),
            "PIFs": [r(p) for p in pifs], "resident_VMs": [r(v) for v in vms], "memory_overhead": 0,
            "other_config": other or {}, "current_operations": {}, "power_on_mode": "", "logging": {}}


def pif(host_name, device, network, vlan=-1, mode="None", management=False, ip="", **extra):
    record = {"uuid": "pif-" + host_name + device + str(vlan), "host": r(host_name), "device": device,
              "network": r(network), "VLAN": vlan, "physical": vlan < 0, "management": management,
              "ip_configuration_mode": mode, "IP": ip, "netmask": "255.255.255.0" if ip else "",
              "bond_slave_of": NULL, "bond_master_of": [], "VLAN_master_of": NULL, "currently_attached": True,
              "MTU": 1500, "metrics": r("pm-" + host_name + device), "managed": True}
    record.update(extra)
    return record


def vm(name, host_name, dyn_min_gib, **extra):
    record = {"uuid": name, "name_label": name, "power_state": "Running", "resident_on": r(host_name),
              "is_a_template": False, "is_a_snapshot": False, "is_control_domain": False,
              "memory_dynamic_min": dyn_min_gib * GiB, "memory_dynamic_max": dyn_min_gib * GiB,
              "memory_overhead": 0, "current_operations": {}}
    record.update(extra)
    return record


def cache():
    c = Cache()
    c.load("pool", {r("pool"): {"uuid": "pool", "name_label": "Lab", "master": r("h1"), "default_SR": NULL}})
    c.load("host", {
        r("h1"): host("h1", ["h1eth0", "h1eth1", "h1v20"], ["a", "b"]),
        r("h2"): host("h2", ["h2eth0", "h2eth1", "h2v20"], ["c", "d", "e"]),
        r("h3"): host("h3", ["h3eth0"], [], live=False),
    })
    c.load("host_metrics", {r("m-h1"): {"uuid": "m1", "live": True, "memory_total": 64 * GiB},
                            r("m-h2"): {"uuid": "m2", "live": True, "memory_total": 32 * GiB},
                            r("m-h3"): {"uuid": "m3", "live": False, "memory_total": 64 * GiB}})
    c.load("network", {
        r("net0"): {"uuid": "net0", "name_label": "Pool-wide network associated with eth0", "MTU": 1500,
                    "PIFs": [r("h1eth0"), r("h2eth0"), r("h3eth0")], "other_config": {}},
        r("net1"): {"uuid": "net1", "name_label": "Pool-wide network associated with eth1", "MTU": 9000,
                    "PIFs": [r("h1eth1"), r("h2eth1")], "other_config": {}},
        r("vlan20"): {"uuid": "vlan20", "name_label": "Storage VLAN 20", "MTU": 9000,
                      "PIFs": [r("h1v20"), r("h2v20")], "other_config": {}},
        r("private"): {"uuid": "private", "name_label": "Lab private", "MTU": 1500, "PIFs": [], "other_config": {}},
        r("xapi"): {"uuid": "xapi", "name_label": "Host internal management network", "MTU": 1500, "PIFs": [],
                    "other_config": {"is_host_internal_management_network": "true"}},
    })
    c.load("PIF", {
        r("h1eth0"): pif("h1", "eth0", "net0", mode="Static", management=True, ip="192.0.2.1"),
        r("h1eth1"): pif("h1", "eth1", "net1"),
        r("h1v20"): pif("h1", "eth1", "vlan20", vlan=20, VLAN_master_of=r("vl-h1")),
        r("h2eth0"): pif("h2", "eth0", "net0", mode="DHCP", management=True, ip="192.0.2.2"),
        r("h2eth1"): pif("h2", "eth1", "net1"),
        r("h2v20"): pif("h2", "eth1", "vlan20", vlan=20, VLAN_master_of=r("vl-h2")),
        r("h3eth0"): pif("h3", "eth0", "net0", mode="DHCP", management=True),
    })
    c.load("PIF_metrics", {r("pm-h1eth0"): {"uuid": "pm1", "carrier": True, "speed": "10000", "duplex": True},
                           r("pm-h1eth1"): {"uuid": "pm2", "carrier": False, "speed": "0", "duplex": False}})
    c.load("VM", {r("a"): vm("a", "h1", 4), r("b"): vm("b", "h1", 2),
                  r("c"): vm("c", "h2", 8), r("d"): vm("d", "h2", 2), r("e"): vm("e", "h2", 1)})
    return c
