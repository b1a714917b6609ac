"""network, PIF and VLAN messages (xapi_network, xapi_pif, xapi_vlan, xapi_pool.create_VLAN_from_PIF).

Bonds are in bond.py. No real interfaces: plugging a PIF or creating a VLAN only changes records.
"""
import ipaddress

from ..errors import XapiFailure
from . import api

NULL = "OpaqueRef:NULL"
# Bridge names the host reserves for itself (xapi_network.bridge_blacklist).
RESERVED_BRIDGES = ("xen", "xapi", "vif", "tap", "eth")
VLAN_MAC = "fe:ff:ff:ff:ff:ff"


@api("network.create")
def create(ctx, record):
    db = ctx.db
    bridges = set(db.get("network", n)["bridge"] for n in db.all("network"))
    bridge = record.get("bridge", "")
    if not bridge:
        bridge = next("xapi%d" % i for i in range(len(bridges) + 1) if "xapi%d" % i not in bridges)
    elif len(bridge) > 15 or bridge.startswith(RESERVED_BRIDGES):
        raise XapiFailure("INVALID_VALUE", "bridge", bridge)
    elif bridge in bridges:
        raise XapiFailure("BRIDGE_NAME_EXISTS", bridge)
    mtu = record.get("MTU", 1500)
    fields = dict(record, bridge=bridge, MTU=mtu if mtu > 0 else 1500,
                  current_operations={}, allowed_operations=[])
    return db.create("network", fields)


@api("network.destroy")
def destroy(ctx, network):
    db = ctx.db
    rec = db.require("network", network)
    vifs = sorted(db.referrers("network", "VIFs", network))
    attached = [v for v in vifs if db.get("VIF", v)["currently_attached"]]
    if attached:
        raise XapiFailure("NETWORK_CONTAINS_VIF", *attached)
    pifs = sorted(db.referrers("network", "PIFs", network))
    if pifs:
        raise XapiFailure("NETWORK_CONTAINS_PIF", *pifs)
    if rec["other_config"].get("is_host_internal_management_network") == "true":
        raise XapiFailure("CANNOT_DESTROY_SYSTEM_NETWORK", network)
    for vif in vifs:
        db.destroy("VIF", vif)
    db.destroy("network", network)


# ---- PIF ------------------------------------------------------------------------------------
@api("PIF.scan")
def scan(ctx, host):
    """Rescan the host's NICs: the simulated hardware never changes, so nothing is new."""
    ctx.db.require("host", host)


@api("PIF.plug")
def plug(ctx, pif):
    rec = ctx.db.require("PIF", pif)
    if rec["bond_slave_of"] != NULL and ctx.db.exists("Bond", rec["bond_slave_of"]):
        raise XapiFailure("CANNOT_PLUG_BOND_SLAVE", pif)
    if not rec["currently_attached"]:
        ctx.db.set("PIF", pif, "currently_attached", True)


@api("PIF.unplug")
def unplug(ctx, pif):
    rec = ctx.db.require("PIF", pif)
    if rec["management"]:
        raise XapiFailure("PIF_IS_MANAGEMENT_INTERFACE", pif)
    if rec["disallow_unplug"]:
        raise XapiFailure("PIF_DOES_NOT_ALLOW_UNPLUG", pif)
    if rec["currently_attached"]:
        ctx.db.set("PIF", pif, "currently_attached", False)


@api("PIF.reconfigure_ip")
def reconfigure_ip(ctx, pif, mode, ip, netmask, gateway, dns):
    rec = ctx.db.require("PIF", pif)
    if rec["management"] and mode == "None":
        raise XapiFailure("PIF_IS_MANAGEMENT_INTERFACE", pif)
    if mode == "Static":
        _check_ip("IP", ip)
        _check_ip("netmask", netmask)
        if gateway:
            _check_ip("gateway", gateway)
    if mode == "None":
        ip = netmask = gateway = dns = ""
    elif mode == "DHCP":
        ip, netmask, gateway, dns = rec["IP"], rec["netmask"], rec["gateway"], rec["DNS"]
    ctx.db.update("PIF", pif, {"ip_configuration_mode": mode, "IP": ip, "netmask": netmask,
                               "gateway": gateway, "DNS": dns})


