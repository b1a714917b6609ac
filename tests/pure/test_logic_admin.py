"""Network, host and pool administration rules: the evacuation plan, VLAN/bond checks and the jobs they
become, network deletion, IP configuration, host actions, edits and XCP-ng updates."""
import json

from admin_pool import GiB, NULL, cache, r

from lite_app.logic import admin_edit, evacuation, hostpower, netadmin, pifconfig, updates
from lite_app.xapi.errors import XapiError


# ---- the evacuation plan ---------------------------------------------------------------------------
def test_plan_sends_the_biggest_vm_first_to_the_host_with_most_free_memory_and_lists_blockers():
    c = cache()
    blockers = {r("d"): ["VM_REQUIRES_SR", r("d"), r("sr-local")]}
    rows = evacuation.plan(c, r("h2"), c.get("host", r("h2")), blockers)
    assert [(row["name"], row["target"], row["reason"]) for row in rows] == [
        ("c", r("h1"), None), ("d", None, ["VM_REQUIRES_SR", r("d"), r("sr-local")]), ("e", r("h1"), None)]
    assert [row["name"] for row in evacuation.blocked(rows)] == ["d"]


def test_a_vm_no_host_has_room_for_gets_no_target_and_down_or_disabled_hosts_take_none():
    c = cache()
    c.records["host_metrics"][r("m-h2")]["memory_total"] = 14 * GiB   # 14 - 11 used = 3 GiB free
    rows = evacuation.plan(c, r("h1"), c.get("host", r("h1")), {})
    assert [(row["name"], row["target"]) for row in rows] == [("a", None), ("b", r("h2"))]
    c.records["host"][r("h2")]["enabled"] = False
    rows = evacuation.plan(c, r("h1"), c.get("host", r("h1")), {})
    assert [row["target"] for row in rows] == [None, None]


def test_vm_status_follows_where_each_vm_really_is():
    c = cache()
    assert evacuation.vm_status(c, r("h2"), r("c")) == ("waiting", None)
    c.records["VM"][r("c")]["current_operations"] = {"t1": "pool_migrate"}
    assert evacuation.vm_status(c, r("h2"), r("c")) == ("moving", None)
    c.records["VM"][r("c")]["resident_on"] = r("h1")
    assert evacuation.vm_status(c, r("h2"), r("c")) == ("moved", r("h1"))
    c.records["VM"][r("d")]["power_state"] = "Halted"
    c.records["VM"][r("d")]["resident_on"] = NULL
    assert evacuation.vm_status(c, r("h2"), r("d")) == ("stopped", None)
    assert evacuation.vm_status(c, r("h2"), r("gone")) == ("gone", None)


def test_maintenance_steps_disable_stop_the_agreed_blockers_then_evacuate():
    c = cache()
    host = c.get("host", r("h2"))
    rows = evacuation.plan(c, r("h2"), host, {r("d"): ["VM_HAS_PCI_ATTACHED", r("d")]})
    calls = [step["call"] for step in evacuation.empty_steps(r("h2"), host, rows, True)]
    assert calls == [("host.disable", [r("h2")]), ("Async.VM.shutdown", [r("d")]), ("Async.host.evacuate", [r("h2")])]
    calls = [step["call"] for step in evacuation.empty_steps(r("h2"), host, rows, False)]
    assert calls == [("host.disable", [r("h2")]), ("Async.host.evacuate", [r("h2")])]
    host["enabled"] = False
    assert [s["call"][0] for s in evacuation.power_steps("reboot", r("h2"), host, [], False, False)] == ["Async.host.reboot"]
    last = evacuation.power_steps("reboot", r("h1"), c.get("host", r("h1")), [], False, True)[-1]
    assert last == {"call": ("host.reboot", [r("h1")]), "lost_ok": True}


