"""The stub loads the bundle from the CDN, falls back to the host-local copy, or says clearly what failed.
(A CDN serving changed or late files: test_signed_release.py.)"""
import re

from harness import open_app

FALLBACK_DEADLINE_MS = 3000


def booted_from(page):
    page.wait_for_function("() => window.xcplite && window.xcplite.booted", timeout=15000)
    return page.evaluate("[xcplite.booted, xcplite.shownAt]")


def wait_ready(page):
    page.locator("form[data-ready='1']").wait_for(timeout=20000)


def test_stub_loads_the_bundle_from_the_cdn(guard, app_page, sim, cdn):
    requested = []
    app_page.on("request", lambda r: requested.append(r.url))
    open_app(app_page, sim, guard)
    base, shown_ms = booted_from(app_page)
    wait_ready(app_page)
    assert base == cdn.url
    assert not [u for u in requested if "/xcplite/" in u], "the local copy must not be used when the CDN works"
    paths = {r["path"] for r in cdn.requests()[guard.marks[cdn.origin]:]}
    assert "/boot.js" in paths and any(p.endswith(".wasm") for p in paths) and any(p.endswith(".json") for p in paths)
    assert shown_ms < 2000


def test_the_tab_icon_comes_once_the_form_is_ready(guard, app_page, sim):
    """The logo is the tab's icon once the form is ready, not before (the browser decodes an SVG icon on the
    page's main thread, which held the start back)."""
    logo = "link[rel=icon][href^='data:image/svg+xml;base64,']"
    open_app(app_page, sim, guard)
    booted_from(app_page)
    early = app_page.evaluate("s => [document.getElementById('xl-login-form').dataset.ready,"
                              " document.querySelectorAll(s).length]", logo)
    wait_ready(app_page)
    app_page.locator(logo).wait_for(state="attached", timeout=5000)
    if early[0] != "1":  # seen while the form was still starting
        assert early[1] == 0


def test_session_cookie_never_reaches_the_cdn(guard, app_page, sim, cdn):
    guard.context.add_cookies([{"name": "session_id", "value": "OpaqueRef:test-session", "url": sim.url}])
    open_app(app_page, sim, guard)
    wait_ready(app_page)
    seen = cdn.requests()[guard.marks[cdn.origin]:]
    assert len(seen) >= 5, "the CDN served the bundle"
    assert not [r for r in seen if r["cookie"]], "no cookie at all goes to the CDN"


def test_cdn_refusing_falls_back_to_the_local_copy_within_3s(guard, app_page, start_sim):
    pool = start_sim("down")
    guard.expect_console_error(re.escape(pool.cdn_url))  # the refused connection is logged by Chromium
    open_app(app_page, pool, guard)
    base, shown_ms = booted_from(app_page)
    assert base == pool.url + "xcplite/"
    assert shown_ms < FALLBACK_DEADLINE_MS
    wait_ready(app_page)


def test_cdn_hanging_falls_back_to_the_local_copy_within_3s(guard, app_page, start_sim, hanging_cdn):
    pool = start_sim("hang")
    guard.expect_console_error(re.escape(hanging_cdn.url))
    open_app(app_page, pool, guard)
    base, shown_ms = booted_from(app_page)
    assert base == pool.url + "xcplite/"
    assert 2000 < shown_ms < FALLBACK_DEADLINE_MS, "waits for the CDN, then switches before 3 s"
    wait_ready(app_page)


def test_no_cdn_and_no_local_copy_shows_what_failed(guard, app_page, start_sim):
    pool = start_sim("down", local=False)
    guard.expect_console_error(re.escape(pool.cdn_url) + "|/xcplite/boot.js")
    open_app(app_page, pool, guard)
    alert = app_page.get_by_role("alert")
    alert.wait_for(timeout=10000)
    assert app_page.get_by_role("heading", name="xcplite could not start").is_visible()
    reasons = app_page.get_by_role("listitem").all_inner_texts()
    assert any(re.match(re.escape(pool.cdn_url) + r"(release\.json|release\.sig|boot\.js) could not be reached "
                        r"\(connection refused or blocked\)$", r) for r in reasons), reasons
    assert any(re.match(r"/xcplite/boot\.js answered HTTP 4\d\d$", r) for r in reasons), reasons
    assert "/opt/xensource/www/xcplite/" in alert.inner_text()
    assert app_page.title() == "xcplite could not start"
