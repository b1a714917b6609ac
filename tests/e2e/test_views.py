"""The pages in a real browser against xapi_sim: dashboard figures equal the simulator's inventory (read
through the XenAPI SDK), every page shows its data, deep links and back/forward work. (Layout at 375 px,
themes and axe on every route: test_route_sweep.py.)"""
import re

import time

import pytest
import XenAPI
from playwright.sync_api import expect


WAIT = 15000


def sign_in(page, sim, guard, route=""):
    """Open the pool (at `route`), log in, and return once the app shows a page heading."""
    guard.allow_sim(sim)
    page.goto(sim.url + route)
    page.locator("form[data-ready='1']").wait_for(timeout=WAIT)
    page.get_by_label("Password").fill(sim.password)
    page.get_by_role("button", name="Log in").click()
    page.locator("h1.xl-page-title").first.wait_for(timeout=WAIT)
    return page


@pytest.fixture(scope="module")
def xapi(sim):
    session = XenAPI.Session(sim.url)
    session.xenapi.login_with_password("root", sim.password)
    yield session.xenapi
    session.xenapi.session.logout()


def is_guest(vm):
    return not (vm["is_a_template"] or vm["is_a_snapshot"] or vm["is_control_domain"])


def percent(part, whole):
    return max(0, min(100, int(100.0 * part / whole + 0.5))) if whole > 0 else 0


def inventory(xapi):
    """The dashboard's figures computed from the SDK's records (XML-RPC sends int64 as strings)."""
    hosts, vms = xapi.host.get_all_records(), xapi.VM.get_all_records()
    metrics, vm_metrics = xapi.host_metrics.get_all_records(), xapi.VM_metrics.get_all_records()
    guests = [vm for vm in vms.values() if is_guest(vm)]
    live = [vm for vm in guests if vm["power_state"] in ("Running", "Paused")]
    memory = {}
    for host in hosts.values():
        used = int(host["memory_overhead"]) + sum(int(vm_metrics[vms[r]["metrics"]]["memory_actual"])
                                                  for r in host["resident_VMs"])
        memory[host["name_label"]] = percent(used, int(metrics[host["metrics"]]["memory_total"]))
    return {"hosts": "%d / %d" % (len([h for h in hosts.values() if metrics[h["metrics"]]["live"]]), len(hosts)),
            "vms": "%d / %d" % (len([vm for vm in guests if vm["power_state"] == "Running"]), len(guests)),
            "vcpus": sum(int(vm_metrics[vm["metrics"]]["VCPUs_number"]) for vm in live),
            "cpus": sum(int(h["cpu_info"]["cpu_count"]) for h in hosts.values()), "memory": memory}


def sr_meters(xapi):
    """{accessible name of the SR's meter: percent used} for SRs with capacity."""
    hosts, pbds = xapi.host.get_all_records(), xapi.PBD.get_all_records()
    out = {}
    for sr in xapi.SR.get_all_records().values():
        size = int(sr["physical_size"])
        if sr["type"] == "udev" or size <= 0:
            continue
        label = sr["name_label"]
        if not sr["shared"] and sr["PBDs"]:
            label += " (" + hosts[pbds[sr["PBDs"][0]]["host"]]["name_label"] + ")"
        out["Space used on " + label] = percent(int(sr["physical_utilisation"]), size)
    return out


def stat(page, name):
    return page.get_by_role("group", name=name).locator("[data-stat]").inner_text()


