"""The Python console (#/python) against a simulated pool, each outcome read back through the XenAPI SDK:
top-level await, a change asked for before it is made, XAPI errors as XapiError, Stop, a snippet run on
the VM list's selection after a dry run, markup printed as text, help and Tab completion."""
import re

from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, wait_for
from harness import RESULTS, axe_violations

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)
HOSTILE = "<img src=x onerror=window.__pwned=1>"


def console(app):
    app.goto("#/python")
    page = app.page
    page.get_by_role("textbox", name="Python input").wait_for()
    page.wait_for_function("() => window.xcplite && window.xcplite.pyconsole")
    return page


def shoot(page, name):
    """A screenshot to look at (test-results/python-console/)."""
    (RESULTS / "python-console").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / "python-console" / (name + ".png")), full_page=True)


def log(page):
    return page.get_by_role("log", name="Output")


def run(page, code):
    box = page.get_by_role("textbox", name="Python input")
    box.fill(code)
    box.press("Shift+Enter")
    expect(box).to_have_value("")


def finished(page):
    expect(page.get_by_role("button", name="Stop")).to_be_disabled()


def test_top_level_await_prints_the_pools_vm_count(app, sdk):
    page = console(app)
    run(page, "len(await xapi.VM.get_all())")
    finished(page)
    expect(log(page)).to_contain_text(">>> len(await xapi.VM.get_all())")
    expect(log(page).get_by_text(str(len(sdk.x.VM.get_all())), exact=True)).to_be_visible()


def test_a_rename_asks_first_then_shows_in_the_vm_list(app, sdk):
    page = console(app)
    ref = sdk.vm("app-01")
    run(page, "ref = (await xapi.VM.get_by_name_label('app-01'))[0]\nawait xapi.VM.set_name_label(ref, 'app-renamed')")
    question = page.get_by_role("group", name="This call changes the pool. Make it?")
    expect(question).to_contain_text("VM.set_name_label('OpaqueRef:")
    expect(question).to_contain_text("'app-renamed')")
    assert sdk.x.VM.get_name_label(ref) == "app-01"  # nothing is made before the answer
    shoot(page, "confirm")
    assert axe_violations(page, "#xl-main") == []  # the log with input echoed, the question, the input
    question.get_by_role("button", name="Allow", exact=True).click()
    finished(page)
    wait_for(lambda: sdk.x.VM.get_name_label(ref) == "app-renamed", what="the rename")
    app.goto("#/vms")
    expect(app.page.get_by_role("table", name="VMs").get_by_role("link", name="app-renamed", exact=True)).to_be_visible()
    sdk.x.VM.set_name_label(ref, "app-01")


def test_a_refused_change_is_not_made(app, sdk):
    page = console(app)
    ref = sdk.vm("db-01")
    run(page, "await xapi.VM.set_name_description((await xapi.VM.get_by_name_label('db-01'))[0], 'nope')")
    page.get_by_role("group", name="This call changes the pool. Make it?").get_by_role("button", name="Refuse").click()
    finished(page)
    expect(log(page)).to_contain_text("Not confirmed, so not called: VM.set_name_description(")
    assert sdk.x.VM.get_name_description(ref) != "nope"


def test_an_xapi_error_prints_xapierror_with_its_code(app, sdk):
    page = console(app)
    try:
        sdk.x.VM.get_record("OpaqueRef:no-such-vm")
        raise AssertionError("the SDK found a VM that does not exist")
    except Exception as error:  # XenAPI.Failure: the code the console must show
        code, params = error.details[0], error.details[1:]
    run(page, "await xapi.VM.get_record('OpaqueRef:no-such-vm')")
    finished(page)
    expect(log(page)).to_contain_text("XapiError(%r, %r): " % (code, params))
    run(page, "await xapi.VM.get_all_records()")
    finished(page)
    shoot(page, "records")
    assert axe_violations(page, "#xl-main") == []  # output, values and an error in the log


def test_stop_interrupts_a_loop(app, sdk):
    page = console(app)
    page.get_by_role("switch", name="Confirm changes").uncheck()
    ref = sdk.vm("mail-01")
    run(page, "ref = (await xapi.VM.get_by_name_label('mail-01'))[0]\nn = 0\nwhile True:\n"
              "    n += 1\n    await xapi.VM.set_name_description(ref, 'loop %d' % n)\n    await asyncio.sleep(0.05)")
    wait_for(lambda: sdk.x.VM.get_name_description(ref).startswith("loop "), what="the loop's first calls")
    page.get_by_role("button", name="Stop").click()
    expect(log(page)).to_contain_text("Stopped.")
    finished(page)
    stopped_at = sdk.x.VM.get_name_description(ref)
    page.wait_for_timeout(500)  # time for several more turns of the loop, had it gone on
    assert sdk.x.VM.get_name_description(ref) == stopped_at
    page.get_by_role("switch", name="Confirm changes").check()