# ---- host actions -------------------------------------------------------------------------------------
def test_host_actions_say_why_they_are_refused():
    c = cache()
    h1, h3 = c.get("host", r("h1")), c.get("host", r("h3"))
    assert hostpower.action_state(c, r("h1"), h1, "maintenance") == (True, None)
    assert hostpower.action_state(c, r("h1"), h1, "enable") == (False, "adm.why.enabled")
    assert hostpower.action_state(c, r("h1"), h1, "power_on") == (False, "adm.why.live")
    assert hostpower.action_state(c, r("h3"), h3, "reboot") == (False, "adm.why.down")
    assert hostpower.action_state(c, r("h3"), h3, "power_on") == (False, "adm.why.no_power_on")
    h3["power_on_mode"] = "wake-on-lan"
    assert hostpower.action_state(c, r("h3"), h3, "power_on") == (True, None)
    h1["enabled"] = False
    assert hostpower.action_state(c, r("h1"), h1, "maintenance") == (False, "adm.why.in_maintenance")
    h1["current_operations"] = {r("t9"): "shutdown"}
    c.load("task", {r("t9"): {"uuid": "t9", "name_label": "Host is rebooting", "status": "success"}})
    assert hostpower.action_state(c, r("h1"), h1, "enable") == (False, "adm.why.going_down")


# ---- networks ------------------------------------------------------------------------------------------
def test_network_kinds():
    c = cache()
    kinds = [netadmin.kind(c, c.get("network", r(n))) for n in ("net0", "vlan20", "private", "xapi")]
    assert kinds == ["physical", "vlan", "internal", "system"]


def test_vlan_bases_are_untagged_interfaces_with_the_tags_already_on_them():
    bases = netadmin.vlan_bases(cache())
    assert [(b["device"], b["pif"], b["tags"]) for b in bases] == [("eth0", r("h1eth0"), []),
                                                                   ("eth1", r("h1eth1"), [20])]


def form(**values):
    base = {"kind": "vlan", "name": "VLAN 30", "description": "", "mtu": "1500", "base": r("net1"), "tag": "30",
            "members": [], "mode": "active-backup", "hashing": "tcpudp_ports"}
    base.update(values)
    return base


def test_vlan_checks_name_tag_base_and_mtu_before_any_call():
    c = cache()
    assert netadmin.create_errors(c, form()) == {}
    assert netadmin.create_errors(c, form(tag="20")) == {"tag": ("adm.valid.tag_used", {"tag": 20, "device": "eth1"})}
    assert netadmin.create_errors(c, form(tag="4095"))["tag"][0] == "adm.valid.tag"
    assert netadmin.create_errors(c, form(tag="-3"))["tag"][0] == "adm.valid.tag"
    assert netadmin.create_errors(c, form(base=r("vlan20")))["base"][0] == "adm.valid.base"
    errors = netadmin.create_errors(c, form(name="  ", mtu="67"))
    assert errors["mtu"] == ("adm.valid.mtu", {"low": 68, "high": 9216}) and "name" in errors


def test_bond_checks_members_on_every_live_host_and_one_ip_at_most():
    c = cache()
    assert netadmin.create_errors(c, form(kind="bond", members=["eth1"])) == {"members": ("adm.valid.members", {})}
    assert netadmin.create_errors(c, form(kind="bond", members=["eth0", "eth1"])) == {}
    assert netadmin.create_errors(c, form(kind="bond", members=["eth0", "eth1"], mode="roundrobin"))["mode"]
    assert netadmin.create_errors(c, form(kind="bond", members=["eth0", "eth1"], mode="lacp", hashing="x"))["hashing"]
    c.records["PIF"][r("h2eth1")]["ip_configuration_mode"] = "DHCP"
    assert netadmin.create_errors(c, form(kind="bond", members=["eth0", "eth1"])) == {
        "members": ("adm.valid.two_ips", {"host": "h2", "devices": "eth0, eth1"})}
    c.records["PIF"][r("h2eth1")]["bond_slave_of"] = r("bond-x")
    assert netadmin.create_errors(c, form(kind="bond", members=["eth0", "eth1"]))["members"] == (
        "adm.valid.member_unusable", {"device": "eth1", "hosts": "h2"})


