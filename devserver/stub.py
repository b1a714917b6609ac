"""Renders the host stub: the one-line index.html installed on the pool master.

The stub loads boot.js from the CDN base URL and falls back to the host-local copy under /xcplite/.
With no CDN URL it is the air-gapped variant that only uses the local copy.
"""
from devserver import bundle

LOCAL_PATH = "/xcplite/"
# The CDN gets this long to deliver boot.js before the stub switches to the local copy; kept under 3 s so
# the local copy is already running when 3 s have passed.
CDN_TIMEOUT_MS = 2500


def normalise(base_url):
    """A base URL with exactly one trailing slash ('' stays '')."""
    return base_url.rstrip("/") + "/" if base_url else ""


def render(base_url, timeout_ms=CDN_TIMEOUT_MS, local_path=LOCAL_PATH):
    """The stub as one line of HTML (plus a final newline)."""
    text = bundle.render("index.html.j2", cdn=normalise(base_url), local=local_path, timeout_ms=int(timeout_ms))
    return "".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"
