"""Bulk actions in the VM list, checked through the XenAPI SDK: checkboxes, shift-click ranges, select all
shown, one confirmation, and a per-VM report with mixed outcomes (done, failed with XAPI's code, skipped
with the reason); a bulk delete destroys the disks too."""
from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, power, wait_for

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)


def outcome(report, name):
    return report.get_by_role("row", name=name)


def list_page(app):
    app.goto("#/vms")
    page = app.page
    page.get_by_role("checkbox", name="Select web-01").wait_for()
    return page


def test_shift_click_selects_a_range_and_the_report_shows_mixed_outcomes(app, sdk):
    page = list_page(app)
    page.get_by_role("checkbox", name="Select app-01").click()
    page.get_by_role("checkbox", name="Select web-01").click(modifiers=["Shift"])
    for name in ("app-01", "cache-01", "db-01", "mail-01", "web-01"):
        expect(page.get_by_role("checkbox", name="Select " + name)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Select api-01")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Select all 6 shown")).to_have_attribute("aria-checked", "mixed")
    bar = page.get_by_role("toolbar", name="Selected VMs")
    expect(bar).to_contain_text("5 selected")
    bar.get_by_role("button", name="Shut down", exact=True).click()
    dialog = page.get_by_role("dialog", name="Shut down")
    expect(dialog).to_contain_text("Shut down 3 VMs?")
    expect(dialog).to_contain_text("2 of the selected VMs cannot take this action")
    dialog.get_by_role("button", name="Confirm").click()
    report = page.get_by_role("dialog", name="Outcome per VM")
    expect(report).to_contain_text("2 succeeded, 1 failed, 2 skipped.")
    expect(outcome(report, "db-01")).to_contain_text("Done")
    expect(outcome(report, "mail-01")).to_contain_text("Done")
    failed = outcome(report, "web-01")
    expect(failed).to_contain_text("Failed")
    expect(failed).to_contain_text("\u201cweb-01\u201d cannot do this without its guest tools")
    failed.get_by_text("Details").click()
    expect(failed).to_contain_text("VM_LACKS_FEATURE")
    expect(outcome(report, "app-01")).to_contain_text("The VM is halted")
    expect(outcome(report, "cache-01")).to_contain_text("The VM is suspended")
    assert (power(sdk, "db-01"), power(sdk, "mail-01"), power(sdk, "web-01")) == ("Halted", "Halted", "Running")
    report.get_by_role("button", name="Close").click()
    expect(report).to_have_count(0)


def test_select_all_shown_then_start(app, sdk):
    page = list_page(app)
    page.get_by_role("toolbar", name="Selected VMs").get_by_role("button", name="Clear the selection").click()
    expect(page.get_by_role("toolbar", name="Selected VMs")).to_have_count(0)
    page.get_by_role("searchbox", name="Search VMs").fill("-01")
    page.get_by_role("combobox", name="Filter by power state").select_option("Halted")
    expect(page.get_by_role("checkbox", name="Select all 3 shown")).to_be_visible()
    page.get_by_role("checkbox", name="Select all 3 shown").click()
    bar = page.get_by_role("toolbar", name="Selected VMs")
    expect(bar).to_contain_text("3 selected")
    bar.get_by_role("button", name="Start", exact=True).click()
    dialog = page.get_by_role("dialog", name="Start")
    expect(dialog).to_contain_text("Start 3 VMs?")
    dialog.get_by_role("button", name="Confirm").click()
    report = page.get_by_role("dialog", name="Outcome per VM")
    expect(report).to_contain_text("3 succeeded, 0 failed, 0 skipped.")
    assert [power(sdk, n) for n in ("app-01", "db-01", "mail-01")] == ["Running"] * 3
    report.get_by_role("button", name="Close").click()
    page.get_by_role("combobox", name="Filter by power state").select_option("")
    page.get_by_role("searchbox", name="Search VMs").fill("")


def test_bulk_delete_destroys_the_disks_no_other_vm_uses(app, sdk):
    page = list_page(app)
    page.get_by_role("toolbar", name="Selected VMs").get_by_role("button", name="Clear the selection").click()
    disks = [sdk.x.VBD.get_VDI(v) for v in sdk.record("cache-01")["VBDs"] if sdk.x.VBD.get_type(v) == "Disk"]
    page.get_by_role("checkbox", name="Select cache-01").click()
    page.get_by_role("checkbox", name="Select api-01").click()  # running: skipped
    page.get_by_role("toolbar", name="Selected VMs").get_by_role("button", name="Delete", exact=True).click()
    dialog = page.get_by_role("dialog", name="Delete")
    expect(dialog).to_contain_text("Delete 1 VM with its snapshots")
    dialog.get_by_role("button", name="Confirm").click()
    report = page.get_by_role("dialog", name="Outcome per VM")
    expect(report).to_contain_text("1 succeeded, 0 failed, 1 skipped.")
    assert not sdk.x.VM.get_by_name_label("cache-01")
    remaining = sdk.x.VDI.get_all()
    assert disks and not [d for d in disks if d in remaining]
    assert sdk.orphans() == []
    wait_for(lambda: page.get_by_role("checkbox", name="Select cache-01").count() == 0, what="the row gone")
    report.get_by_role("button", name="Close").click()
