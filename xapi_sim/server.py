"""The simulator's HTTP edge: the only module that opens sockets.

One aiohttp application serves every host origin (one listening address per pool member, same
port). It hands every RPC POST (/jsonrpc: JSON-RPC, any other path: XML-RPC) to the sans-IO endpoint
(xapi_sim/endpoint.py), answers OPTIONS for CORS, and mounts the HTTP handlers (stub, local bundle,
console, stats, import/export).
"""
import asyncio
import os

from aiohttp import web, web_fileresponse

from . import endpoint, handlers
from .codecs import http_500_body
from .endpoint import MAX_RPC_BODY
from .faults import fault_middleware
from .handlers import control
from .handlers.console_connect import ConnectConsole

RPC_HEADERS = {"Access-Control-Allow-Origin": "*",
               "Access-Control-Allow-Headers": "X-Requested-With",
               "Cache-Control": "no-cache, no-store"}

# What browsers need for module scripts and wasm streaming; aiohttp's static files use this table.
for _type, _ext in (("text/javascript", ".mjs"), ("text/javascript", ".js"),
                    ("application/wasm", ".wasm")):
    web_fileresponse.CONTENT_TYPES.add_type(_type, _ext)


def local_address(request):
    sock = request.transport.get_extra_info("sockname") if request.transport else None
    return sock[0] if sock else None


