"""CONNECT /console?…: the raw mode of XAPI's console handler (XenCenter's), §6.1.

`CONNECT /console?uuid=…[&session_id=…] HTTP/1.0` (or the session in a `Cookie`), answered
`HTTP/1.1 200 OK` and a blank line, after which the socket carries raw RFB both ways. aiohttp only
accepts authority-form CONNECT targets, so the server module hands such connections here; the
request is parsed by h11 (a sans-IO HTTP/1.1 library). Same checks and screens as the websocket
mode (console.py). I/O stays with the caller: bytes come in through `data_received`, and go out
through the `send(bytes)` / `close()` callbacks it passes.
"""
import asyncio
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

import h11

from ..rfb import RfbServer
from .console import check, close_when_domain_ends, screen_for

REASONS = {200: b"OK", 401: b"Unauthorized", 404: b"Not Found", 500: b"Internal Server Error"}


class ConnectConsole:
    def __init__(self, app, send, close):
        self.app = app
        self.send = send
        self.close = close
        self.http = h11.Connection(h11.SERVER)
        self.rfb = None
        self.watcher = None
        self.closed = False

    def data_received(self, data):
        if self.rfb is not None:
            self.rfb.receive_data(data)
            self.flush()
            return
        self.http.receive_data(data)
        try:
            event = self.http.next_event()
        except h11.RemoteProtocolError:
            return self.refuse(400, b"Bad Request")
        if isinstance(event, h11.Request):
            self.start(event)

    def start(self, request):
        target = urlsplit(request.target.decode("latin-1"))
        query = dict(parse_qsl(target.query))
        session = self.session(request.headers, query)
        status, text, vm = check(self.app, query, session)
        if target.path != "/console" or status != 200:
            return self.refuse(status if target.path == "/console" else 404, text.encode())
        self.send(self.http.send(h11.Response(status_code=200, reason=b"OK", headers=[])))
        sim = self.app["sim"]
        name = sim.db.get("VM", vm)["name_label"]
        self.rfb = RfbServer(screen_for(self.app, sim.db, vm), name, on_output=self.flush)
        self.watcher = asyncio.ensure_future(
            close_when_domain_ends(sim, vm, lambda: self.closed, self.end))
        trailing, _closed = self.http.trailing_data
        self.flush()
        if trailing:
            self.data_received(trailing)

    def session(self, headers, query):
        sim = self.app["sim"]
        cookies = SimpleCookie()
        for name, value in headers:
            if name == b"cookie":
                cookies.load(value.decode("latin-1"))
        for ref in (cookies["session_id"].value if "session_id" in cookies else None,
                    query.get("session_id")):
            if ref and sim.session_valid(ref):
                return ref
        return None

    def refuse(self, status, text):
        headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))]
        if status == 401:
            headers.append(("WWW-Authenticate", 'Basic realm="xapi"'))
        self.send(self.http.send(h11.Response(status_code=status, reason=REASONS.get(status, b""),
                                              headers=headers)))
        self.send(self.http.send(h11.Data(data=text)) + self.http.send(h11.EndOfMessage()))
        self.end()

    def flush(self):
        if self.rfb is not None and not self.closed:
            data = self.rfb.data_to_send()
            if data:
                self.send(data)
            if self.rfb.closed:
                self.end()

    def end(self):
        if not self.closed:
            self.closed = True
            self.close()
        self.connection_lost()

    def connection_lost(self):
        self.closed = True
        if self.rfb is not None:
            self.rfb.detach()
        if self.watcher is not None:
            self.watcher.cancel()
