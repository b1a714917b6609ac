"""Signing in and out in a real browser against xapi_sim: the cookie, errors in plain words, resume on reload,
logout, a session expired by the simulator, the pool-member link, and no session id in any URL."""
import json
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from harness import WAIT_MS, open_app, sign_in


@pytest.fixture(scope="module")
def pool(start_sim):
    """A pool of this module's own: its sessions get expired and logged out here."""
    return start_sim(hosts=2, vms=4, seed=3)


def session_cookie(page):
    found = [c for c in page.context.cookies() if c["name"] == "session_id"]
    return found[0] if found else None


def rpc(sim, method, params):
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}).encode()
    request = urllib.request.Request(sim.origin + "/jsonrpc", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)


def origin_of(url):
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def status_text(page):
    return page.locator("#xl-login-status").inner_text()


def wait_status(page, text):
    page.locator("#xl-login-status").filter(has_text=text).wait_for(timeout=WAIT_MS)


def test_login_sets_a_strict_session_cookie_and_no_url_carries_it(guard, app_page, pool):
    urls = []
    app_page.on("request", lambda request: urls.append(request.url))
    sign_in(app_page, pool, guard)
    assert app_page.get_by_role("navigation", name="Pool").is_visible()
    assert app_page.locator("#xl-login-screen").is_hidden()
    cookie = session_cookie(app_page)
    assert cookie["value"].startswith("OpaqueRef:") and cookie["path"] == "/"
    assert cookie["sameSite"] == "Strict" and not cookie["secure"] and cookie["expires"] == -1
    assert rpc(pool, "session.get_all_subject_identifiers", [cookie["value"]]).get("result") is not None
    app_page.get_by_role("link", name="VMs", exact=True).click()
    app_page.wait_for_url("**#/vms")
    own = origin_of(app_page.url)
    own_urls = [url for url in urls + [app_page.url] if origin_of(url) == own]
    assert own_urls, "no request to the page's own origin was seen"
    assert not [url for url in own_urls if cookie["value"] in url or "session_id" in url]
    # Another origin (a pool member serving stats or a console) cannot get the cookie: only there
    # may the session travel in the query.
    assert app_page.get_by_label("Password", exact=True).input_value() == ""


def test_wrong_password_says_so_and_the_form_stays_usable(guard, app_page, pool):
    open_app(app_page, pool, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    app_page.get_by_label("Password").fill("not-the-password")
    app_page.get_by_label("Password").press("Enter")
    wait_status(app_page, "Wrong username or password")
    assert app_page.get_by_role("button", name="Log in").is_enabled()
    assert app_page.evaluate("document.activeElement.id") == "xl-password"
    assert session_cookie(app_page) is None
    app_page.get_by_label("Password").fill(pool.password)
    app_page.get_by_role("button", name="Log in").click()
    app_page.locator("#xl-app:not([hidden]) #xl-main > *").first.wait_for(timeout=WAIT_MS)


def test_an_unreachable_host_and_a_server_error_in_plain_words(guard, app_page, pool):
    guard.expect_console_error(r"jsonrpc|Failed to load resource")
    open_app(app_page, pool, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    app_page.route("**/jsonrpc", lambda route: route.abort("connectionrefused"))
    app_page.get_by_label("Password").fill(pool.password)
    app_page.get_by_role("button", name="Log in").click()
    wait_status(app_page, "The host did not answer")
    app_page.unroute("**/jsonrpc")
    app_page.route("**/jsonrpc", lambda route: route.fulfill(status=500, body="<html>Internal error</html>"))
    app_page.get_by_role("button", name="Log in").click()
    wait_status(app_page, "The server reported an error: The host failed while handling the request.")
    assert session_cookie(app_page) is None


def test_a_pool_member_links_to_the_master(guard, app_page, pool):
    member = sorted(pool.origins - {pool.origin})[0]
    guard.allow_sim(pool)
    app_page.goto(member + "/")
    app_page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    app_page.get_by_label("Password").fill(pool.password)
    app_page.get_by_role("button", name="Log in").click()
    wait_status(app_page, "This host is a pool member")
    link = app_page.get_by_role("link", name="Open the pool master")
    assert link.get_attribute("href") == pool.origin + "/"


def test_a_reload_stays_signed_in_and_keep_me_signed_in_lasts(guard, app_page, pool):
    sign_in(app_page, pool, guard, keep=True)
    cookie = session_cookie(app_page)
    assert 29 * 86400 < cookie["expires"] - time.time() <= 30 * 86400
    app_page.reload()
    app_page.locator("#xl-app:not([hidden]) #xl-main > *").first.wait_for(timeout=WAIT_MS)
    assert session_cookie(app_page)["value"] == cookie["value"]
    assert app_page.get_by_label("Password", exact=True).input_value() == ""


def test_logout_ends_the_session_and_clears_the_cookie(guard, app_page, pool):
    # No console error expected: the stats downloads on their way are stopped before the logout call
    # (a download XAPI answered after forgetting the session would be refused, and Chromium logs that).
    sign_in(app_page, pool, guard)
    session = session_cookie(app_page)["value"]
    app_page.get_by_role("button", name="Log out").click()
    wait_status(app_page, "You are signed out")
    assert app_page.get_by_role("button", name="Log in").is_visible()
    assert session_cookie(app_page) is None
    assert app_page.locator("#xl-app").inner_html() == ""
    reply = rpc(pool, "session.get_all_subject_identifiers", [session])
    assert reply["error"]["message"] == "SESSION_INVALID"
    app_page.reload()
    app_page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    assert status_text(app_page) == "" and app_page.locator("#xl-app").is_hidden()


def test_a_session_expired_by_the_host_sends_the_user_back_with_the_reason(guard, app_page, pool):
    # A stats download already on its way when the host drops the session is refused with a 401,
    # which Chromium logs whatever the page does with it.
    guard.expect_console_error(r"/rrd_updates\?")  # the guard matches a pattern on the text or the URL
    sign_in(app_page, pool, guard)
    vm_names = app_page.locator("#xl-nav .xl-leaf").all_inner_texts()
    assert vm_names
    pool.fault("expire_sessions")
    wait_status(app_page, "Your session expired")
    assert app_page.get_by_role("button", name="Log in").is_enabled()
    assert app_page.locator("#xl-app").inner_html() == ""
    body = app_page.locator("body").inner_text()
    assert not [name for name in vm_names if name in body]
    assert session_cookie(app_page) is None and app_page.title() == "Log in - xcplite"


def test_a_deep_link_survives_the_login(guard, app_page, pool):
    sdk = pool.sdk()
    try:
        host = sorted(sdk.xenapi.host.get_all_records().values(), key=lambda h: h["name_label"])[-1]
    finally:
        sdk.xenapi.session.logout()
    sign_in(app_page, pool, guard, route="#/host/" + host["uuid"])
    assert app_page.url.endswith("#/host/" + host["uuid"])
    current = app_page.locator("#xl-nav [aria-current=page]")
    assert current.inner_text() == host["name_label"]
    assert host["name_label"] in app_page.title()
