"""GET /console: a VM's (or a host's control domain's) VNC console over a websocket (§6.1).

`?uuid=` names a console or a VM, `?ref=` a console or a VM ref. The session comes from the
`session_id` cookie, then the query; none gives 401, no console 404, a VM that is not running 500.
The reply always carries `Sec-WebSocket-Protocol: binary` and the frames are raw RFB. Each running VM
has one text screen (kept across connections, a new one after a reboot); each connection gets its
own RFB state machine. With `--vnc-backend HOST:PORT` the bytes go to that VNC server instead.
"""
import asyncio

from aiohttp import WSMsgType, hdrs, web

from ..codecs import http_500_body
from ..rfb import RfbServer
from ..screen import TextScreen
from .common import session_of, unauthorized

LIVE = ("Running", "Paused")


class BinaryWebSocket(web.WebSocketResponse):
    """XAPI answers `binary` whatever the client offered; aiohttp only echoes an offered protocol."""

    def _handshake(self, request):
        headers, _protocol, compress, notakeover = super()._handshake(request)
        headers[hdrs.SEC_WEBSOCKET_PROTOCOL] = "binary"
        return headers, "binary", compress, notakeover


def find_console(db, query):
    """The console ref named by ?uuid= or ?ref= (a console, or a VM's rfb console), or None."""
    if "ref" in query:
        ref = query["ref"]
        return ref if db.exists("console", ref) else vm_console(db, ref)
    uuid = query.get("uuid", "")
    return db.find_by_uuid("console", uuid) or vm_console(db, db.find_by_uuid("VM", uuid))


def named_vm_not_running(db, query):
    """A VM named by ?uuid=/?ref= that exists but has no domain (XAPI raises: HTTP 500)."""
    vm = query.get("ref") if "ref" in query else db.find_by_uuid("VM", query.get("uuid", ""))
    if vm and db.exists("VM", vm) and db.get("VM", vm)["power_state"] not in LIVE:
        return vm
    return None


def vm_console(db, vm):
    if not vm or not db.exists("VM", vm):
        return None
    consoles = sorted(db.referrers("VM", "consoles", vm))
    rfb = [c for c in consoles if db.get("console", c)["protocol"] == "rfb"]
    return (rfb or [None])[0]


def screen_for(app, db, vm):
    """The VM's screen for its current domain: a reboot (new domid) boots a fresh one."""
    screens = app["screens"]
    rec = db.get("VM", vm)
    key = (vm, rec["domid"])
    if key not in screens:
        for old in [k for k in screens if k[0] == vm]:
            del screens[old]
        screens[key] = TextScreen(title=rec["name_label"])
    return screens[key]


def check(app, query, session):
    """(status, text, vm): 200 with the VM whose console to serve, or the error XAPI answers."""
    db = app["sim"].db
    if session is None:
        return 401, "Unauthorized", None
    named_vm = named_vm_not_running(db, query)
    if named_vm:
        return 500, "VM %s is not running" % named_vm, None
    console = find_console(db, query)
    if console is None:
        return 404, "No console found", None
    return 200, "OK", db.get("console", console)["VM"]


async def console_handler(request):
    status, text, vm = check(request.app, request.query, session_of(request))
    if status == 401:
        return unauthorized()
    if status != 200:
        body = http_500_body(text) if status == 500 else text.encode()
        return web.Response(status=status, body=body,
                            content_type="text/html" if status == 500 else "text/plain")
    sim = request.app["sim"]
    ws = BinaryWebSocket(max_msg_size=0)
    if not ws.can_prepare(request).ok:
        return web.Response(status=400, text="A websocket upgrade is required")
    await ws.prepare(request)
    watcher = asyncio.ensure_future(close_when_domain_ends(sim, vm, lambda: ws.closed, ws.close))
    try:
        backend = request.app.get("vnc_backend")
        if backend:
            await proxy(ws, backend, request.app["open_connection"])
        else:
            await serve_rfb(ws, screen_for(request.app, sim.db, vm),
                            sim.db.get("VM", vm)["name_label"])
    finally:
        watcher.cancel()
    return ws


async def close_when_domain_ends(sim, vm, is_closed, close):
    """A halt, suspend or reboot ends the VM's VNC server, so the connection closes (clients reconnect)."""
    domid = sim.db.get("VM", vm)["domid"]
    while not is_closed():
        await sim.wait_for_change(1.0)
        rec = sim.db.get("VM", vm)
        if rec is None or rec["power_state"] not in LIVE or rec["domid"] != domid:
            result = close()
            if asyncio.iscoroutine(result):
                await result
            return


async def serve_rfb(ws, screen, name):
    ready = asyncio.Event()
    server = RfbServer(screen, name, on_output=ready.set)
    writer = asyncio.ensure_future(write_loop(ws, server, ready))
    ready.set()
    try:
        async for msg in ws:
            if msg.type != WSMsgType.BINARY:
                continue
            server.receive_data(msg.data)
            ready.set()
            if server.closed:
                break
    finally:
        server.detach()
        writer.cancel()
        await ws.close()


async def write_loop(ws, server, ready):
    """The only writer of the socket: sends whatever the RFB server produced, in order."""
    while not ws.closed:
        await ready.wait()
        ready.clear()
        data = server.data_to_send()
        if data:
            await ws.send_bytes(data)
        if server.closed:
            await ws.close()


async def proxy(ws, backend, open_connection):
    host, port = backend
    reader, writer = await open_connection(host, port)
    upstream = asyncio.ensure_future(copy_to_ws(reader, ws))
    try:
        async for msg in ws:
            if msg.type == WSMsgType.BINARY:
                writer.write(msg.data)
                await writer.drain()
    finally:
        upstream.cancel()
        writer.close()
        await ws.close()


async def copy_to_ws(reader, ws):
    while True:
        data = await reader.read(65536)
        if not data:
            await ws.close()
            return
        await ws.send_bytes(data)


def add_routes(app, vnc_backend=None, open_connection=None):
    app["screens"] = {}
    app["vnc_backend"] = vnc_backend
    app["open_connection"] = open_connection
    app.router.add_get("/console", console_handler)
