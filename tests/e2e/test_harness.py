"""The browser checks really catch what they guard against (so a passing browser test means something)."""
import urllib.request

from harness import open_app


FOREIGN = "http://198.51.100.7/tracker.js"  # TEST-NET-2: never routable; the request is aborted anyway


def test_guard_catches_foreign_requests_console_errors_and_page_errors(guard, app_page, sim):
    guard.context.route("http://198.51.100.7/**", lambda route: route.abort())
    open_app(app_page, sim, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=20000)
    assert guard.violations() == []
    # The app's own page cannot even try (its Content-Security-Policy refuses the connection), so the
    # request comes from another page of the same browser context, which the guard watches too.
    other = guard.context.new_page()
    other.evaluate(f"fetch({FOREIGN!r}).catch(() => 0)")
    other.close()
    app_page.evaluate("console.error('boom from the page')")
    app_page.evaluate("setTimeout(() => { throw new Error('uncaught boom'); }, 0)")
    app_page.wait_for_timeout(300)
    found = "\n".join(guard.violations())
    assert "request outside the test origins: GET " + FOREIGN in found
    assert "console error: boom from the page" in found
    assert "uncaught page error: uncaught boom" in found
    guard.problems.clear()  # the violations were the point of this test


def test_guard_catches_the_session_cookie_reaching_the_cdn(guard, cdn):
    request = urllib.request.Request(cdn.url + "boot.js", headers={"Cookie": "session_id=OpaqueRef:leaked"})
    urllib.request.urlopen(request, timeout=10).read()
    assert guard.cookie_leaks() == [f"the CDN {cdn.origin} received the session_id cookie: /boot.js"]
    guard.marks[cdn.origin] = len(cdn.requests())  # forget the deliberate leak


def test_expected_console_errors_are_not_violations(guard, app_page, sim):
    guard.expect_console_error("^expected: ")
    open_app(app_page, sim, guard)
    app_page.evaluate("console.error('expected: the CDN is down in this test')")
    app_page.wait_for_timeout(100)
    assert guard.violations() == []
