"""The wire side of `/rrd_updates`: query parsing, JSON/XML negotiation and XAPI's output formats.

Pure code, mirroring xcp-rrdd's `get_rrd_updates_handler` and `Rrd_updates.json_of_t` / `xml_of`:
- `parse_query` reads the parameters the way rrdd does (first occurrence wins, bad `cf` or
  `interval` silently ignored, `start` required);
- `prefers_json` is rrdd's `client_prefers_json` (Accept negotiation, else the `json` param);
- `to_json` / `to_xml` write every number as XAPI does (`%.15g`, zero as `0.0`, NaN, Infinity).
`render` ties them to `rrd.export` for the HTTP handler.
"""
import json

from xapi_sim import rrd, rrd_series

MIME_JSON = "application/json"
MIME_XML = "text/xml"
_INT64 = 2 ** 63


class MissingStart(Exception):
    """No `start` parameter: XAPI answers 400 before reaching rrdd."""


def parse_int64(text):
    """OCaml's Int64.of_string for decimal input; ValueError otherwise (rrdd then fails: 500)."""
    body = text[1:] if text[:1] in ("-", "+") else text
    if not body or not body.isdigit() or not body.isascii():
        raise ValueError("invalid int64: %r" % text)
    value = int(text)
    if not -_INT64 <= value < _INT64:
        raise ValueError("int64 out of range: %r" % text)
    return value


def _first(pairs, key):
    for k, v in pairs:
        if k == key:
            return v
    return None


def parse_query(pairs):
    """The request parameters from the query's (key, value) pairs, as rrdd reads them."""
    start = _first(pairs, "start")
    if start is None:
        raise MissingStart()
    try:
        interval = parse_int64(_first(pairs, "interval") or "")
    except ValueError:
        interval = 0
    cf = _first(pairs, "cf")
    host = _first(pairs, "host")
    vm_uuid, sr_uuid = _first(pairs, "vm_uuid"), _first(pairs, "sr_uuid")
    return {"start": parse_int64(start), "interval": interval,
            "cf": cf if cf in rrd.CFS else None, "host": host == "true",
            "vm_uuid": "all" if vm_uuid is None else vm_uuid,
            "sr_uuid": "none" if sr_uuid is None else sr_uuid}


def _media_range(item):
    """(type, subtype, q*1000) of one Accept entry; None stands for `*`. No trimming, like XAPI."""
    parts = item.split(";")
    kind = parts[0].split("/")
    if len(kind) != 2:
        raise ValueError("bad media range %r" % item)
    q = 1000
    for param in parts[1:]:
        if "=" not in param:
            raise ValueError("bad media parameter %r" % param)
        key, value = param.split("=", 1)
        if key == "q":
            q = int(1000 * float(value))
    major = None if kind[0] == "*" else kind[0]
    minor = None if kind[1] == "*" or major is None else kind[1]
    return major, minor, q


def _matches(mime, entry):
    major, minor, _ = entry
    if major is None:
        return True
    if minor is None:
        return mime.split("/")[0] == major
    return mime == major + "/" + minor


def negotiate(accept, offers=(MIME_JSON, MIME_XML)):
    """XAPI's `Http.Accept.preferred`: the offers the best-ranked matching entries accept."""
    entries = [_media_range(item) for item in accept.split(",") if item]
    entries.sort(key=lambda e: (-e[2], 2 if e[0] is None else (1 if e[1] is None else 0)))
    while entries:
        q = entries[0][2]
        best = [e for e in entries if e[2] == q]
        entries = [e for e in entries if e[2] != q]
        found = [m for m in offers if any(_matches(m, e) for e in best)]
        if found:
            return found
    return []


def prefers_json(accept, has_json_param):
    """rrdd's `client_prefers_json`: Accept decides when it can, else the `json` parameter."""
    if accept is None:
        return has_json_param
    found = negotiate(accept)
    if not found:
        return has_json_param
    return found[0] == MIME_JSON


def number(v):
    """XAPI's `Rrd_utils.f_to_s`."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "0.0"
    return "%.15g" % v


def to_json(u):
    meta = {"start": str(u["start"]), "step": str(u["step"]), "end": str(u["end"]),
            "rows": str(len(u["data"])), "columns": str(len(u["legend"])), "legend": u["legend"]}
    data = [{"t": str(t), "values": [number(v) for v in values]} for t, values in u["data"]]
    return json.dumps({"meta": meta, "data": data}, separators=(",", ":"))


def _escape(text):
    # Xmlm escapes these four in character data.
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _element(tag, inner):
    # Xmlm writes an element without content as <tag/>.
    return "<%s>%s</%s>" % (tag, inner, tag) if inner else "<%s/>" % tag


def to_xml(u):
    legend = "".join(_element("entry", _escape(e)) for e in u["legend"])
    meta = "".join(_element(tag, str(value)) for tag, value in (
        ("start", u["start"]), ("step", u["step"]), ("end", u["end"]),
        ("rows", len(u["data"])), ("columns", len(u["legend"]))))
    rows = "".join(_element("row", "<t>%d</t>" % t + "".join("<v>%s</v>" % number(v) for v in values))
                   for t, values in u["data"])
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xport>%s%s</xport>'
            % (_element("meta", meta + _element("legend", legend)), _element("data", rows)))


def render(pairs, accept, host, vms, srs, now, min_max=False):
    """(content type, body) of `/rrd_updates` for the query pairs and Accept header.

    Raises MissingStart (400), rrd.NoRRAAvailable or ValueError (XAPI: 500).
    """
    p = parse_query(pairs)
    sources = rrd_series.select_sources(host, vms, srs, p["host"], p["vm_uuid"], p["sr_uuid"])
    u = rrd.export(sources, p["start"], p["interval"], p["cf"], now, min_max)
    if prefers_json(accept, _first(pairs, "json") is not None):
        return MIME_JSON, to_json(u)
    return MIME_XML, to_xml(u)
