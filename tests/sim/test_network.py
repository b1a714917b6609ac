"""network, PIF, VLAN and Bond operations of the simulator, with XAPI's errors and events."""
from infrafixtures import changes, error, guests, token, vif_record

BOGUS = "OpaqueRef:33333333-3333-3333-3333-333333333333"


async def new_network(call, name="lab", **extra):
    return await call("network.create", dict({"name_label": name, "other_config": {}}, **extra))


def physical(db, device, host=None):
    return sorted(p for p in db.find("PIF", device=device, VLAN=-1)
                  if host is None or db.get("PIF", p)["host"] == host)


# ---- network --------------------------------------------------------------------------------
async def test_create_picks_a_free_bridge(sim, call):
    a, b = await new_network(call, "a"), await new_network(call, "b")
    bridges = {sim.db.get("network", n)["bridge"] for n in (a, b)}
    assert len(bridges) == 2 and all(x.startswith("xapi") for x in bridges)
    assert sim.db.get("network", a)["MTU"] == 1500


async def test_create_bridge_rules(sim, call):
    mine = await new_network(call, bridge="br-lab")
    assert sim.db.get("network", mine)["bridge"] == "br-lab"
    assert await error(call, "network.create", {"name_label": "x", "other_config": {},
                                                "bridge": "br-lab"}) == [
        "BRIDGE_NAME_EXISTS", "br-lab"]
    assert await error(call, "network.create", {"name_label": "x", "other_config": {},
                                                "bridge": "xenbr7"}) == [
        "INVALID_VALUE", "bridge", "xenbr7"]


async def test_destroy_refuses_attached_vifs_then_pifs(sim, call):
    db = sim.db
    lab = await new_network(call)
    vlan = await call("VLAN.create", physical(db, "eth1")[0], 33, lab)
    vif = await call("VIF.create", vif_record(guests(db, "Running")[0], lab))
    await call("VIF.plug", vif)
    assert await error(call, "network.destroy", lab) == ["NETWORK_CONTAINS_VIF", vif]
    await call("VIF.unplug", vif)
    assert await error(call, "network.destroy", lab) == [
        "NETWORK_CONTAINS_PIF", db.get("VLAN", vlan)["untagged_PIF"]]
    await call("VLAN.destroy", vlan)
    await call("network.destroy", lab)
    assert not db.exists("VIF", vif)


async def test_destroy_drops_unplugged_vifs(sim, call):
    db = sim.db
    lab = await new_network(call)
    vif = await call("VIF.create", vif_record(guests(db)[0], lab))
    since = await token(call)
    await call("network.destroy", lab)
    assert not db.exists("network", lab) and not db.exists("VIF", vif)
    found = await changes(call, since, ["network", "vif"])
    assert found == {("network", lab): "del", ("vif", vif): "del"}


async def test_internal_management_network_stays(sim, call):
    db = sim.db
    internal = [n for n in db.all("network")
                if db.get("network", n)["other_config"].get("is_host_internal_management_network")
                == "true"][0]
    assert await error(call, "network.destroy", internal) == [
        "CANNOT_DESTROY_SYSTEM_NETWORK", internal]


# ---- VLAN -----------------------------------------------------------------------------------
async def test_create_vlan_from_pif_makes_one_per_host(sim, call):
    db = sim.db
    lab = await new_network(call)
    since = await token(call)
    pifs = await call("pool.create_VLAN_from_PIF", physical(db, "eth1")[0], lab, 42)
    records = [db.get("PIF", p) for p in pifs]
    assert sorted(r["host"] for r in records) == sorted(db.all("host"))
    assert all(r["VLAN"] == 42 and r["network"] == lab and r["currently_attached"]
               and not r["physical"] and r["device"] == "eth1" for r in records)
    vlans = [r["VLAN_master_of"] for r in records]
    assert all(db.get("VLAN", v)["tag"] == 42 for v in vlans)
    tagged = [db.get("VLAN", v)["tagged_PIF"] for v in vlans]
    assert sorted(tagged) == physical(db, "eth1")
    assert (await call("network.get_PIFs", lab)) == sorted(pifs)
    found = await changes(call, since, ["pif", "vlan", "network"])
    assert found[("network", lab)] == "mod"
    assert all(found[("pif", p)] == "add" for p in pifs)
    assert all(found[("vlan", v)] == "add" for v in vlans)
    assert all(found[("pif", t)] == "mod" for t in tagged)       # VLAN_slave_of grew


