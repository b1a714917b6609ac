"""Power actions and migration from the VM page toolbar, each checked through the XenAPI SDK: start,
start on a chosen host, clean and forced shutdown, clean and forced reboot, suspend and resume, pause
and unpause, migrate with the host picker; refused buttons say why; a task's progress shows."""
from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, power, wait_for

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)


def started_at(sdk, name):
    return sdk.x.VM_metrics.get_start_time(sdk.record(name)["metrics"]).value


def press(page, label):
    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name=label, exact=True).click()


def test_refused_buttons_are_disabled_with_the_reason(app, sdk):
    page = app.open_vm(sdk, "web-01")  # running, without guest tools
    toolbar = page.get_by_role("toolbar", name="VM actions")
    start = toolbar.get_by_role("button", name="Start", exact=True)
    expect(start).to_be_disabled()
    expect(start).to_have_accessible_description("The VM is running")
    shutdown = toolbar.get_by_role("button", name="Shut down", exact=True)
    expect(shutdown).to_have_attribute("title", "The guest has no PV tools for a clean shutdown")
    expect(toolbar.get_by_role("button", name="Force shutdown", exact=True)).to_be_enabled()
    shutdown.click(force=True)  # a refused action does nothing but say why
    expect(page.get_by_role("status").filter(has_text="no PV tools")).to_be_visible()
    assert power(sdk, "web-01") == "Running"


def test_start_then_force_shutdown(app, sdk):
    page = app.open_vm(sdk, "app-01")
    press(page, "Start")
    wait_for(lambda: power(sdk, "app-01") == "Running", what="app-01 running")
    expect(page.locator(".xl-page-badges")).to_contain_text("Running")
    press(page, "Force shutdown")
    wait_for(lambda: power(sdk, "app-01") == "Halted", what="app-01 halted")


def test_start_on_a_chosen_host(app, sdk):
    page = app.open_vm(sdk, "app-01")
    press(page, "Start on host")
    dialog = page.get_by_role("dialog", name="Start on a host")
    expect(dialog).to_contain_text("free")
    dialog.get_by_role("radio", name="xcp-ng-02").check()
    dialog.get_by_role("button", name="Start", exact=True).click()
    expect(dialog).to_have_count(0)
    assert power(sdk, "app-01") == "Running"
    assert sdk.record("app-01")["resident_on"] == sdk.host_named("xcp-ng-02")


def test_clean_reboot_then_clean_shutdown(app, sdk):
    page = app.open_vm(sdk, "db-01")
    before = started_at(sdk, "db-01")
    press(page, "Reboot")
    wait_for(lambda: started_at(sdk, "db-01") != before and power(sdk, "db-01") == "Running", what="a reboot")
    press(page, "Shut down")
    wait_for(lambda: power(sdk, "db-01") == "Halted", what="db-01 halted")


def test_force_reboot(app, sdk):
    page = app.open_vm(sdk, "web-01")
    before = started_at(sdk, "web-01")
    press(page, "Force reboot")
    wait_for(lambda: started_at(sdk, "web-01") != before, what="a forced reboot")
    assert power(sdk, "web-01") == "Running"


def test_suspend_then_resume(app, sdk):
    page = app.open_vm(sdk, "api-01")
    press(page, "Suspend")
    wait_for(lambda: power(sdk, "api-01") == "Suspended", what="api-01 suspended")
    press(page, "Resume")
    wait_for(lambda: power(sdk, "api-01") == "Running", what="api-01 resumed")


def test_pause_then_unpause(app, sdk):
    page = app.open_vm(sdk, "mail-01")
    press(page, "Pause")
    wait_for(lambda: power(sdk, "mail-01") == "Paused", what="mail-01 paused")
    expect(page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Pause", exact=True)) \
        .to_have_accessible_description("The VM is paused")
    press(page, "Unpause")
    wait_for(lambda: power(sdk, "mail-01") == "Running", what="mail-01 running")


def test_migrate_with_the_host_picker(app, sdk):
    page = app.open_vm(sdk, "mail-01")
    here = sdk.record("mail-01")["resident_on"]
    there = [ref for ref in sdk.x.host.get_all() if ref != here][0]
    name = sdk.x.host.get_name_label(there)
    press(page, "Migrate")
    dialog = page.get_by_role("dialog", name="Migrate")
    expect(dialog.get_by_role("radio")).to_have_count(1)  # the VM's own host is not offered
    expect(dialog).to_contain_text(name)
    expect(dialog).to_contain_text("free")
    dialog.get_by_role("button", name="Migrate").click()
    expect(dialog).to_have_count(0)
    assert sdk.record("mail-01")["resident_on"] == there


def test_a_host_that_cannot_reach_the_vms_disks_is_offered_disabled_with_the_reason(app, sdk):
    x = sdk.x
    if power(sdk, "app-01") != "Halted":
        x.VM.hard_shutdown(sdk.vm("app-01"))
    host1 = sdk.host_named("xcp-ng-01")
    local = next(ref for ref, sr in x.SR.get_all_records().items() if sr["type"] == "ext" and
                 x.PBD.get_host(sr["PBDs"][0]) == host1)
    vdi = x.VDI.create({"name_label": "local scratch", "name_description": "", "SR": local, "virtual_size": str(2 ** 30),
                        "type": "user", "sharable": False, "read_only": False, "other_config": {}})
    vbd = x.VBD.create({"VM": sdk.vm("app-01"), "VDI": vdi, "userdevice": "5", "bootable": False, "mode": "RW",
                        "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
                        "qos_algorithm_params": {}})
    try:
        page = app.open_vm(sdk, "app-01")
        press(page, "Start on host")
        dialog = page.get_by_role("dialog", name="Start on a host")
        far = dialog.get_by_role("radio", name="xcp-ng-02")
        expect(far).to_be_disabled()
        expect(dialog).to_contain_text("which the host cannot reach")
        expect(dialog.get_by_role("radio", name="xcp-ng-01")).to_be_enabled()
        page.keyboard.press("Escape")
    finally:
        x.VBD.destroy(vbd)
        x.VDI.destroy(vdi)
