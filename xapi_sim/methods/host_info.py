"""What a host reports: server time, plugins (XCP-ng's updater.py), data sources.

Data sources are the host's `/rrd_updates` series (xapi_sim.rrd), so `query_data_source` and the
stats handler agree. `call_plugin` runs plugins from the PLUGINS table; like XAPI, an unknown
plugin fails with XENAPI_MISSING_PLUGIN and an unknown function with the plugin's own
UNKNOWN_XENAPI_PLUGIN_FUNCTION.
"""
import json
import math
import time

from .. import rrd, rrd_series
from ..errors import XapiFailure
from ..rrd_sources import describe
from ..xtypes import DateTime, datetime_of_epoch
from . import api
from .host import reachable

# What `yum` would offer an XCP-ng 8.3 host: updater.py's display_package() fields.
UPDATES = [
    ("xapi-core", "24.39.1", "1.6.xcpng8.3", "xapi - xen toolstack for XCP",
     "Fix a race between VM.pool_migrate and host.evacuate", 2941, "LGPL+linking exception"),
    ("xen-hypervisor", "4.17.5", "5.xcpng8.3", "Xen is a virtual machine monitor",
     "Security update for XSA-466", 1207, "GPLv2 and LGPLv2+ and BSD"),
    ("kernel", "4.19.19", "8.0.38.2.xcpng8.3", "The Linux kernel",
     "Backport NIC driver fixes for Intel X710", 30124, "GPLv2"),
    ("sm", "3.2.12", "3.3.xcpng8.3", "sm - XCP storage managers",
     "Fix coalesce of VHD chains on NFS SRs", 812, "LGPL"),
    ("xcp-ng-release", "8.3.0", "31", "XCP-ng release file", "Update repository keys", 44,
     "GPLv2"),
]
UPDATE_AUTHOR = "Release team <security@xcp-ng.org>"
UPDATE_DATE = 1735689600   # 2025-01-01: yum changelog dates are epoch seconds
# units and range of a data source, by name prefix (longest first)
DS_KINDS = [("memory_total_kib", "KiB", None), ("memory_free_kib", "KiB", None),
            ("cpu_avg", "(fraction)", 1.0), ("loadavg", "", 0.0), ("cpu", "(fraction)", 1.0),
            ("pif_", "B/s", 1.25e9)]


@api("host.get_servertime")
def get_servertime(ctx, host):
    reachable(ctx.db, host)
    return datetime_of_epoch(ctx.sim.clock())


@api("host.get_server_localtime")
def get_server_localtime(ctx, host):
    """Local wall-clock time, without the Z of UTC (XAPI's Date.localtime)."""
    reachable(ctx.db, host)
    return DateTime(time.strftime("%Y%m%dT%H:%M:%S", time.localtime(int(ctx.sim.clock()))))


def check_update(ctx, host, args):
    return json.dumps([
        {"name": name, "version": version, "release": release, "description": summary,
         "changelog": {"date": UPDATE_DATE, "author": UPDATE_AUTHOR,
                       "description": "- " + change},
         "url": "https://xcp-ng.org", "size": kib * 1024, "license": lic}
        for name, version, release, summary, change, kib, lic in UPDATES])


def get_proxies(ctx, host, args):
    return json.dumps({"xcp-ng-base": "_none_", "xcp-ng-updates": "_none_",
                       "xcp-ng-testing": "_none_"})


PLUGINS = {"updater.py": {"check_update": check_update, "get_proxies": get_proxies}}


@api("host.call_plugin")
def call_plugin(ctx, host, plugin, fn, args):
    reachable(ctx.db, host)
    functions = PLUGINS.get(plugin)
    if functions is None:
        raise XapiFailure("XENAPI_MISSING_PLUGIN", plugin)
    if fn not in functions:
        raise XapiFailure("UNKNOWN_XENAPI_PLUGIN_FUNCTION", fn)
    return functions[fn](ctx, host, args)


# ---- data sources ---------------------------------------------------------------------------
def _sources(ctx, host):
    desc, vms, _srs = describe(ctx.db, host)
    return desc, rrd_series.host_sources(desc, vms)


def _record(name, signal, t, desc):
    units, top = next((u, m) for p, u, m in DS_KINDS if name.startswith(p))
    value = signal.clamp(signal.at(t))
    return {"name_label": name, "name_description": name.replace("_", " "), "enabled": True,
            "standard": True, "units": units, "min": 0.0,
            "max": float(top if top is not None else desc["memory_total"] / 1024.0),
            "value": value if math.isfinite(value) else 0.0}


def _now_step(ctx):
    return int(ctx.sim.clock()) // rrd.STEP * rrd.STEP


@api("host.get_data_sources")
def get_data_sources(ctx, host):
    reachable(ctx.db, host)
    desc, sources = _sources(ctx, host)
    t = _now_step(ctx)
    return sorted((_record(name, signal, t, desc) for name, signal in sources),
                  key=lambda r: r["name_label"])


@api("host.query_data_source")
def query_data_source(ctx, host, name):
    reachable(ctx.db, host)
    desc, sources = _sources(ctx, host)
    for ds_name, signal in sources:
        if ds_name == name:
            return _record(name, signal, _now_step(ctx), desc)["value"]
    raise XapiFailure("INTERNAL_ERROR", "Rrd.Invalid_data_source(\"%s\")" % name)