async def test_vlan_errors(sim, call):
    db = sim.db
    lab = await new_network(call)
    eth1 = physical(db, "eth1")[0]
    assert await error(call, "pool.create_VLAN_from_PIF", eth1, lab, 4095) == [
        "VLAN_TAG_INVALID", "4095"]
    assert not db.referrers("network", "PIFs", lab)              # nothing left half made
    assert await error(call, "VLAN.create", eth1, -1, lab) == ["VLAN_TAG_INVALID", "-1"]
    vlan = await call("VLAN.create", eth1, 77, lab)
    untagged = db.get("VLAN", vlan)["untagged_PIF"]
    host = db.get("PIF", eth1)["host"]
    assert await error(call, "VLAN.create", eth1, 78, lab) == [
        "NETWORK_ALREADY_CONNECTED", host, untagged]
    other = await new_network(call, "other")
    assert await error(call, "VLAN.create", untagged, 79, other) == ["PIF_IS_VLAN", untagged]
    assert await error(call, "VLAN.create", eth1, 77, other) == ["PIF_VLAN_EXISTS", "eth1"]
    vlan20 = db.find("VLAN", tag=20)[0]
    tagged = db.get("VLAN", vlan20)["tagged_PIF"]
    db.set("PIF", db.get("VLAN", vlan20)["untagged_PIF"], "VLAN", -1)
    assert await error(call, "VLAN.destroy", vlan20) == ["PIF_IS_PHYSICAL"]   # no parameter
    assert tagged


async def test_vlan_destroy_removes_its_pif(sim, call):
    db = sim.db
    lab = await new_network(call)
    vlan = await call("VLAN.create", physical(db, "eth1")[0], 90, lab)
    untagged = db.get("VLAN", vlan)["untagged_PIF"]
    await call("VLAN.destroy", vlan)
    assert not db.exists("VLAN", vlan) and not db.exists("PIF", untagged)
    await call("network.destroy", lab)


# ---- PIF ------------------------------------------------------------------------------------
async def test_pif_scan_and_unknown_host(sim, call):
    assert await call("PIF.scan", sim.master_ref()) == ""
    assert await error(call, "PIF.scan", BOGUS) == ["HANDLE_INVALID", "host", BOGUS]


async def test_pif_plug_unplug(sim, call):
    db = sim.db
    eth1 = physical(db, "eth1")[0]
    await call("PIF.unplug", eth1)
    assert not db.get("PIF", eth1)["currently_attached"]
    await call("PIF.plug", eth1)
    assert db.get("PIF", eth1)["currently_attached"]
    mgmt = [p for p in db.all("PIF") if db.get("PIF", p)["management"]][0]
    assert await error(call, "PIF.unplug", mgmt) == ["PIF_IS_MANAGEMENT_INTERFACE", mgmt]


