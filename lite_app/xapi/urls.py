"""URL rules for host HTTP handlers, above all the console websocket built from `console.location`.

`console.location` is e.g. `https://10.0.0.2/console?uuid=<console uuid>` (xapi-protocol.md §6.1).
The websocket URL switches the scheme (https -> wss, http -> ws). The session travels:
- same origin as the page: in the `session_id` cookie, so it stays OUT of the URL;
- another origin (another pool member): as `session_id=<ref>` in the query, since cross-origin
  requests carry no cookie.
MicroPython has no urllib.parse, so the URL splitting and percent-encoding are written here.
"""

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
WS_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
HEX = "0123456789ABCDEF"
# Texts encoded already (MicroPython walks a text byte by byte here: ~100 us for a uuid), up to a limit.
_ENCODED = {}
ENCODED_LIMIT = 4096


def percent_encode(text):
    """Percent-encode `text` for a query value: UTF-8 bytes, only unreserved characters kept."""
    found = _ENCODED.get(text)  # every link of every render passes here, mostly with the same uuids
    if found is not None:
        return found
    if len(_ENCODED) >= ENCODED_LIMIT:
        _ENCODED.clear()
    if uuid_like(text):
        _ENCODED[text] = text
        return text
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if byte < 128 and char in UNRESERVED:
            out.append(char)
        else:
            out.append("%" + HEX[byte >> 4] + HEX[byte & 15])
    found = _ENCODED[text] = "".join(out)
    return found


def uuid_like(text):
    """Whether `text` is a uuid (hex digits and dashes, 8-4-4-4-12), checked without a loop per character."""
    if len(text) != 36 or text[8] != "-" or text[13] != "-" or text[18] != "-" or text[23] != "-":
        return False
    digits = text.replace("-", "")
    if len(digits) != 32 or "+" in digits or "_" in digits or digits.split() != [digits]:
        return False
    try:
        int(digits, 16)
    except ValueError:
        return False
    return True


def split_url(url):
    """(scheme, host, port, rest) of an absolute URL; rest is path + query without any fragment."""
    sep = url.find("://")
    if sep <= 0:
        raise ValueError("not an absolute URL: " + url)
    scheme = url[:sep].lower()
    rest_at = len(url)
    for mark in "/?#":
        at = url.find(mark, sep + 3)
        if 0 <= at < rest_at:
            rest_at = at
    netloc = url[sep + 3:rest_at]
    rest = url[rest_at:]
    hash_at = rest.find("#")
    if hash_at >= 0:
        rest = rest[:hash_at]
    host, port = _split_netloc(netloc, scheme)
    return scheme, host, port, rest or "/"


def _split_netloc(netloc, scheme):
    if "@" in netloc:
        netloc = netloc[netloc.rfind("@") + 1:]
    colon = netloc.rfind(":")
    if colon >= 0 and "]" not in netloc[colon:]:
        host, port = netloc[:colon], int(netloc[colon + 1:])
    else:
        host, port = netloc, DEFAULT_PORTS.get(scheme)
    return host.lower(), port


def origin_of(url):
    """(scheme, host, port) of a URL or an origin string such as `http://127.0.0.1:8080`."""
    scheme, host, port, _ = split_url(url)
    return scheme, host, port


def _netloc(scheme, host, port):
    if port is None or port == DEFAULT_PORTS.get(scheme):
        return host
    return host + ":" + str(port)


def add_query(rest, name, value):
    """`rest` (path + query) with `name=value` appended."""
    joiner = "&" if "?" in rest else "?"
    if rest.endswith("?") or rest.endswith("&"):
        joiner = ""
    return rest + joiner + name + "=" + percent_encode(value)


def _session_parts(url, page_origin, session):
    """split_url(url), with `session_id` added to the query unless `url` is on the page's origin."""
    scheme, host, port, rest = split_url(url)
    if (scheme, host, port) != origin_of(page_origin):
        rest = add_query(rest, "session_id", session)
    return scheme, host, port, rest


def with_session(url, page_origin, session):
    """`url` as the page must request it (stats, export): the session only for other origins."""
    scheme, host, port, rest = _session_parts(url, page_origin, session)
    return scheme + "://" + _netloc(scheme, host, port) + rest


def console_ws_url(location, page_origin, session):
    """The websocket URL for a `console.location` seen from a page on `page_origin`."""
    scheme, host, port, rest = _session_parts(location, page_origin, session)
    ws_scheme = WS_SCHEMES.get(scheme)
    if ws_scheme is None:
        raise ValueError("console location is not http(s): " + location)
    return ws_scheme + "://" + _netloc(ws_scheme, host, port) + rest


def import_raw_vdi_path(vdi_ref, task_ref):
    """The same-origin path of XAPI's PUT /import_raw_vdi into `vdi_ref`, run as `task_ref`. The
    session is NOT in it: the browser sends the `session_id` cookie to the page's own origin."""
    rest = add_query("/import_raw_vdi", "format", "raw")
    return add_query(add_query(rest, "vdi", vdi_ref), "task_id", task_ref)
