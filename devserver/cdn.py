"""The development CDN origin: serves a built bundle the way the production CDN should.

- `Access-Control-Allow-Origin: *` (module scripts and integrity-checked fetches are CORS requests) and
  `Timing-Allow-Origin: *` (so the browser reports transfer sizes to benchmarks).
- Exact MIME types: module scripts are refused unless served as JavaScript, and WebAssembly streaming
  compilation needs application/wasm.
- Content-Encoding negotiated from Accept-Encoding, using the .br/.gz siblings written at build time.
- Content-hashed files are immutable for a year; boot.js and manifest.json must be revalidated (ETag).
- Every request is recorded (path and whether it carried a session_id cookie) and listed at /_dev/requests,
  so tests can prove the XAPI session cookie never reaches the CDN.

Modes: "serve" (normal) and "hang" (accepts connections and never answers). A CDN that is "down" is simply
an address nothing listens on (see free_port).
"""
import asyncio
import sys
import hashlib
import re
import socket
from pathlib import Path

import click
from aiohttp import web

MIME = {
    ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
    ".json": "application/json", ".css": "text/css", ".html": "text/html", ".py": "text/x-python",
    ".svg": "image/svg+xml", ".txt": "text/plain", ".map": "application/json",
}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # server preference order
HASHED = re.compile(r"-[0-9a-f]{10}(/|\.[a-z]+$)")  # our hashed folders and files
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMMON = {"Access-Control-Allow-Origin": "*", "Timing-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}


def free_port(host):
    """A port on `host` that nothing listens on right now (connections to it are refused)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def cache_control(path):
    """Files named by content (or inside a folder named by content) never change; the rest must revalidate."""
    return IMMUTABLE if HASHED.search(path) else REVALIDATE


def pick_encoding(accept, file):
    """(content-encoding or None, file to send) for an Accept-Encoding header value."""
    offered = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
    for name, suffix in ENCODINGS:
        candidate = file.with_name(file.name + suffix)
        if name in offered and candidate.is_file():
            return name, candidate
    return None, file


class Recorder:
    """Remembers what each request looked like, for tests."""

    def __init__(self):
        self.requests = []

    def record(self, request):
        self.requests.append({
            "path": request.path,
            "cookie": "Cookie" in request.headers,
            "session_id": "session_id" in request.cookies,
            "origin": request.headers.get("Origin"),
        })


class StaticBundle:
    """aiohttp handler serving one folder with the caching and encoding rules above."""

    def __init__(self, root, recorder):
        self.root = Path(root).resolve()
        self.recorder = recorder
        self.cache = {}

    def resolve(self, path):
        target = (self.root / path.lstrip("/")).resolve()
        if self.root not in target.parents or not target.is_file():
            raise web.HTTPNotFound(headers=COMMON)
        return target

    def read(self, file):
        """(bytes, etag), kept in memory while the file is unchanged: bundles are small, requests many."""
        key = (file, file.stat().st_mtime_ns)
        if key not in self.cache:
            data = file.read_bytes()
            self.cache[key] = data, '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        return self.cache[key]

    async def handle(self, request):
        self.recorder.record(request)
        if request.path == "/_dev/requests":
            return web.json_response(self.recorder.requests, headers=COMMON)
        file = self.resolve(request.path)
        encoding, body = pick_encoding(request.headers.get("Accept-Encoding"), file)
        data, etag = self.read(body)
        headers = dict(COMMON, **{
            "Content-Type": MIME.get(file.suffix, "application/octet-stream"),
            "Cache-Control": cache_control(request.path), "ETag": etag, "Vary": "Accept-Encoding",
        })
        if encoding:
            headers["Content-Encoding"] = encoding
        if request.headers.get("If-None-Match") == headers["ETag"]:
            return web.Response(status=304, headers=headers)
        return web.Response(body=b"" if request.method == "HEAD" else data, headers=headers)


def make_app(root, recorder=None):
    app = web.Application()
    handler = StaticBundle(root, recorder or Recorder())
    app.router.add_get("/{tail:.*}", handler.handle)  # GET and HEAD
    return app


async def start_serving(root, host, port):
    """Start the CDN; returns (runner, port). Stop with `await runner.cleanup()`."""
    runner = web.AppRunner(make_app(root), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


async def start_hanging(host, port):
    """A server that accepts connections and never answers; returns (server, port)."""
    held = []

    async def hold(reader, writer):
        held.append(writer)  # keep the socket open, say nothing
        await reader.read()

    server = await asyncio.start_server(hold, host, port)
    return server, server.sockets[0].getsockname()[1]


async def run_forever(root, host, port, mode):
    if mode == "hang":
        server, port = await start_hanging(host, port)
    else:
        server, port = await start_serving(root, host, port)
    print(f"cdn listening on http://{host}:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await (server.cleanup() if mode != "hang" else _close(server))


async def _close(server):
    server.close()


@click.command()
@click.option("--root", type=click.Path(file_okay=False), help="The built bundle to serve (may be rebuilt while running).")
@click.option("--bind", default="127.0.1.1", show_default=True)
@click.option("--port", default=0, show_default=True, help="0 = any free port.")
@click.option("--mode", type=click.Choice(["serve", "hang"]), default="serve", show_default=True)
def main(root, bind, port, mode):
    """Run the development CDN origin; prints `cdn listening on http://ADDR:PORT` when ready."""
    if mode == "serve" and not root:
        raise click.UsageError("--root is required to serve")
    try:
        asyncio.run(run_forever(root, bind, port, mode))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
