"""Fields XAPI computes from other state, computed here the way XAPI computes them.

- pool.cpu_info (create_misc.ml `create_pool_cpuinfo`): every host's cpu_info folded into one:
  cpu_count and socket_count summed, `vendor` the last host's, `features_pv_host` and
  `features_hvm_host` levelled to what every host has (xenopsd's combine_cpu_policies: the words of
  the feature sets ANDed). A host lacking the keys is skipped, as XAPI does for pre-Yangtze hosts.
- host_metrics.memory_free (monitor_mem.ml): the host RRD's `memory_free_kib`, in bytes, written when
  it changes. XAPI polls rrdd every few seconds; the simulator writes it when the VMs resident on
  the host change, which is when its series steps.
- PIF_metrics of a bond's master (monitor_master.ml `update_pifs` makes them for physical and bond
  PIFs): the bond's carrier and speed (the links' sum, or one link for active-backup).
Callers recompute these after changing their inputs; an unchanged value is not written (no event).
"""
import itertools

from . import rrd, rrd_series
from .rrd_sources import epoch_of
from .xtypes import datetime_of_epoch

NULL = "OpaqueRef:NULL"
LEVELLED = ("features_pv_host", "features_hvm_host")


def combine_features(a, b):
    """Two CPU feature sets ("hex-hex-..."): the features both have; "" stands for unknown."""
    if not a:
        return b
    if not b:
        return a
    words = itertools.zip_longest(a.split("-"), b.split("-"), fillvalue="0")
    return "-".join("%08x" % (int(x, 16) & int(y, 16)) for x, y in words)


def pool_cpu_info(db):
    pool = {"vendor": "", "socket_count": "0", "cpu_count": "0",
            "features_pv_host": "", "features_hvm_host": ""}
    for host in sorted(db.all("host")):
        info = db.get("host", host)["cpu_info"]
        try:
            merged = {"vendor": info["vendor"],
                      "cpu_count": str(int(info["cpu_count"]) + int(pool["cpu_count"])),
                      "socket_count": str(int(info["socket_count"]) + int(pool["socket_count"]))}
            merged.update({k: combine_features(info[k], pool[k]) for k in LEVELLED})
        except (KeyError, ValueError):
            continue
        pool.update(merged)
    return pool


def refresh_pool_cpu_info(db):
    for pool in db.all("pool"):
        info = pool_cpu_info(db)
        if db.get("pool", pool)["cpu_info"] != info:
            db.set("pool", pool, "cpu_info", info)


def host_memory_free(db, host, t):
    """Bytes free on `host` at its RRD's next update after time t (rrdd updates every 5 s and XAPI
    copies the value then), from the same series as the RRD's memory_free_kib."""
    rec = db.get("host", host)
    metrics = db.get("host_metrics", rec["metrics"])
    vms = []
    for vm in db.referrers("host", "resident_VMs", host):
        v = db.get("VM", vm)
        if v["power_state"] in ("Running", "Paused"):
            vm_metrics = db.get("VM_metrics", v["metrics"]) or {}
            vms.append({"memory_target": v["memory_target"] or v["memory_dynamic_max"],
                        "running_since": epoch_of(vm_metrics.get("start_time"))})
    signal = rrd_series.memory_free_kib({"uuid": rec["uuid"], "memory_total": metrics["memory_total"],
                                         "memory_overhead": rec["memory_overhead"]}, vms)
    t = rrd._tdiv(int(t), rrd.STEP) * rrd.STEP + rrd.STEP
    return int(signal.clamp(signal.at(t))) * 1024


def refresh_host_memory(db, host):
    if getattr(db, "building", False) or not db.exists("host", host):
        return
    metrics = db.get("host", host)["metrics"]
    if not db.exists("host_metrics", metrics):
        return
    free = host_memory_free(db, host, db.clock())
    if db.get("host_metrics", metrics)["memory_free"] != free:
        db.update("host_metrics", metrics, {"memory_free": free,
                                            "last_updated": datetime_of_epoch(db.clock())})


def _member_speeds(db, members):
    return [db.get("PIF_metrics", db.get("PIF", m)["metrics"])["speed"] for m in members
            if db.exists("PIF_metrics", db.get("PIF", m)["metrics"])]


def bond_speed(db, members, mode):
    """A bond's speed: its links' sum, or one link for active-backup."""
    speeds = _member_speeds(db, members)
    return (max(speeds) if mode == "active-backup" else sum(speeds)) if speeds else 0


def bond_metrics(db, members, mode):
    """The PIF_metrics of a bond's master PIF, from its members' links."""
    up = bool(_member_speeds(db, members))
    return db.create("PIF_metrics", {"carrier": up, "speed": bond_speed(db, members, mode),
                                     "duplex": up, "last_updated": datetime_of_epoch(db.clock())})