def test_dashboard_figures_equal_the_simulators_inventory(guard, app_page, sim, xapi):
    page = sign_in(app_page, sim, guard)
    expected = inventory(xapi)
    page.get_by_role("group", name="Hosts up").wait_for(timeout=WAIT)
    assert stat(page, "Hosts up") == expected["hosts"]
    assert stat(page, "VMs running") == expected["vms"]
    cpu = page.get_by_role("meter", name="CPU provisioning")
    assert cpu.get_attribute("aria-valuetext").startswith(
        "%d vCPUs of running VMs on %d physical CPUs" % (expected["vcpus"], expected["cpus"]))
    for host, pct in expected["memory"].items():
        assert page.get_by_role("meter", name="Memory used on " + host).get_attribute("aria-valuenow") == str(pct)
    for name, pct in sr_meters(xapi).items():
        assert page.get_by_role("meter", name=name).get_attribute("aria-valuenow") == str(pct), name
    alarms = [m for m in xapi.message.get_all_records().values() if int(m["priority"]) <= 3]
    card = page.get_by_role("region", name="Latest alarms")
    assert card.locator(".xl-card-aside").inner_text() == str(len(alarms))
    assert re.match(r"Dashboard\b", page.title())


def find_vm(xapi, predicate):
    for ref, vm in sorted(xapi.VM.get_all_records().items(), key=lambda pair: pair[1]["name_label"]):
        if is_guest(vm) and predicate(vm):
            return ref, vm
    raise AssertionError("no such VM in the pool")


def test_deep_link_to_a_vm_page_works_after_login(guard, app_page, sim, xapi):
    ref, vm = find_vm(xapi, lambda vm: vm["power_state"] == "Running")
    page = sign_in(app_page, sim, guard, "#/vm/" + vm["uuid"])
    heading = page.get_by_role("heading", level=1, name=vm["name_label"])
    heading.wait_for(timeout=WAIT)
    assert page.url.endswith("#/vm/" + vm["uuid"])
    assert page.title().startswith(vm["name_label"])
    overview = page.get_by_role("region", name="Overview")
    host = xapi.host.get_name_label(vm["resident_on"])
    assert host in overview.inner_text() and "Running" in overview.inner_text()
    ip = xapi.VM_guest_metrics.get_networks(vm["guest_metrics"]).get("0/ip")
    if ip:
        assert ip in overview.inner_text()
    disks = page.get_by_role("region", name="Disks")  # its devices arrive one by one after the page shows
    for vbd in vm["VBDs"]:
        if xapi.VBD.get_type(vbd) == "Disk":
            expect(disks).to_contain_text(xapi.VDI.get_name_label(xapi.VBD.get_VDI(vbd)), timeout=WAIT)
    nics = page.get_by_role("region", name="Network interfaces")
    for vif in vm["VIFs"]:
        expect(nics).to_contain_text(xapi.VIF.get_MAC(vif), timeout=WAIT)


def test_host_storage_and_network_pages_show_their_data(guard, app_page, sim, xapi):
    page = sign_in(app_page, sim, guard)
    master = xapi.pool.get_master(xapi.pool.get_all()[0])
    host = xapi.host.get_record(master)
    page.get_by_role("region", name="Status").get_by_role("link", name=host["name_label"]).click()
    page.get_by_role("heading", level=1, name=host["name_label"]).wait_for(timeout=WAIT)
    overview = page.get_by_role("region", name="Overview").inner_text()
    assert host["address"] in overview and host["cpu_info"]["modelname"] in overview
    # The page's clock must be the real one (MicroPython's FFI truncates Date.now() as an int).
    days = int((time.time() - float(host["other_config"]["boot_time"])) // 86400)
    uptime = page.get_by_role("region", name="Overview").get_by_text("Uptime").locator("xpath=..")
    assert ("%d d" % days) in uptime.inner_text() or ("%d d" % (days + 1)) in uptime.inner_text()
    assert "Pool master" in page.locator(".xl-page-head").inner_text()
    pifs = page.get_by_role("region", name="Physical interfaces").inner_text()
    for pif in host["PIFs"]:
        assert xapi.PIF.get_device(pif) in pifs and xapi.PIF.get_MAC(pif) in pifs

    page.goto(sim.url + "#/storage")
    page.get_by_role("heading", level=1, name="Storage").wait_for(timeout=WAIT)
    srs = xapi.SR.get_all_records()
    nfs = [sr for sr in srs.values() if sr["type"] == "nfs"][0]
    page.get_by_role("link", name=nfs["name_label"]).click()
    page.get_by_role("heading", level=1, name=nfs["name_label"]).wait_for(timeout=WAIT)
    vdis = page.get_by_role("region", name="Virtual disks")  # its disks' users load with the page
    some = [xapi.VDI.get_name_label(v) for v in nfs["VDIs"]][:3]
    assert some
    for name in some:
        expect(vdis).to_contain_text(name, timeout=WAIT)

    page.goto(sim.url + "#/networks")
    page.get_by_role("heading", level=1, name="Networks").wait_for(timeout=WAIT)
    vlan = [n for n in xapi.network.get_all_records().values() if "VLAN" in n["name_label"]][0]
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=vlan["name_label"]))
    assert "20" in row.inner_text() and str(vlan["MTU"]) in row.inner_text()
    row.get_by_role("link", name=vlan["name_label"]).click()
    page.get_by_role("heading", level=1, name=vlan["name_label"]).wait_for(timeout=WAIT)
    rows = page.get_by_role("region", name="Physical interfaces").get_by_role("row")
    expect(rows).to_have_count(1 + len(vlan["PIFs"]))
    for i in range(1 + len(vlan["PIFs"])):
        expect(rows.nth(i)).to_be_visible()


