"""One intent, one call, on the control the person meant: a focused button keeps its action while a live
update reshapes the toolbar, a double click or a held Enter starts a VM once, and a dialog saving through a
slow host says it is busy. Each outcome is read back through the XenAPI SDK."""
from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, power, wait_for

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)


def toolbar(page):
    return page.get_by_role("toolbar", name="VM actions")


def start_tasks(sdk):
    return [t for t in sdk.x.task.get_all_records().values() if t["name_label"] == "Async.VM.start"]


def halt(sdk, name):
    if power(sdk, name) != "Halted":
        sdk.x.VM.hard_shutdown(sdk.vm(name))


def test_a_focused_button_keeps_its_action_when_the_toolbar_changes(app, sdk):
    page = app.open_vm(sdk, "app-01")  # halted: Start allowed, Shut down refused
    edit = toolbar(page).get_by_role("button", name="Edit", exact=True)
    edit.focus()
    sdk.x.VM.start(sdk.vm("app-01"), False, False)  # through the SDK: every power button changes
    expect(toolbar(page).get_by_role("button", name="Start", exact=True)).to_be_disabled()
    expect(edit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Edit the VM")).to_be_visible()
    page.keyboard.press("Escape")
    halt(sdk, "app-01")


def test_a_double_click_starts_the_vm_once(app, sdk, pool):
    page = app.open_vm(sdk, "app-01")
    expect(toolbar(page).get_by_role("button", name="Start", exact=True)).to_be_enabled()
    before = len(start_tasks(sdk))
    pool.fault("latency", seconds=0.4)  # the second click lands before the first call has its task
    try:
        toolbar(page).get_by_role("button", name="Start", exact=True).dblclick()
        wait_for(lambda: power(sdk, "app-01") == "Running", what="app-01 running")
    finally:
        pool.fault("latency", seconds=0)
    assert len(start_tasks(sdk)) == before + 1
    expect(page.get_by_role("alert")).to_have_count(0)
    halt(sdk, "app-01")


def test_a_held_enter_starts_the_vm_once(app, sdk, pool):
    page = app.open_vm(sdk, "app-01")
    start = toolbar(page).get_by_role("button", name="Start", exact=True)
    expect(start).to_be_enabled()
    before = len(start_tasks(sdk))
    pool.fault("latency", seconds=0.4)
    try:
        start.focus()
        for _ in range(4):  # a key held down repeats
            page.keyboard.press("Enter")
        wait_for(lambda: power(sdk, "app-01") == "Running", what="app-01 running")
    finally:
        pool.fault("latency", seconds=0)
    assert len(start_tasks(sdk)) == before + 1
    expect(page.get_by_role("alert")).to_have_count(0)
    halt(sdk, "app-01")


def test_saving_through_a_slow_host_shows_the_dialog_busy(app, sdk, pool):
    page = app.open_vm(sdk, "app-01")
    toolbar(page).get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit the VM")
    dialog.get_by_label("Description").fill("saved slowly")
    pool.fault("latency", seconds=1.5)
    try:
        dialog.get_by_role("button", name="Save").click()
        expect(dialog.get_by_role("button", name="Save")).to_be_disabled()
        expect(dialog).to_have_attribute("aria-busy", "true")
        expect(dialog).to_have_count(0, timeout=15000)
    finally:
        pool.fault("latency", seconds=0)
    assert sdk.record("app-01")["name_description"] == "saved slowly"