async def test_reconfigure_ip(sim, call):
    db = sim.db
    eth1 = physical(db, "eth1")[0]
    await call("PIF.reconfigure_ip", eth1, "Static", "10.20.0.5", "255.255.255.0", "10.20.0.1",
               "10.20.0.53")
    rec = db.get("PIF", eth1)
    assert (rec["ip_configuration_mode"], rec["IP"], rec["netmask"], rec["gateway"],
            rec["DNS"]) == ("Static", "10.20.0.5", "255.255.255.0", "10.20.0.1", "10.20.0.53")
    assert await error(call, "PIF.reconfigure_ip", eth1, "Static", "10.20.0.300",
                       "255.255.255.0", "", "") == ["INVALID_IP_ADDRESS_SPECIFIED", "IP"]
    await call("PIF.reconfigure_ip", eth1, "None", "", "", "", "")
    assert (db.get("PIF", eth1)["ip_configuration_mode"], db.get("PIF", eth1)["IP"]) == ("None", "")
    mgmt = [p for p in db.all("PIF") if db.get("PIF", p)["management"]][0]
    assert await error(call, "PIF.reconfigure_ip", mgmt, "None", "", "", "", "") == [
        "PIF_IS_MANAGEMENT_INTERFACE", mgmt]


# ---- Bond -----------------------------------------------------------------------------------
async def test_bond_create_and_destroy(sim, call):
    db = sim.db
    host = sim.master_ref()
    eth0, eth1 = physical(db, "eth0", host)[0], physical(db, "eth1", host)[0]
    before = dict(db.get("PIF", eth0))
    net = await new_network(call, "bond")
    bond = await call("Bond.create", net, [eth0, eth1], "", "active-backup", {})
    rec = await call("Bond.get_record", bond)
    master = db.get("PIF", rec["master"])
    assert sorted(rec["slaves"]) == sorted([eth0, eth1]) and rec["primary_slave"] == eth0
    assert (master["device"], master["network"], master["host"]) == ("bond0", net, host)
    assert (master["MAC"], master["IP"], master["management"]) == (
        before["MAC"], before["IP"], True)                   # the management member lends these
    assert not db.get("PIF", eth0)["management"] and not db.get("PIF", eth0)["currently_attached"]
    assert db.get("PIF", eth0)["bond_slave_of"] == bond
    assert await error(call, "Bond.create", net, [eth1], "", "lacp", {}) == [
        "NETWORK_ALREADY_CONNECTED", host, rec["master"]]       # checked first, as XAPI does
    other = await new_network(call, "other")
    assert await error(call, "Bond.create", other, [eth1], "", "lacp", {}) == [
        "PIF_ALREADY_BONDED", eth1]
    await call("Bond.destroy", bond)
    assert not db.exists("Bond", bond) and not db.exists("PIF", rec["master"])
    after = db.get("PIF", eth0)
    assert (after["management"], after["IP"], after["currently_attached"]) == (
        True, before["IP"], True)


async def test_bond_rules(sim, call):
    db = sim.db
    hosts = sorted(db.all("host"))
    net = await new_network(call, "bond")
    a, b = physical(db, "eth1", hosts[0])[0], physical(db, "eth1", hosts[1])[0]
    assert await error(call, "Bond.create", net, [a, b], "", "lacp", {}) == [
        "PIF_CANNOT_BOND_CROSS_HOST"]
    assert await error(call, "Bond.create", net, [], "", "lacp", {}) == [
        "PIF_BOND_NEEDS_MORE_MEMBERS"]
    vlan_pif = db.find("PIF", VLAN=20)[0]
    assert await error(call, "Bond.create", net, [vlan_pif], "", "lacp", {}) == [
        "PIF_VLAN_EXISTS", db.get("PIF", vlan_pif)["device"]]


async def test_create_vlan_from_pif_skips_hosts_that_are_down(sim, call):
    """xapi_pool.create_VLAN_from_PIF works on the PIFs of live hosts only."""
    db = sim.db
    member = [h for h in sorted(db.all("host")) if h != sim.master_ref()][0]
    db.set("host_metrics", db.get("host", member)["metrics"], "live", False)
    lab = await new_network(call)
    pifs = await call("pool.create_VLAN_from_PIF", physical(db, "eth1")[0], lab, 61)
    assert [db.get("PIF", p)["host"] for p in pifs] == [sim.master_ref()]


