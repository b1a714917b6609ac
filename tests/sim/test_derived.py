"""Fields XAPI derives from other state, audited table by table against how XAPI derives them.

pool.cpu_info (create_misc.ml create_pool_cpuinfo), host.bios_strings (bios_strings.ml), host.iscsi_iqn
and other_config:iscsi_iqn (xapi_host.ml set_iscsi_iqn, xapi_host_helpers.ml watch_other_configs),
host_metrics.memory_free (monitor_mem.ml: the RRD's memory_free_kib), PIF_metrics (monitor_master.ml),
and a VM's metrics and allowed_operations after each operation (xapi_vm_lifecycle.ml).
"""
import json

import pytest

from support.xapi import guest_refs
from xapi_sim import inventory, rrd_format
from xapi_sim.errors import XapiFailure
from xapi_sim.rrd_sources import describe
from xapi_sim.sim import Config, Simulator
from xapi_sim.xtypes import EPOCH

BIOS_KEYS = ["bios-vendor", "bios-version", "system-manufacturer", "system-product-name",
             "system-version", "system-serial-number", "baseboard-manufacturer",
             "baseboard-product-name", "baseboard-version", "baseboard-serial-number",
             "oem-1", "oem-2", "hp-rombios"]
HOST_CPU_KEYS = {"cpu_count", "socket_count", "threads_per_core", "nr_nodes", "vendor", "speed",
                 "modelname", "family", "model", "stepping", "flags", "features_pv", "features_hvm",
                 "features_pv_host", "features_hvm_host"}


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
async def pool3():
    """3 hosts of different CPU models, on a test clock, operations instant; (sim, clock, session)."""
    clock = Clock(1_700_000_002.5)
    sim = Simulator(Config(hosts=3, vms=12, op_time=0.0), clock=clock)
    inventory.build(sim)
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    yield sim, clock, session
    sim.close()


def levelled(a, b):
    return "-".join("%08x" % (int(x, 16) & int(y, 16)) for x, y in zip(a.split("-"), b.split("-")))


async def test_pool_cpu_info_folds_every_hosts(pool3):
    sim, _clock, _session = pool3
    db = sim.db
    hosts = [db.get("host", h)["cpu_info"] for h in sorted(db.all("host"))]
    assert all(set(h) == HOST_CPU_KEYS for h in hosts)
    assert len({h["modelname"] for h in hosts}) == 3
    features = hosts[0]["features_hvm_host"]
    for host in hosts[1:]:
        features = levelled(features, host["features_hvm_host"])
    assert db.get("pool", sim.pool_ref())["cpu_info"] == {
        "cpu_count": str(sum(int(h["cpu_count"]) for h in hosts)),
        "socket_count": str(sum(int(h["socket_count"]) for h in hosts)),
        "vendor": hosts[-1]["vendor"], "features_hvm_host": features, "features_pv_host": features}


async def test_host_bios_strings_have_every_key_xapi_fills(pool3):
    sim, _clock, session = pool3
    for host in sim.db.all("host"):
        strings = await sim.call("host.get_bios_strings", [session, host])
        assert list(strings) == BIOS_KEYS
        assert strings["oem-1"] == "Xen" and strings["hp-rombios"] == ""
        assert all(strings[k] for k in BIOS_KEYS if k != "hp-rombios")


# (how a client writes, then what iscsi_iqn and other_config:iscsi_iqn become)
IQN_CASES = [
    (("host.set_iscsi_iqn", "iqn.2025-01.lab:a"), "iqn.2025-01.lab:a", "iqn.2025-01.lab:a"),
    (("host.add_to_other_config", "iscsi_iqn", "iqn.2025-01.lab:b"), "iqn.2025-01.lab:b", "iqn.2025-01.lab:b"),
    (("host.set_other_config", {"iscsi_iqn": "iqn.2025-01.lab:c"}), "iqn.2025-01.lab:c", "iqn.2025-01.lab:c"),
    (("host.remove_from_other_config", "iscsi_iqn"), "ORIGINAL", None),
    (("host.set_other_config", {"iscsi_iqn": ""}), "ORIGINAL", ""),
]


