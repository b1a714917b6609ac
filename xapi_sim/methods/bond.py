"""Bond messages: create, destroy, set_mode, set_property (xapi_bond.ml).

A bond is a master PIF (`bondN`) on its members' host, connected to the bond's network, made one
host at a time. The primary member (the management one, else the first with an IP
configuration, else the first) lends its MAC (unless one is given) and its IP configuration to the
master. When the management PIF is a member, management moves to the master (and the host's
address stays, since the IP moved with it); VLANs on members are re-made on the master (new VLAN
and PIF objects, as move_vlan does); VIFs of VMs on that host move to the bond's network.
Destroy moves all of it back to the primary member. Only `lacp` bonds have properties
(hashing_algorithm, lacp-time, lacp-aggregation-key, lacp-fallback-ab): any property for the other
modes is INVALID_VALUE, as requirements_of_mode has none for them.
"""
from .. import derived
from ..errors import XapiFailure
from . import api
from .management import move_management
from .network import new_vlan
from .pif import assert_managed, bring_up, host_of

NULL = "OpaqueRef:NULL"
IP_FIELDS = ("ip_configuration_mode", "IP", "netmask", "gateway", "DNS")
NO_IP = {"ip_configuration_mode": "None", "IP": "", "netmask": "", "gateway": "", "DNS": ""}
# requirements_of_mode `lacp: (key, default or None, allowed values or a check)
LACP = (("hashing_algorithm", "tcpudp_ports", ("src_mac", "tcpudp_ports")),
        ("lacp-time", "slow", ("fast", "slow")),
        ("lacp-aggregation-key", None, None),
        ("lacp-fallback-ab", "true", ("true", "false")))


def requirements(mode):
    return LACP if mode == "lacp" else ()


def _valid(reqs, key, value):
    for name, _default, allowed in reqs:
        if name == key:
            if allowed is None:
                try:
                    int(value)
                    return True
                except ValueError:
                    return False
            return value in allowed
    return False


def check_property(reqs, key, value):
    """Map_check.validate_kvpair: INVALID_VALUE ["properties", "key = value"]."""
    if not _valid(reqs, key, value):
        raise XapiFailure("INVALID_VALUE", "properties", "%s = %s" % (key, value))


def with_defaults(reqs, properties):
    out = dict(properties)
    for name, default, _allowed in reqs:
        if name not in out and default is not None:
            out[name] = default
    return out


def valid_mac(mac):
    parts = mac.split(":")
    return len(parts) == 6 and all(len(p) == 2 and all(c in "0123456789abcdefABCDEF" for c in p)
                                   for p in parts)


def _has_ip(rec):
    mode = rec["ipv6_configuration_mode"] if rec["primary_address_type"] == "IPv6" \
        else rec["ip_configuration_mode"]
    return mode != "None"


def _device(db, host):
    used = set(db.get("PIF", p)["device"] for p in db.referrers("host", "PIFs", host)
               if db.referrers("PIF", "bond_master_of", p))
    n = 0
    while "bond%d" % n in used:
        n += 1
    return "bond%d" % n


