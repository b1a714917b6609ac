"""A host's life as an administrator leads it, in the browser, read back through the XenAPI SDK: the IP
configuration of an interface (typed confirmation for the management one), maintenance mode with its plan
(a VM that moves, one that cannot) and back, a member's reboot, the syslog destination, and the master's
reboot after which the console signs in again by itself."""
import re

from actions_harness import FAST, Pool, Session, wait_for
from harness import RESULTS

import pytest

WAIT = 20000


@pytest.fixture(scope="module")
def pool(start_sim):
    return start_sim(hosts=2, vms=6, seed=1, extra=FAST)


@pytest.fixture(scope="module")
def sdk(pool):
    found = Pool(pool)
    yield found
    found.close()


@pytest.fixture(scope="module")
def app(browser, cdn, pool):
    session = Session(browser, cdn, pool)
    yield session
    session.close()


def member_of(sdk):
    master = sdk.x.pool.get_master(sdk.x.pool.get_all()[0])
    return [h for h in sdk.x.host.get_all() if h != master][0], master


def open_host(app, sdk, ref):
    app.goto("#/host/" + sdk.x.host.get_uuid(ref))
    app.page.get_by_role("toolbar", name="Host actions").wait_for(timeout=WAIT)
    return app.page


def host_button(page, label):
    return page.get_by_role("toolbar", name="Host actions").get_by_role("button", name=label, exact=True)


def test_a_static_address_on_a_plain_interface_and_the_checks_before_it(app, sdk):
    member, _ = member_of(sdk)
    name = sdk.x.host.get_name_label(member)
    eth1 = [p for p in sdk.x.host.get_PIFs(member) if sdk.x.PIF.get_device(p) == "eth1"
            and sdk.x.PIF.get_VLAN(p) == "-1"][0]
    page = open_host(app, sdk, member)
    page.get_by_role("button", name="Configure the IP of eth1 on " + name).first.click()
    dialog = page.get_by_role("dialog", name="IP configuration of eth1")
    dialog.get_by_role("radio", name="Static", exact=True).check()
    dialog.get_by_label("IP address").fill("198.51.100.7")
    dialog.get_by_label("Netmask").fill("24")
    dialog.get_by_label("Gateway").fill("192.0.2.1")
    dialog.get_by_role("button", name="Save").click()
    dialog.get_by_text("The gateway must be in the interface's subnet.").wait_for(timeout=WAIT)
    assert sdk.x.PIF.get_ip_configuration_mode(eth1) == "None"
    dialog.get_by_label("Gateway").fill("198.51.100.1")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    record = sdk.x.PIF.get_record(eth1)
    assert (record["ip_configuration_mode"], record["IP"], record["netmask"], record["gateway"]) == (
        "Static", "198.51.100.7", "255.255.255.0", "198.51.100.1")
    page.get_by_role("row").filter(has_text="Static: 198.51.100.7 / 255.255.255.0").first.wait_for(timeout=WAIT)


def test_the_management_interface_asks_for_the_host_name_typed(app, sdk):
    member, _ = member_of(sdk)
    name = sdk.x.host.get_name_label(member)
    eth0 = [p for p in sdk.x.host.get_PIFs(member) if sdk.x.PIF.get_management(p)][0]
    page = open_host(app, sdk, member)
    page.get_by_role("button", name="Configure the IP of eth0 on " + name).click()
    dialog = page.get_by_role("dialog", name="IP configuration of eth0")
    dialog.get_by_text(re.compile("This is the management interface of " + name)).wait_for(timeout=WAIT)
    assert dialog.get_by_role("radio", name="None", exact=True).is_disabled()
    dialog.get_by_role("radio", name="DHCP", exact=True).check()
    dialog.get_by_label(re.compile("Type the host's name")).fill(name + "x")
    dialog.get_by_role("button", name="Save").click()
    dialog.get_by_text("Type the host's name, %s, exactly." % name).wait_for(timeout=WAIT)
    assert sdk.x.PIF.get_ip_configuration_mode(eth0) == "Static"
    dialog.get_by_label(re.compile("Type the host's name")).fill(name)
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    assert sdk.x.PIF.get_ip_configuration_mode(eth0) == "DHCP"
    # the host's address followed its management interface's new lease
    assert sdk.x.host.get_address(member) == sdk.x.PIF.get_IP(eth0)


