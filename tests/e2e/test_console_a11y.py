"""The console panel passes axe (WCAG 2 A/AA and best practices) connected and halted, in both themes, and
its tabs are a tablist whose selected tab follows the route."""
import pytest
from playwright.sync_api import expect
from console_harness import Pool, open_console, wait_status

from harness import axe_violations



@pytest.fixture(scope="module")
def pool(start_sim):
    return Pool(start_sim(hosts=1, vms=6, seed=3))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_console_panel_passes_axe(app_page, guard, pool, scheme):
    app_page.emulate_media(color_scheme=scheme)
    found = {}
    running = pool.pick("Running")[1]
    open_console(app_page, pool.sim, guard, running["uuid"])
    wait_status(app_page, "connected")
    app_page.wait_for_timeout(300)  # colour transitions settle before contrast is measured
    found["connected"] = axe_violations(app_page, ".xl-tabs", 3) + axe_violations(app_page, ".xl-console", 3)
    halted = pool.pick("Halted")[1]
    app_page.goto(pool.sim.url + "#/vm/%s?tab=console" % halted["uuid"])
    app_page.get_by_text("VM is not running").wait_for()
    app_page.wait_for_timeout(300)
    found["halted"] = axe_violations(app_page, ".xl-console", 3)
    assert found == {"connected": [], "halted": []}


def test_tabs_follow_the_route(app_page, guard, pool):
    running = pool.pick("Running")[1]
    open_console(app_page, pool.sim, guard, running["uuid"])
    tablist = app_page.get_by_role("tablist", name="Sections of this page")
    assert tablist.get_by_role("tab", name="Console").get_attribute("aria-selected") == "true"
    expect(app_page.get_by_role("tabpanel", name="Console")).to_be_visible()
    tablist.get_by_role("tab", name="Overview").click()
    app_page.get_by_role("tabpanel", name="Overview").wait_for()
    assert app_page.url.endswith("#/vm/" + running["uuid"]), "the default tab needs no ?tab="
    assert tablist.get_by_role("tab", name="Overview").get_attribute("aria-selected") == "true"
    app_page.go_back()
    app_page.get_by_role("tabpanel", name="Console").wait_for()
    wait_status(app_page, "connected")