async def test_vlan_pif_shares_metrics_and_takes_its_networks_mtu(sim, call):
    """create_internal copies the base PIF's metrics and MTU; plugging it (bring_pif_up) sets the
    VLAN network's MTU."""
    db = sim.db
    lab = await new_network(call, MTU=1500)
    eth1 = physical(db, "eth1")[0]
    assert db.get("PIF", eth1)["MTU"] == 9000
    vlan = await call("VLAN.create", eth1, 62, lab)
    untagged = db.get("PIF", db.get("VLAN", vlan)["untagged_PIF"])
    assert untagged["metrics"] == db.get("PIF", eth1)["metrics"]
    assert untagged["MTU"] == 1500 and untagged["currently_attached"]
    assert untagged["MAC"] == "fe:ff:ff:ff:ff:ff"


# ---- MTU ------------------------------------------------------------------------------------
async def test_mtu_reaches_pifs_and_vifs_when_replugged(sim, call):
    """network.set_MTU only changes the network; a PIF (nm.ml bring_pif_up) or a VIF
    (xapi_xenops.ml) takes it when plugged again."""
    db = sim.db
    host = sim.master_ref()
    eth1 = physical(db, "eth1", host)[0]
    net = db.get("PIF", eth1)["network"]
    vm = [v for v in guests(db, "Running") if db.get("VM", v)["resident_on"] == host][0]
    vif = await call("VIF.create", vif_record(vm, net, device="6"))
    await call("VIF.plug", vif)
    assert db.get("VIF", vif)["MTU"] == db.get("network", net)["MTU"] == 9000
    await call("network.set_MTU", net, 1500)
    assert db.get("PIF", eth1)["MTU"] == 9000 and db.get("VIF", vif)["MTU"] == 9000
    await call("VIF.unplug", vif)
    await call("VIF.plug", vif)
    assert db.get("VIF", vif)["MTU"] == 1500
    await call("VIF.unplug", vif)
    await call("PIF.unplug", eth1)
    await call("PIF.plug", eth1)
    assert db.get("PIF", eth1)["MTU"] == 1500


async def test_pif_unplug_refused_while_a_running_vm_uses_its_network(sim, call):
    db = sim.db
    host = sim.master_ref()
    eth1 = physical(db, "eth1", host)[0]
    net = db.get("PIF", eth1)["network"]
    vm = [v for v in guests(db, "Running") if db.get("VM", v)["resident_on"] == host][0]
    vif = await call("VIF.create", vif_record(vm, net, device="7"))
    await call("VIF.plug", vif)
    assert await error(call, "PIF.unplug", eth1) == ["VIF_IN_USE", net, vif]
    await call("VIF.unplug", vif)
    await call("PIF.unplug", eth1)
    assert not db.get("PIF", eth1)["currently_attached"]


# ---- Bond modes, properties and what moves onto a bond --------------------------------------
async def test_bond_modes_and_properties(sim, call):
    """xapi_bond.requirements_of_mode: only lacp has properties, with defaults."""
    db = sim.db
    host = sim.master_ref()
    eth1 = physical(db, "eth1", host)[0]
    net = await new_network(call, "bond")
    assert await error(call, "Bond.create", net, [eth1], "", "balance-slb",
                       {"rebalance-interval": "10000"}) == [
        "INVALID_VALUE", "properties", "rebalance-interval = 10000"]
    assert await error(call, "Bond.create", net, [eth1], "", "lacp",
                       {"hashing_algorithm": "round_robin"}) == [
        "INVALID_VALUE", "properties", "hashing_algorithm = round_robin"]
    assert await error(call, "Bond.create", net, [eth1], "zz:00", "lacp", {}) == [
        "MAC_INVALID", "zz:00"]
    bond = await call("Bond.create", net, [eth1, eth1], "", "lacp", {"lacp-time": "fast"})
    rec = db.get("Bond", bond)
    assert rec["properties"] == {"hashing_algorithm": "tcpudp_ports", "lacp-time": "fast",
                                 "lacp-fallback-ab": "true"}
    assert rec["auto_update_mac"] is True and rec["links_up"] == 1
    master = db.get("PIF", rec["master"])
    assert master["MTU"] == db.get("network", net)["MTU"] and master["currently_attached"]
    assert db.get("PIF_metrics", master["metrics"])["speed"] == 10000
    await call("Bond.set_property", bond, "lacp-time", "slow")
    assert db.get("Bond", bond)["properties"]["lacp-time"] == "slow"
    assert await error(call, "Bond.set_property", bond, "nope", "1") == [
        "INVALID_VALUE", "properties", "nope = 1"]
    await call("Bond.set_mode", bond, "balance-slb")
    assert (db.get("Bond", bond)["mode"], db.get("Bond", bond)["properties"]) == (
        "balance-slb", {})
    await call("Bond.set_mode", bond, "lacp")
    assert db.get("Bond", bond)["properties"]["hashing_algorithm"] == "tcpudp_ports"


