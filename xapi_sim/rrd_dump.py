"""A whole RRD as xcp-rrdd dumps it, for `GET /host_rrd` and `GET /vm_rrd` (reference §6.2).

Pure code, following xapi-rrd's rrd.ml `xml_to_output` (Xmlm, no layout) and `Json.rrd`:
`<rrd><version>0003</version><step>5</step><lastupdate>T</lastupdate>`, one `<ds>` per data source
(type, heartbeat 300 s as rrdd_monitor.ml creates them, min, max, last value), then every archive
(`rra`: cf, pdp_per_row, xff, the CDP scratch area, and all its rows, oldest first, one `<v>` per
data source). Numbers are written with `Rrd_utils.f_to_s` (rrd_format.number). Rows come from the
same signals as `/rrd_updates`, so the two always agree; unknown points are NaN.
"""
import json

from . import rrd
from .rrd_format import number

HEARTBEAT = 300.0
INF = float("inf")
# (name prefix, type, min, max) of the data sources, from the rrdd plugins (rrdp_cpu.ml: cpuN and
# cpu_avg are DERIVE 0..1, loadavg GAUGE; rrdp_netdev.ml: pif_/vif_ DERIVE from 0; memory GAUGE).
DS_KINDS = (("cpu", "DERIVE", 0.0, 1.0), ("loadavg", "GAUGE", -INF, INF), ("memory", "GAUGE", 0.0, INF),
            ("pif_", "DERIVE", 0.0, INF), ("vif_", "DERIVE", 0.0, INF), ("vbd_", "DERIVE", 0.0, INF))


def _kind(name):
    for prefix, ty, lo, hi in DS_KINDS:
        if name.startswith(prefix):
            return ty, lo, hi
    return "GAUGE", -INF, INF


def build(sources, last_updated, min_max=False):
    """The RRD of `sources` ([(ds name, Signal)]) as it stands at `last_updated`, as plain data."""
    last_pdp = rrd._tdiv(int(last_updated), rrd.STEP) * rrd.STEP
    dss = []
    for name, signal in sources:
        ty, lo, hi = _kind(name)
        last = rrd.consolidate(signal, rrd.Archive("AVERAGE", 1, 1, 0.5), last_pdp)
        dss.append({"name": name, "type": ty, "min": lo, "max": hi, "last_ds": last})
    rras = []
    for archive in rrd.archives(min_max):
        step = rrd.STEP * archive.pdp_cnt
        end = rrd._tdiv(last_pdp, step) * step
        rows = [[rrd.consolidate(signal, archive, end - (archive.rows - 1 - k) * step)
                 for _name, signal in sources] for k in range(archive.rows)]
        rras.append({"cf": archive.cf, "pdp_per_row": archive.pdp_cnt, "xff": archive.xff,
                     "rows": rows})
    return {"step": rrd.STEP, "lastupdate": last_updated, "ds": dss, "rra": rras}


def _el(tag, inner):
    return "<%s>%s</%s>" % (tag, inner, tag) if inner else "<%s/>" % tag


def to_xml(r):
    dss = "".join(_el("ds", "".join((
        _el("name", d["name"]), _el("type", d["type"]), _el("minimal_heartbeat", number(HEARTBEAT)),
        _el("min", number(d["min"])), _el("max", number(d["max"])), _el("last_ds", number(d["last_ds"])),
        _el("value", "0.0"), _el("unknown_sec", "0")))) for d in r["ds"])
    cdp = _el("ds", _el("primary_value", "0.0") + _el("secondary_value", "0.0") + _el("value", "0.0")
              + _el("unknown_datapoints", "0"))
    rras = "".join(_el("rra", "".join((
        _el("cf", a["cf"]), _el("pdp_per_row", str(a["pdp_per_row"])),
        _el("params", _el("xff", number(a["xff"]))), _el("cdp_prep", cdp * len(r["ds"])),
        _el("database", "".join(_el("row", "".join(_el("v", number(v)) for v in row))
                                for row in a["rows"]))))) for a in r["rra"])
    head = _el("version", "0003") + _el("step", str(r["step"])) + _el("lastupdate", "%d" % r["lastupdate"])
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _el("rrd", head + dss + rras)


def to_json(r):
    """`Json.rrd`: every number a string, `lastupdate` written like the other floats."""
    cdp = {"primary_value": "0.0", "secondary_value": "0.0", "value": "0.0", "unknown_datapoints": "0"}
    doc = {"version": "0003", "step": str(r["step"]), "lastupdate": number(float(r["lastupdate"])),
           "ds": [{"name": d["name"], "type": d["type"], "minimal_heartbeat": number(HEARTBEAT),
                   "min": number(d["min"]), "max": number(d["max"]), "last_ds": number(d["last_ds"]),
                   "value": "0.0", "unknown_sec": "0.0", "last_updated": number(float(r["lastupdate"]))}
                  for d in r["ds"]],
           "rra": [{"cf": a["cf"], "pdp_per_row": str(a["pdp_per_row"]), "params": {"xff": number(a["xff"])},
                    "cdp_prep": {"ds": [cdp] * len(r["ds"])},
                    "database": [[number(v) for v in row] for row in a["rows"]]} for a in r["rra"]]}
    return json.dumps(doc, separators=(",", ":"))
