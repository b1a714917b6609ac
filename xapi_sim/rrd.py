"""Simulated host statistics for `/rrd_updates`: deterministic series and XAPI's archive selection.

Pure code: inputs are plain descriptors and an injected `now`; nothing here reads the clock, the
database or the network. `rrd_format` turns the result into XAPI's JSON or XML `xport`.

Series. Every data source is a `Signal`: a constant, a few sinusoids (a daily wave, a slow drift
and short "jitter" periods that alias at the 5 s sampling into noise-like wiggles) and optional
steps (a VM's memory leaving the host's free memory when it starts). Levels and phases come from
a hash of (object uuid, data-source name), so a series is a pure function of (uuid, ds, timestamp).
Amplitudes are fractions of the level that sum to less than 1, so CPU stays in 0..1 and rates
stay >= 0 without clamping.

Consolidation. A primary data point (PDP) is the value at a multiple of 5 s. An archive row at
time T with step S consolidates the PDPs at T-S+5 .. T, like XAPI's CDP for (T-S, T]. AVERAGE is
the exact mean of those PDPs, computed in closed form (sums of sinusoids over arithmetic
progressions), so coarse rows equal the mean of the fine rows they cover. MIN/MAX of long windows
sample at most 24 PDPs and are widened to include the mean. PDPs before a VM's `running_since`
are unknown: a row with more unknown PDPs than `xff` allows is NaN, otherwise the known PDPs are
consolidated, as XAPI does.
"""
import hashlib
import math

STEP = 5
# (rows, PDPs per row) of every RRD, from xcp-rrdd's `timescales`.
TIMESCALES = ((120, 1), (120, 12), (168, 720), (366, 17280))
CFS = ("AVERAGE", "MIN", "MAX", "LAST")
_MAX_SAMPLES = 24


class NoRRAAvailable(Exception):
    """XAPI's `No_RRA_Available`: nothing to export (no RRD, CF not stored, interval too long)."""


class Archive:
    """One round-robin archive: consolidation function, row count, PDPs per row, xff."""

    def __init__(self, cf, rows, pdp_cnt, xff):
        self.cf, self.rows, self.pdp_cnt, self.xff = cf, rows, pdp_cnt, xff


def archives(min_max=False):
    """The archives of a fresh RRD, as xcp-rrdd's `create_rras` builds them.

    Only AVERAGE unless the pool flag `create_min_max_in_new_VM_RRDs` is set; then the archives
    coarser than 5 s also get MIN and MAX (xff 1.0). LAST is never stored.
    """
    out = []
    for rows, pdp in TIMESCALES:
        if pdp > 1 and min_max:
            out.extend(Archive(cf, rows, pdp, 1.0) for cf in ("AVERAGE", "MIN", "MAX"))
        else:
            out.append(Archive("AVERAGE", rows, pdp, 0.5))
    return out


class Signal:
    """base + sum(amp * sin(2*pi*(t mod period)/period + phase)) + sum(value for steps with t >= since).

    PDPs earlier than `since` are unknown. Values are clamped to [lo, hi] after consolidation.
    """

    def __init__(self, base, waves=(), steps=(), since=None, lo=None, hi=None):
        self.base, self.waves, self.steps = base, list(waves), list(steps)
        self.since, self.lo, self.hi = since, lo, hi
        self._terms = {}  # count -> [(amplitude of the mean, 2*pi/period, period, phase)]

    def scaled(self, factor):
        return Signal(self.base * factor, [(a * factor, p, ph) for a, p, ph in self.waves],
                      [(v * factor, s) for v, s in self.steps], self.since, self.lo, self.hi)

    def at(self, t):
        """The PDP at time t (a multiple of STEP)."""
        return self.mean(t, 1)

    def mean(self, first, count):
        """Exact mean of the PDPs first, first+5, ... (count of them)."""
        v = self.base
        if self.steps:
            v += sum(s * _count_from(first, count, since) for s, since in self.steps) / count
        terms = self._terms.get(count)
        if terms is None:
            terms = self._terms[count] = [_mean_term(w, count) for w in self.waves]
        sin = math.sin
        for amp, omega, period, phase in terms:
            v += amp * sin((first % period) * omega + phase)
        return v

    def clamp(self, v):
        if self.lo is not None and v < self.lo:
            return self.lo
        if self.hi is not None and v > self.hi:
            return self.hi
        return v


