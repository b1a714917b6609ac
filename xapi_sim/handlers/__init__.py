"""XAPI's HTTP handlers (everything besides RPC): stub and local bundle, console, stats, transfers."""
from . import console, dbdump, raw_vdi, rrd, rrd_full, static, transfer


def add_routes(app, local_bundle=None, vnc_backend=None, open_connection=None):
    static.add_routes(app, local_bundle)
    console.add_routes(app, vnc_backend, open_connection)
    rrd.add_routes(app)
    rrd_full.add_routes(app)
    transfer.add_routes(app)
    raw_vdi.add_routes(app)
    dbdump.add_routes(app)
