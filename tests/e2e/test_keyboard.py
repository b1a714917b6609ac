"""The keyboard in the browser: the VM list's rows move with the arrows, Home/End and PageUp/PageDown (the
virtual list scrolls to keep the focused row in view), Space selects, Enter opens; shortcuts ("g s", "/",
"?", "n") and the help dialog they document (also from the top bar's button); dialogs give focus back to
their opener; and the console screen, which keeps Tab for the VM, lets go of the keyboard on
Ctrl+Alt+Shift (what is typed after that no longer reaches the VM, read from the simulator's screen)."""
import re

from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, wait_for
from console_harness import SCREEN, console_state, wait_status
from keyboard_harness import focused, is_focused, tab_to

pool, sdk, app = module_fixtures(hosts=2, vms=60, seed=1, extra=FAST)


def vm_rows(page):
    return page.locator("#xl-vmlist-scroll tbody tr.xl-row")


def focused_row(page):
    """(aria-rowindex, VM name) of the focused row."""
    return page.evaluate("""() => { const r = document.activeElement.closest('tr.xl-row');
        return r ? [r.getAttribute('aria-rowindex'), r.querySelector('a').textContent] : null; }""")


def moved_from(page, row):
    """The focused row's aria-rowindex once focus left row `row` (the key goes through the app)."""
    page.wait_for_function("""(row) => { const r = document.activeElement.closest('tr.xl-row');
        return r && r.getAttribute('aria-rowindex') !== String(row); }""", arg=row)
    return int(focused_row(page)[0])


def test_vm_list_rows_move_with_the_arrows_and_scroll_into_view(app, sdk):
    app.goto("#/vms")
    page = app.page
    expect(vm_rows(page).first).to_be_visible()
    page.get_by_role("searchbox", name="Search VMs").focus()
    first = vm_rows(page).first
    tab_to(page, first)
    assert focused_row(page)[0] == "2"
    page.keyboard.press("ArrowDown")
    expect(page.locator("tr.xl-row[aria-rowindex='3']")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("tr.xl-row[aria-rowindex='2']")).to_be_focused()
    page.keyboard.press("End")
    total = int(page.locator("table.xl-vmtable").get_attribute("aria-rowcount"))
    last = page.locator("tr.xl-row[aria-rowindex='%d']" % total)
    expect(last).to_be_focused()
    expect(last).to_be_in_viewport()
    page.keyboard.press("PageUp")
    row = moved_from(page, total)
    assert row < total - 3
    expect(page.locator("tr.xl-row[aria-rowindex='%d']" % row)).to_be_in_viewport()
    page.keyboard.press("Home")
    expect(page.locator("tr.xl-row[aria-rowindex='2']")).to_be_focused()
    expect(page.locator("tr.xl-row[aria-rowindex='2']")).to_be_in_viewport()
    page.keyboard.press("PageDown")
    assert moved_from(page, 2) > 3
    # Tab leaves the list: the rows are one stop
    page.keyboard.press("Tab")
    assert page.evaluate("() => !document.activeElement.closest('#xl-vmlist-scroll')")


def test_space_selects_the_focused_row_and_enter_opens_it(app, sdk):
    app.goto("#/vms")
    page = app.page
    expect(vm_rows(page).first).to_be_visible()
    page.get_by_role("searchbox", name="Search VMs").focus()
    tab_to(page, page.locator("tr.xl-row[tabindex='0']"))  # the row focused last time
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")  # pressed before Home's move reached the page: goes on from there
    expect(page.locator("tr.xl-row[aria-rowindex='3']")).to_be_focused()
    name = focused_row(page)[1]
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Select " + name)).to_have_attribute("aria-checked", "true")
    expect(page.get_by_role("toolbar", name="Selected VMs")).to_contain_text("1")
    expect(page.locator("tr.xl-row[aria-rowindex='3']")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Select " + name)).to_have_attribute("aria-checked", "false")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert page.url.endswith("#/vm/" + sdk.record(name)["uuid"])


def test_shortcuts_and_their_help(app, sdk):
    app.goto("#/")
    page = app.page
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    page.keyboard.press("g")
    page.keyboard.press("s")
    expect(page.get_by_role("heading", level=1, name="Storage")).to_be_visible()
    page.keyboard.press("g")
    page.keyboard.press("v")
    expect(page.get_by_role("heading", level=1, name="VMs")).to_be_visible()
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search VMs")
    expect(search).to_be_focused()
    expect(search).to_have_value("")  # the "/" was not typed into it
    page.keyboard.type("g")  # typing in a field is typing, not a shortcut
    expect(search).to_have_value("g")
    page.keyboard.press("Escape")
    search.fill("")
    page.locator("#xl-main").focus()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("table", name="Anywhere")).to_contain_text("Go to storage")
    expect(dialog.get_by_role("table", name="In some places")).to_contain_text("Ctrl+Alt+Shift")
    page.keyboard.press("g")  # no shortcut while a dialog is open
    page.keyboard.press("d")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.keyboard.press("n")
    expect(page.get_by_role("heading", level=1, name="New VM")).to_be_visible()


def test_the_help_button_opens_the_dialog_and_gets_focus_back(app, sdk):
    app.goto("#/")
    page = app.page
    button = page.get_by_role("button", name="Keyboard shortcuts")
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(button).to_be_focused()


def test_a_dialog_gives_focus_back_after_its_task(app, sdk):
    page = app.open_vm(sdk, "app-01")
    button = page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Take snapshot", exact=True)
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Take a snapshot")
    expect(dialog.get_by_role("textbox")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(button).to_be_focused()
    assert len(sdk.record("app-01")["snapshots"]) >= 1


def test_the_console_keeps_tab_and_lets_go_on_ctrl_alt_shift(app, sdk):
    vm = sdk.record("web-01")
    assert vm["power_state"] == "Running"
    app.goto("#/vm/%s?tab=console" % vm["uuid"])
    page = app.page
    wait_status(page, "connected")
    expect(page.locator(".xl-console")).to_contain_text("Press Ctrl+Alt+Shift together to leave it")
    page.locator(SCREEN + " canvas").focus()
    page.keyboard.type("ab")
    wait_for(lambda: "ab" in console_state(app.sim, vm["uuid"])["typed_text"], what="keys reaching the VM")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('%s')" % SCREEN), focused(page)
    page.keyboard.down("Control")
    page.keyboard.down("Alt")
    page.keyboard.down("Shift")
    page.keyboard.up("Shift")
    page.keyboard.up("Alt")
    page.keyboard.up("Control")
    paste = page.get_by_label("Text to type into the console")
    expect(paste).to_be_focused()
    page.keyboard.type("zq")
    expect(paste).to_have_value("zq")
    typed = console_state(app.sim, vm["uuid"])["typed_text"]
    assert "zq" not in typed and "z" not in typed.split("ab", 1)[-1], typed
