"""What a host reports: server time, plugins (XCP-ng's updater.py is in updater.py), data sources.

Data sources are the host's `/rrd_updates` series (xapi_sim.rrd), so `query_data_source` and the
stats handler agree. `call_plugin` runs plugins from the PLUGINS table; like XAPI, an unknown
plugin (or one the plugin_missing fault removed from a host) fails with XENAPI_MISSING_PLUGIN
(xapi_plugins.ml find_plugin) and an unknown function with the plugin's own
UNKNOWN_XENAPI_PLUGIN_FUNCTION. lsblk.py is XCP-ng's block device listing.
"""
import inspect
import math
import time

from .. import rrd, rrd_series
from ..errors import XapiFailure
from ..rrd_sources import describe
from ..xtypes import DateTime, datetime_of_epoch
from . import api
from .host import reachable

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


# plugin file -> {function: handler(ctx, host, args)}; updater.py adds XCP-ng's updater.
PLUGINS = {}


@api("host.call_plugin")
async def call_plugin(ctx, host, plugin, fn, args):
    """Forwarded to the host (HOST_OFFLINE when it is down); a plugin may take time."""
    reachable(ctx.db, host)
    functions = PLUGINS.get(plugin)
    missing = {(host, plugin), ("*", plugin)} & ctx.sim.missing_plugins
    if functions is None or missing:
        raise XapiFailure("XENAPI_MISSING_PLUGIN", plugin)
    if fn not in functions:
        raise XapiFailure("UNKNOWN_XENAPI_PLUGIN_FUNCTION", fn)
    result = functions[fn](ctx, host, args)
    if inspect.isawaitable(result):
        result = await result
    return result


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