async def test_bond_takes_the_vlans_and_vifs_of_its_members(sim, call):
    """move_vlan re-makes each VLAN on the bond master; local VIFs move to the bond's network."""
    db = sim.db
    host = sim.master_ref()
    eth0, eth1 = physical(db, "eth0", host)[0], physical(db, "eth1", host)[0]
    old_vlan = [v for v in db.find("VLAN", tag=20) if db.get("VLAN", v)["tagged_PIF"] == eth1][0]
    vlan_net = db.get("PIF", db.get("VLAN", old_vlan)["untagged_PIF"])["network"]
    eth1_net = db.get("PIF", eth1)["network"]
    vm = [v for v in guests(db, "Running") if db.get("VM", v)["resident_on"] == host][0]
    vif = await call("VIF.create", vif_record(vm, eth1_net, device="8"))
    net = await new_network(call, "bond")
    bond = await call("Bond.create", net, [eth0, eth1], "", "active-backup", {})
    master = db.get("Bond", bond)["master"]
    assert not db.exists("VLAN", old_vlan)
    new_vlan = [v for v in db.find("VLAN", tag=20) if db.get("VLAN", v)["tagged_PIF"] == master]
    assert len(new_vlan) == 1
    untagged = db.get("PIF", db.get("VLAN", new_vlan[0])["untagged_PIF"])
    assert (untagged["network"], untagged["device"], untagged["currently_attached"]) == (
        vlan_net, "bond0", True)
    assert db.get("VIF", vif)["network"] == net
    assert db.get("PIF_metrics", db.get("PIF", master)["metrics"])["speed"] == 10000
    await call("Bond.destroy", bond)
    assert db.get("VIF", vif)["network"] == db.get("PIF", eth0)["network"]
    back = [v for v in db.find("VLAN", tag=20) if db.get("VLAN", v)["tagged_PIF"] == eth0]
    assert len(back) == 1 and db.get("PIF", eth0)["management"]
    assert all(db.get("PIF", p)["currently_attached"] for p in (eth0, eth1))


async def test_every_pif_has_metrics(sim):
    """Physical and bond PIFs have their own PIF_metrics; a VLAN's PIF shares its base's
    (xapi_vlan.ml), with the VLAN MAC fe:ff:ff:ff:ff:ff."""
    db = sim.db
    for pif in db.all("PIF"):
        rec = db.get("PIF", pif)
        assert db.exists("PIF_metrics", rec["metrics"]), rec["device"]
        if rec["VLAN"] >= 0:
            base = db.get("PIF", db.get("VLAN", rec["VLAN_master_of"])["tagged_PIF"])
            assert rec["metrics"] == base["metrics"] and rec["MAC"] == "fe:ff:ff:ff:ff:ff"


async def test_plugging_a_plugged_pif_changes_nothing(sim, call):
    db = sim.db
    eth1 = physical(db, "eth1")[0]
    since = await token(call)
    await call("PIF.plug", eth1)
    assert ("pif", eth1) not in await changes(call, since, ["pif"])
