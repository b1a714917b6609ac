"""Host and VM statistics from `/rrd_updates` (xapi-protocol.md §6.2): URL, parser, derived series.

Pure (CPython and MicroPython). The reply is `{"meta": {..., "legend": ["CF:kind:uuid:ds", ...]},
"data": [{"t": "T", "values": ["0.12", "NaN", ...]}]}` with every number a string and rows newest
first. `parse` turns it into an Updates: ascending `times` and `series[kind][uuid][ds]` lists aligned
with them, gaps (NaN, +-Infinity, unparsable) as None, which uPlot draws as breaks.

Derived series convert units for the charts: CPU fractions -> %, KiB -> bytes; network and disk
sources are already bytes per second. `chart_data` gives uPlot's `[[t...], [v...], ...]`.
Stats live on the host that runs the object: `stats_host` picks it, `rrd_url` addresses it.
"""
import json

from lite_app.xapi.cache import NULL_REF
from lite_app.xapi.urls import split_url, with_session

# name -> (seconds of history, seconds between refreshes, archive step asked as `interval`).
# XAPI keeps 120 x 5 s, 120 x 60 s, 168 x 1 h and 366 x 1 day; asking one step less than the
# archive spans keeps the window inside it (what XO Lite does too).
RANGES = {
    "10min": (600 - 5, 5, 5),
    "2h": (7200 - 60, 60, 60),
    "week": (168 * 3600 - 3600, 300, 3600),
    "year": (366 * 86400 - 86400, 3600, 86400),
}
RANGE_ORDER = ("10min", "2h", "week", "year")

# Values rrdd writes for missing data (NaN) and overflows; all become gaps.
GAPS = {"NaN": 1, "nan": 1, "-nan": 1, "Infinity": 1, "-Infinity": 1, "inf": 1, "-inf": 1}
INF = float("inf")


def number(text):
    """A float from an rrd value string (or number); None for NaN, infinities and junk."""
    if text is None or text in GAPS:
        return None
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if value != value or value == INF or value == -INF:
        return None
    return value


class Updates:
    """A parsed reply: `times` ascending, `series[kind][uuid][ds]` aligned with them."""

    def __init__(self, step, start, end, times, series):
        self.step, self.start, self.end = step, start, end
        self.times = times
        self.series = series

    def get(self, kind, uuid, ds):
        """One series, or None when the reply has no such column."""
        return self.series.get(kind, {}).get(uuid, {}).get(ds)

    def sources(self, kind, uuid):
        """`{ds: series}` of one object ({} when absent)."""
        return self.series.get(kind, {}).get(uuid, {})

    def uuids(self, kind):
        """The uuids of `kind` ("host", "vm", "sr") in the reply, sorted."""
        return sorted(self.series.get(kind, {}))


def _columns(legend, only):
    """[(index, kind, uuid, ds)] of the legend entries to keep."""
    out = []
    for index in range(len(legend)):
        parts = legend[index].split(":")
        if len(parts) != 4 or (only is not None and parts[2] not in only):
            continue
        out.append((index, parts[1], parts[2], parts[3]))
    return out


def parse(payload, only=None):
    """An Updates from the reply text (or its json.loads dict); `only`: uuids to keep (all if None).

    Raises ValueError when the reply is not an rrd_updates document.
    """
    doc = json.loads(payload) if isinstance(payload, str) else payload
    if not isinstance(doc, dict) or "meta" not in doc or "data" not in doc:
        raise ValueError("not an rrd_updates reply")
    meta = doc["meta"]
    rows = [row["values"] for row in doc["data"]]
    rows.reverse()
    series = {}
    for index, kind, uuid, ds in _columns(meta.get("legend") or [], only):
        series.setdefault(kind, {}).setdefault(uuid, {})[ds] = _column(rows, index)
    times = [int(row["t"]) for row in doc["data"]]
    times.reverse()
    return Updates(int(meta.get("step", 0)), int(meta.get("start", 0)), int(meta.get("end", 0)),
                   times, series)


def _column(rows, index):
    """One column as floats with gaps as None. The fast path converts the whole column with
    comprehensions (per-value calls dominate under MicroPython: a busy host's reply has
    250,000 values); a junk value or a short row sends the column through `number`."""
    try:
        values = [float(row[index]) for row in rows]
    except (ValueError, TypeError, IndexError):
        return [number(row[index]) if index < len(row) else None for row in rows]
    # x - x is 0.0 for finite x and NaN for NaN and the infinities.
    return [v if v - v == 0.0 else None for v in values]


# ---- series arithmetic (None propagates as a gap) -------------------------------------------
def scale(values, factor):
    return [None if v is None else v * factor for v in values]


def combine(a, b, fn):
    """fn(x, y) pointwise; a gap in either input is a gap."""
    return [None if a[i] is None or b[i] is None else fn(a[i], b[i]) for i in range(len(a))]


def mean_of(many):
    """Pointwise mean of several series, ignoring gaps; a gap only where all are gaps."""
    if not many:
        return []
    out = []
    for i in range(len(many[0])):
        known = [s[i] for s in many if s[i] is not None]
        out.append(sum(known) / len(known) if known else None)
    return out


def latest(values):
    """The newest known value of a series, or None."""
    if values:
        for i in range(len(values) - 1, -1, -1):
            if values[i] is not None:
                return values[i]
    return None


def numbered(sources, prefix, suffix=""):
    """[(n, series)] of sources named prefix<N>suffix, by N (cpu0, cpu1, ... cpu10)."""
    out = []
    for name in sources:
        if name.startswith(prefix) and name.endswith(suffix):
            digits = name[len(prefix):len(name) - len(suffix)]
            if digits.isdigit():
                out.append((int(digits), sources[name]))
    out.sort(key=lambda pair: pair[0])
    return out


