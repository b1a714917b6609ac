"""Networks as an administrator changes them, in the browser, each outcome read back through the XenAPI SDK:
a VLAN on every host, a step that fails leaving nothing behind, a bond on every host (and one the master
refuses, taken back on the member too), a network in use refused with its NICs listed, edit and delete."""
import re

from actions_harness import FAST, module_fixtures, wait_for
from harness import RESULTS

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)

WAIT = 15000


def open_new(page, kind):
    page.goto(page.url.split("#")[0] + "#/networks")
    page.get_by_role("toolbar", name="Network actions").get_by_role("button", name="New network").click()
    dialog = page.get_by_role("dialog", name="New network")
    dialog.get_by_role("radio", name=kind, exact=True).check()
    return dialog


def network_named(sdk, name):
    found = sdk.x.network.get_by_name_label(name)
    return found[0] if found else None


def host_names(sdk):
    return sorted(h["name_label"] for h in sdk.x.host.get_all_records().values())


def eth1_network(sdk):
    return network_named(sdk, "Pool-wide network associated with eth1")


def test_a_vlan_is_made_on_every_host_as_one_task(app, sdk):
    page = app.page
    dialog = open_new(page, "VLAN")
    dialog.get_by_label("Name", exact=True).fill("Backup VLAN 30")
    dialog.get_by_label("Interface", exact=True).select_option(value=eth1_network(sdk))
    dialog.get_by_label("VLAN tag").fill("30")
    dialog.get_by_role("button", name="Create network").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    net = wait_for(lambda: network_named(sdk, "Backup VLAN 30"), what="the VLAN network")
    pifs = [sdk.x.PIF.get_record(p) for p in sdk.x.network.get_PIFs(net)]
    assert sorted((sdk.x.host.get_name_label(p["host"]), p["device"], p["VLAN"]) for p in pifs) == [
        (name, "eth1", "30") for name in host_names(sdk)]
    assert sdk.x.network.get_other_config(net).get("automatic") == "false"
    # one task of the app's own stood for the whole operation, and it succeeded
    tasks = [sdk.x.task.get_record(t) for t in sdk.x.task.get_by_name_label("Create network Backup VLAN 30")]
    assert [t["status"] for t in tasks] == ["success"]
    row = page.get_by_role("row").filter(has_text="Backup VLAN 30")
    assert row.get_by_role("cell").nth(1).inner_text() == "VLAN"
    assert row.get_by_role("cell").nth(2).inner_text() == "30"


def test_a_tag_already_on_the_interface_is_refused_before_any_call(app, sdk):
    page = app.page
    before = len(sdk.x.network.get_all())
    dialog = open_new(page, "VLAN")
    dialog.get_by_label("Name", exact=True).fill("Again 30")
    dialog.get_by_label("Interface", exact=True).select_option(value=eth1_network(sdk))
    dialog.get_by_label("VLAN tag").fill("30")
    dialog.get_by_role("button", name="Create network").click()
    dialog.get_by_text("VLAN 30 already exists on eth1.").wait_for(timeout=WAIT)
    assert dialog.get_by_label("VLAN tag").get_attribute("aria-invalid") == "true"
    assert len(sdk.x.network.get_all()) == before
    page.keyboard.press("Escape")


