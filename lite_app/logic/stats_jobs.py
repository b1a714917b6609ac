"""What the stats views fetch and when: jobs per page, the polling schedule and the results.

Pure (CPython and MicroPython). A job is one `/rrd_updates` request the current page needs: the
VM's or host's "Stats" tab asks the host running the object for the chosen range; the dashboard
asks every live host for its latest row (top 5). `jobs(state, origin)` derives them from the route
and the cache alone, so navigating away simply stops the polling.

`Schedule` keeps at most MAX_IN_FLIGHT requests in flight and starts a job again after its period
(the range's step for the live ranges, RETRY_AFTER after a failure). The shell's poller
(lite_app/shell/stats_poller.py) runs it; `store` files each reply in
`state.ui["stats.data"][job key]` as {"updates", "error", "at", "origin", "host"}.
"""
import json

from lite_app.logic import stats
from lite_app.xapi.urls import with_session

DEFAULT_RANGE = "10min"
MAX_IN_FLIGHT = 3
TOP_EVERY = 30         # seconds between two top-5 refreshes of the dashboard
RETRY_AFTER = 15       # seconds before a failed request is tried again (or its period if longer)
TOP_SPAN = 20          # seconds of 5 s rows asked for the top 5 (the newest may still be NaN)
TOP_ROWS = 3
TOP_N = 5
# The data sources the top 5 reads: the browser drops every other column before Python parses.
TOP_KEEP = ("cpu_avg", "memory_total_kib", "memory_free_kib", "cpu_usage", "memory",
            "memory_internal_free")
# Reply errors by kind: what the page says about them.
UNREACHABLE = ("unreachable", "timeout")


def current_range(state):
    name = state.ui.get("stats.range")
    return name if name in stats.RANGES else DEFAULT_RANGE


def set_range(state, name):
    if name in stats.RANGES:
        state.ui["stats.range"] = name


def route_tab(state):
    return (state.route[1] or {}).get("tab") or ""


def origin_of_host(state, host_ref, page_origin):
    """The origin serving a host's stats: the page's own for the master (it served the page)."""
    pool = state.cache.first("pool")[1] or {}
    host = state.cache.get("host", host_ref) or {}
    if host_ref == pool.get("master") or not host.get("address"):
        return page_origin
    return stats.host_origin(host["address"], page_origin)


def make_job(key, url, origin, page_origin, host_ref, every, keep=None, top=None):
    return {"key": key, "url": url, "origin": origin, "same": origin == page_origin,
            "host": host_ref, "every": every, "keep": keep, "rows": TOP_ROWS if keep else 0, "top": top}


def object_key(state, cls, ref):
    """The job key of a VM's or host's charts in the chosen range, or None when no host has its
    stats (a halted VM has no RRD loaded anywhere)."""
    record = state.cache.get(cls, ref)
    if record is None or stats.stats_host(state.cache, cls, ref) is None:
        return None
    return cls + ":" + (record.get("uuid") or "") + ":" + current_range(state)


def object_job(state, cls, ref, page_origin):
    """The job for a VM's or host's charts, or None (see object_key)."""
    key = object_key(state, cls, ref)
    if key is None:
        return None
    host_ref = stats.stats_host(state.cache, cls, ref)
    name = current_range(state)
    origin = origin_of_host(state, host_ref, page_origin)
    session = state.client.session if state.client is not None else ""
    uuid = state.cache.get(cls, ref).get("uuid") or ""
    if cls == "VM":
        url = stats.rrd_url(origin, page_origin, name, None, vm_uuid=uuid, host=False, session=session)
    else:
        # "none" matches no VM: the host's own sources only (XAPI's default is every resident VM)
        url = stats.rrd_url(origin, page_origin, name, None, vm_uuid="none", session=session)
    return make_job(key, url, origin, page_origin, host_ref, stats.RANGES[name][1])


def top_url(origin, page_origin, session):
    query = "start=-%d&interval=5&cf=AVERAGE&json=true&host=true" % TOP_SPAN
    return with_session(origin.rstrip("/") + "/rrd_updates?" + query, page_origin, session)


def control_domains(state):
    """The uuids of the hosts' control domains (left out of the VMs' top 5)."""
    hosts, out = state.cache.all("host"), []
    for ref in sorted(hosts):
        dom0 = state.cache.get("VM", hosts[ref].get("control_domain"))
        if dom0 is not None and dom0.get("uuid"):
            out.append(dom0["uuid"])
    return out