@pytest.mark.parametrize("write, field, key", IQN_CASES)
async def test_iscsi_iqn_and_other_config_stay_in_step(pool3, write, field, key):
    sim, _clock, session = pool3
    host = sim.master_ref()
    original = sim.db.get("host", host)["iscsi_iqn"]
    assert original and sim.db.get("host", host)["other_config"]["iscsi_iqn"] == original
    method, *args = write
    if method == "host.add_to_other_config":
        await sim.call("host.remove_from_other_config", [session, host, "iscsi_iqn"])
    await sim.call(method, [session, host] + args)
    rec = sim.db.get("host", host)
    assert rec["iscsi_iqn"] == (original if field == "ORIGINAL" else field)
    assert rec["other_config"].get("iscsi_iqn") == key


async def test_an_empty_iqn_is_refused_and_multipathing_follows_other_config(pool3):
    sim, _clock, session = pool3
    host = sim.master_ref()
    with pytest.raises(XapiFailure) as info:
        await sim.call("host.set_iscsi_iqn", [session, host, ""])
    assert info.value.description == ["INVALID_VALUE", "value", ""]
    await sim.call("host.add_to_other_config", [session, host, "multipathing", "true"])
    assert sim.db.get("host", host)["multipathing"] is True
    await sim.call("host.set_multipathing", [session, host, False])
    assert sim.db.get("host", host)["other_config"]["multipathing"] == "false"


async def test_pif_metrics_describe_each_nic(pool3):
    sim, _clock, session = pool3
    db = sim.db
    for host in db.all("host"):
        paths = set()
        for pif in db.referrers("host", "PIFs", host):
            rec = db.get("PIF", pif)
            if not rec["physical"]:
                continue
            metrics = await sim.call("PIF_metrics.get_record", [session, rec["metrics"]])
            assert metrics["carrier"] is True and metrics["speed"] == 10000 and metrics["duplex"]
            assert (metrics["vendor_id"], metrics["device_id"]) == ("8086", "1572")
            assert metrics["last_updated"] != EPOCH
            paths.add(metrics["pci_bus_path"])
        assert len(paths) == 2, "two ports, two PCI functions"


async def test_a_bond_master_gets_metrics_of_its_links(pool3):
    sim, _clock, session = pool3
    db = sim.db
    host = sim.master_ref()
    members = sorted(p for p in db.referrers("host", "PIFs", host) if db.get("PIF", p)["physical"])
    net = await sim.call("network.create", [session, {"name_label": "bond", "other_config": {}}])
    bond = await sim.call("Bond.create", [session, net, members, "", "lacp", {}])
    metrics_ref = db.get("PIF", db.get("Bond", bond)["master"])["metrics"]
    metrics = db.get("PIF_metrics", metrics_ref)
    assert metrics["carrier"] is True and metrics["speed"] == 20000
    await sim.call("Bond.destroy", [session, bond])
    assert not db.exists("PIF_metrics", metrics_ref), "gone with the bond's master PIF"


def rrd_free_bytes(sim, host):
    """The host RRD's memory_free_kib in bytes at its next update (5 s on)."""
    pairs = [("start", "-5"), ("host", "true"), ("vm_uuid", "none"), ("json", "")]
    _ctype, body = rrd_format.render(pairs, None, *describe(sim.db, host), now=sim.clock() + 5)
    doc = json.loads(body)
    entry = "AVERAGE:host:%s:memory_free_kib" % sim.db.get("host", host)["uuid"]
    return float(doc["data"][0]["values"][doc["meta"]["legend"].index(entry)]) * 1024


def free(sim, host):
    return sim.db.get("host_metrics", sim.db.get("host", host)["metrics"])["memory_free"]


async def test_host_memory_free_is_the_rrds_and_follows_the_vms(pool3):
    sim, clock, session = pool3
    db = sim.db
    for host in db.all("host"):
        assert abs(free(sim, host) - rrd_free_bytes(sim, host)) < 1024
    vm = guest_refs(db, "Halted")[0]
    before = {h: free(sim, h) for h in db.all("host")}
    await sim.call("VM.start", [session, vm, False, False])
    host = db.get("VM", vm)["resident_on"]
    assert before[host] - free(sim, host) == db.get("VM", vm)["memory_target"]
    clock.now += 600
    other = next(h for h in db.all("host") if h != host)
    await sim.call("VM.pool_migrate", [session, vm, other, {"live": "true"}])
    for h in (host, other):
        assert abs(free(sim, h) - rrd_free_bytes(sim, h)) < 1024


