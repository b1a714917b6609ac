"""The simulated data sources of hosts, VMs and SRs: which series each has and how they move.

Each series is a `rrd.Signal` whose level and phases come from a hash of (object uuid, data-source
name), so a series is a pure function of (uuid, ds, timestamp): the same on every request and across
restarts. A VM's series are known only while it ran (`runs`): XAPI archives a VM's RRD when it stops
and restores it when it starts again (xapi_vm_lifecycle.ml `archive_rrd`, message_forwarding.ml
`push_rrd`), so history from earlier runs stays visible and the time it was down is unknown.
Descriptors are plain dicts (xapi_sim/rrd_sources.py reads them from the database).
"""
import hashlib
import math

from .rrd import Signal, mean_of

# Level ranges (low, high) of each kind of series; see _wavy for the shape around the level.
LEVELS = {
    "host_cpu": (0.03, 0.30), "pif": (2e3, 4e5),
    "vm_cpu": (0.01, 0.45), "vif": (5e2, 2e5), "vbd_read": (1e3, 3e6), "vbd_write": (1e3, 1.5e6),
    "internal_free": (0.15, 0.5), "sr_throughput": (0.5, 60.0), "sr_iops": (5.0, 800.0),
}
# Relative amplitudes: daily wave, slow drift, then (period s, amplitude) of the jitter terms.
# They sum to 0.9 so a series stays between 0.1x and 1.9x its level.
DAILY, DRIFT = 0.3, 0.2
JITTER = ((17, 0.15), (43, 0.1), (113, 0.1), (331, 0.05))


def _wavy(uuid, name, kind, runs=None, scale=1.0):
    lo, hi = LEVELS[kind]
    level = scale * (lo + (hi - lo) * unit_hash(uuid, name, "level"))
    turn = 2 * math.pi
    waves = [(level * DAILY, 86400, turn * unit_hash(uuid, "daily")),
             (level * DRIFT, 200000 + int(400000 * unit_hash(uuid, name, "drift")),
              turn * unit_hash(uuid, name, "drift-phase"))]
    for i, (period, rel) in enumerate(JITTER):
        waves.append((level * rel, period + int(5 * unit_hash(uuid, name, "jp", i)),
                      turn * unit_hash(uuid, name, "jitter", i)))
    return Signal(level, waves, runs=runs)


def host_sources(host, vms):
    """[(ds_name, Signal)] of a host; its free memory follows the running VMs' memory."""
    u = host["uuid"]
    cpus = [_wavy(u, "cpu%d" % i, "host_cpu") for i in range(host["cpus"])]
    total_kib = host["memory_total"] / 1024.0
    out = [("cpu%d" % i, s) for i, s in enumerate(cpus)]
    out.append(("cpu_avg", mean_of(cpus)))
    out.append(("loadavg", mean_of(cpus).scaled(1.3 * len(cpus))))
    out.append(("memory_total_kib", Signal(total_kib)))
    out.append(("memory_free_kib", memory_free_kib(host, vms)))
    for dev in host.get("pifs", ()):
        for way in ("rx", "tx"):
            name = "pif_%s_%s" % (dev, way)
            out.append((name, _wavy(u, name, "pif")))
    return out


def memory_free_kib(host, vms):
    """The host's free memory as Xen reports it (physinfo free pages, which rrdd's memory_free_kib
    and so host_metrics.memory_free are): the total less the host's own overhead (Xen's heap, its
    memory_overhead) and each running domain's target from its start on. No waves: a pool without
    ballooning holds its free memory still between domain starts and stops, and the dashboard
    (host_metrics) and the host's chart (the RRD) show one figure.

    Only `memory_target` and `running_since` of the VMs are read."""
    total_kib = host["memory_total"] / 1024.0
    used = [(-vm["memory_target"] / 1024.0, vm["running_since"]) for vm in vms
            if vm.get("running_since") is not None]
    base = total_kib - host.get("memory_overhead", 0) / 1024.0
    return Signal(base, (), used, lo=0.0, hi=total_kib)


def vm_runs(vm):
    """When the VM's RRD has data: its archived runs, then the current one (from `running_since`)."""
    runs = list(vm.get("runs", ()))
    if vm.get("running_since") is not None:
        runs.append((vm["running_since"], None))
    return runs


def vm_sources(vm):
    """[(ds_name, Signal)] of a VM's RRD: known while it ran (`vm_runs`), CPU/IO 0 when paused."""
    u, runs = vm["uuid"], vm_runs(vm)
    busy = 0.0 if vm.get("paused") else 1.0
    cpus = [_wavy(u, "cpu%d" % i, "vm_cpu", runs, busy) for i in range(vm["vcpus"])]
    target = float(vm["memory_target"])
    out = [("cpu%d" % i, s) for i, s in enumerate(cpus)]
    out.append(("cpu_usage", mean_of(cpus)))
    out.append(("memory", Signal(target, runs=runs)))
    out.append(("memory_target", Signal(target, runs=runs)))
    out.append(("memory_internal_free", _wavy(u, "memory_internal_free", "internal_free", runs,
                                              target / 1024.0)))
    for dev in vm.get("vifs", ()):
        for way in ("rx", "tx"):
            name = "vif_%s_%s" % (dev, way)
            out.append((name, _wavy(u, name, "vif", runs, busy)))
    for dev in vm.get("vbds", ()):
        for way in ("read", "write"):
            name = "vbd_%s_%s" % (dev, way)
            out.append((name, _wavy(u, name, "vbd_" + way, runs, busy)))
    return out


def sr_sources(sr):
    u = sr["uuid"]
    return [(name, _wavy(u, name, kind)) for name, kind in (
        ("io_throughput_read", "sr_throughput"), ("io_throughput_write", "sr_throughput"),
        ("iops_read", "sr_iops"), ("iops_write", "sr_iops"))]


def select_sources(host, vms, srs, want_host, vm_uuid, sr_uuid):
    """The RRDs `/rrd_updates` exports, in XAPI's order: host, resident VMs, SRs.

    Only running VMs have an RRD loaded. vm_uuid / sr_uuid: "all", "none" or one uuid.
    """
    out = []
    if want_host:
        out.append(("host:%s:" % host["uuid"], host_sources(host, vms)))
    for vm in vms:
        if vm.get("running_since") is not None and vm_uuid in ("all", vm["uuid"]):
            out.append(("vm:%s:" % vm["uuid"], vm_sources(vm)))
    for sr in srs:
        if sr_uuid in ("all", sr["uuid"]):
            out.append(("sr:%s:" % sr["uuid"], sr_sources(sr)))
    return out


def unit_hash(*parts):
    """A float in [0, 1) from the parts: stable across runs and machines."""
    digest = hashlib.blake2b("\0".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0 ** 64
