"""The first screen: branded, accessible login form painted before Python starts, made interactive by Python."""
import re

from playwright.sync_api import expect

from harness import axe_violations, open_app



def test_version_from_the_manifest_is_shown(guard, app_page, sim, manifest_version):
    version, revision = manifest_version
    open_app(app_page, sim, guard)
    footer = app_page.get_by_role("contentinfo")
    footer.wait_for(timeout=10000)
    assert re.search(r"\b" + re.escape(version) + r"\b", footer.inner_text())
    assert revision in footer.inner_text()
    assert app_page.evaluate("[xcplite.version, xcplite.revision]") == [version, revision]


def test_form_is_disabled_until_python_runs_then_interactive(guard, app_page, sim):
    held = []
    # Hold the interpreter's wasm: the static first screen must already be there, and not yet usable.
    app_page.route(re.compile(r".*\.wasm$"), lambda route: held.append(route))
    open_app(app_page, sim, guard)
    form = app_page.get_by_role("form", name="Log in")
    form.wait_for(timeout=10000)
    button = app_page.get_by_role("button", name="Log in")
    while not held:
        app_page.wait_for_timeout(20)
    assert button.is_disabled()
    assert form.get_attribute("aria-busy") == "true" and form.get_attribute("data-ready") == "0"
    assert app_page.get_by_role("status").inner_text() == "Starting the console\u2026"
    held[0].continue_()
    app_page.locator("form[data-ready='1']").wait_for(timeout=20000)
    assert button.is_enabled() and form.get_attribute("aria-busy") == "false"


def test_login_fields_are_labelled_and_submitting_stays_on_the_page(guard, app_page, sim):
    open_app(app_page, sim, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=20000)
    username = app_page.get_by_role("textbox", name="Username")
    password = app_page.get_by_label("Password")
    assert username.input_value() == "root"
    assert password.get_attribute("type") == "password"
    assert app_page.get_by_role("heading", name="Sign in to the pool").is_visible()
    password.fill("secret")
    url = app_page.url
    password.press("Enter")  # Python handles submit; the browser must not navigate
    app_page.get_by_role("status").filter(has_text="Wrong username or password").wait_for(timeout=5000)
    assert app_page.url == url


def test_login_screen_passes_axe_in_light_and_dark(guard, app_page, sim):
    open_app(app_page, sim, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=20000)
    for scheme in ("light", "dark"):
        app_page.emulate_media(color_scheme=scheme)
        assert axe_violations(app_page) == [], scheme


def test_the_password_has_the_focus_and_the_first_tab_offers_to_skip_to_the_content(guard, app_page, sim):
    open_app(app_page, sim, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=20000)
    expect(app_page.get_by_label("Password")).to_be_focused()
    app_page.keyboard.type(sim.password)
    app_page.keyboard.press("Enter")
    app_page.locator("#xl-main h1").first.wait_for(timeout=20000)
    # after sign-in the page has the focus, as after a page load
    expect(app_page.locator("#xl-main")).to_be_focused()
    # the first Tab stop of the document is "Skip to content"; focused, it shows and leads to the page
    first = app_page.evaluate("""() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
        .find(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length).textContent""")
    assert first == "Skip to content"
    skip = app_page.get_by_role("button", name="Skip to content")
    skip.focus()
    expect(skip).to_be_visible()
    app_page.keyboard.press("Enter")
    expect(app_page.locator("#xl-main")).to_be_focused()
