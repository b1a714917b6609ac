"""The demo inventory: its shape (pool, hosts, storage, networks, VMs, templates, snapshots,
messages, versions), every relationship consistent in both directions, and determinism by seed."""
import pytest

from xapi_sim import inventory, schema
from xapi_sim.sim import Config, Simulator
from xapi_sim.xtypes import DateTime
from support.xapi import guest_records

NULL = "OpaqueRef:NULL"
HOSTS, VMS = 3, 16


@pytest.fixture
async def pool(start_sim):
    running = await start_sim(hosts=HOSTS, vms=VMS)
    sim = running.sim
    ref = await sim.call("session.login_with_password", ["root", "xcplite"])

    async def records(cls):
        return await sim.call(cls + ".get_all_records", [ref])
    return Pool(sim, records)


class Pool:
    def __init__(self, sim, records):
        self.sim, self.records = sim, records

    async def all_records(self):
        return {cls: await self.records(cls) for cls in schema.TABLES
                if not schema.message(cls, "get_all_records")["removed"]}


def guests(vms):
    return guest_records(vms)


async def test_one_pool_mastered_by_the_first_host(pool):
    pools, hosts = await pool.records("pool"), await pool.records("host")
    assert len(pools) == 1 and len(hosts) == HOSTS
    master = list(pools.values())[0]["master"]
    assert hosts[master]["address"] == "127.0.0.1"
    assert sorted(h["address"] for h in hosts.values()) == ["127.0.0.%d" % (i + 1)
                                                            for i in range(HOSTS)]


async def test_hosts_have_versions_metrics_cpus_dom0_and_pifs(pool):
    hosts, vms = await pool.records("host"), await pool.records("VM")
    cpus, pifs = await pool.records("host_cpu"), await pool.records("PIF")
    metrics = await pool.records("host_metrics")
    for ref, host in hosts.items():
        assert (host["API_version_major"], host["API_version_minor"]) == (2, 21)
        version = host["software_version"]
        assert version["product_brand"] == "XCP-ng" and version["product_version"] == "8.3.0"
        assert version["xapi"].startswith("24.")
        assert metrics[host["metrics"]]["live"] and metrics[host["metrics"]]["memory_total"] > 0
        numbers = sorted(cpus[c]["number"] for c in host["host_CPUs"])
        assert numbers == list(range(len(numbers))) and numbers
        dom0 = vms[host["control_domain"]]
        assert dom0["is_control_domain"] and dom0["power_state"] == "Running"
        assert dom0["resident_on"] == ref and dom0["domid"] == 0 and dom0["consoles"]
        physical = {pifs[p]["device"]: pifs[p] for p in host["PIFs"] if pifs[p]["physical"]}
        assert physical["eth0"]["management"] and physical["eth0"]["IP"] == host["address"]
        assert not physical["eth1"]["management"]


async def test_storage_local_shared_and_iso(pool):
    srs, pbds, vdis = [await pool.records(c) for c in ("SR", "PBD", "VDI")]
    hosts = await pool.records("host")
    for host_ref, host in hosts.items():
        local = [pbds[p]["SR"] for p in host["PBDs"] if not srs[pbds[p]["SR"]]["shared"]]
        assert len(local) == 1 and srs[local[0]]["content_type"] == "user"
        assert [pbds[p]["host"] for p in srs[local[0]]["PBDs"]] == [host_ref]
    nfs = [s for s in srs.values() if s["type"] == "nfs"]
    assert len(nfs) == 1 and nfs[0]["shared"]
    assert sorted(pbds[p]["host"] for p in nfs[0]["PBDs"]) == sorted(hosts)
    isos = [s for s in srs.values() if s["content_type"] == "iso" and not s["is_tools_sr"]]
    assert len(isos) == 1 and len(isos[0]["VDIs"]) >= 3
    assert all(vdis[v]["name_label"].endswith(".iso") for v in isos[0]["VDIs"])


