"""The tasks page and the alarms page in the browser, against a pool whose operations are slow (seconds):
a long task shows its progress on the VM page and in the header, and Cancel on the tasks page cancels
it (checked through the XenAPI SDK), its outcome staying listed; alarms and messages are listed with
severity, object and time, and dismissing them destroys them in the pool; a running copy can go to the
background or be cancelled. (Every page and dialog is checked with axe by test_route_sweep.py.)"""
import re

from playwright.sync_api import expect

from actions_harness import module_fixtures, wait_for


pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=("--op-time", "20"))


def start_tasks(sdk):
    return [t for t in sdk.x.task.get_all_records().values() if t["name_label"] == "Async.VM.start"]


def test_cancel_a_long_task(app, sdk):
    page = app.open_vm(sdk, "app-01")
    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("progressbar", name="Progress of Start")).to_be_visible()
    expect(page.get_by_role("link", name="1 task running")).to_be_visible()
    page.get_by_role("link", name="1 task running").click()
    expect(page.get_by_role("heading", name="Tasks", exact=True).first).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Start app-01"))
    expect(row.get_by_role("progressbar")).to_be_visible()
    expect(row).to_contain_text("Running")
    row.get_by_role("button", name="Cancel Start of app-01").click()
    wait_for(lambda: [t for t in start_tasks(sdk) if t["status"] == "cancelled"], what="a cancelled task")
    assert sdk.record("app-01")["power_state"] == "Halted"
    expect(row).to_contain_text("Cancelled", timeout=15000)
    expect(row).to_contain_text("The task was cancelled.")
    expect(row.get_by_role("button", name="Cancel Start of app-01")).to_have_count(0)
    expect(page.get_by_role("link", name="No task running")).to_be_visible()


def test_alarms_are_listed_and_dismissed(app, sdk):
    app.goto("#/alarms")
    page = app.page
    table = page.get_by_role("table", name="Alarms and messages")
    messages = sdk.x.message.get_all_records()
    expect(table.locator("tbody tr")).to_have_count(len(messages))
    skew = page.get_by_role("row", name=re.compile("Host clock skew detected"))
    expect(skew).to_contain_text("Major")
    skew.get_by_role("button", name=re.compile("^Dismiss Host clock skew detected on xcp-ng-0")).click()
    expect(skew).to_have_count(0)
    assert "HOST_CLOCK_SKEW_DETECTED" not in [m["name"] for m in sdk.x.message.get_all_records().values()]
    page.get_by_role("checkbox", name="Alarms only").check()
    alarms = len([m for m in sdk.x.message.get_all_records().values() if m["name"] == "ALARM"])
    expect(table.locator("tbody tr")).to_have_count(alarms)
    expect(table).to_contain_text("CPU usage")
    page.get_by_role("button", name="Dismiss all shown").click()
    dialog = page.get_by_role("dialog", name="Dismiss all shown")
    expect(dialog).to_contain_text("Dismiss the %d message%s shown?" % (alarms, "" if alarms == 1 else "s"))
    dialog.get_by_role("button", name="Dismiss all shown").click()
    expect(dialog).to_have_count(0)
    left = [m["name"] for m in sdk.x.message.get_all_records().values()]
    assert "ALARM" not in left and left  # the other messages stay
    expect(page.get_by_text("No alarms or messages.")).to_be_visible()


def test_a_running_copy_can_go_to_the_background_or_be_cancelled(app, sdk):
    page = app.open_vm(sdk, "app-01")
    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Copy", exact=True).click()
    dialog = page.get_by_role("dialog", name="Copy the VM")
    dialog.get_by_label("Name of the new VM").fill("copy-to-cancel")
    dialog.get_by_role("button", name="Copy", exact=True).click()
    cancel = dialog.get_by_role("button", name="Cancel: Copy the VM")
    expect(dialog.get_by_role("button", name="Run in background")).to_be_visible()
    expect(cancel).to_be_enabled()
    cancel.click()
    expect(dialog).to_have_count(0, timeout=15000)
    expect(page.get_by_role("status").filter(has_text="Copy the VM was cancelled.")).to_be_visible()
    assert not sdk.x.VM.get_by_name_label("copy-to-cancel")

    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Copy", exact=True).click()
    dialog.get_by_label("Name of the new VM").fill("copy-in-background")
    dialog.get_by_role("button", name="Copy", exact=True).click()
    dialog.get_by_role("button", name="Run in background").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="goes on in the background")).to_be_visible()
    copies = [ref for ref, t in sdk.x.task.get_all_records().items()
              if t["name_label"] == "Async.VM.clone" and t["status"] == "pending"]
    assert copies, "the copy still runs"
    sdk.x.task.cancel(copies[0])