def devices(sources, prefix, ways):
    """[(device, series of ways[0], series of ways[1])] for names prefix<dev>_<way>, by device."""
    found = {}
    for name in sources:
        for slot in (0, 1):
            tail = "_" + ways[slot]
            if name.startswith(prefix) and name.endswith(tail):
                found.setdefault(name[len(prefix):len(name) - len(tail)], [None, None])[slot] = name
    out = []
    for dev in sorted(found):
        names = found[dev]
        out.append((dev, sources.get(names[0]) if names[0] else None,
                    sources.get(names[1]) if names[1] else None))
    return out


# ---- what the charts show -------------------------------------------------------------------
def cpu(updates, kind, uuid):
    """{"avg": % series, "cores": [(n, % series)]}; avg from cpu_avg/cpu_usage or the cores."""
    sources = updates.sources(kind, uuid)
    cores = [(n, scale(s, 100.0)) for n, s in numbered(sources, "cpu")]
    overall = sources.get("cpu_avg" if kind == "host" else "cpu_usage")
    avg = scale(overall, 100.0) if overall is not None else mean_of([s for _, s in cores])
    return {"avg": avg, "cores": cores}


def host_memory(updates, uuid):
    """{"used", "total"} in bytes (used = total - free); None for what the reply lacks."""
    sources = updates.sources("host", uuid)
    total, free = sources.get("memory_total_kib"), sources.get("memory_free_kib")
    total_b = scale(total, 1024.0) if total is not None else None
    used = None
    if total is not None and free is not None:
        used = combine(total, free, lambda t, f: (t - f) * 1024.0)
    return {"used": used, "total": total_b}


def vm_memory(updates, uuid):
    """{"used", "total", "target"} in bytes. used = memory - internal_free (needs the guest
    agent; None without it), total = the memory the domain has, target = the balloon target."""
    sources = updates.sources("vm", uuid)
    memory, free = sources.get("memory"), sources.get("memory_internal_free")
    used = None
    if memory is not None and free is not None:
        used = combine(memory, free, lambda m, f: m - f * 1024.0)
    return {"used": used, "total": memory, "target": sources.get("memory_target")}


def network(updates, kind, uuid):
    """[(device, rx B/s, tx B/s)]: PIFs (eth0, bond0...) of a host, VIFs (0, 1...) of a VM."""
    prefix = "pif_" if kind == "host" else "vif_"
    return [d for d in devices(updates.sources(kind, uuid), prefix, ("rx", "tx"))
            if not (kind == "host" and d[0] == "aggr")]


def disks(updates, uuid):
    """[(device, read B/s, write B/s)] of a VM's VBDs (xvda, xvdb...)."""
    return devices(updates.sources("vm", uuid), "vbd_", ("read", "write"))


def load_average(updates, uuid):
    return updates.get("host", uuid, "loadavg")


def chart_data(updates, series_list):
    """uPlot's data: [times, series...]; a missing series becomes all gaps."""
    gaps = [None] * len(updates.times)
    return [updates.times] + [gaps if s is None else s for s in series_list]


# ---- pool dashboard -------------------------------------------------------------------------
def _figure(updates, kind, uuid, what):
    if what == "cpu":
        return latest(cpu(updates, kind, uuid)["avg"])
    memory = host_memory(updates, uuid) if kind == "host" else vm_memory(updates, uuid)
    return latest(memory["used"] if memory["used"] is not None else memory["total"])


def top(updates_list, kind, what, n=5, skip=()):
    """The n objects of `kind` with the highest latest `what` ("cpu" % or "ram" bytes used),
    as [(uuid, value)], highest first, ties by uuid. `skip`: uuids to leave out (dom0s)."""
    found = {}
    for updates in updates_list:
        for uuid in updates.uuids(kind):
            if uuid in skip:
                continue
            value = _figure(updates, kind, uuid, what)
            if value is not None:
                found[uuid] = value
    ranked = sorted(found, key=lambda u: (-found[u], u))
    return [(u, found[u]) for u in ranked[:n]]


# ---- where to ask ---------------------------------------------------------------------------
def stats_host(cache, cls, ref):
    """The host ref whose /rrd_updates has this object's stats (a VM's resident host), or None."""
    if cls == "host":
        return ref if cache.get("host", ref) is not None else None
    vm = cache.get("VM", ref)
    if vm is None or vm.get("power_state") not in ("Running", "Paused"):
        return None
    host = vm.get("resident_on")
    return host if host and host != NULL_REF else None


def host_origin(address, page_origin):
    """The origin of a host from its `address`, with the page's scheme and port (every host of a
    pool serves XAPI on the same port; the simulator puts members on other loopback addresses)."""
    scheme, _, port, _ = split_url(page_origin)
    host = "[" + address + "]" if ":" in address and not address.startswith("[") else address
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme + "://" + host + ("" if port in (None, default) else ":" + str(port))


def rrd_url(host_origin_url, page_origin, range_name, now, vm_uuid=None, host=True, session=""):
    """The /rrd_updates URL for a range. `now`: the host's time in epoch seconds (e.g. the last
    reply's `end`), or None for a start relative to the host's last update, which is immune to
    clock skew between the browser and the host. The session goes in the query only when the
    host is another origin than the page (same-origin requests carry the cookie)."""
    if range_name not in RANGES:
        raise ValueError("unknown stats range: " + str(range_name))
    span, _, step = RANGES[range_name]
    start = -span if now is None else int(now) - span
    query = "start=%d&interval=%d&cf=AVERAGE&json=true" % (start, step)
    if host:
        query += "&host=true"
    if vm_uuid:
        query += "&vm_uuid=" + vm_uuid
    url = host_origin_url.rstrip("/") + "/rrd_updates?" + query
    return with_session(url, page_origin, session)
