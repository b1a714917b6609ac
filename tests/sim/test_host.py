"""host maintenance of the simulator: disable/enable, evacuation, free memory, time, stats (power:
test_host_power.py; plugins: test_updater.py)."""
import time

from infrafixtures import GiB, changes, error, token
from xapi_sim.xtypes import parse_datetime


def hosts(sim):
    """(master, member)"""
    master = sim.master_ref()
    return master, [h for h in sorted(sim.db.all("host")) if h != master][0]


def guests_on(db, host):
    return sorted(v for v in db.referrers("host", "resident_VMs", host)
                  if not db.get("VM", v)["is_control_domain"])


def is_live(db, host):
    return db.get("host_metrics", db.get("host", host)["metrics"])["live"]


# ---- maintenance ----------------------------------------------------------------------------
async def test_disable_and_enable(sim, call):
    db = sim.db
    _, member = hosts(sim)
    since = await token(call)
    await call("host.disable", member)
    rec = db.get("host", member)
    assert rec["enabled"] is False and {"reboot", "shutdown"} <= set(rec["allowed_operations"])
    assert (await changes(call, since, ["host"]))[("host", member)] == "mod"
    await call("host.disable", member)                           # already disabled: no error
    await call("host.enable", member)
    rec = db.get("host", member)
    assert rec["enabled"] is True and not {"reboot", "shutdown"} & set(rec["allowed_operations"])


async def test_reboot_and_shutdown_need_a_disabled_host(sim, call):
    _, member = hosts(sim)
    assert await error(call, "host.reboot", member) == ["HOST_NOT_DISABLED"]
    assert await error(call, "host.shutdown", member) == ["HOST_NOT_DISABLED"]
    assert is_live(sim.db, member)


async def test_evacuate_moves_running_guests(sim, call):
    db = sim.db
    master, member = hosts(sim)
    moving = guests_on(db, member)
    assert moving
    await call("host.disable", member)
    await call("host.evacuate", member)
    assert guests_on(db, member) == []
    for vm in moving:
        rec = db.get("VM", vm)
        assert (rec["power_state"], rec["resident_on"]) == ("Running", master)
    dom0 = db.get("host", member)["control_domain"]
    assert db.get("VM", dom0)["resident_on"] == member


async def test_evacuate_without_another_enabled_host(sim, call):
    db = sim.db
    master, member = hosts(sim)
    await call("host.disable", master)
    first = guests_on(db, member)[0]
    assert await error(call, "host.evacuate", member) == ["NO_HOSTS_AVAILABLE", first]
    assert first in guests_on(db, member)


async def test_evacuate_without_enough_memory(sim, call):
    db = sim.db
    master, member = hosts(sim)
    db.set("host_metrics", db.get("host", master)["metrics"], "memory_total", 8 * GiB)
    stuck = await call("host.get_vms_which_prevent_evacuation", member)
    assert stuck and all(v == ["HOST_NOT_ENOUGH_FREE_MEMORY", vm] for vm, v in stuck.items())
    description = await error(call, "host.evacuate", member)
    assert description[0] == "HOST_NOT_ENOUGH_FREE_MEMORY" and description[1] in stuck
    described = await error(call, "host.assert_can_evacuate", member)
    assert described[0] == "CANNOT_EVACUATE_HOST"
    assert sorted(described[1].split("|")) == sorted(
        ",".join(v) for v in stuck.values())


async def test_free_memory_counts_resident_vms(sim, call):
    db = sim.db
    master, _ = hosts(sim)
    rec = db.get("host", master)
    total = db.get("host_metrics", rec["metrics"])["memory_total"]
    used = sum(db.get("VM", v)["memory_dynamic_max"] + db.get("VM", v)["memory_overhead"]
               for v in db.referrers("host", "resident_VMs", master))
    assert await call("host.compute_free_memory", master) == total - rec["memory_overhead"] - used


# ---- time, plugins, data sources ------------------------------------------------------------
async def test_server_time(sim, call):
    master, _ = hosts(sim)
    utc = await call("host.get_servertime", master)
    assert utc.endswith("Z")
    stamp = time.mktime(time.strptime(str(parse_datetime(utc)), "%Y%m%dT%H:%M:%SZ")) - \
        time.timezone
    assert abs(stamp - time.time()) < 5
    local = await call("host.get_server_localtime", master)
    assert not local.endswith("Z") and len(local) == len("20250101T00:00:00")


async def test_data_sources(sim, call):
    db = sim.db
    master, _ = hosts(sim)
    sources = await call("host.get_data_sources", master)
    by_name = {ds["name_label"]: ds for ds in sources}
    cpus = len(db.referrers("host", "host_CPUs", master))
    assert {"cpu_avg", "memory_total_kib", "memory_free_kib", "cpu%d" % (cpus - 1)} <= set(by_name)
    total = db.get("host_metrics", db.get("host", master)["metrics"])["memory_total"]
    assert by_name["memory_total_kib"]["value"] == total / 1024.0
    assert 0.0 <= by_name["cpu_avg"]["value"] <= 1.0 and by_name["cpu_avg"]["units"]
    assert 0 < by_name["memory_free_kib"]["value"] <= total / 1024.0
    assert await call("host.query_data_source", master, "memory_total_kib") == total / 1024.0
    description = await error(call, "host.query_data_source", master, "no_such_ds")
    assert description[0] == "INTERNAL_ERROR" and "no_such_ds" in description[1]


async def test_exactly_one_pool(sim, call, rpc):
    pools = await call("pool.get_all")
    assert len(pools) == 1 and await rpc("pool.get_all") == pools
    assert (await call("pool.get_master", pools[0])) == sim.master_ref()