def test_vm_list_search_sort_and_back_forward(guard, app_page, sim, xapi):
    page = sign_in(app_page, sim, guard)
    page.get_by_role("link", name="VMs", exact=True).first.click()
    page.get_by_role("heading", level=1, name="VMs").wait_for(timeout=WAIT)
    guests = sorted(vm["name_label"] for vm in xapi.VM.get_all_records().values() if is_guest(vm))
    status = page.get_by_role("status").filter(has_text=" VMs")
    assert status.inner_text() == "%d of %d VMs" % (len(guests), len(guests))
    names = page.locator("tr.xl-row td.xl-col-name")
    assert names.all_inner_texts() == guests
    page.get_by_role("button", name="Name").click()
    page.locator("th[aria-sort=descending]").wait_for(timeout=WAIT)
    assert names.all_inner_texts() == list(reversed(guests))
    page.get_by_role("searchbox", name="Search VMs").fill(guests[0])
    page.wait_for_function("() => document.querySelectorAll('tr.xl-row').length === 1", timeout=WAIT)
    assert names.all_inner_texts() == [guests[0]]
    page.get_by_role("table", name="VMs").get_by_role("link", name=guests[0]).click()
    page.get_by_role("heading", level=1, name=guests[0]).wait_for(timeout=WAIT)
    page.go_back()
    page.get_by_role("heading", level=1, name="VMs").wait_for(timeout=WAIT)
    assert page.url.endswith("#/vms")
    page.go_back()
    page.get_by_role("group", name="Hosts up").wait_for(timeout=WAIT)
    page.go_forward()
    page.get_by_role("heading", level=1, name="VMs").wait_for(timeout=WAIT)
    page.go_forward()
    page.get_by_role("heading", level=1, name=guests[0]).wait_for(timeout=WAIT)


def test_power_filter_and_a_rename_through_the_sdk(guard, app_page, sim, xapi):
    ref, vm = find_vm(xapi, lambda vm: vm["power_state"] == "Halted")
    page = sign_in(app_page, sim, guard, "#/vms")
    page.get_by_role("combobox", name="Filter by power state").select_option("Halted")
    page.wait_for_function("() => [...document.querySelectorAll('tr.xl-row')].every(r => /Halted/.test(r.innerText))",
                           timeout=WAIT)
    table = page.get_by_role("table", name="VMs")
    new_name = vm["name_label"] + "-renamed"
    xapi.VM.set_name_label(ref, new_name)
    try:
        table.get_by_role("link", name=new_name).wait_for(timeout=2000)
    finally:
        xapi.VM.set_name_label(ref, vm["name_label"])
    table.get_by_role("link", name=vm["name_label"], exact=True).wait_for(timeout=2000)
