"""Bond messages: create and destroy (xapi_bond).

A bond is a master PIF (`bondN`) on the members' host, connected to the bond's network. The
primary member (the management one, else the first with an IP, else the first) lends its MAC and
IP configuration to the master, and management, VLANs and the members' plugged state move up to
the master; destroy moves them back down.
"""
from .. import derived
from ..errors import XapiFailure
from . import api

NULL = "OpaqueRef:NULL"
IP_FIELDS = ("ip_configuration_mode", "IP", "netmask", "gateway", "DNS", "primary_address_type")
# Properties XAPI fills in for each mode (xapi_bond.requirements_of_mode).
MODE_DEFAULTS = {"balance-slb": {"rebalance-interval": "10000"},
                 "lacp": {"hashing_algorithm": "tcpudp_ports", "lacp-fallback-ab": "true"},
                 "active-backup": {}}


def _primary(db, members):
    for want in ("management", "ip"):
        for pif in members:
            rec = db.get("PIF", pif)
            if (rec["management"] if want == "management"
                    else rec["ip_configuration_mode"] != "None"):
                return pif
    if not members:
        raise XapiFailure("PIF_BOND_NEEDS_MORE_MEMBERS")
    return members[0]


def _member_checks(db, members):
    for pif in members:
        rec = db.require("PIF", pif)
        if rec["bond_slave_of"] != NULL and db.exists("Bond", rec["bond_slave_of"]):
            raise XapiFailure("PIF_ALREADY_BONDED", pif)
        if rec["VLAN"] != -1:
            raise XapiFailure("PIF_VLAN_EXISTS", rec["device"])
        if not rec["managed"]:
            raise XapiFailure("PIF_UNMANAGED", pif)
    if len(set(db.get("PIF", p)["host"] for p in members)) != 1:
        raise XapiFailure("PIF_CANNOT_BOND_CROSS_HOST")
    if len([p for p in members if db.get("PIF", p)["ip_configuration_mode"] != "None"]) > 1:
        raise XapiFailure("PIF_BOND_MORE_THAN_ONE_IP")


def _device(db, host):
    used = set(db.get("PIF", p)["device"] for p in db.referrers("host", "PIFs", host))
    return next("bond%d" % i for i in range(len(used) + 1) if "bond%d" % i not in used)


@api("Bond.create")
async def create(ctx, network, members, mac, mode, properties):
    db = ctx.db
    db.require("network", network)
    members = list(members)
    primary = _primary(db, members)
    _member_checks(db, members)
    host = db.get("PIF", primary)["host"]
    await ctx.work(ctx.op_seconds("quick"), 3)
    prim = db.get("PIF", primary)
    master = db.create("PIF", dict(
        {f: prim[f] for f in IP_FIELDS}, device=_device(db, host), network=network, host=host,
        MAC=mac or prim["MAC"], MTU=db.get("network", network)["MTU"], VLAN=-1,
        physical=False, currently_attached=True, management=prim["management"], managed=True,
        properties=dict(prim["properties"]), metrics=derived.bond_metrics(db, members, mode)))
    bond = db.create("Bond", {"master": master, "primary_slave": primary, "mode": mode,
                              "properties": dict(MODE_DEFAULTS.get(mode, {}), **properties),
                              "links_up": len(members)})
    for pif in members:
        db.update("PIF", pif, {"bond_slave_of": bond, "currently_attached": False,
                               "management": False, "ip_configuration_mode": "None", "IP": "",
                               "netmask": "", "gateway": "", "DNS": ""})
    _move_vlans(db, members, master)
    return bond


def _move_vlans(db, sources, target):
    for vlan in db.all("VLAN"):
        if db.get("VLAN", vlan)["tagged_PIF"] in sources:
            db.set("VLAN", vlan, "tagged_PIF", target)


@api("Bond.destroy")
async def destroy(ctx, bond):
    db = ctx.db
    rec = db.require("Bond", bond)
    master = db.get("PIF", rec["master"])
    members = sorted(db.referrers("Bond", "slaves", bond))
    primary = rec["primary_slave"] if rec["primary_slave"] in members else (members or [None])[0]
    await ctx.work(ctx.op_seconds("quick"), 3)
    if master is not None and primary is not None:
        db.update("PIF", primary, dict({f: master[f] for f in IP_FIELDS},
                                       management=master["management"]))
        _move_vlans(db, [rec["master"]], primary)
    for pif in members:
        db.update("PIF", pif, {"bond_slave_of": NULL, "currently_attached": True})
    db.destroy("Bond", bond)
    if master is not None:
        db.destroy("PIF", rec["master"])
        if db.exists("PIF_metrics", master["metrics"]):
            db.destroy("PIF_metrics", master["metrics"])