def resolved(job):
    return [step["call"](job.results) if callable(step["call"]) else step["call"] for step in job.steps]


def test_a_vlan_is_one_network_then_one_pool_call_undone_by_destroying_the_network():
    c = cache()
    job = netadmin.create_job(c, form(), "Create network VLAN 30")
    job.results["network"] = r("new")
    calls = resolved(job)
    assert calls[0] == ("network.create", [{"name_label": "VLAN 30", "name_description": "", "MTU": 1500,
                                            "other_config": {"automatic": "false"}, "tags": []}])
    assert calls[1] == ("Async.pool.create_VLAN_from_PIF", [r("h1eth1"), r("new"), 30])
    assert job.steps[0]["undo"](r("new"), job.results) == ("network.destroy", [r("new")])


def test_a_bond_is_made_host_by_host_the_master_last_each_undone():
    c = cache()
    job = netadmin.create_job(c, form(kind="bond", members=["eth0", "eth1"], mode="lacp", hashing="src_mac"), "t")
    job.results["network"] = r("new")
    calls = resolved(job)
    props = {"hashing_algorithm": "src_mac"}
    assert calls[1:] == [("Async.Bond.create", [r("new"), [r("h2eth0"), r("h2eth1")], "", "lacp", props]),
                         ("Async.Bond.create", [r("new"), [r("h1eth0"), r("h1eth1")], "", "lacp", props])]
    assert job.steps[1]["undo"](r("bond-2"), job.results) == ("Async.Bond.destroy", [r("bond-2")])


def test_deleting_a_vlan_network_takes_its_vlans_down_first_and_can_put_them_back():
    c = cache()
    plan = netadmin.delete_plan(c, r("vlan20"), [])
    assert plan["blocked"] is None and plan["vlans"] == [("h1", "eth1", 20), ("h2", "eth1", 20)]
    calls = [step["call"] for step in plan["steps"]]
    assert calls == [("Async.VLAN.destroy", [r("vl-h1")]), ("Async.VLAN.destroy", [r("vl-h2")]),
                     ("network.destroy", [r("vlan20")])]
    assert plan["steps"][0]["undo"](None, {}) == ("Async.VLAN.create", [r("h1eth1"), 20, r("vlan20")])


def test_deleting_a_network_in_use_is_refused_with_the_nics_and_halted_vms_nics_are_named():
    c = cache()
    c.load("VM", {r("halted"): {"uuid": "h", "name_label": "old-01", "power_state": "Halted"},
                  r("a"): {"uuid": "a", "name_label": "web-01", "power_state": "Running"}})
    running = (r("vif1"), {"VM": r("a"), "device": "1", "currently_attached": True})
    halted = (r("vif2"), {"VM": r("halted"), "device": "0", "currently_attached": False})
    plan = netadmin.delete_plan(c, r("private"), [running, halted])
    assert plan["blocked"] == ("adm.netdel.blocked.in_use", {"count": 1})
    assert plan["attached"] == [("web-01", ["1"])] and plan["steps"] == []
    plan = netadmin.delete_plan(c, r("private"), [halted])
    assert plan["blocked"] is None and plan["removed"] == [("old-01", ["0"])]
    assert [s["call"] for s in plan["steps"]] == [("network.destroy", [r("private")])]
    assert netadmin.delete_plan(c, r("net0"), [])["blocked"] == ("adm.netdel.blocked.physical", {})
    assert netadmin.delete_plan(c, r("xapi"), [])["blocked"] == ("adm.netdel.blocked.system", {})


# ---- interfaces and IP configuration -------------------------------------------------------------------
def test_interface_rows_show_link_bond_and_vlan():
    c = cache()
    rows = pifconfig.rows(c, c.get("host", r("h1")))
    assert [(row["device"], row["vlan"], row["management"]) for row in rows] == [
        ("eth0", -1, True), ("eth1", -1, False), ("eth1", 20, False)]
    assert rows[0]["link"] == {"carrier": True, "speed": 10000, "duplex": True}
    assert rows[1]["link"]["carrier"] is False and rows[2]["link"] == rows[1]["link"]  # a VLAN: its base's link