async def test_guest_vms_and_their_devices(pool):
    vms = await pool.records("VM")
    vbds, vifs = await pool.records("VBD"), await pool.records("VIF")
    gms, consoles = await pool.records("VM_guest_metrics"), await pool.records("console")
    vm_metrics = await pool.records("VM_metrics")
    mine = guests(vms)
    assert len(mine) == VMS
    assert {"Running", "Halted"} <= {v["power_state"] for v in mine.values()}
    assert len(await pool.records("network")) >= 2
    for ref, vm in mine.items():
        disks = [vbds[b] for b in vm["VBDs"] if vbds[b]["type"] == "Disk"]
        assert disks and all(d["VDI"] != NULL for d in disks), vm["name_label"]
        assert vm["VIFs"] and vm["metrics"] in vm_metrics
        live = vm["power_state"] in ("Running", "Paused")
        assert bool(vm["consoles"]) == live
        assert all(consoles[c]["VM"] == ref for c in vm["consoles"])
        assert (vm["resident_on"] != NULL) == live and (vm["domid"] > 0) == live
        assert all(vifs[v]["currently_attached"] == live for v in vm["VIFs"])
        if vm["power_state"] == "Running":
            assert gms[vm["guest_metrics"]]["networks"]["0/ip"].count(".") == 3


async def test_default_templates_snapshots_and_messages(pool):
    vms = await pool.records("VM")
    templates = [v for v in vms.values() if v["is_default_template"]]
    assert len(templates) >= 3
    # the template loader imports them with other_config:default_template "false", then sets
    # is_default_template (guesttemplates/blank_template.py, loader.py)
    assert all(t["is_a_template"] and t["other_config"]["default_template"] == "false"
               for t in templates)
    snapshots = {r: v for r, v in vms.items() if v["is_a_snapshot"]}
    assert len(snapshots) >= 2
    for ref, snap in snapshots.items():
        assert snap["is_a_template"] and ref in vms[snap["snapshot_of"]]["snapshots"]
    messages = await pool.records("message")
    assert len(messages) >= 3
    uuids = {rec["uuid"] for cls in ("VM", "host", "SR") for rec in
             (await pool.records(cls)).values()}
    assert all(m["obj_uuid"] in uuids for m in messages.values())


async def test_every_relation_is_consistent_in_both_directions(pool):
    tables = await pool.all_records()
    checked = 0
    for one_cls, one_field, many_cls, many_field in schema.RAW["relations"]:
        if one_cls not in tables or many_cls not in tables:
            continue
        for ref, rec in tables[one_cls].items():
            target = rec[one_field]
            if target != NULL:
                assert target in tables[many_cls], (one_cls, one_field, ref)
                assert ref in tables[many_cls][target][many_field], (one_cls, one_field, ref)
                checked += 1
        for ref, rec in tables[many_cls].items():
            for member in rec[many_field]:
                assert tables[one_cls][member][one_field] == ref, (many_cls, many_field, ref)
    assert checked > 100


async def test_no_reference_dangles(pool):
    tables = await pool.all_records()
    for cls, records in tables.items():
        refs = [(f, t[0][1]) for f, t in schema.fields(cls).items() if schema.is_ref_type(t[0])]
        for rec in records.values():
            for field, target in refs:
                if target in tables and rec[field] != NULL:
                    assert rec[field] in tables[target], (cls, field, rec[field])


def snapshot_of_db(seed, hosts=2, vms=10):
    # a fixed clock: host boot times are written from it as text
    sim = Simulator(Config(hosts=hosts, vms=vms, seed=seed, port=0), clock=lambda: 1.7e9)
    inventory.build(sim)
    strip = lambda rec: {k: (None if isinstance(v, DateTime) else v) for k, v in rec.items()}
    tables = {cls: {ref: strip(rec) for ref, rec in table.items()}
              for cls, table in sim.db.tables.items()}
    messages = sorted((m["name"], m["obj_uuid"], m["body"]) for m in sim.messages.records.values())
    return tables, messages


def test_same_seed_same_inventory():
    assert snapshot_of_db(7) == snapshot_of_db(7)
    assert snapshot_of_db(7) != snapshot_of_db(8)