def test_a_vlan_step_that_fails_leaves_no_network_behind(app, sdk, pool):
    """The pool refuses the VLAN after the network was made (another client made the same tag meanwhile:
    the simulator's latency holds every call long enough for it): the network is destroyed again."""
    page = app.page
    other = sdk.x.network.create({"name_label": "other client", "name_description": "", "MTU": "1500",
                                  "other_config": {}, "tags": []})
    base = [p for p in sdk.x.network.get_PIFs(eth1_network(sdk))][0]
    dialog = open_new(page, "VLAN")
    dialog.get_by_label("Name", exact=True).fill("Raced VLAN 31")
    dialog.get_by_label("Interface", exact=True).select_option(value=eth1_network(sdk))
    dialog.get_by_label("VLAN tag").fill("31")
    pool.fault("latency", seconds=2)
    try:
        dialog.get_by_role("button", name="Create network").click()
        page.locator("[role=dialog][aria-busy=true]").wait_for(timeout=WAIT)
        sdk.x.pool.create_VLAN_from_PIF(base, other, "31")    # lands while the app's calls wait
    finally:
        pool.fault("latency", seconds=0)
    error = dialog.get_by_role("alert")
    error.wait_for(timeout=WAIT * 2)
    assert "This VLAN already exists on eth1." in error.inner_text()
    assert "What was done before that step was undone." in error.inner_text()
    assert network_named(sdk, "Raced VLAN 31") is None
    tasks = [sdk.x.task.get_record(t) for t in sdk.x.task.get_by_name_label("Create network Raced VLAN 31")]
    assert [t["status"] for t in tasks] == ["failure"] and tasks[0]["error_info"][0] == "PIF_VLAN_EXISTS"
    page.keyboard.press("Escape")


def bond_form(page, name):
    dialog = open_new(page, "Bond")
    dialog.get_by_label("Name", exact=True).fill(name)
    dialog.get_by_role("checkbox", name="eth0", exact=True).check()
    dialog.get_by_role("checkbox", name="eth1", exact=True).check()
    dialog.get_by_text(re.compile("The management interface of .* moves onto the bond")).wait_for(timeout=WAIT)
    return dialog


def test_a_bond_the_master_refuses_is_taken_back_on_the_member_too(app, sdk):
    page = app.page
    master = sdk.x.pool.get_master(sdk.x.pool.get_all()[0])
    eth1 = [p for p in sdk.x.host.get_PIFs(master) if sdk.x.PIF.get_device(p) == "eth1"
            and sdk.x.PIF.get_VLAN(p) == "-1"][0]
    sdk.x.PIF.set_property(eth1, "gro", "off")   # eth0 keeps gro=on: XAPI refuses to bond them
    try:
        dialog = bond_form(page, "Refused bond")
        dialog.get_by_role("button", name="Create network").click()
        error = dialog.get_by_role("alert")
        error.wait_for(timeout=WAIT * 2)
        assert "INCOMPATIBLE_PIF_PROPERTIES" in error.inner_text() or "XAPI reported" in error.inner_text()
        assert "was undone" in error.inner_text()
    finally:
        sdk.x.PIF.set_property(eth1, "gro", "on")
    assert network_named(sdk, "Refused bond") is None
    assert sdk.x.Bond.get_all() == []
    managed = [p for p in sdk.x.PIF.get_all_records().values() if p["management"]]
    assert sorted(p["device"] for p in managed) == ["eth0", "eth0"]
    page.keyboard.press("Escape")


def test_a_bond_is_made_on_every_host_with_its_mode(app, sdk):
    page = app.page
    dialog = bond_form(page, "Bond 0+1")
    dialog.get_by_role("radio", name="LACP").check()
    dialog.get_by_label("LACP load balancing").select_option(label="By source MAC address")
    dialog.get_by_role("button", name="Create network").click()
    dialog.wait_for(state="detached", timeout=WAIT * 2)
    net = network_named(sdk, "Bond 0+1")
    bonds = [sdk.x.Bond.get_record(b) for b in sdk.x.Bond.get_all()]
    assert len(bonds) == 2 and {b["mode"] for b in bonds} == {"lacp"}
    assert {b["properties"]["hashing_algorithm"] for b in bonds} == {"src_mac"}
    masters = [sdk.x.PIF.get_record(b["master"]) for b in bonds]
    assert sorted(sdk.x.host.get_name_label(p["host"]) for p in masters) == host_names(sdk)
    assert all(p["network"] == net and p["management"] for p in masters)
    uuid = sdk.x.network.get_uuid(net)
    page.goto(page.url.split("#")[0] + "#/network/" + uuid)
    page.get_by_text("Bond (LACP)").wait_for(timeout=WAIT)