def ip_form(**values):
    base = {"mode": "Static", "ip": "192.0.2.10", "netmask": "24", "gateway": "192.0.2.1", "dns": "192.0.2.53, 9.9.9.9"}
    base.update(values)
    return base


def test_a_static_configuration_is_checked_and_normalised():
    pif = cache().get("PIF", r("h2eth1"))
    assert pifconfig.ip_config(r("p"), pif, ip_form()) == ({}, ("Async.PIF.reconfigure_ip", [
        r("p"), "Static", "192.0.2.10", "255.255.255.0", "192.0.2.1", "192.0.2.53,9.9.9.9"]))
    assert pifconfig.ip_config(r("p"), pif, ip_form(netmask="255.255.0.0", gateway=""))[1][1][3:5] == ["255.255.0.0", ""]
    errors = pifconfig.ip_config(r("p"), pif, ip_form(ip="192.0.2.300", netmask="255.0.255.0", dns="x"))[0]
    assert errors == {"ip": ("adm.valid.ip", {}), "netmask": ("adm.valid.netmask", {}), "dns": ("adm.valid.dns", {})}
    assert pifconfig.ip_config(r("p"), pif, ip_form(gateway="198.51.100.1"))[0] == {
        "gateway": ("adm.valid.gateway_subnet", {})}
    assert pifconfig.ip_config(r("p"), pif, ip_form(ip="192.0.2.255"))[0] == {"ip": ("adm.valid.ip_edge", {})}


def test_dhcp_none_and_the_management_interface():
    c = cache()
    assert pifconfig.ip_config(r("p"), c.get("PIF", r("h2eth1")), {"mode": "DHCP"}) == (
        {}, ("Async.PIF.reconfigure_ip", [r("p"), "DHCP", "", "", "", ""]))
    management = c.get("PIF", r("h1eth0"))
    assert pifconfig.ip_config(r("p"), management, {"mode": "None"})[0] == {"mode": ("adm.valid.ip_none_management", {})}
    assert pifconfig.ip_config(r("p"), management, {"mode": "Manual"})[0] == {"mode": ("adm.valid.ip_mode", {})}
    assert pifconfig.confirm_error(" h1 ", "h1") is None
    assert pifconfig.confirm_error("H1", "h1") == ("adm.valid.confirm", {"name": "h1"})
    assert pifconfig.initial(management)["ip"] == "192.0.2.1"


# ---- edits ---------------------------------------------------------------------------------------------
def test_host_edit_sends_only_what_changed_syslog_through_logging_then_reconfigure():
    host = {"name_label": "h1", "name_description": "", "tags": ["rack1"], "logging": {"other": "x"}}
    values = {"name": "h1", "description": "", "tags": ["rack1"], "syslog": ""}
    assert admin_edit.edit_calls("host", r("h1"), host, values) == ({}, [])
    values.update({"syslog": "logs.example.org:514", "tags": ["rack2"]})
    assert admin_edit.edit_calls("host", r("h1"), host, values) == ({}, [
        ("host.remove_tags", [r("h1"), "rack1"]), ("host.add_tags", [r("h1"), "rack2"]),
        ("host.set_logging", [r("h1"), {"other": "x", "syslog_destination": "logs.example.org:514"}]),
        ("host.syslog_reconfigure", [r("h1")])])
    for bad in ("-bad-.org", "host:99999", "a b"):
        values["syslog"] = bad
        assert admin_edit.edit_calls("host", r("h1"), host, values)[0] == {"syslog": ("adm.valid.syslog", {})}


