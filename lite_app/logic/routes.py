"""Hash routes: `#/vm/<uuid>?tab=disks` <-> ("vm", {"uuid": ..., "tab": "disks"}), and page titles.

Pure (CPython and MicroPython). The app never puts a session id in a route: routes name objects by
uuid, which is stable across sessions and safe to bookmark and share.
"""
from lite_app.xapi.urls import percent_encode

# (page, path pattern): ":name" segments become params. First match wins; "" is the dashboard.
ROUTES = (
    ("dashboard", ""),
    ("vms", "vms"),
    ("vm", "vm/:uuid"),
    ("new-vm", "new-vm"),
    ("host", "host/:uuid"),
    ("storage", "storage"),
    ("sr", "sr/:uuid"),
    ("new-sr", "new-sr"),
    ("networks", "networks"),
    ("network", "network/:uuid"),
    ("console", "console/:uuid"),
    ("tasks", "tasks"),
    ("alarms", "alarms"),
    ("python", "python"),
)
NOT_FOUND = "notfound"
DEFAULT = ("dashboard", {})

# The catalog key of each page's default title (a page module's title(state) can do better).
TITLE_KEYS = {
    "dashboard": "page.dashboard", "vms": "page.vms", "vm": "page.vm", "new-vm": "page.new_vm", "host": "page.host",
    "storage": "page.storage", "sr": "page.sr", "new-sr": "page.new_sr", "networks": "page.networks",
    "network": "page.network", "console": "page.console", "tasks": "page.tasks", "alarms": "page.alarms", "python": "page.python", NOT_FOUND: "page.notfound",
}

HEX = "0123456789abcdefABCDEF"


def percent_decode(text):
    """Undo percent-encoding (UTF-8); "+" stays "+" (routes never encode spaces that way)."""
    if "%" not in text:
        return text
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        byte = raw[i]
        if byte == 37 and i + 2 < len(raw) and _is_hex(raw[i + 1:i + 3]):
            out.append(int(raw[i + 1:i + 3].decode(), 16))
            i += 3
        else:
            out.append(byte)
            i += 1
    return out.decode("utf-8")


def _is_hex(pair):
    return len(pair) == 2 and chr(pair[0]) in HEX and chr(pair[1]) in HEX


def parse_query(query):
    params = {}
    for part in query.split("&"):
        if not part:
            continue
        eq = part.find("=")
        key, value = (part, "") if eq < 0 else (part[:eq], part[eq + 1:])
        params[percent_decode(key)] = percent_decode(value)
    return params


def _match(pattern, segments):
    names = pattern.split("/") if pattern else []
    if len(names) != len(segments):
        return None
    params = {}
    for name, segment in zip(names, segments):
        if name.startswith(":"):
            if not segment:
                return None
            params[name[1:]] = segment
        elif name != segment:
            return None
    return params


def parse(hash_text):
    """(page, params) for a location hash ("#/vm/abc", "#/", "" ...); unknown paths give NOT_FOUND."""
    path = hash_text or ""
    if path.startswith("#"):
        path = path[1:]
    query = ""
    mark = path.find("?")
    if mark >= 0:
        path, query = path[:mark], path[mark + 1:]
    path = path.strip("/")
    segments = [percent_decode(s) for s in path.split("/")] if path else []
    for page, pattern in ROUTES:
        params = _match(pattern, segments)
        if params is not None:
            extra = parse_query(query)
            for key in extra:
                if key not in params:
                    params[key] = extra[key]
            return page, params
    return NOT_FOUND, {"path": path}


def build(page, params=None):
    """The hash for a page: build("vm", {"uuid": "abc", "tab": "disks"}) -> "#/vm/abc?tab=disks"."""
    params = dict(params or {})
    pattern = None
    for name, candidate in ROUTES:
        if name == page:
            pattern = candidate
            break
    if pattern is None:
        raise ValueError("no route for page " + str(page))
    parts = []
    for name in (pattern.split("/") if pattern else []):
        if name.startswith(":"):
            parts.append(percent_encode(str(params.pop(name[1:]))))
        else:
            parts.append(name)
    text = "#/" + "/".join(parts)
    keys = sorted(key for key in params if params[key] is not None and params[key] != "")
    if keys:
        text += "?" + "&".join(percent_encode(k) + "=" + percent_encode(str(params[k])) for k in keys)
    return text


def title_key(page):
    return TITLE_KEYS.get(page, TITLE_KEYS[NOT_FOUND])


def document_title(page_title, pool_name, app_name):
    """"Page - Pool - xcplite", leaving out the parts that are empty."""
    parts = [p for p in (page_title, pool_name, app_name) if p]
    return " - ".join(parts)
