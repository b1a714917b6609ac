"""GET /host_rrd and GET /vm_rrd?uuid=: a whole RRD, every archive (reference §6.2).

As xapi's rrdd_proxy.ml forwards them to rrdd (rrdd_http_handler.ml): /host_rrd is the RRD of the
host the request reached. /vm_rrd needs `uuid` (400 before anything else); a VM running here is
served from its live RRD, one running on another member gets a 302 to that member, and a VM that is
not running has its archived RRD served by the master (a member redirects there with
`rrd_unarchive`); with no RRD at all the answer is 404. JSON when the client prefers it (Accept, or
the `json` parameter), else XML, with the connection closed as rrdd answers.
"""
from aiohttp import web

from .. import rrd_dump, rrd_series
from ..codecs import http_500_body
from ..rrd_format import MIME_JSON, MIME_XML, prefers_json
from ..rrd_sources import describe, vm_descriptor
from .common import CORS, served_host, session_of, unauthorized
from .rrd import min_max

BAD_REQUEST = ("<html><body><h1>HTTP 400 bad request</h1>The HTTP request was malformed. "
               "Please correct and retry.</body></html>")
NOT_FOUND = "<html><body><h1>HTTP 404 not found</h1>The requested URL could not be found.</body></html>"


def _html(status, text):
    return web.Response(status=status, body=text if isinstance(text, bytes) else text.encode(),
                        headers=dict(CORS, **{"Content-Type": "text/html"}))


def _reply(request, sources, last_updated):
    sim = request.app["sim"]
    built = rrd_dump.build(sources, last_updated, min_max(sim.db))
    as_json = prefers_json(request.headers.get("Accept"), "json" in request.query)
    body = rrd_dump.to_json(built) if as_json else rrd_dump.to_xml(built)
    response = web.Response(body=body.encode(), headers=dict(CORS, **{
        "Content-Type": MIME_JSON if as_json else MIME_XML, "Connection": "close"}))
    response.force_close()
    return response


async def host_rrd_handler(request):
    if session_of(request) is None:
        return unauthorized()
    sim = request.app["sim"]
    host, vms, _srs = describe(sim.db, served_host(request))
    return _reply(request, rrd_series.host_sources(host, vms), sim.clock())


def _elsewhere(request, address, extra=""):
    origin = request.app["sim"].config.origin(address)
    return web.Response(status=302, headers=dict(CORS, Location=origin + request.path + "?" + extra
                                                 + request.query_string))


async def vm_rrd_handler(request):
    uuid = request.query.get("uuid")
    if uuid is None:
        return _html(400, BAD_REQUEST)
    if session_of(request) is None:
        return unauthorized()
    sim = request.app["sim"]
    db = sim.db
    vm = db.find_by_uuid("VM", uuid)
    if vm is None:
        return _html(500, http_500_body("UUID_INVALID: [ VM; %s ]" % uuid))
    owner = db.get("VM", vm)["resident_on"]
    here = served_host(request)
    if db.exists("host", owner) and owner != here:
        return _elsewhere(request, db.get("host", owner)["address"])
    if owner != here and here != sim.master_ref() and "rrd_unarchive" not in request.query:
        return _elsewhere(request, sim.master_address(), "rrd_unarchive=&")
    descriptor = vm_descriptor(db, vm, archived=True)
    if descriptor is None:
        return _html(404, NOT_FOUND)
    last = sim.clock() if descriptor["running_since"] is not None else descriptor["runs"][-1][1]
    return _reply(request, rrd_series.vm_sources(descriptor), last)


def add_routes(app):
    for path in ("/host_rrd", "/host_rrds"):       # the second is XAPI's legacy alias
        app.router.add_get(path, host_rrd_handler)
    for path in ("/vm_rrd", "/vm_rrds"):
        app.router.add_get(path, vm_rrd_handler)

