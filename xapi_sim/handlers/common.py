"""What every XAPI HTTP handler shares: finding the caller's session, the 401 reply, the host served."""
from aiohttp import web

CORS = {"Access-Control-Allow-Origin": "*"}


def session_of(request):
    """The session ref of a request: the `session_id` cookie first, then the query (reference §2)."""
    sim = request.app["sim"]
    for ref in (request.cookies.get("session_id"), request.query.get("session_id")):
        if ref and sim.session_valid(ref):
            return ref
    return None


def unauthorized():
    return web.Response(status=401, text="Unauthorized", headers=dict(
        CORS, **{"WWW-Authenticate": 'Basic realm="xapi"'}))


def served_host(request):
    """The host ref whose address received this request."""
    sock = request.transport.get_extra_info("sockname") if request.transport else None
    return request.app["sim"].host_by_address(sock[0] if sock else None)