def _check_ip(param, value):
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise XapiFailure("INVALID_IP_ADDRESS_SPECIFIED", param) from None


# ---- VLAN -----------------------------------------------------------------------------------
def _vlan_checks(db, tagged, tag, network):
    rec = db.require("PIF", tagged)
    db.require("network", network)
    if not rec["managed"]:
        raise XapiFailure("PIF_UNMANAGED", tagged)
    for other in db.referrers("network", "PIFs", network):
        if db.get("PIF", other)["host"] == rec["host"]:
            raise XapiFailure("NETWORK_ALREADY_CONNECTED", rec["host"], other)
    if rec["bond_slave_of"] != NULL and db.exists("Bond", rec["bond_slave_of"]):
        raise XapiFailure("CANNOT_ADD_VLAN_TO_BOND_SLAVE", tagged)
    if rec["VLAN"] >= 0:
        raise XapiFailure("PIF_IS_VLAN", tagged)
    if tag < 0 or tag > 4094:
        raise XapiFailure("VLAN_TAG_INVALID", tag)
    if db.find("VLAN", tagged_PIF=tagged, tag=tag):
        raise XapiFailure("PIF_VLAN_EXISTS", rec["device"])


def make_vlan(db, tagged, tag, network):
    """The VLAN object and its untagged (logical) PIF on the tagged PIF's host, plugged."""
    _vlan_checks(db, tagged, tag, network)
    base = db.get("PIF", tagged)
    untagged = db.create("PIF", {
        "device": base["device"], "network": network, "host": base["host"], "MAC": VLAN_MAC,
        "MTU": base["MTU"], "VLAN": tag, "metrics": base["metrics"], "physical": False,
        "currently_attached": True, "ip_configuration_mode": "None", "managed": True,
        "primary_address_type": "IPv4"})
    vlan = db.create("VLAN", {"tagged_PIF": tagged, "untagged_PIF": untagged, "tag": tag})
    db.set("PIF", untagged, "VLAN_master_of", vlan)
    return vlan, untagged


@api("VLAN.create")
def vlan_create(ctx, tagged, tag, network):
    return make_vlan(ctx.db, tagged, tag, network)[0]


@api("VLAN.destroy")
def vlan_destroy(ctx, vlan):
    db = ctx.db
    rec = db.require("VLAN", vlan)
    untagged = db.get("PIF", rec["untagged_PIF"])
    if untagged is not None:
        if untagged["management"]:
            raise XapiFailure("PIF_IS_MANAGEMENT_INTERFACE", rec["untagged_PIF"])
        if untagged["VLAN"] < 0:
            raise XapiFailure("PIF_IS_PHYSICAL", rec["untagged_PIF"])
    db.destroy("VLAN", vlan)
    if untagged is not None:
        db.destroy("PIF", rec["untagged_PIF"])


@api("pool.create_VLAN_from_PIF")
def create_vlan_from_pif(ctx, pif, network, tag):
    """One VLAN per host, on the PIF of each host that shares `pif`'s network (all or none)."""
    db = ctx.db
    rec = db.require("PIF", pif)
    db.require("network", network)
    if tag < 0 or tag > 4094:
        raise XapiFailure("VLAN_TAG_INVALID", tag)
    tagged = sorted(db.referrers("network", "PIFs", rec["network"]),
                    key=lambda p: (p != pif, db.get("PIF", p)["host"]))
    for base in tagged:
        _vlan_checks(db, base, tag, network)
    return [make_vlan(db, base, tag, network)[1] for base in tagged]
