"""host.set_iscsi_iqn and host.set_multipathing, kept in step with host.other_config both ways;
host.syslog_reconfigure.

XAPI keeps the legacy `other_config:iscsi_iqn` / `other_config:multipathing` and the fields in sync
(xapi_host.ml set_iscsi_iqn, set_multipathing): the setters write the field and the key; a watcher
(xapi_host_helpers.ml watch_other_configs) calls them when a client writes a different non-empty
`iscsi_iqn`, or a `multipathing` of "true"/"false", into other_config. An empty IQN is INVALID_VALUE.
"""
from ..errors import XapiFailure
from . import api
from .host import reachable
from .implicit import watch


@api("host.set_iscsi_iqn")
def set_iscsi_iqn(ctx, host, value):
    reachable(ctx.db, host)
    write_iscsi_iqn(ctx.db, host, value)


def write_iscsi_iqn(db, host, value):
    if value == "":
        raise XapiFailure("INVALID_VALUE", "value", value)
    other = dict(db.get("host", host)["other_config"], iscsi_iqn=value)
    db.update("host", host, {"iscsi_iqn": value, "other_config": other})


@api("host.set_multipathing")
def set_multipathing(ctx, host, value):
    reachable(ctx.db, host)
    write_multipathing(ctx.db, host, value)


def write_multipathing(db, host, value):
    other = dict(db.get("host", host)["other_config"], multipathing=str(value).lower())
    db.update("host", host, {"multipathing": value, "other_config": other})


@watch("host", "other_config")
def other_config_written(db, host):
    """The watcher's check_host: a key that differs from its field is applied to the field."""
    rec = db.get("host", host)
    other = rec["other_config"]
    iqn = other.get("iscsi_iqn")
    if iqn and iqn != rec["iscsi_iqn"]:
        write_iscsi_iqn(db, host, iqn)
    multipathing = {"true": True, "false": False}.get(other.get("multipathing"))
    if multipathing is not None and multipathing != rec["multipathing"]:
        write_multipathing(db, host, multipathing)


@api("host.syslog_reconfigure")
def syslog_reconfigure(ctx, host):
    """xapi_host.syslog_reconfigure: the host applies host.logging:syslog_destination (a remote
    syslog server; none when empty). XAPI checks nothing, so nothing fails but HOST_OFFLINE; the
    destination applied is kept in `applied_syslog` (for tests: the real host writes its syslog
    configuration, which the API does not show)."""
    rec = reachable(ctx.db, host)
    ctx.sim.applied_syslog[host] = rec["logging"].get("syslog_destination", "")
