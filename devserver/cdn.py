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
an address nothing listens on (see free_port). Tests make a serving CDN misbehave on chosen files with
`--rule REGEX=hang|trickle|404` (the first rule whose regex matches the path applies): it never answers,
sends the file a few bytes at a time, or says it is missing.
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


TRICKLE_BYTES, TRICKLE_PAUSE = 512, 0.2  # ~2.5 KB/s: a 60 KB boot.js would take ~25 s


def parse_rules(rules):
    """[(compiled regex, action)] from "REGEX=ACTION" strings."""
    out = []
    for rule in rules:
        pattern, _, action = rule.rpartition("=")
        if action not in ("hang", "trickle", "404") or not pattern:
            raise click.BadParameter(f"{rule!r}: expected REGEX=hang|trickle|404")
        out.append((re.compile(pattern), action))
    return out


class StaticBundle:
    """aiohttp handler serving one folder with the caching and encoding rules above."""

    def __init__(self, root, recorder, rules=()):
        self.root = Path(root).resolve()
        self.recorder = recorder
        self.cache = {}
        self.rules = list(rules)

    def rule(self, path):
        return next((action for pattern, action in self.rules if pattern.search(path)), None)

    async def misbehave(self, request, action, data, headers):
        if action == "hang":
            await asyncio.Event().wait()
        if action == "404":
            raise web.HTTPNotFound(headers=COMMON)
        headers.pop("ETag", None)
        reply = web.StreamResponse(headers=dict(headers, **{"Content-Length": str(len(data))}))
        await reply.prepare(request)
        for i in range(0, len(data), TRICKLE_BYTES):
            await reply.write(data[i:i + TRICKLE_BYTES])
            await asyncio.sleep(TRICKLE_PAUSE)
        return reply

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
        action = self.rule(request.path)
        if action:
            return await self.misbehave(request, action, data, headers)
        if request.headers.get("If-None-Match") == headers["ETag"]:
            return web.Response(status=304, headers=headers)
        return web.Response(body=b"" if request.method == "HEAD" else data, headers=headers)


def make_app(root, recorder=None, rules=()):
    app = web.Application()
    handler = StaticBundle(root, recorder or Recorder(), rules)
    app.router.add_get("/{tail:.*}", handler.handle)  # GET and HEAD
    return app


async def start_serving(root, host, port, rules=()):
    """Start the CDN; returns (runner, port). Stop with `await runner.cleanup()`."""
    runner = web.AppRunner(make_app(root, rules=rules), access_log=None)
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


async def run_forever(root, host, port, mode, rules=()):
    if mode == "hang":
        server, port = await start_hanging(host, port)
    else:
        server, port = await start_serving(root, host, port, rules)
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
@click.option("--rule", "rules", multiple=True, help="REGEX=hang|trickle|404: misbehave on matching paths (tests).")
def main(root, bind, port, mode, rules):
    """Run the development CDN origin; prints `cdn listening on http://ADDR:PORT` when ready."""
    if mode == "serve" and not root:
        raise click.UsageError("--root is required to serve")
    try:
        asyncio.run(run_forever(root, bind, port, mode, parse_rules(rules)))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
