"""PIF messages: plug, unplug, scan, reconfigure_ip, set_property (xapi_pif.ml, nm.ml).

Nothing is configured anywhere: bringing a PIF up (nm.ml bring_pif_up) only writes what XAPI
writes back from networkd. An interface brought up takes its network's MTU (or its
other_config:mtu), so a network's new MTU reaches its PIFs only when they are plugged again; a bond
master brought up takes its members down, a member brought up takes its bond master down. A PIF
whose IP configuration changes while plugged is brought up again; a management PIF's new address
becomes its host's `address` (xapi_mgmt_iface on_dom0_networking_change), see management.py.
DHCP leases come from 192.0.2.0/24 (a documentation range: records only, nothing is reached).
"""
import hashlib
import ipaddress

from ..errors import XapiFailure
from . import api
from .host import reachable

NULL = "OpaqueRef:NULL"
# xapi_pif.ml property_names_and_values: the only property a PIF has, and its values.
PROPERTIES = {"gro": ("on", "off")}


def host_of(db, pif):
    """The PIF's host, if it is up: calls on a PIF are forwarded to it (HOST_OFFLINE if down)."""
    host = db.require("PIF", pif)["host"]
    if db.exists("host", host):
        reachable(db, host)
    return host


def assert_managed(db, pif):
    if not db.get("PIF", pif)["managed"]:
        raise XapiFailure("PIF_UNMANAGED", pif)


def wanted_mtu(db, pif):
    """nm.ml determine_mtu: the network's MTU unless the PIF's other_config:mtu says otherwise."""
    rec = db.get("PIF", pif)
    mtu = db.get("network", rec["network"])["MTU"] if db.exists("network", rec["network"]) \
        else rec["MTU"]
    try:
        return int(rec["other_config"].get("mtu", mtu))
    except ValueError:
        return mtu


def bring_up(db, pif):
    """nm.ml bring_pif_up as the database sees it."""
    rec = db.get("PIF", pif)
    changes = {"currently_attached": True}
    for bond in db.referrers("PIF", "bond_master_of", pif):
        for member in db.referrers("Bond", "slaves", bond):
            if db.get("PIF", member)["currently_attached"]:
                db.set("PIF", member, "currently_attached", False)
    if rec["bond_slave_of"] != NULL and db.exists("Bond", rec["bond_slave_of"]):
        master = db.get("Bond", rec["bond_slave_of"])["master"]
        if db.exists("PIF", master) and db.get("PIF", master)["currently_attached"]:
            db.set("PIF", master, "currently_attached", False)
    mtu = wanted_mtu(db, pif)
    if mtu != rec["MTU"]:
        changes["MTU"] = mtu
    changes = {k: v for k, v in changes.items() if rec[k] != v}
    if changes:                           # nothing new, no event
        db.update("PIF", pif, changes)


def bring_down(db, pif):
    if db.get("PIF", pif)["currently_attached"]:
        db.set("PIF", pif, "currently_attached", False)


@api("PIF.scan")
def scan(ctx, host):
    """Rescan the host's NICs: the simulated hardware never changes, so nothing is new."""
    ctx.db.require("host", host)
    reachable(ctx.db, host)


@api("PIF.plug")
async def plug(ctx, pif):
    db = ctx.db
    host_of(db, pif)
    assert_managed(db, pif)
    rec = db.get("PIF", pif)
    if rec["bond_slave_of"] != NULL and db.exists("Bond", rec["bond_slave_of"]):
        raise XapiFailure("CANNOT_PLUG_BOND_SLAVE", pif)
    await ctx.work(ctx.op_seconds("quick"), 2)
    bring_up(db, pif)


@api("PIF.unplug")
async def unplug(ctx, pif):
    """xapi_pif.unplug's checks in its order: managed, not the management interface, no VIF of a
    VM running on the PIF's host attached to its network (VIF_IN_USE [network, VIF]), unplug
    allowed."""
    db = ctx.db
    host = host_of(db, pif)
    assert_managed(db, pif)
    rec = db.get("PIF", pif)
    if rec["management"]:
        raise XapiFailure("PIF_IS_MANAGEMENT_INTERFACE", pif)
    for vif in sorted(db.referrers("network", "VIFs", rec["network"])):
        vrec = db.get("VIF", vif)
        vm = db.get("VM", vrec["VM"])
        if vrec["currently_attached"] and vm and vm["resident_on"] == host and \
                vm["power_state"] in ("Running", "Paused"):
            raise XapiFailure("VIF_IN_USE", rec["network"], vif)
    if rec["disallow_unplug"]:
        raise XapiFailure("PIF_DOES_NOT_ALLOW_UNPLUG", pif)
    await ctx.work(ctx.op_seconds("quick"), 2)
    if rec["bond_slave_of"] == NULL or not db.exists("Bond", rec["bond_slave_of"]):
        bring_down(db, pif)