def _checks(db, network, members, mac, mode, properties):
    """Bond.create's checks, in xapi_bond.create's order; returns the primary member."""
    if not members:
        raise XapiFailure("PIF_BOND_NEEDS_MORE_MEMBERS")
    net = db.require("network", network)
    for pif in members:
        db.require("PIF", pif)
    if not net["managed"]:
        raise XapiFailure("NETWORK_UNMANAGED", network)
    host = db.get("PIF", members[0])["host"]
    for other in sorted(db.referrers("network", "PIFs", network)):
        if db.get("PIF", other)["host"] == host:
            raise XapiFailure("NETWORK_ALREADY_CONNECTED", host, other)
    if mac and not valid_mac(mac):
        raise XapiFailure("MAC_INVALID", mac)
    for key, value in sorted(properties.items()):
        check_property(requirements(mode), key, value)
    recs = {p: db.get("PIF", p) for p in members}
    with_ip = [p for p in members if _has_ip(recs[p])]
    primary = next((p for p in members if recs[p]["management"]), None) or \
        (with_ip[0] if with_ip else members[0])
    for pif in members:
        if recs[pif]["primary_address_type"] != recs[primary]["primary_address_type"]:
            raise XapiFailure("PIF_INCOMPATIBLE_PRIMARY_ADDRESS_TYPE", pif)
    for pif in members:
        assert_managed(db, pif)
        rec = recs[pif]
        if rec["physical"] and rec["bond_slave_of"] != NULL and \
                db.exists("Bond", rec["bond_slave_of"]):
            raise XapiFailure("PIF_ALREADY_BONDED", pif)
        if rec["VLAN_master_of"] != NULL or rec["VLAN"] >= 0:
            raise XapiFailure("PIF_VLAN_EXISTS", rec["device"])
    if len(set(recs[p]["host"] for p in members)) != 1:
        raise XapiFailure("PIF_CANNOT_BOND_CROSS_HOST")
    if any(recs[p]["properties"] != recs[members[0]]["properties"] for p in members):
        raise XapiFailure("INCOMPATIBLE_PIF_PROPERTIES")
    if len(with_ip) > 1:
        raise XapiFailure("PIF_BOND_MORE_THAN_ONE_IP")
    return primary


def _move_ip(db, source, target):
    """move_configuration: the IP configuration goes from one PIF to the other."""
    rec = db.get("PIF", source)
    db.update("PIF", target, {f: rec[f] for f in IP_FIELDS})
    db.update("PIF", source, NO_IP)


def _move_vlans(db, host, vlans, target):
    """move_vlan: each VLAN is re-made on `target` (same tag, network, IP configuration and plug
    state); the old VLAN and its PIF are destroyed."""
    for vlan in vlans:
        old = db.get("VLAN", vlan)
        old_pif = db.get("PIF", old["untagged_PIF"])
        same = [v for v in db.referrers("PIF", "VLAN_slave_of", target)
                if db.get("VLAN", v)["tag"] == old["tag"]]
        if same:
            new_pif = db.get("VLAN", same[0])["untagged_PIF"]
        else:
            _new, new_pif = new_vlan(db, target, old["tag"], old_pif["network"],
                                     device=db.get("PIF", target)["device"])
        _move_ip(db, old["untagged_PIF"], new_pif)
        db.destroy("VLAN", vlan)
        db.destroy("PIF", old["untagged_PIF"])
        if old_pif["currently_attached"]:
            bring_up(db, new_pif)
            if old_pif["management"]:
                db.set("PIF", new_pif, "management", True)


def _local_vifs(db, host, networks):
    """get_local_vifs: VIFs on these networks of VMs resident on `host`."""
    out = []
    for net in networks:
        for vif in sorted(db.referrers("network", "VIFs", net)):
            if db.get("VM", db.get("VIF", vif)["VM"])["resident_on"] == host:
                out.append(vif)
    return out


def _progress(ctx, value):
    if ctx.task:
        ctx.sim.tasks.set_progress(ctx.task, value)


@api("Bond.create")
async def create(ctx, network, members, mac, mode, properties):
    db = ctx.db
    members = list(dict.fromkeys(members))          # setify: a PIF named twice counts once
    primary = _checks(db, network, members, mac, mode, properties)
    host = host_of(db, primary)
    await ctx.work(ctx.op_seconds("quick"), 2)
    prim = db.get("PIF", primary)
    member_networks = sorted(set(db.get("PIF", p)["network"] for p in members))
    local_vifs = _local_vifs(db, host, member_networks)
    vlans = sorted(v for p in members for v in db.referrers("PIF", "VLAN_slave_of", p))
    management = prim["management"]
    master = db.create("PIF", {
        "device": _device(db, host), "network": network, "host": host,
        "MAC": mac or prim["MAC"], "MTU": -1, "VLAN": -1, "physical": False,
        "currently_attached": False, "managed": True, "ip_configuration_mode": "None",
        "primary_address_type": prim["primary_address_type"],
        "properties": dict(prim["properties"]), "metrics": derived.bond_metrics(db, members, mode),
        "disallow_unplug": False})
    bond = db.create("Bond", {"master": master, "primary_slave": primary, "mode": mode,
                              "properties": with_defaults(requirements(mode), properties),
                              "links_up": 0, "auto_update_mac": not mac})
    for pif in members:
        db.set("PIF", pif, "bond_slave_of", bond)
    _move_ip(db, primary, master)
    if management:
        await move_management(ctx, host, master)
    else:
        bring_up(db, master)
    _progress(ctx, 0.2)
    _move_vlans(db, host, vlans, master)
    _progress(ctx, 0.6)
    for vif in local_vifs:
        db.set("VIF", vif, "network", network)
    if any(db.get("PIF", p)["disallow_unplug"] for p in members):
        db.set("PIF", master, "disallow_unplug", True)
        for pif in members:
            db.set("PIF", pif, "disallow_unplug", False)
    db.set("Bond", bond, "links_up", sum(1 for p in members if _carrier(db, p)))
    _progress(ctx, 1.0)
    return bond