async def read_rpc_body(request):
    """The request body, or None when it is larger than XAPI accepts."""
    if (request.content_length or 0) > MAX_RPC_BODY:
        return None
    chunks, size = [], 0
    while size <= MAX_RPC_BODY:
        # read(n) returns what has arrived so far, not n bytes: loop until the end of the body
        chunk = await request.content.read(MAX_RPC_BODY + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return None if size > MAX_RPC_BODY else b"".join(chunks)


def error_500(detail):
    return web.Response(status=500, body=http_500_body(detail), content_type="text/html",
                        headers=RPC_HEADERS)


async def handle_rpc(request):
    """POST /jsonrpc (JSON-RPC) or any other path (XML-RPC): the body through xapi_sim/endpoint.py."""
    body = await read_rpc_body(request)
    if body is None:
        status, content_type, reply = endpoint.too_large()
    else:
        status, content_type, reply = await endpoint.answer(request.app["sim"], request.path, body,
                                                            local_address(request))
    return web.Response(status=status, body=reply, headers=dict(RPC_HEADERS, **{"Content-Type": content_type}))


async def handle_options(request):
    requested = request.headers.get("Access-Control-Request-Headers")
    allow = "%s, X-Requested-With" % requested if requested else "X-Requested-With"
    return web.Response(status=200, headers={
        "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": allow,
        "Access-Control-Allow-Methods": "PUT"})


@web.middleware
async def internal_errors(request, handler):
    """An unexpected exception becomes XAPI's HTML 500; the server keeps serving."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception as err:  # the boundary: report it as XAPI would, keep the process alive
        return error_500("Internal error: %r" % (err,))


def make_app(sim, stub=None, local_bundle=None, faults=None, control_token=None,
             vnc_backend=None):
    app = web.Application(client_max_size=MAX_RPC_BODY,
                          middlewares=[internal_errors, fault_middleware])
    app["sim"] = sim
    app["stub"] = stub
    app["faults"] = faults
    app["control_token"] = control_token
    app["raw_transports"] = set()    # CONNECT consoles, which aiohttp does not track
    app.router.add_route("OPTIONS", "/{tail:.*}", handle_options)
    control.add_routes(app)
    app.router.add_post("/jsonrpc", handle_rpc)
    # Consoles proxied to a real VNC server connect through here: sockets stay in this module.
    handlers.add_routes(app, local_bundle, vnc_backend, asyncio.open_connection)
    app.router.add_post("/{tail:.*}", handle_rpc)
    return app


async def start(app, addresses, port, ssl_context=None):
    """Listen on every address with one port (port 0: pick a free one). Returns (runner, port)."""
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True)

    async def close_listeners(_app):
        await stop_listening(runner)
    app.on_shutdown.append(close_listeners)     # runner.cleanup() closes our servers too
    await runner.setup()
    port = await listen(runner, addresses, port, ssl_context)
    return runner, port


async def listen(runner, addresses, port, ssl_context=None):
    """Serve every address on one port; the first bind picks the port when it is 0."""
    loop = asyncio.get_running_loop()
    servers = _listeners(runner)
    for address in addresses:
        if address in servers:
            continue
        server = await loop.create_server(lambda: SniffingProtocol(runner), address, port,
                                          ssl=ssl_context)
        port = server.sockets[0].getsockname()[1]
        servers[address] = server
    return port


async def stop_listening(runner, addresses=None):
    """Stop accepting on every address (or on `addresses` only); open connections stay."""
    servers = _listeners(runner)
    stopping = [a for a in list(servers) if addresses is None or a in addresses]
    for address in stopping:
        servers[address].close()
    for address in stopping:
        await servers.pop(address).wait_closed()
    if not servers:
        _LISTENERS.pop(id(runner), None)


_LISTENERS = {}   # id(runner) -> {address: its asyncio server}, one per host address


def is_listening(runner, address=None):
    servers = _LISTENERS.get(id(runner), {})
    return bool(servers) if address is None else address in servers


def _listeners(runner):
    return _LISTENERS.setdefault(id(runner), {})


def _raw_transports(app):
    """CONNECT consoles, which aiohttp does not track (apps built elsewhere may lack the set)."""
    return app["raw_transports"] if "raw_transports" in app else set()


class SniffingProtocol(asyncio.Protocol):
    """Reads the first bytes of a connection, then hands it over for good: `CONNECT` requests go
    to the raw console (aiohttp refuses their path-form target), everything else to aiohttp."""

    def __init__(self, runner):
        self.runner = runner
        self.transport = None
        self.delegate = None
        self.head = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        if self.delegate is not None:
            return self.delegate.data_received(data)
        self.head += data
        if b"CONNECT ".startswith(self.head[:8]) and len(self.head) < 8:
            return None
        if self.head.startswith(b"CONNECT "):
            self.delegate = ConnectConsole(self.runner.app, self.transport.write, self.transport.close)
            _raw_transports(self.runner.app).add(self.transport)
        else:
            self.delegate = self.runner.server()
            self.delegate.connection_made(self.transport)
        head, self.head = self.head, b""
        return self.delegate.data_received(head)

    def eof_received(self):
        handler = getattr(self.delegate, "eof_received", None)
        return handler() if handler else None

    def connection_lost(self, exc):
        _raw_transports(self.runner.app).discard(self.transport)
        if self.delegate is None:
            return
        if isinstance(self.delegate, ConnectConsole):
            self.delegate.connection_lost()
        else:
            self.delegate.connection_lost(exc)

    def pause_writing(self):
        if hasattr(self.delegate, "pause_writing"):
            self.delegate.pause_writing()

    def resume_writing(self):
        if hasattr(self.delegate, "resume_writing"):
            self.delegate.resume_writing()


def reset_connections(runner, keep=None, addresses=None):
    """Abort every open connection but `keep` (a transport), as a crashed toolstack would; with
    `addresses`, only the connections made to those addresses. Returns how many were aborted."""
    transports = [h.transport for h in (runner.server.connections if runner.server else [])]
    transports += list(_raw_transports(runner.app))
    aborted = 0
    for transport in transports:
        if transport is None or transport is keep:
            continue
        if addresses is not None:
            sock = transport.get_extra_info("sockname")
            if not sock or sock[0] not in addresses:
                continue
        transport.abort()
        aborted += 1
    return aborted


def stub_exists(path):
    return path is not None and os.path.isfile(path)
