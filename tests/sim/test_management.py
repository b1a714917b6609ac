"""PIF IP configuration and the management interface (xapi_pif.ml reconfigure_ip,
assert_usable_for_management; xapi_host.ml management_reconfigure; xapi_pool.ml
management_reconfigure): the checks XAPI makes, and a host's address following its management
interface, its listener too when the new address is a loopback one."""
from infrafixtures import error
from support.xapi import jsonrpc, login


def physical(db, device, host):
    return [p for p in db.find("PIF", device=device, VLAN=-1) if db.get("PIF", p)["host"] == host][0]


def management(db, host):
    return [p for p in db.referrers("host", "PIFs", host) if db.get("PIF", p)["management"]][0]


async def test_reconfigure_ip_checks(sim, call):
    db = sim.db
    host = sim.master_ref()
    eth1 = physical(db, "eth1", host)
    assert await error(call, "PIF.reconfigure_ip", eth1, "Static", "", "255.255.255.0", "",
                       "") == ["INVALID_IP_ADDRESS_SPECIFIED", "IP"]
    assert await error(call, "PIF.reconfigure_ip", eth1, "Static", "10.1.0.5", "", "",
                       "") == ["INVALID_IP_ADDRESS_SPECIFIED", "netmask"]
    assert await error(call, "PIF.reconfigure_ip", eth1, "DHCP", "", "", "10.1.0.300",
                       "") == ["INVALID_IP_ADDRESS_SPECIFIED", "gateway"]
    await call("PIF.reconfigure_ip", eth1, "Static", "10.1.0.5", "255.255.255.0", "",
               "10.1.0.53,not-an-ip,fd00::53")
    rec = db.get("PIF", eth1)
    assert (rec["IP"], rec["gateway"], rec["DNS"]) == ("10.1.0.5", "", "10.1.0.53")
    mgmt = management(db, host)
    assert await error(call, "PIF.reconfigure_ip", mgmt, "None", "", "", "", "") == [
        "PIF_IS_MANAGEMENT_INTERFACE", mgmt]
    db.set("PIF", eth1, "managed", False)
    assert await error(call, "PIF.reconfigure_ip", eth1, "DHCP", "", "", "", "") == [
        "PIF_UNMANAGED", eth1]


async def test_dhcp_gives_a_plugged_pif_a_lease(sim, call):
    db = sim.db
    eth1 = physical(db, "eth1", sim.master_ref())
    await call("PIF.reconfigure_ip", eth1, "DHCP", "", "", "", "")
    rec = db.get("PIF", eth1)
    assert rec["ip_configuration_mode"] == "DHCP" and rec["IP"].startswith("192.0.2.")
    assert rec["netmask"] == "255.255.255.0"


async def test_management_reconfigure_checks(sim, call):
    db = sim.db
    host = sim.master_ref()
    eth1 = physical(db, "eth1", host)
    assert await error(call, "host.management_reconfigure", eth1) == [
        "PIF_HAS_NO_NETWORK_CONFIGURATION", eth1]
    net1 = db.get("PIF", eth1)["network"]
    assert await error(call, "pool.management_reconfigure", net1) == [
        "PIF_HAS_NO_NETWORK_CONFIGURATION", sorted(db.referrers("network", "PIFs", net1))[0]]
    lab = await call("network.create", {"name_label": "lab", "other_config": {}})
    await call("VLAN.create", eth1, 30, lab)
    member = [h for h in db.all("host") if h != host][0]
    assert await error(call, "pool.management_reconfigure", lab) == [
        "PIF_NOT_PRESENT", member, lab]
    assert await call("host.get_management_interface", host) == management(db, host)


async def test_management_moves_and_the_address_follows(sim, call):
    """In process (no listeners): the records move, host.address is the new IP."""
    db = sim.db
    host = [h for h in db.all("host") if h != sim.master_ref()][0]
    eth0, eth1 = physical(db, "eth0", host), physical(db, "eth1", host)
    await call("PIF.reconfigure_ip", eth1, "Static", "10.9.0.2", "255.255.255.0", "10.9.0.1",
               "")
    await call("host.management_reconfigure", eth1)
    assert management(db, host) == eth1 and not db.get("PIF", eth0)["management"]
    assert db.get("host", host)["address"] == "10.9.0.2"
    refused = await error(call, "PIF.unplug", eth0)   # no longer the management interface,
    assert refused[0] == "VIF_IN_USE"                  # but running guests use its network
    assert await error(call, "PIF.unplug", eth1) == ["PIF_IS_MANAGEMENT_INTERFACE", eth1]


async def test_a_member_moved_to_another_loopback_address_is_served_there(start_sim, http):
    running = await start_sim()
    sim = running.sim
    session = await login(sim)
    db = sim.db
    member = [h for h in db.all("host") if h != sim.master_ref()][0]
    old = db.get("host", member)["address"]
    eth1 = physical(db, "eth1", member)
    await sim.call("PIF.reconfigure_ip", [session, eth1, "Static", "127.0.9.2", "255.0.0.0",
                                          "", ""])
    await sim.call("host.management_reconfigure", [session, eth1])
    assert db.get("host", member)["address"] == "127.0.9.2"
    assert running.listening("127.0.9.2") and not running.listening(old)
    reply = await jsonrpc(http, running.config.origin("127.0.9.2"),
                          "session.login_with_password", ["root", "xcplite"])
    assert reply["error"]["message"] == "HOST_IS_SLAVE"
    assert reply["error"]["data"] == [sim.master_address()]
    consoles = [db.get("console", c)["location"] for vm in db.referrers("host", "resident_VMs",
                                                                          member)
                for c in db.referrers("VM", "consoles", vm)]
    assert consoles and all("127.0.9.2" in c for c in consoles)


async def test_a_non_loopback_address_is_recorded_but_served_where_it_was(start_sim, http):
    running = await start_sim()
    sim = running.sim
    session = await login(sim)
    db = sim.db
    member = [h for h in db.all("host") if h != sim.master_ref()][0]
    old = db.get("host", member)["address"]
    mgmt = management(db, member)
    await sim.call("PIF.reconfigure_ip", [session, mgmt, "Static", "10.20.0.2",
                                          "255.255.255.0", "", ""])
    assert db.get("host", member)["address"] == "10.20.0.2"
    assert running.listening(old)
    assert sim.host_by_address(old) == member
