"""The management interface: host.management_reconfigure, pool.management_reconfigure,
host.get_management_interface (xapi_host.ml, xapi_pool.ml, xapi_pif.ml update_management_flags).

One PIF per host has `management`; the host's `address` is that PIF's IP (xapi_mgmt_iface's
on_dom0_networking_change writes it), and clients reach the host there. The simulator serves each
host on a loopback address: when a host's management address moves to another loopback address
its listener moves with it (the old address stops answering); when it moves anywhere else the
records say so but the host stays served where it was, since the simulator never listens outside
127.0.0.0/8.
"""
import ipaddress

from ..errors import XapiFailure
from . import api
from .host import reachable
from .pif import bring_up

NULL = "OpaqueRef:NULL"


def management_pif(db, host):
    for pif in sorted(db.referrers("host", "PIFs", host)):
        if db.get("PIF", pif)["management"]:
            return pif
    return None


def is_loopback(address):
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


async def address_changed(sim, host):
    """The host's address follows its management PIF's IP; a loopback one is served."""
    db = sim.db
    pif = management_pif(db, host)
    new = db.get("PIF", pif)["IP"] if pif else ""
    old = db.get("host", host)["address"]
    if not new or new == old:
        return
    db.set("host", host, "address", new)
    served = [a for a, h in sim.served.items() if h == host]
    if sim.listeners is not None and served and is_loopback(new) and new not in sim.served:
        await sim.listeners.move(served[0], new)
        del sim.served[served[0]]
        sim.served[new] = host
    for vm in db.referrers("host", "resident_VMs", host):
        for console in db.referrers("VM", "consoles", vm):
            if old and old in db.get("console", console)["location"]:
                db.set("console", console, "location",
                       db.get("console", console)["location"].replace(old, new, 1))


def assert_usable_for_management(db, pif):
    """xapi_pif.assert_usable_for_management: not a bond member (CANNOT_PLUG_BOND_SLAVE), an IPv4
    configuration (PIF_HAS_NO_NETWORK_CONFIGURATION) or an IPv6 one (…_NO_V6_…)."""
    rec = db.get("PIF", pif)
    if rec["bond_slave_of"] != NULL:
        raise XapiFailure("CANNOT_PLUG_BOND_SLAVE", pif)
    if rec["primary_address_type"] == "IPv4" and rec["ip_configuration_mode"] == "None":
        raise XapiFailure("PIF_HAS_NO_NETWORK_CONFIGURATION", pif)
    if rec["primary_address_type"] == "IPv6" and rec["ipv6_configuration_mode"] == "None":
        raise XapiFailure("PIF_HAS_NO_V6_NETWORK_CONFIGURATION", pif)


async def move_management(ctx, host, pif):
    """Bring `pif` up as the management interface, move the flag to it (update_management_flags)
    and let the host's address follow."""
    db = ctx.db
    bring_up(db, pif)
    for other in db.referrers("host", "PIFs", host):
        want = other == pif
        if db.get("PIF", other)["management"] != want:
            db.set("PIF", other, "management", want)
    await address_changed(ctx.sim, host)


@api("host.management_reconfigure")
async def management_reconfigure(ctx, pif):
    """xapi_host.management_reconfigure on the PIF's host: a managed PIF must be usable for
    management; a PIF already the management one is left as it is. (XAPI's check that the
    address types match is inside a `try … with _ -> ()` and so never fails.)"""
    db = ctx.db
    rec = db.require("PIF", pif)
    host = rec["host"]
    reachable(db, host)
    if rec["managed"]:
        assert_usable_for_management(db, pif)
    if rec["management"]:
        return
    await ctx.work(ctx.op_seconds("quick"), 3)
    await move_management(ctx, host, pif)


@api("pool.management_reconfigure")
async def pool_management_reconfigure(ctx, network):
    """xapi_pool.management_reconfigure: every host needs a PIF on the network (PIF_NOT_PRESENT
    [host, network]) of one address type (PIF_INCOMPATIBLE_PRIMARY_ADDRESS_TYPE [pif]) usable for
    management; then each member's host.management_reconfigure, the master's last."""
    db = ctx.db
    db.require("network", network)
    pifs = sorted(db.referrers("network", "PIFs", network))
    on_host = {}
    for pif in pifs:
        on_host.setdefault(db.get("PIF", pif)["host"], pif)
    for host in sorted(db.all("host")):
        if host not in on_host:
            raise XapiFailure("PIF_NOT_PRESENT", host, network)
    kind = db.get("PIF", pifs[0])["primary_address_type"] if pifs else "IPv4"
    for pif in pifs:
        if db.get("PIF", pif)["primary_address_type"] != kind:
            raise XapiFailure("PIF_INCOMPATIBLE_PRIMARY_ADDRESS_TYPE", pif)
        assert_usable_for_management(db, pif)
    master = ctx.sim.master_ref()
    for host in sorted(on_host, key=lambda h: (h == master, h)):
        await management_reconfigure(ctx, on_host[host])


@api("host.get_management_interface")
def get_management_interface(ctx, host):
    """The host's management PIF; a host without one fails as XAPI's Not_found does."""
    ctx.db.require("host", host)
    pif = management_pif(ctx.db, host)
    if pif is None:
        raise XapiFailure("INTERNAL_ERROR", "Not_found")
    return pif