# ---- IP configuration -----------------------------------------------------------------------
def valid_ipv4(value):
    try:
        ipaddress.IPv4Address(value)
        return True
    except ValueError:
        return False


def _assert_ip(param, value):
    """Helpers.assert_is_valid_ip: INVALID_IP_ADDRESS_SPECIFIED [the parameter's name]."""
    if not valid_ipv4(value):
        raise XapiFailure("INVALID_IP_ADDRESS_SPECIFIED", param)


def ipv4_dns(dns):
    """xapi_pif.restrict_to ~domain:PF_INET: the IPv4 servers of a comma-separated list (the rest
    is dropped without an error)."""
    return [a for a in dns.split(",") if a and valid_ipv4(a)]


def dhcp_lease(db, pif):
    """The address a (simulated) DHCP server gives this PIF: stable for the PIF."""
    digest = hashlib.sha256(db.get("PIF", pif)["uuid"].encode()).digest()
    return "192.0.2.%d" % (10 + digest[0] % 240), "255.255.255.0", "192.0.2.1", "192.0.2.53"


@api("PIF.reconfigure_ip")
async def reconfigure_ip(ctx, pif, mode, ip, netmask, gateway, dns):
    """xapi_pif.reconfigure_ip: PIF_UNMANAGED; a Static mode needs a valid IP and netmask; every
    non-empty IP, netmask and gateway must be an IPv4 address (INVALID_IP_ADDRESS_SPECIFIED
    [field]); a management PIF cannot go to mode None (PIF_IS_MANAGEMENT_INTERFACE [pif]). Only the
    IPv4 servers of DNS are kept. A plugged PIF is brought up again; DHCP fills in its lease."""
    from .management import address_changed
    db = ctx.db
    host = host_of(db, pif)
    assert_managed(db, pif)
    if mode == "Static":
        _assert_ip("IP", ip)
        _assert_ip("netmask", netmask)
    for param, value in (("IP", ip), ("netmask", netmask), ("gateway", gateway)):
        if value:
            _assert_ip(param, value)
    rec = db.get("PIF", pif)
    if rec["management"] and mode == "None" and rec["primary_address_type"] == "IPv4":
        raise XapiFailure("PIF_IS_MANAGEMENT_INTERFACE", pif)
    ipv6_dns = [a for a in rec["DNS"].split(",") if a and ":" in a]
    db.update("PIF", pif, {"ip_configuration_mode": mode, "IP": ip, "netmask": netmask,
                           "gateway": gateway, "DNS": ",".join(ipv4_dns(dns) + ipv6_dns)})
    if rec["currently_attached"]:
        await ctx.work(ctx.op_seconds("quick"), 2)
        bring_up(db, pif)
        if mode == "DHCP":
            lease_ip, lease_mask, lease_gw, lease_dns = dhcp_lease(db, pif)
            db.update("PIF", pif, {"IP": lease_ip, "netmask": lease_mask, "gateway": lease_gw,
                                   "DNS": dns or lease_dns})
        if rec["management"]:
            await address_changed(ctx.sim, host)


@api("PIF.set_property")
async def set_property(ctx, pif, name, value):
    """xapi_pif.set_property: only `gro` = on/off (INVALID_VALUE ["properties", "name = value"]),
    only on physical PIFs and bond masters that are not bond members (CANNOT_CHANGE_PIF_PROPERTIES);
    a bond master passes the property to its members."""
    db = ctx.db
    host_of(db, pif)
    if value not in PROPERTIES.get(name, ()):
        raise XapiFailure("INVALID_VALUE", "properties", "%s = %s" % (name, value))
    rec = db.get("PIF", pif)
    bonds = sorted(db.referrers("PIF", "bond_master_of", pif))
    if not (bonds or rec["physical"]) or rec["bond_slave_of"] != NULL:
        raise XapiFailure("CANNOT_CHANGE_PIF_PROPERTIES", pif)
    properties = dict(rec["properties"], **{name: value})
    db.set("PIF", pif, "properties", properties)
    for bond in bonds:
        for member in db.referrers("Bond", "slaves", bond):
            db.set("PIF", member, "properties", dict(properties))
    await ctx.work(ctx.op_seconds("quick"), 2)