# State reached by each operation, and allowed_operations XAPI derives there for a VM with tools
# (reference §5.3's table, computed from xapi_vm_lifecycle.ml).
HALTED = {"snapshot", "clone", "copy", "start", "start_on", "migrate_send", "changing_dynamic_range",
          "changing_static_range", "changing_shadow_memory", "changing_NVRAM", "make_into_template",
          "export", "metadata_export", "destroy", "create_vtpm"}
RUNNING = {"snapshot", "checkpoint", "pause", "clean_shutdown", "clean_reboot", "hard_shutdown",
           "hard_reboot", "suspend", "pool_migrate", "migrate_send", "changing_dynamic_range",
           "changing_VCPUs_live", "metadata_export"}
PAUSED = {"snapshot", "checkpoint", "unpause", "hard_shutdown", "hard_reboot", "metadata_export"}
SUSPENDED = {"snapshot", "checkpoint", "resume", "resume_on", "hard_shutdown", "migrate_send",
             "export", "metadata_export", "destroy"}
STEPS = [("start", (False, False), "Running", RUNNING), ("pause", (), "Paused", PAUSED),
         ("unpause", (), "Running", RUNNING), ("suspend", (), "Suspended", SUSPENDED),
         ("resume", (False, False), "Running", RUNNING), ("clean_reboot", (), "Running", RUNNING),
         ("pool_migrate", ("OTHER", {"live": "true"}), "Running", RUNNING),
         ("clean_shutdown", (), "Halted", HALTED), ("start", (True, False), "Paused", PAUSED),
         ("hard_shutdown", (), "Halted", HALTED)]


async def test_vm_metrics_and_allowed_operations_after_each_operation(pool3):
    sim, clock, session = pool3
    db = sim.db
    vm = guest_refs(db, "Halted")[0]
    assert set(db.get("VM", vm)["allowed_operations"]) == HALTED
    for op, args, state, allowed in STEPS:
        clock.now += 60
        if args and args[0] == "OTHER":
            args = (next(h for h in db.all("host") if h != db.get("VM", vm)["resident_on"]),) + args[1:]
        await sim.call("VM." + op, [session, vm] + list(args))
        rec = db.get("VM", vm)
        metrics = db.get("VM_metrics", rec["metrics"])
        assert rec["power_state"] == state, op
        assert set(rec["allowed_operations"]) == allowed, (op, sorted(allowed ^ set(rec["allowed_operations"])))
        assert rec["current_operations"] == {}, op
        live = state in ("Running", "Paused")
        assert metrics["VCPUs_number"] == (rec["VCPUs_at_startup"] if live else 0), op
        assert metrics["memory_actual"] == (rec["memory_dynamic_max"] if live else 0), op
        assert metrics["state"] == ({"Running": ["running"], "Paused": ["running"],
                                     "Suspended": ["suspended"], "Halted": []}[state]), op
        assert (metrics["start_time"] == EPOCH) == (state == "Halted"), op
        assert metrics["VCPUs_utilisation"] == {"0": 0.0}, op
        assert (rec["resident_on"] != "OpaqueRef:NULL") == live and (rec["domid"] > 0) == live, op


async def test_the_bulk_refresh_derives_what_each_table_derives(pool3):
    """The inventory's one-pass refresh shares results between alike devices and disks (memos keyed
    on every input of the tables): each object still has exactly what its own table gives."""
    from xapi_sim.methods import devices, storage, vif
    sim, _clock, _session = pool3
    db = sim.db
    for ref in db.all("VBD"):
        assert sorted(db.get("VBD", ref)["allowed_operations"]) == sorted(
            op for op in devices.VBD_OPS if op not in devices.vbd_table(db, ref)), ref
    for ref in db.all("VIF"):
        assert sorted(db.get("VIF", ref)["allowed_operations"]) == sorted(
            op for op in vif.VIF_OPS if op not in vif.vif_table(db, ref)), ref
    for ref in db.all("VDI"):
        in_use = storage.attached_modes(db, ref)
        assert sorted(db.get("VDI", ref)["allowed_operations"]) == sorted(
            op for op in storage.VDI_OPS if storage.vdi_check(db, ref, op, in_use) is None), ref
