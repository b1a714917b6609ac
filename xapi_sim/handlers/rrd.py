"""GET /rrd_updates: the statistics of the host this request reached (reference §6.2).

Like xapi's `rrdd_proxy` then xcp-rrdd: authenticate (cookie, then query), require `start` (400),
then export the RRDs of this host, of the VMs running on it and, when asked, of its SRs. The data
comes from the pure `xapi_sim.rrd` / `rrd_format` modules; this module only reads the database
into the plain descriptors they take.
"""
from aiohttp import web

from .. import rrd, rrd_format
from ..rrd_sources import describe
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