def _mean_term(wave, count):
    """Sum of sin(theta + k*d) for k < count = sin(count*d/2) / sin(d/2) * sin(theta + (count-1)*d/2)."""
    amp, period, phase = wave
    d = 2 * math.pi * STEP / period
    gain = 1.0 if count == 1 else math.sin(count * d / 2) / math.sin(d / 2) / count
    return amp * gain, 2 * math.pi / period, period, phase + (count - 1) * d / 2


def mean_of(signals):
    """The signal whose every PDP is the mean of the given signals' PDPs (e.g. cpu_avg)."""
    n = len(signals)
    if n == 0:
        return Signal(0.0)
    parts = [s.scaled(1.0 / n) for s in signals]
    return Signal(sum(p.base for p in parts), [w for p in parts for w in p.waves],
                  [st for p in parts for st in p.steps], signals[0].since, signals[0].lo, signals[0].hi)


def _count_from(first, count, since):
    """How many of the PDPs first, first+5, ... (count of them) are at or after `since`."""
    if since <= first:
        return count
    k = (first + (count - 1) * STEP - _ceil_step(since)) // STEP + 1
    return max(0, min(count, k))


def _ceil_step(t):
    return -((-int(math.ceil(t))) // STEP) * STEP


def consolidate(signal, archive, end):
    """The archive row of `signal` at time `end`: a float, NaN when too much is unknown."""
    n = archive.pdp_cnt
    first = end - (n - 1) * STEP
    if signal.since is not None and signal.since > first:
        first = max(first, _ceil_step(signal.since))
    known = (end - first) // STEP + 1
    if known <= 0 or n - known > int(archive.xff * n):
        return float("nan")
    if archive.cf == "AVERAGE":
        return signal.clamp(signal.mean(first, known))
    return signal.clamp(_extreme(signal, archive.cf, first, known))


def _extreme(signal, cf, first, known):
    stride = max(1, known // _MAX_SAMPLES)
    points = [signal.at(first + i * STEP) for i in range(known - 1, -1, -stride)]
    pick = min if cf == "MIN" else max
    if known > _MAX_SAMPLES:
        points.append(signal.mean(first, known))
    return pick(points)


def _tdiv(a, b):
    """OCaml's Int64.div: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def find_best_archives(rras, pdp_interval, cf, start, last_updated):
    """XAPI's `Rrd.find_best_rras`: the archives to answer from (same shape, one per CF)."""
    if cf is not None:
        rras = [r for r in rras if r.cf == cf]
    if not rras:
        raise NoRRAAvailable(cf)
    last_pdp_time = _tdiv(int(last_updated), STEP) * STEP

    def contains(t, r):
        return r.pdp_cnt >= pdp_interval and t > last_pdp_time - STEP * r.rows * r.pdp_cnt

    for r in rras:
        if contains(start, r):
            return [x for x in rras if x.rows == r.rows and x.pdp_cnt == r.pdp_cnt]
    oldest = rras[-1]
    newstart = 1 + last_pdp_time - STEP * oldest.rows * oldest.pdp_cnt
    return [r for r in rras if contains(newstart, r)]


def export(sources, start, interval, cf, last_updated, min_max=False):
    """XAPI's `Rrd_updates.create_multi` over simulated RRDs.

    sources: [(prefix, [(ds_name, Signal)])], prefix like "host:<uuid>:" or "vm:<uuid>:".
    Returns {"start", "step", "end", "legend", "data": [(t, [float])]} with rows newest first.
    """
    if not sources:
        raise NoRRAAvailable("no RRD")
    pdp_interval = _tdiv(interval, STEP)
    if start < 0:
        start += int(last_updated)
    chosen = find_best_archives(archives(min_max), pdp_interval, cf, start, last_updated)
    if not chosen:
        raise NoRRAAvailable("no archive")
    columns = [(r, name, sig) for prefix, dss in sources for r in chosen for name, sig in
               [(prefix + n, s) for n, s in dss]]
    step = STEP * chosen[0].pdp_cnt
    end = _tdiv(int(last_updated), step) * step
    data = []
    for i in range(chosen[0].rows):
        t = end - i * step
        if t < start:
            break
        data.append((t, [consolidate(sig, r, t) for r, _, sig in columns]))
    return {"start": _tdiv(start, step) * step + step, "step": step, "end": end,
            "legend": ["%s:%s" % (r.cf, name) for r, name, _ in columns], "data": data}


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


def _wavy(uuid, name, kind, since=None, scale=1.0):
    lo, hi = LEVELS[kind]
    level = scale * (lo + (hi - lo) * unit_hash(uuid, name, "level"))
    turn = 2 * math.pi
    waves = [(level * DAILY, 86400, turn * unit_hash(uuid, "daily")),
             (level * DRIFT, 200000 + int(400000 * unit_hash(uuid, name, "drift")),
              turn * unit_hash(uuid, name, "drift-phase"))]
    for i, (period, rel) in enumerate(JITTER):
        waves.append((level * rel, period + int(5 * unit_hash(uuid, name, "jp", i)),
                      turn * unit_hash(uuid, name, "jitter", i)))
    return Signal(level, waves, since=since)


def host_sources(host, vms):
    """[(ds_name, Signal)] of a host; its free memory follows the running VMs' memory."""
    u = host["uuid"]
    cpus = [_wavy(u, "cpu%d" % i, "host_cpu") for i in range(host["cpus"])]
    total_kib = host["memory_total"] / 1024.0
    out = [("cpu%d" % i, s) for i, s in enumerate(cpus)]
    out.append(("cpu_avg", mean_of(cpus)))
    out.append(("loadavg", mean_of(cpus).scaled(1.3 * len(cpus))))
    out.append(("memory_total_kib", Signal(total_kib)))
    used = [(-vm["memory_target"] / 1024.0, vm["running_since"]) for vm in vms
            if vm.get("running_since") is not None]
    waves = [(total_kib * 0.004, 86400, 2 * math.pi * unit_hash(u, "daily")),
             (total_kib * 0.002, 7919, 2 * math.pi * unit_hash(u, "memory"))]
    out.append(("memory_free_kib", Signal(total_kib * 0.97, waves, used, lo=0.0, hi=total_kib)))
    for dev in host.get("pifs", ()):
        for way in ("rx", "tx"):
            name = "pif_%s_%s" % (dev, way)
            out.append((name, _wavy(u, name, "pif")))
    return out


def vm_sources(vm):
    """[(ds_name, Signal)] of a running VM; nothing before `running_since`, CPU/IO 0 when paused."""
    u, since = vm["uuid"], vm["running_since"]
    busy = 0.0 if vm.get("paused") else 1.0
    cpus = [_wavy(u, "cpu%d" % i, "vm_cpu", since, busy) for i in range(vm["vcpus"])]
    target = float(vm["memory_target"])
    out = [("cpu%d" % i, s) for i, s in enumerate(cpus)]
    out.append(("cpu_usage", mean_of(cpus)))
    out.append(("memory", Signal(target, since=since)))
    out.append(("memory_target", Signal(target, since=since)))
    out.append(("memory_internal_free", _wavy(u, "memory_internal_free", "internal_free", since,
                                              target / 1024.0)))
    for dev in vm.get("vifs", ()):
        for way in ("rx", "tx"):
            name = "vif_%s_%s" % (dev, way)
            out.append((name, _wavy(u, name, "vif", since, busy)))
    for dev in vm.get("vbds", ()):
        for way in ("read", "write"):
            name = "vbd_%s_%s" % (dev, way)
            out.append((name, _wavy(u, name, "vbd_" + way, since, busy)))
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
