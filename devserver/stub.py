"""Renders the host stub: the one-line index.html installed on the pool master.

The stub runs boot.js from the CDN only after checking the signed release statement against the public
keys it embeds (devserver/release.py), and falls back to the host-local copy under /xcplite/ on any
failure. With no CDN URL it is the air-gapped variant that only uses the local copy.

Its Content-Security-Policy (a <meta>: XAPI's file server sends no header of ours) allows scripts only by
the hash of the stub's own script plus 'strict-dynamic' (what that script adds: boot.js as a blob: of
checked bytes, then the pinned modules), WebAssembly compilation, and connections to this host, the CDN
and the pool members named with --pool-host.
"""
import base64
import hashlib
import re
from urllib.parse import urlsplit

from devserver import bundle, release

LOCAL_PATH = "/xcplite/"
# Every fetch of the start-up gets this long (the CDN's statement and boot.js, then each file boot.js
# loads); a late one switches to the local copy, which then shows its login form before 5 s have passed.
CDN_TIMEOUT_MS = 2500
SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
# Outside string literals: block comments, and the spaces the one-line script does not need.
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
COMMENT = re.compile(r"/\*.*?\*/", re.S)
SPACES = re.compile(r"\s*([{}()\[\];,=:<>!?&|+\-*/])\s*")


def squeeze(code):
    """The stub's script without comments and spaces around punctuation, string literals untouched (it
    is every host's first download, so its bytes count). Our own code only: no regex literal holds a
    quote, no `+ +` or `- -`; tests/devserver/test_release.py runs the result through `node --check`."""
    out, last = [], 0
    for literal in STRING.finditer(code):
        out.append(_squeeze_code(code[last:literal.start()]))
        out.append(literal.group(0))
        last = literal.end()
    out.append(_squeeze_code(code[last:]))
    return "".join(out)


def _squeeze_code(code):
    code = re.sub(r"\s+", " ", COMMENT.sub("", code))
    return SPACES.sub(r"\1", code)


def normalise(base_url):
    """A base URL with exactly one trailing slash ('' stays '')."""
    return base_url.rstrip("/") + "/" if base_url else ""


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def connect_sources(cdn, pool_hosts):
    """connect-src: this host, the CDN, blob: (boot.js hands the checked wasm over as one) and each pool
    member over http/https/ws/wss; with no member named, any host (consoles and stats of members)."""
    sources = ["'self'", "blob:"] + ([origin(cdn)] if cdn else [])
    if not pool_hosts:
        return sources + ["http:", "https:", "ws:", "wss:"]
    for host in pool_hosts:
        sources += [f"{scheme}://{host}" for scheme in ("http", "https", "ws", "wss")]
    return sources


def policy(script_hash, cdn, pool_hosts):
    """The stub's Content-Security-Policy."""
    cdn_origin = [origin(cdn)] if cdn else []
    directives = [
        ("default-src", ["'none'"]),
        ("script-src", [f"'sha256-{script_hash}'", "'strict-dynamic'", "'wasm-unsafe-eval'"]),
        ("style-src", ["'self'", "'unsafe-inline'"] + cdn_origin),
        ("img-src", ["'self'", "data:", "blob:"] + cdn_origin),
        ("connect-src", connect_sources(cdn, pool_hosts)),
        ("object-src", ["'none'"]),
        ("base-uri", ["'none'"]),
        ("form-action", ["'none'"]),
    ]
    return "; ".join(name + " " + " ".join(values) for name, values in directives)


def render(base_url, timeout_ms=CDN_TIMEOUT_MS, local_path=LOCAL_PATH, keys=(), min_version="", pool_hosts=()):
    """The stub as one line of HTML (plus a final newline). `keys` are public keys
    (cryptography objects) trusted to sign releases; a CDN stub needs at least one."""
    cdn = normalise(base_url)
    if min_version and release.parse_version(min_version) is None:
        raise release.ReleaseError(f"minimum version {min_version!r} is not dotted numbers (1.2.3)")
    text = bundle.render("index.html.j2", cdn=cdn, local=local_path, timeout_ms=int(timeout_ms),
                         keys=[release.stub_key(k) for k in keys], min_version=min_version or "")
    line = "".join(line.strip() for line in COMMENT.sub("", text).splitlines() if line.strip())
    found = SCRIPT.search(line)
    script = squeeze(found.group(1))
    line = line[:found.start(1)] + script + line[found.end(1):]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return line.replace("@CSP@", policy(digest, cdn, list(pool_hosts)), 1) + "\n"


def embedded_keys(html):
    """[(key id, fingerprint)] of the keys an installed stub trusts (for admins checking a host)."""
    import json
    found = re.search(r"KEYS=(\[.*?\]),MIN=", html)
    return [(k["id"], release.stub_key_fingerprint(k)) for k in json.loads(found.group(1))] if found else []