def test_maintenance_shows_the_plan_moves_what_can_move_stops_what_cannot_then_ends(app, sdk):
    member, master = member_of(sdk)
    master_name = sdk.x.host.get_name_label(master)
    resident = [v for v in sdk.x.host.get_resident_VMs(member) if not sdk.x.VM.get_is_control_domain(v)]
    assert len(resident) >= 2
    stuck = resident[0]
    sdk.x.VM.set_blocked_operations(stuck, {"pool_migrate": "pinned to this host"})   # XAPI's OPERATION_BLOCKED
    page = open_host(app, sdk, member)
    host_button(page, "Maintenance mode").click()
    dialog = page.get_by_role("dialog", name="Maintenance mode")
    plan = dialog.get_by_role("list", name="Where the VMs go (expected):")
    plan.wait_for(timeout=WAIT)
    stuck_name = sdk.x.VM.get_name_label(stuck)
    movers = [sdk.x.VM.get_name_label(v) for v in resident[1:]]
    plan.get_by_text(re.compile(re.escape(stuck_name) + " cannot move: .*pinned to this host")).wait_for(timeout=WAIT)
    for vm in movers:
        plan.get_by_text("%s \u2192 %s" % (vm, master_name)).wait_for(timeout=WAIT)
    page.screenshot(path=str(RESULTS / "admin-host-maintenance-plan.png"))
    dialog.get_by_role("button", name="Enter maintenance mode").click()
    dialog.get_by_text(re.compile("(Some VMs|One VM) cannot move.*: tick the box")).wait_for(timeout=WAIT)
    assert sdk.x.host.get_enabled(member) is True
    dialog.get_by_role("checkbox", name=re.compile("Shut down the VMs that cannot move")).check()
    dialog.get_by_role("button", name="Enter maintenance mode").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    assert sdk.x.host.get_enabled(member) is False
    assert sdk.x.VM.get_power_state(stuck) == "Halted"
    assert all(sdk.x.VM.get_resident_on(sdk.vm(vm)) == master for vm in movers)
    page.locator(".xl-page-host .xl-badge", has_text="Maintenance mode").wait_for(timeout=WAIT)
    assert host_button(page, "Maintenance mode").count() == 0
    host_button(page, "Leave maintenance").click()
    wait_for(lambda: sdk.x.host.get_enabled(member), what="the host enabled again")
    host_button(page, "Maintenance mode").wait_for(timeout=WAIT)
    sdk.x.VM.set_blocked_operations(stuck, {})


def test_a_member_reboots_and_comes_back(app, sdk):
    member, _ = member_of(sdk)
    name = sdk.x.host.get_name_label(member)
    boot_before = sdk.x.host.get_other_config(member).get("boot_time")
    page = open_host(app, sdk, member)
    host_button(page, "Reboot").click()
    dialog = page.get_by_role("dialog", name="Reboot host")
    dialog.get_by_role("button", name="Reboot", exact=True).wait_for(timeout=WAIT)
    dialog.get_by_text(re.compile("it enters maintenance mode first")).wait_for(timeout=WAIT)
    dialog.get_by_role("button", name="Reboot", exact=True).click()
    dialog.wait_for(state="detached", timeout=WAIT)
    tasks = [sdk.x.task.get_record(t) for t in sdk.x.task.get_by_name_label("Reboot " + name)]
    assert [t["status"] for t in tasks] == ["success"]
    wait_for(lambda: sdk.x.host.get_other_config(member).get("boot_time") != boot_before, timeout=60,
             what="the member booted again")
    wait_for(lambda: sdk.x.host_metrics.get_live(sdk.x.host.get_metrics(member)), timeout=60, what="live")
    page.locator(".xl-page-host .xl-badge", has_text="Enabled").wait_for(timeout=WAIT * 3)


def test_the_syslog_destination_is_set_and_applied(app, sdk):
    member, _ = member_of(sdk)
    page = open_host(app, sdk, member)
    host_button(page, "Edit").click()
    dialog = page.get_by_role("dialog", name="Edit host")
    dialog.get_by_label("Remote syslog server").fill("logs example")
    dialog.get_by_role("button", name="Save").click()
    dialog.get_by_text("Type a host name or an IPv4 address, with an optional :port.").wait_for(timeout=WAIT)
    dialog.get_by_label("Remote syslog server").fill("logs.example.org:514")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    assert sdk.x.host.get_logging(member).get("syslog_destination") == "logs.example.org:514"
    page.get_by_text("logs.example.org:514").wait_for(timeout=WAIT)


def test_the_masters_reboot_ends_the_session_and_the_console_signs_in_again(app, sdk, pool):
    _, master = member_of(sdk)
    app.guard.expect_console_error("ERR_CONNECTION_REFUSED")   # the master is down for a while: that is the test
    page = open_host(app, sdk, master)
    host_button(page, "Reboot").click()
    dialog = page.get_by_role("dialog", name="Reboot host")
    dialog.get_by_role("button", name="Reboot", exact=True).wait_for(timeout=WAIT)
    dialog.get_by_text(re.compile("is the pool master: every console loses its connection")).wait_for(timeout=WAIT)
    assert page.locator("#f-password").get_attribute("value") is None   # never written into the page
    dialog.get_by_label("Your password, to sign in again when the master is back").fill(pool.password)
    stuck = dialog.get_by_role("checkbox", name=re.compile("Shut down the VMs that cannot move"))
    if stuck.count():
        stuck.check()
    dialog.get_by_role("button", name="Reboot", exact=True).click()
    # the console loses the pool, says why, then comes back by itself on the same page
    page.get_by_text(re.compile("signing in again when it is back")).wait_for(timeout=WAIT * 3)
    page.get_by_role("toolbar", name="Host actions").wait_for(timeout=WAIT * 6)
    fresh = Pool(pool)   # the SDK's session ended with the reboot too
    try:
        assert fresh.x.host_metrics.get_live(fresh.x.host.get_metrics(master))
        page.get_by_role("heading", name=fresh.x.host.get_name_label(master)).wait_for(timeout=WAIT)
    finally:
        fresh.close()
    assert page.locator("#xl-password").is_hidden()
