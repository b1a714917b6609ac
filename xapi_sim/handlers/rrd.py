"""GET /rrd_updates: the statistics of the host this request reached (reference §6.2).

Like xapi's `rrdd_proxy` then xcp-rrdd: authenticate (cookie, then query), require `start` (400),
then export the RRDs of this host, of the VMs running on it and, when asked, of its SRs. The data
comes from the pure `xapi_sim.rrd` / `rrd_format` modules; this module only reads the database
into the plain descriptors they take.
"""
import calendar
import time

from aiohttp import web

from .. import rrd, rrd_format
from ..codecs import http_500_body
from .common import CORS, served_host, session_of, unauthorized

NULL = "OpaqueRef:NULL"
HEADERS = dict(CORS, **{"Access-Control-Allow-Headers": "X-Requested-With",
                        "Cache-Control": "no-cache, no-store"})
BAD_REQUEST = ("<html><body><h1>HTTP 400 bad request</h1>The HTTP request was malformed. "
               "Please correct and retry.</body></html>")
MIN_MAX_FLAG = "create_min_max_in_new_VM_RRDs"


async def rrd_updates_handler(request):
    if session_of(request) is None:
        return unauthorized()
    sim = request.app["sim"]
    pairs = list(request.query.items())
    host = served_host(request)
    try:
        ctype, body = rrd_format.render(pairs, request.headers.get("Accept"), *describe(sim.db, host),
                                        now=sim.clock(), min_max=min_max(sim.db))
    except rrd_format.MissingStart:
        return web.Response(status=400, body=BAD_REQUEST.encode(),
                            headers=dict(HEADERS, **{"Content-Type": "text/html"}))
    except (rrd.NoRRAAvailable, ValueError) as err:
        # rrdd lets these escape; its HTTP server answers with the HTML 500 page
        return web.Response(status=500, body=http_500_body("%s: %s" % (type(err).__name__, err)),
                            headers=dict(HEADERS, **{"Content-Type": "text/html"}))
    return web.Response(body=body.encode(), headers=dict(HEADERS, **{"Content-Type": ctype}))


def add_routes(app):
    app.router.add_get("/rrd_updates", rrd_updates_handler)


def min_max(db):
    pools = db.all("pool")
    return bool(pools) and db.get("pool", pools[0])["other_config"].get(MIN_MAX_FLAG) == "true"


def describe(db, host):
    """(host, VMs, SRs) descriptors for `rrd.select_sources`, read from the database."""
    vms = [vm_descriptor(db, ref) for ref in sorted(db.referrers("host", "resident_VMs", host))]
    return host_descriptor(db, host), [v for v in vms if v is not None], sr_descriptors(db, host)


def host_descriptor(db, host):
    rec = db.get("host", host)
    metrics = db.get("host_metrics", rec["metrics"]) or {}
    pifs = [db.get("PIF", ref)["device"] for ref in db.referrers("host", "PIFs", host)]
    return {"uuid": rec["uuid"], "cpus": len(db.referrers("host", "host_CPUs", host)),
            "memory_total": metrics.get("memory_total", 0), "pifs": sorted(set(pifs))}


def vm_descriptor(db, ref):
    """A running or paused VM's descriptor; None for any other state (it has no RRD loaded)."""
    rec = db.get("VM", ref)
    if rec["power_state"] not in ("Running", "Paused"):
        return None
    metrics = db.get("VM_metrics", rec["metrics"]) or {}
    return {"uuid": rec["uuid"], "vcpus": metrics.get("VCPUs_number") or rec["VCPUs_at_startup"],
            "memory_target": rec["memory_target"] or rec["memory_dynamic_max"],
            "memory_static_max": rec["memory_static_max"],
            "vifs": _attached_devices(db, "VIF", db.referrers("VM", "VIFs", ref)),
            "vbds": _attached_devices(db, "VBD", db.referrers("VM", "VBDs", ref)),
            "running_since": epoch_of(metrics.get("start_time")),
            "paused": rec["power_state"] == "Paused"}


def _attached_devices(db, cls, refs):
    devices = [db.get(cls, r)["device"] for r in refs if db.get(cls, r)["currently_attached"]]
    return sorted(d for d in devices if d)


def sr_descriptors(db, host):
    """The SRs this host has a plugged PBD for."""
    srs = set()
    for ref in db.referrers("host", "PBDs", host):
        pbd = db.get("PBD", ref)
        if pbd["currently_attached"] and db.exists("SR", pbd["SR"]):
            srs.add(db.get("SR", pbd["SR"])["uuid"])
    return [{"uuid": u} for u in sorted(srs)]


def epoch_of(stamp):
    """Unix seconds of a XAPI DateTime; 0.0 when unset (the VM has been up as long as the RRD)."""
    try:
        return float(calendar.timegm(time.strptime(str(stamp), "%Y%m%dT%H:%M:%SZ")))
    except ValueError:
        return 0.0