def top_jobs(state, page_origin):
    """One job per live host: its own and its VMs' latest figures. The browser keeps only the TOP_N
    highest VMs by CPU and by RAM of each reply (a host may run thousands), Python ranks those."""
    out = []
    session = state.client.session if state.client is not None else ""
    top = {"n": TOP_N, "skip": control_domains(state)}
    hosts = state.cache.all("host")
    for ref in sorted(hosts):
        metrics = state.cache.get("host_metrics", hosts[ref].get("metrics")) or {}
        if metrics.get("live") is False:
            continue
        origin = origin_of_host(state, ref, page_origin)
        out.append(make_job("top:" + (hosts[ref].get("uuid") or ref), top_url(origin, page_origin, session),
                            origin, page_origin, ref, TOP_EVERY, TOP_KEEP, top))
    return out


def page_object(state):
    """(class, ref) of the route's VM or host, or (None, None)."""
    page, params = state.route
    cls = {"vm": "VM", "host": "host"}.get(page)
    uuid = (params or {}).get("uuid")
    if cls is None or not uuid:
        return None, None
    return cls, state.cache.ref_by_uuid(cls, uuid)


def jobs(state, page_origin):
    """The requests the current page needs."""
    if state.client is None:
        return []
    if state.route[0] == "dashboard":
        return top_jobs(state, page_origin)
    cls, ref = page_object(state)
    if ref is None or route_tab(state) != "stats":
        return []
    job = object_job(state, cls, ref, page_origin)
    return [job] if job is not None else []


class Schedule:
    """When each job runs: at most MAX_IN_FLIGHT at once, again after its period."""

    def __init__(self, limit=MAX_IN_FLIGHT):
        self.limit = limit
        self.flying = {}
        self.next_at = {}

    def due(self, wanted, now):
        """The jobs to start now, in the order wanted, within the in-flight limit."""
        room = self.limit - len(self.flying)
        out = []
        for job in wanted:
            if room <= 0:
                break
            key = job["key"]
            if key in self.flying or self.next_at.get(key, 0) > now:
                continue
            out.append(job)
            room -= 1
        return out

    def start(self, job, now):
        self.flying[job["key"]] = now

    def done(self, job, now, ok):
        self.flying.pop(job["key"], None)
        wait = job["every"] if ok else max(job["every"], RETRY_AFTER)
        self.next_at[job["key"]] = now + wait

    def next_time(self, wanted, now):
        """When the next of `wanted` not in flight falls due after `now`, or None (a job waiting for
        room starts when a flight ends, which needs no timer)."""
        found = None
        for job in wanted:
            at = self.next_at.get(job["key"], 0)
            if job["key"] not in self.flying and at > now and (found is None or at < found):
                found = at
        return found


def error_of(text):
    """The error kind of a failed fetch: "unreachable", "nodata" (no RRD yet), "refused" (charts.js did not
    load: refused by its integrity check, or missing) or "error"."""
    try:
        info = json.loads(text)
    except ValueError:
        info = {}
    kind = info.get("kind") if isinstance(info, dict) else None
    if kind in UNREACHABLE:
        return "unreachable"
    if kind == "refused":
        return "refused"
    if kind == "http" and info.get("status") == 500:
        return "nodata"  # XAPI answers 500 when the object has no RRD (yet)
    return "error"


def store(state, job, tagged, now):
    """Record a fetch's outcome; a failure keeps the last good series next to the error."""
    data = state.ui.setdefault("stats.data", {})
    entry = data.get(job["key"]) or {"updates": None}
    entry = {"updates": entry["updates"], "error": None, "at": now, "origin": job["origin"],
             "host": job["host"]}
    if tagged[:1] == "1":
        try:
            entry["updates"] = stats.parse(tagged[1:])
        except (ValueError, KeyError, TypeError):
            entry["error"] = "error"
    else:
        entry["error"] = error_of(tagged[1:])
    data[job["key"]] = entry
    return entry["error"] is None


def result(state, key):
    """The stored {"updates", "error", "at"} of a job key, or None before its first reply."""
    return (state.ui.get("stats.data") or {}).get(key)
