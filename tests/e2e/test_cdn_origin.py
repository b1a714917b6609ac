"""The development CDN origin serves the bundle like the production CDN must (CORS, MIME, encodings, caching).

Synchronous on purpose: the session's Playwright owns this thread's event loop.
"""
import gzip
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import brotli
import pytest

from devserver import cdn as cdn_server


def path_of(bundle, test):
    return next(p for p in bundle["manifest"]["files"] if test(p))


def get(cdn, path, **headers):
    request = urllib.request.Request(cdn.url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_types_cors_and_brotli(cdn, bundle):
    wasm = path_of(bundle, lambda p: p.endswith(".wasm"))
    status, headers, body = get(cdn, wasm, **{"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and headers["Content-Type"] == "application/wasm"
    assert headers["Content-Encoding"] == "br" and headers["Access-Control-Allow-Origin"] == "*"
    assert brotli.decompress(body) == (bundle["dir"] / wasm).read_bytes()
    _, headers, _ = get(cdn, path_of(bundle, lambda p: p.endswith("/core.js")))
    assert headers["Content-Type"] == "text/javascript"


def test_gzip_and_identity_negotiation(cdn, bundle):
    core = path_of(bundle, lambda p: "/core-" in p)
    original = (bundle["dir"] / core).read_bytes()
    _, headers, body = get(cdn, core, **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == original
    _, headers, body = get(cdn, core, **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in headers and body == original
    assert headers["Vary"] == "Accept-Encoding"


def test_hashed_files_are_immutable_and_boot_js_revalidates(cdn, bundle):
    for hashed in (path_of(bundle, lambda p: p.endswith(".wasm")), path_of(bundle, lambda p: p.startswith("app-"))):
        _, headers, _ = get(cdn, hashed)
        assert "immutable" in headers["Cache-Control"], hashed
    for fixed in ("boot.js", "manifest.json"):
        status, headers, _ = get(cdn, fixed)
        assert status == 200 and headers["Cache-Control"] == "no-cache"
        status, _, body = get(cdn, fixed, **{"If-None-Match": headers["ETag"]})
        assert status == 304 and body == b""


def test_nothing_outside_the_bundle_is_served(cdn):
    for path in ("../pyproject.toml", "%2e%2e/pyproject.toml", "..%2fpyproject.toml", "missing.js"):
        status, _, _ = get(cdn, path)
        assert status == 404, path


def test_requests_are_recorded_with_cookie_flags(cdn):
    mark = len(cdn.requests())
    get(cdn, "boot.js", Cookie="session_id=OpaqueRef:abc")
    get(cdn, "boot.js", Cookie="theme=dark")
    get(cdn, "boot.js")
    assert [(r["cookie"], r["session_id"]) for r in cdn.requests()[mark:]] == \
        [(True, True), (True, False), (False, False)]


def test_hanging_mode_accepts_and_never_answers(hanging_cdn):
    parts = urlsplit(hanging_cdn.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(b"GET /boot.js HTTP/1.1\r\nHost: cdn\r\n\r\n")
        conn.settimeout(0.5)
        with pytest.raises(socket.timeout):
            conn.recv(1)


def test_free_port_refuses_connections():
    port = cdn_server.free_port("127.0.0.1")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