def _carrier(db, pif):
    metrics = db.get("PIF_metrics", db.get("PIF", pif)["metrics"])
    return bool(metrics and metrics["carrier"])


@api("Bond.destroy")
async def destroy(ctx, bond):
    db = ctx.db
    rec = db.require("Bond", bond)
    master = rec["master"]
    mrec = db.get("PIF", master)
    host = host_of(db, master)
    members = sorted(db.referrers("Bond", "slaves", bond))
    primary = rec["primary_slave"] if rec["primary_slave"] in members else members[0]
    local_vifs = _local_vifs(db, host, [mrec["network"]])
    vlans = sorted(db.referrers("PIF", "VLAN_slave_of", master))
    await ctx.work(ctx.op_seconds("quick"), 2)
    _move_ip(db, master, primary)
    if mrec["management"]:
        await move_management(ctx, host, primary)
        for pif in members:
            if pif != primary:
                bring_up(db, pif)
    elif mrec["currently_attached"]:
        for pif in members:
            bring_up(db, pif)
    _progress(ctx, 0.2)
    _move_vlans(db, host, vlans, primary)
    _progress(ctx, 0.4)
    primary_network = db.get("PIF", primary)["network"]
    for vif in local_vifs:
        db.set("VIF", vif, "network", primary_network)
    if mrec["disallow_unplug"]:
        db.set("PIF", primary, "disallow_unplug", True)
    metrics = mrec["metrics"]
    db.destroy("Bond", bond)
    db.destroy("PIF", master)
    if db.exists("PIF_metrics", metrics):
        db.destroy("PIF_metrics", metrics)
    for pif in members:
        db.set("PIF", pif, "bond_slave_of", NULL)
    # the members come up with the bond gone (bring_pif_up ran while they were still members)
    if mrec["currently_attached"] or mrec["management"]:
        for pif in members:
            bring_up(db, pif)
    _progress(ctx, 1.0)


@api("Bond.set_mode")
async def set_mode(ctx, bond, mode):
    """xapi_bond.set_mode: the properties valid for the new mode are kept, its defaults added
    (so leaving lacp drops every property); the master is brought up again."""
    db = ctx.db
    rec = db.require("Bond", bond)
    host_of(db, rec["master"])
    reqs = requirements(mode)
    kept = {k: v for k, v in rec["properties"].items() if _valid(reqs, k, v)}
    await ctx.work(ctx.op_seconds("quick"), 2)
    members = sorted(db.referrers("Bond", "slaves", bond))
    db.update("Bond", bond, {"mode": mode, "properties": with_defaults(reqs, kept)})
    metrics = db.get("PIF", rec["master"])["metrics"]
    if db.exists("PIF_metrics", metrics):
        speed = derived.bond_speed(db, members, mode)
        if db.get("PIF_metrics", metrics)["speed"] != speed:
            db.set("PIF_metrics", metrics, "speed", speed)
    bring_up(db, rec["master"])


@api("Bond.set_property")
async def set_property(ctx, bond, name, value):
    db = ctx.db
    rec = db.require("Bond", bond)
    host_of(db, rec["master"])
    check_property(requirements(rec["mode"]), name, value)
    await ctx.work(ctx.op_seconds("quick"), 2)
    db.set("Bond", bond, "properties", dict(rec["properties"], **{name: value}))
    bring_up(db, rec["master"])
