"""A whole job done with the keyboard alone: log in, find a VM with the "g v" and "/" shortcuts, open it from
the VM list, take a snapshot, migrate it to the other host, and read how the task ended (the Tasks page
and the live region a screen reader hears) — checked through the XenAPI SDK. Every real pointer event is
recorded and the test fails if there was one (a button pressed with Enter makes a click of detail 0: not
a pointer's)."""
import re

import pytest
from playwright.sync_api import expect

from actions_harness import FAST, Pool, wait_for
from harness import WAIT_MS, Guard
from keyboard_harness import focused, is_focused, pointer_use, record_pointer, tab_to

VM = "mail-01"
SNAPSHOT = "before-move"


@pytest.fixture(scope="module")
def pool(start_sim):
    return start_sim(hosts=2, vms=6, seed=1, extra=FAST)


@pytest.fixture(scope="module")
def sdk(pool):
    found = Pool(pool)
    yield found
    found.close()


@pytest.fixture()
def page(browser, cdn, pool):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    guard = Guard(context, {cdn.origin} | pool.origins, [cdn])
    page = context.new_page()
    yield page
    problems = guard.violations()
    context.close()
    assert not problems, "browser checks failed:\n  " + "\n  ".join(problems)


def keys(page, *names):
    for name in names:
        page.keyboard.press(name)


def log_in(page, pool):
    page.goto(pool.url)
    page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("root")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(pool.password)
    page.keyboard.press("Enter")
    expect(page.locator("#xl-main")).to_be_focused(timeout=WAIT_MS)  # signed in: focus on the page


def open_vm_from_the_list(page):
    keys(page, "g", "v")
    expect(page.get_by_role("heading", level=1, name="VMs")).to_be_visible()
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="Search VMs")).to_be_focused()
    page.keyboard.type(VM)
    row = page.locator("tr.xl-row[tabindex='0']")
    expect(row).to_contain_text(VM)
    expect(page.locator("tr.xl-row")).to_have_count(1)
    tab_to(page, row)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=VM)).to_be_visible()
    page.locator("section[key='vm-disks'] table").wait_for(timeout=WAIT_MS)


def take_snapshot(page):
    button = page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Take snapshot", exact=True)
    tab_to(page, button)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Take a snapshot")
    name = dialog.get_by_role("textbox", name="Name of the new snapshot")
    expect(name).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(SNAPSHOT)
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(button).to_be_focused()  # back where it was opened from


def migrate(page):
    button = page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Migrate", exact=True)
    tab_to(page, button)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Migrate")
    expect(dialog.get_by_role("radio").first).to_be_enabled()  # XAPI said the VM can run there
    tab_to(page, dialog.get_by_role("radio").first)
    expect(dialog.get_by_role("radio").first).to_be_checked()
    tab_to(page, dialog.get_by_role("button", name="Migrate"))
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)


def test_snapshot_and_migrate_with_the_keyboard_only(page, pool, sdk):
    record_pointer(page)
    here = sdk.record(VM)["resident_on"]
    there = [ref for ref in sdk.x.host.get_all() if ref != here][0]
    log_in(page, pool)
    open_vm_from_the_list(page)
    take_snapshot(page)
    assert SNAPSHOT in [sdk.x.VM.get_name_label(s) for s in sdk.record(VM)["snapshots"]]
    migrate(page)
    wait_for(lambda: sdk.record(VM)["resident_on"] == there, what="the VM on the other host")
    # the outcome, as heard (the live region) and as read (the Tasks page, reached by "g t")
    expect(page.locator("#xl-announce")).to_have_text(re.compile("^Migrate .*%s.* succeeded\\.$" % VM))
    keys(page, "g", "t")
    row = page.get_by_role("row", name=re.compile("Migrate %s" % VM))
    expect(row).to_contain_text("Done")
    assert pointer_use(page) == [], "the mouse was used: %s" % pointer_use(page)