def vif_on(sdk, vm_name, net):
    vm = sdk.vm(vm_name)
    vif = sdk.x.VIF.create({"device": "3", "network": net, "VM": vm, "MAC": "", "MTU": "1500", "other_config": {},
                            "qos_algorithm_type": "", "qos_algorithm_params": {}})
    sdk.x.VIF.plug(vif)
    return vif


def test_a_network_in_use_is_refused_with_its_nics_listed_then_deleted_once_free(app, sdk):
    page = app.page
    net = sdk.x.network.create({"name_label": "Lab private", "name_description": "", "MTU": "1500",
                                "other_config": {}, "tags": []})
    running = next(name for name in ("web-01", "db-01", "api-01")
                   if sdk.x.VM.get_power_state(sdk.vm(name)) == "Running")
    vif = vif_on(sdk, running, net)
    page.goto(page.url.split("#")[0] + "#/network/" + sdk.x.network.get_uuid(net))
    page.get_by_role("toolbar", name="Network actions").get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete network")
    refusal = dialog.get_by_role("alert")
    refusal.wait_for(timeout=WAIT)
    assert "1 NIC of a running VM is connected to it" in refusal.inner_text()
    dialog.get_by_role("list", name="Connected NICs").get_by_text(running + ": 3").wait_for(timeout=WAIT)
    assert dialog.get_by_role("button", name="Delete network").count() == 0
    page.keyboard.press("Escape")
    sdk.x.VIF.unplug(vif)
    page.get_by_role("toolbar", name="Network actions").get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete network")
    # XAPI destroys the network's unplugged NICs with it: the dialog names them first
    dialog.get_by_role("list", name="This goes with it:").get_by_text("the unplugged NICs 3 of " + running).wait_for(timeout=WAIT)
    dialog.get_by_role("button", name="Delete network").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    wait_for(lambda: network_named(sdk, "Lab private") is None, what="the network gone")
    assert vif not in sdk.x.VIF.get_all()
    page.wait_for_url(re.compile("#/networks$"))


def test_a_vlan_network_is_renamed_its_mtu_changed_then_deleted_with_its_vlans(app, sdk):
    page = app.page
    net = network_named(sdk, "Backup VLAN 30")
    page.goto(page.url.split("#")[0] + "#/network/" + sdk.x.network.get_uuid(net))
    page.get_by_role("toolbar", name="Network actions").get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit network")
    dialog.get_by_label("Name", exact=True).fill("Backup (VLAN 30)")
    dialog.get_by_label("MTU").fill("100000")
    dialog.get_by_role("button", name="Save").click()
    dialog.get_by_text("The MTU is a whole number from 68 to 9216.").wait_for(timeout=WAIT)
    assert sdk.x.network.get_name_label(net) == "Backup VLAN 30"
    dialog.get_by_label("MTU").fill("9000")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    assert sdk.x.network.get_name_label(net) == "Backup (VLAN 30)" and sdk.x.network.get_MTU(net) == "9000"
    vlan_pifs = sdk.x.network.get_PIFs(net)
    page.get_by_role("toolbar", name="Network actions").get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete network")
    goes = dialog.get_by_role("list", name="This goes with it:")
    for pif in vlan_pifs:   # on the bond since the bond was made: XAPI moved the VLANs onto it
        record = sdk.x.PIF.get_record(pif)
        line = "VLAN 30 on %s of %s" % (record["device"], sdk.x.host.get_name_label(record["host"]))
        goes.get_by_text(line).wait_for(timeout=WAIT)
    page.screenshot(path=str(RESULTS / "admin-network-delete.png"))
    dialog.get_by_role("button", name="Delete network").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    assert network_named(sdk, "Backup (VLAN 30)") is None
    existing = set(sdk.x.PIF.get_all())
    assert not [p for p in vlan_pifs if p in existing]
