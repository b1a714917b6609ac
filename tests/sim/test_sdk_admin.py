"""Network, host and pool administration through the official Python SDK (PyPI `xenapi`, XML-RPC),
unchanged, over a loopback socket: what the app's administration pages will call, and how a master
reboot looks to a client (refused connections, then the SDK logs in again by itself)."""
import asyncio
import time

import pytest
import XenAPI


def run_sdk(url, fn):
    """Run fn(session.xenapi) in a thread with a logged-in session."""
    def scenario():
        session = XenAPI.Session(url)
        session.xenapi.login_with_password("root", "xcplite", "1.0", "xcplite-tests")
        try:
            return fn(session.xenapi)
        finally:
            try:
                session.xenapi.session.logout()
            except (OSError, XenAPI.Failure):
                pass
    return asyncio.to_thread(scenario)


def wait_task(x, task, timeout=20.0):
    deadline = time.monotonic() + timeout
    while x.task.get_status(task) == "pending":
        assert time.monotonic() < deadline, "task still pending"
        time.sleep(0.02)
    return x.task.get_record(task)


async def test_private_network_vlan_and_bond(running, sim):
    master = sim.master_ref()

    def scenario(x):
        net = x.network.create({"name_label": "private", "name_description": "", "MTU": "1500",
                                "other_config": {}, "tags": ["lab"]})
        assert x.network.get_PIFs(net) == [] and x.network.get_tags(net) == ["lab"]
        x.network.set_name_description(net, "no PIFs: VMs only")
        pifs = x.PIF.get_all_records()
        eth1 = sorted(r for r, p in pifs.items()
                      if p["device"] == "eth1" and p["VLAN"] == "-1" and p["host"] == master)[0]
        vlan_net = x.network.create({"name_label": "vlan 40", "name_description": "",
                                     "MTU": "1500", "other_config": {}})
        vlan_pifs = x.pool.create_VLAN_from_PIF(eth1, vlan_net, "40")
        with pytest.raises(XenAPI.Failure) as refused:
            x.network.destroy(vlan_net)
        bond_net = x.network.create({"name_label": "bond", "name_description": "",
                                     "MTU": "1500", "other_config": {}})
        eth0 = sorted(r for r, p in pifs.items()
                      if p["device"] == "eth0" and p["host"] == master)[0]
        task = x.Async.Bond.create(bond_net, [eth0], "", "lacp", {})
        rec = wait_task(x, task)
        x.network.destroy(net)
        bond = x.PIF.get_bond_slave_of(eth0)
        return vlan_pifs, refused.value.details, rec, x.Bond.get_properties(bond)
    vlan_pifs, refused, rec, properties = await run_sdk(running.url, scenario)
    assert properties == {"hashing_algorithm": "tcpudp_ports", "lacp-time": "slow",
                          "lacp-fallback-ab": "true"}
    assert len(vlan_pifs) == len(sim.db.all("host"))
    assert refused[0] == "NETWORK_CONTAINS_PIF" and sorted(refused[1:]) == sorted(vlan_pifs)
    assert rec["status"] == "success" and rec["result"].startswith("<value>OpaqueRef:")


async def test_host_and_pool_settings(running, sim):
    master = sim.master_ref()

    def scenario(x):
        pool = x.pool.get_all()[0]
        x.pool.set_name_label(pool, "Lab pool")
        x.pool.set_name_description(pool, "rack 3")
        x.pool.add_tags(pool, "production")
        srs = x.SR.get_all_records()
        local = sorted(r for r, s in srs.items() if s["type"] == "ext")[0]
        x.pool.set_default_SR(pool, local)
        x.host.set_name_label(master, "hv-a")
        x.host.add_tags(master, "gpu")
        x.host.set_logging(master, {"syslog_destination": "192.0.2.50"})
        x.host.syslog_reconfigure(master)
        x.host.set_power_on_mode(master, "IPMI", {"power_on_ip": "192.0.2.9",
                                                  "power_on_user": "admin",
                                                  "power_on_password_secret": "x"})
        return x.pool.get_record(pool), x.host.get_record(master), local
    pool, host, local = await run_sdk(running.url, scenario)
    assert (pool["name_label"], pool["name_description"], pool["tags"], pool["default_SR"]) == (
        "Lab pool", "rack 3", ["production"], local)
    assert (host["name_label"], host["tags"], host["logging"]) == (
        "hv-a", ["gpu"], {"syslog_destination": "192.0.2.50"})
    assert host["power_on_mode"] == "IPMI" and sim.applied_syslog[master] == "192.0.2.50"


async def test_evacuation_blockers_and_maintenance(running, sim):
    member = [h for h in sorted(sim.db.all("host")) if h != sim.master_ref()][0]

    def scenario(x):
        x.host.disable(member)
        blockers = x.host.get_vms_which_prevent_evacuation(member)
        private = x.network.create({"name_label": "private", "name_description": "",
                                    "MTU": "1500", "other_config": {}})
        with pytest.raises(XenAPI.Failure) as no_pif:
            x.host.evacuate(member, private, "2")     # the migration network must reach
        assert no_pif.value.details == ["PIF_NOT_PRESENT", x.pool.get_master(
            x.pool.get_all()[0]), private]
        task = x.Async.host.evacuate(member, "OpaqueRef:NULL", "2")
        rec = wait_task(x, task)
        with pytest.raises(XenAPI.Failure) as refused:
            x.host.reboot(x.pool.get_master(x.pool.get_all()[0]))      # still enabled
        x.host.enable(member)
        return blockers, rec, refused.value.details, x.host.get_resident_VMs(member)
    blockers, rec, refused, resident = await run_sdk(running.url, scenario)
    assert blockers == {} and rec["status"] == "success" and rec["progress"] == 1.0
    assert refused == ["HOST_NOT_DISABLED"]
    assert resident == [sim.db.get("host", member)["control_domain"]]


async def test_master_reboot_seen_by_the_sdk(start_sim):
    """The master's address refuses connections while it is down; afterwards the SDK's own retry
    on SESSION_INVALID logs in again and the same Session object works."""
    running = await start_sim(op_time=0.3)
    sim = running.sim
    master = sim.master_ref()

    def scenario():
        session = XenAPI.Session(running.url)
        session.xenapi.login_with_password("root", "xcplite", "1.0", "xcplite-tests")
        x = session.xenapi
        x.host.disable(master)
        x.host.reboot(master)
        refused = None
        deadline = time.monotonic() + 20
        while refused is None:
            assert time.monotonic() < deadline
            try:
                x.pool.get_all()
                time.sleep(0.02)
            except OSError as err:
                refused = err
        while True:
            assert time.monotonic() < deadline
            try:
                rec = x.host.get_record(master)
                break
            except OSError:
                time.sleep(0.05)
        return refused, rec
    refused, rec = await asyncio.to_thread(scenario)
    assert isinstance(refused, ConnectionError)
    assert rec["enabled"] is True and rec["current_operations"] == {}