def test_network_and_pool_edits():
    net = {"name_label": "n", "name_description": "", "tags": [], "MTU": 1500}
    assert admin_edit.edit_calls("network", r("n"), net, {"name": "n", "mtu": "9000"}) == (
        {}, [("network.set_MTU", [r("n"), 9000])])
    assert admin_edit.edit_calls("network", r("n"), net, {"name": "n", "mtu": "99999"})[0]["mtu"][0] == "adm.valid.mtu"
    pool = {"name_label": "Lab", "name_description": "", "tags": [], "default_SR": r("sr1")}
    assert admin_edit.edit_calls("pool", r("pool"), pool, {"name": "Lab 2", "sr": r("sr2")}) == ({}, [
        ("pool.set_name_label", [r("pool"), "Lab 2"]), ("pool.set_default_SR", [r("pool"), r("sr2")])])
    assert admin_edit.edit_calls("pool", r("pool"), pool, {"name": "Lab", "tags": ["a", "a"], "sr": r("sr1")})[0] == {
        "tags": ("adm.valid.tag_duplicate", {"tag": "a"})}


def test_mtu_pending_counts_plugged_interfaces_at_another_mtu():
    c = cache()
    net = c.get("network", r("net1"))   # 9000; its PIFs run at 1500
    vifs = [(r("v1"), {"currently_attached": True, "MTU": 1500}), (r("v2"), {"currently_attached": False, "MTU": 1500})]
    assert admin_edit.mtu_pending(c, net, vifs) == 3


# ---- updates -------------------------------------------------------------------------------------------
CHECK = json.dumps([
    {"name": "xen-hypervisor", "version": "4.17.5", "release": "5.xcpng8.3", "description": "Xen",
     "changelog": {"date": 1735689600, "author": "x", "description": "XSA-466"}, "url": "", "size": 1235968,
     "license": "GPLv2"},
    {"name": "sm", "version": "3.2.12", "release": "3.3.xcpng8.3", "description": "sm", "changelog": None,
     "url": "", "size": 831488, "license": "LGPL"}])


def test_check_update_answers_become_packages_with_their_reboot_need():
    packages = updates.parse_check(CHECK)
    assert [(p["name"], p["version"], p["release"], p["reboot"]) for p in packages] == [
        ("sm", "3.2.12", "3.3.xcpng8.3", False), ("xen-hypervisor", "4.17.5", "5.xcpng8.3", True)]
    assert packages[1]["changes"] == "XSA-466" and packages[1]["size"] == 1235968
    assert updates.parse_check("[]") == []
    for bad in ("{}", "[1]", "not json"):
        try:
            updates.parse_check(bad)
            assert False, bad
        except ValueError:
            pass
    assert [updates.needs_reboot(n) for n in ("kernel", "microcode_ctl", "xen-libs", "xapi-core")] == [
        True, True, True, False]


def test_an_update_answer_with_a_failing_command_is_a_failure():
    updates.check_result(json.dumps({"stdout": "", "stderr": "", "command": "yum update", "returncode": 0}))
    try:
        updates.check_result(json.dumps({"stdout": "", "stderr": "Error: no space", "returncode": 1}))
        assert False, "a failing command raises"
    except XapiError as error:
        assert error.code == "UPDATE_FAILED" and error.params == ["Error: no space"]


def test_reboot_flag_install_order_and_the_recorded_time():
    c = cache()
    host = c.get("host", r("h2"))
    assert not updates.reboot_required(host)
    host["other_config"] = {"boot_time": "1735689600.", "rpm_patch_installation_time": "1735700000"}
    assert updates.reboot_required(host)
    host["other_config"]["boot_time"] = "1735800000."
    assert not updates.reboot_required(host)
    assert [ref for ref, _h in updates.install_order(c)] == [r("h1"), r("h2")]   # master first, h3 is down
    steps = updates.install_steps(r("h2"))
    assert steps[0]["call"] == ("Async.host.call_plugin", [r("h2"), "updater.py", "update", {}])
    results = {"time:" + r("h2"): "20250101T00:00:10Z"}
    assert steps[-1]["call"](results) == ("host.add_to_other_config", [r("h2"), "rpm_patch_installation_time",
                                                                       "1735689610"])
