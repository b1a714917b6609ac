"""Simulated statistics: signals, XAPI's archives and consolidation, and `/rrd_updates` exports.

Pure code: inputs are signals and an injected `now`; nothing here reads the clock, the database or
the network. `rrd_series` says which signals hosts and VMs have; `rrd_format` writes an export as
XAPI's JSON or XML `xport`, `rrd_dump` a whole RRD as rrdd's dump.

Series. Every data source is a `Signal`: a constant, a few sinusoids (a daily wave, a slow drift
and short "jitter" periods that alias at the 5 s sampling into noise-like wiggles) and optional
steps (a VM's memory leaving the host's free memory when it starts). Amplitudes are fractions of
the level that sum to less than 1, so CPU stays in 0..1 and rates stay >= 0 without clamping.

Consolidation. A primary data point (PDP) is the value at a multiple of 5 s. An archive row at
time T with step S consolidates the PDPs at T-S+5 .. T, like XAPI's CDP for (T-S, T]. AVERAGE is
the exact mean of those PDPs, computed in closed form (sums of sinusoids over arithmetic
progressions), so coarse rows equal the mean of the fine rows they cover. MIN/MAX of long windows
sample at most 24 PDPs and are widened to include the mean. A signal with `runs` is known only
during them (a VM's RRD while it ran): a row with more unknown PDPs than `xff` allows is NaN,
otherwise the known PDPs are consolidated, as XAPI does.
"""
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

    PDPs are known during `runs`, [(start, end or None for still running)], or always without
    them; `since` is the shorthand for one open run. Values are clamped to [lo, hi] after
    consolidation.
    """

    def __init__(self, base, waves=(), steps=(), since=None, lo=None, hi=None, runs=None):
        self.base, self.waves, self.steps = base, list(waves), list(steps)
        if runs is None and since is not None:
            runs = [(since, None)]
        self.runs, self.lo, self.hi = runs, lo, hi
        self._terms = {}  # count -> [(amplitude of the mean, 2*pi/period, period, phase)]

    def scaled(self, factor):
        return Signal(self.base * factor, [(a * factor, p, ph) for a, p, ph in self.waves],
                      [(v * factor, s) for v, s in self.steps], lo=self.lo, hi=self.hi,
                      runs=self.runs)

    def known(self, first, last):
        """[(first PDP, count)] of the known PDPs among first, first+5, ... last."""
        if self.runs is None:
            return [(first, (last - first) // STEP + 1)]
        out = []
        for start, end in self.runs:
            lo = max(first, _ceil_step(start))
            hi = last if end is None else min(last, _ceil_step(end) - STEP)  # end itself is out
            if lo <= hi:
                out.append((lo, (hi - lo) // STEP + 1))
        return out

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
                  [st for p in parts for st in p.steps], lo=signals[0].lo, hi=signals[0].hi,
                  runs=signals[0].runs)


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
    parts = signal.known(end - (n - 1) * STEP, end)
    known = sum(count for _first, count in parts)
    if known <= 0 or n - known > int(archive.xff * n):
        return float("nan")
    if archive.cf == "AVERAGE":
        if len(parts) == 1:
            return signal.clamp(signal.mean(*parts[0]))
        return signal.clamp(sum(signal.mean(f, c) * c for f, c in parts) / known)
    return signal.clamp(_extreme(signal, archive.cf, parts, known))


def _extreme(signal, cf, parts, known):
    stride = max(1, known // _MAX_SAMPLES)
    points = [signal.at(first + i * STEP) for first, count in parts
              for i in range(count - 1, -1, -stride)]
    pick = min if cf == "MIN" else max
    if known > _MAX_SAMPLES:
        points.append(sum(signal.mean(f, c) * c for f, c in parts) / known)
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
