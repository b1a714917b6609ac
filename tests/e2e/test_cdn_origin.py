"""The development CDN origin serves the bundle like the production CDN must (CORS, MIME, encodings, caching)."""
import asyncio
import gzip
import socket

import aiohttp
import brotli
import pytest
from aiohttp.test_utils import TestServer

from devserver import cdn


@pytest.fixture
async def served(bundle):
    recorder = cdn.Recorder()
    server = TestServer(cdn.make_app(bundle["dir"], recorder), host="127.0.0.1", port=0)
    await server.start_server()
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        yield server, session, recorder, bundle
    await server.close()


def path_of(bundle, suffix):
    return next(p for p in bundle["manifest"]["files"] if p.endswith(suffix))


async def get(served, path, **headers):
    server, session = served[0], served[1]
    async with session.get(server.make_url("/" + path), headers=headers) as reply:
        return reply.status, reply.headers, await reply.read()


async def test_types_cors_and_brotli(served):
    bundle = served[3]
    wasm = path_of(bundle, ".wasm")
    status, headers, body = await get(served, wasm, **{"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and headers["Content-Type"] == "application/wasm"
    assert headers["Content-Encoding"] == "br" and headers["Access-Control-Allow-Origin"] == "*"
    assert brotli.decompress(body) == (bundle["dir"] / wasm).read_bytes()
    status, headers, _ = await get(served, path_of(bundle, "/core.js"))
    assert headers["Content-Type"] == "text/javascript"


async def test_gzip_and_identity_negotiation(served):
    bundle = served[3]
    core = next(p for p in bundle["manifest"]["files"] if "/core-" in p)
    original = (bundle["dir"] / core).read_bytes()
    _, headers, body = await get(served, core, **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == original
    _, headers, body = await get(served, core, **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in headers and body == original
    assert headers["Vary"] == "Accept-Encoding"


async def test_hashed_files_are_immutable_and_boot_js_revalidates(served):
    bundle = served[3]
    _, headers, _ = await get(served, path_of(bundle, ".wasm"))
    assert "immutable" in headers["Cache-Control"]
    _, headers, _ = await get(served, next(p for p in bundle["manifest"]["files"] if p.startswith("app-")))
    assert "immutable" in headers["Cache-Control"]
    for fixed in ("boot.js", "manifest.json"):
        status, headers, _ = await get(served, fixed)
        assert status == 200 and headers["Cache-Control"] == "no-cache"
        status, _, body = await get(served, fixed, **{"If-None-Match": headers["ETag"]})
        assert status == 304 and body == b""


async def test_nothing_outside_the_bundle_is_served(served):
    for path in ("../pyproject.toml", "%2e%2e/pyproject.toml", "missing.js"):
        status, _, _ = await get(served, path)
        assert status == 404


async def test_requests_are_recorded_with_cookie_flags(served):
    recorder = served[2]
    await get(served, "boot.js", Cookie="session_id=OpaqueRef:abc")
    await get(served, "boot.js", Cookie="theme=dark")
    await get(served, "boot.js")
    assert [(r["cookie"], r["session_id"]) for r in recorder.requests[-3:]] == \
        [(True, True), (True, False), (False, False)]


async def test_hanging_mode_accepts_and_never_answers():
    server, port = await cdn.start_hanging("127.0.0.1", 0)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /boot.js HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(1), 0.5)
        writer.close()
    finally:
        server.close()


def test_free_port_refuses_connections():
    port = cdn.free_port("127.0.0.1")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
