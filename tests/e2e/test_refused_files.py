"""Files of the app refused by their integrity check are named as such, with a reload, instead of
"Connection lost, reconnecting..." forever or "the host did not answer": a console.js or charts.js
whose bytes differ from the pinned sha384 (tampered on the way) is refused by the browser itself."""
import re

import pytest
from playwright.sync_api import expect

from harness import sign_in

TAMPER = "\n/* tampered */\n"


def tamper(page, pattern):
    """Serve the real file with one extra comment: same code, another hash."""
    def handle(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + TAMPER)
    page.route(re.compile(pattern), handle)


@pytest.fixture
def running_vm(sim):
    session = sim.sdk()
    try:
        vms = session.xenapi.VM.get_all_records()
        return next(v["uuid"] for v in vms.values() if v["power_state"] == "Running"
                    and not (v["is_a_template"] or v["is_control_domain"] or v["is_a_snapshot"]))
    finally:
        session.xenapi.session.logout()


def test_a_refused_console_file_says_so_and_offers_a_reload(guard, app_page, sim, running_vm):
    guard.expect_console_error(r"integrity|console-")
    tamper(app_page, r"/console-[0-9a-f]+\.js$")
    sign_in(app_page, sim, guard, "#/vm/%s?tab=console" % running_vm)
    alert = app_page.get_by_role("alert").filter(has_text="console's files did not load")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("button", name="Reload the page")).to_be_visible()
    expect(app_page.get_by_text("reconnecting")).to_have_count(0)


def test_refused_chart_files_say_so_and_offer_a_reload(guard, app_page, sim, running_vm):
    guard.expect_console_error(r"integrity|charts-")
    tamper(app_page, r"/charts-[0-9a-f]+\.js$")
    sign_in(app_page, sim, guard, "#/vm/%s?tab=stats" % running_vm)
    alert = app_page.get_by_role("alert").filter(has_text="chart files did not load")
    expect(alert).to_be_visible()
    expect(app_page.get_by_text("did not answer")).to_have_count(0)
    with app_page.expect_navigation():
        alert.get_by_role("button", name="Reload the page").click()
    # The reloaded page, not the old one, with the session carried on (its login form is ready for a moment
    # while the session resumes: too short a state to wait on).
    expect(app_page.locator("#xl-main h1")).to_have_text(re.compile(r"\S"))
