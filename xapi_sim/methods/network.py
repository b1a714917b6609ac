"""network and VLAN messages (xapi_network.ml, xapi_vlan.ml, xapi_pool.ml create_VLAN_from_PIF).

PIFs are in pif.py, bonds in bond.py, the management interface in management.py. No real
interfaces: plugging a PIF or creating a VLAN only changes records. A network's MTU is a plain
field (network.set_MTU): its PIFs and VIFs take it when they are next plugged (pif.bring_up, a VIF
attached by vmstate), as nm.ml and xapi_xenops.ml do.
"""
from ..errors import XapiFailure
from . import api
from .pif import assert_managed, bring_up, host_of

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
    """xapi_network.destroy: refused while a VIF is attached or reserved (NETWORK_CONTAINS_VIF with
    every such VIF), while it has PIFs (NETWORK_CONTAINS_PIF with every PIF: VLAN and bond
    networks go with VLAN.destroy / Bond.destroy), or for the host internal management network
    (CANNOT_DESTROY_SYSTEM_NETWORK); its other VIFs are destroyed with it."""
    db = ctx.db
    rec = db.require("network", network)
    vifs = sorted(db.referrers("network", "VIFs", network))
    connected = [v for v in vifs if db.get("VIF", v)["currently_attached"]
                 or db.get("VIF", v).get("reserved")]
    if connected:
        raise XapiFailure("NETWORK_CONTAINS_VIF", *connected)
    pifs = sorted(db.referrers("network", "PIFs", network))
    if pifs:
        raise XapiFailure("NETWORK_CONTAINS_PIF", *pifs)
    if rec["other_config"].get("is_host_internal_management_network") == "true":
        raise XapiFailure("CANNOT_DESTROY_SYSTEM_NETWORK", network)
    for vif in vifs:
        db.destroy("VIF", vif)
    db.destroy("network", network)


# ---- VLAN -----------------------------------------------------------------------------------
def _vlan_checks(db, tagged, tag, network):
    """xapi_vlan.create's checks, in its order."""
    rec = db.require("PIF", tagged)
    net = db.require("network", network)
    if not net["managed"]:
        raise XapiFailure("NETWORK_UNMANAGED", network)
    for other in sorted(db.referrers("network", "PIFs", network)):
        if db.get("PIF", other)["host"] == rec["host"]:
            raise XapiFailure("NETWORK_ALREADY_CONNECTED", rec["host"], other)
    assert_managed(db, tagged)
    if rec["bond_slave_of"] != NULL and rec["physical"]:
        raise XapiFailure("CANNOT_ADD_VLAN_TO_BOND_SLAVE", tagged)
    if rec["VLAN_master_of"] != NULL or rec["VLAN"] >= 0:
        raise XapiFailure("PIF_IS_VLAN", tagged)
    if tag < 0 or tag > 4094:
        raise XapiFailure("VLAN_TAG_INVALID", tag)
    if db.find("VLAN", tagged_PIF=tagged, tag=tag):
        raise XapiFailure("PIF_VLAN_EXISTS", rec["device"])


def new_vlan(db, tagged, tag, network, device=None):
    """xapi_vlan.create_internal: the VLAN and its untagged PIF (unplugged), which shares the
    tagged PIF's MTU and PIF_metrics."""
    base = db.get("PIF", tagged)
    device = device or base["device"]
    untagged = db.create("PIF", {
        "device": device, "network": network, "host": base["host"], "MAC": VLAN_MAC,
        "MTU": base["MTU"], "VLAN": tag, "metrics": base["metrics"], "physical": False,
        "currently_attached": False, "ip_configuration_mode": "None", "managed": True,
        "primary_address_type": base["primary_address_type"]})
    vlan = db.create("VLAN", {"tagged_PIF": tagged, "untagged_PIF": untagged, "tag": tag})
    db.set("PIF", untagged, "VLAN_master_of", vlan)
    return vlan, untagged


def make_vlan(db, tagged, tag, network):
    """VLAN.create: checked, made and plugged."""
    _vlan_checks(db, tagged, tag, network)
    vlan, untagged = new_vlan(db, tagged, tag, network)
    bring_up(db, untagged)
    return vlan, untagged


@api("VLAN.create")
async def vlan_create(ctx, tagged, tag, network):
    host_of(ctx.db, tagged)
    _vlan_checks(ctx.db, tagged, tag, network)
    await ctx.work(ctx.op_seconds("quick"), 2)
    return make_vlan(ctx.db, tagged, tag, network)[0]


@api("VLAN.destroy")
async def vlan_destroy(ctx, vlan):
    """xapi_vlan.destroy: its untagged PIF must not be bonded (PIF_ALREADY_BONDED), a member's
    plugged management PIF (PIF_IS_MANAGEMENT_INTERFACE), physical (PIF_IS_PHYSICAL, no
    parameter); it is unplugged as PIF.unplug does (PIF_IS_MANAGEMENT_INTERFACE, VIF_IN_USE…), then
    the VLAN and the PIF go."""
    from .pif import unplug
    db = ctx.db
    rec = db.require("VLAN", vlan)
    untagged = rec["untagged_PIF"]
    if not db.exists("PIF", untagged):
        db.destroy("VLAN", vlan)
        return
    pif = db.get("PIF", untagged)
    host_of(db, untagged)
    if (pif["bond_slave_of"] != NULL and db.exists("Bond", pif["bond_slave_of"])) or \
            db.referrers("PIF", "bond_master_of", untagged):
        raise XapiFailure("PIF_ALREADY_BONDED", untagged)
    if pif["host"] != ctx.sim.master_ref() and pif["currently_attached"] and pif["management"]:
        raise XapiFailure("PIF_IS_MANAGEMENT_INTERFACE", untagged)
    if pif["VLAN"] < 0:
        raise XapiFailure("PIF_IS_PHYSICAL")
    await unplug(ctx, untagged)
    db.destroy("VLAN", vlan)
    db.destroy("PIF", untagged)


@api("pool.create_VLAN_from_PIF")
async def create_vlan_from_pif(ctx, pif, network, tag):
    """xapi_pool.create_VLAN_from_PIF: VLAN.create on every PIF of `pif`'s network whose host is
    live (an error destroys those already made and is raised), then a best-effort plug of each
    new PIF; returns the new PIFs."""
    db = ctx.db
    rec = db.require("PIF", pif)
    db.require("network", network)
    bases = [p for p in sorted(db.referrers("network", "PIFs", rec["network"]))
             if _live(db, db.get("PIF", p)["host"])]
    made = []
    try:
        for base in bases:
            _vlan_checks(db, base, tag, network)
            await ctx.work(ctx.op_seconds("quick") / max(1, len(bases)), 1)
            made.append(new_vlan(db, base, tag, network))
    except XapiFailure:
        for vlan, untagged in made:
            db.destroy("VLAN", vlan)
            db.destroy("PIF", untagged)
        raise
    for _vlan, untagged in made:
        bring_up(db, untagged)
    return [untagged for _vlan, untagged in made]


def _live(db, host):
    metrics = db.get("host_metrics", db.get("host", host)["metrics"])
    return bool(metrics and metrics["live"])