def test_a_snippet_run_on_two_selected_vms_tags_exactly_those(app, sdk):
    page = console(app)
    page.get_by_role("textbox", name="Python input").fill(
        "for ref, vm in vms.items():\n    await xapi.VM.add_tags(ref, 'py-picked')\n    print('tagged', vm['name_label'])")
    page.get_by_role("textbox", name="Save the input as").fill("tag picked")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("combobox", name="Snippet")).to_have_value("tag picked")
    page.get_by_role("textbox", name="Python input").fill("")
    app.goto("#/vms")
    page = app.page
    page.get_by_role("checkbox", name="Select db-01").click()
    page.get_by_role("checkbox", name="Select web-01").click()
    page.get_by_role("toolbar", name="Selected VMs").get_by_role("button", name="Run a Python snippet").click()
    card = page.get_by_role("region", name=re.compile("on the selection$"))
    expect(card).to_contain_text("2 VMs selected in the VM list: db-01, web-01")
    page.get_by_role("combobox", name="Snippet").select_option("tag picked")
    card.get_by_role("button", name="Preview").click()
    calls = card.get_by_role("list", name="Calls the snippet would make")
    expect(calls.get_by_role("listitem")).to_have_count(2)
    expect(calls).to_contain_text("VM.add_tags('OpaqueRef:")
    tagged = lambda: sorted(v["name_label"] for v in sdk.x.VM.get_all_records().values() if "py-picked" in v["tags"])
    assert tagged() == []  # the preview changed nothing
    shoot(page, "preview")
    card.get_by_role("button", name="Run on the selection").click()
    wait_for(lambda: tagged() == ["db-01", "web-01"], what="the tags on the two selected VMs")
    expect(log(page)).to_contain_text("tagged db-01")
    expect(page.get_by_role("group", name="This call changes the pool. Make it?")).to_have_count(0)
    assert tagged() == ["db-01", "web-01"]


def test_a_name_with_markup_prints_as_text_and_runs_nothing(app, sdk):
    ref = sdk.vm("cache-01")
    sdk.x.VM.set_name_label(ref, HOSTILE)
    page = console(app)
    run(page, "[vm['name_label'] for vm in (await xapi.VM.get_all_records()).values() if 'img' in vm['name_label']]")
    finished(page)
    expect(log(page)).to_contain_text(repr([sdk.x.VM.get_name_label(ref)]))
    run(page, "print(pool.VM[%r]['name_label'])" % ref)
    expect(log(page).get_by_text(HOSTILE, exact=True)).to_be_visible()
    expect(log(page).locator("img")).to_have_count(0)
    assert page.evaluate("window.__pwned") is None
    sdk.x.VM.set_name_label(ref, "cache-01")


def test_help_lists_messages_and_tab_completes(app, sdk):
    page = console(app)
    run(page, "help(xapi.VM)")
    expect(log(page)).to_contain_text("start(vm VM ref, start_paused bool, force bool) -> void")
    box = page.get_by_role("textbox", name="Python input")
    box.fill("xapi.VM.clean_shu")
    box.press("Tab")
    expect(box).to_have_value("xapi.VM.clean_shutdown")
    box.fill("")
    box.press("ArrowUp")
    expect(box).to_have_value("help(xapi.VM)")


def test_the_shipped_read_only_examples_run_without_errors(app, sdk):
    page = console(app)
    page.get_by_role("button", name="Clear").click()
    examples = ("Example: VMs without a recent snapshot", "Example: Orphaned disks",
                "Example: Memory over-commitment per host")
    for name in examples:
        page.get_by_role("combobox", name="Snippet").select_option(name)
        page.get_by_role("button", name="Load into the input").click()
        box = page.get_by_role("textbox", name="Python input")
        expect(box).to_have_value(re.compile("^# "))
        box.press("Shift+Enter")
        expect(box).to_have_value("")
        finished(page)
    hosts = [h["name_label"] for h in sdk.x.host.get_all_records().values()]
    for host in hosts:  # the memory example prints a line per host
        expect(log(page)).to_contain_text(host)
    expect(log(page)).not_to_contain_text("Traceback")
    expect(log(page)).not_to_contain_text("Error")
    shoot(page, "examples")
