"""XAPI's HTTP handlers (everything besides RPC): stub and local bundle, console, stats, transfers."""
from . import rrd, static, transfer


def add_routes(app, local_bundle=None):
    static.add_routes(app, local_bundle)
    rrd.add_routes(app)
    transfer.add_routes(app)
