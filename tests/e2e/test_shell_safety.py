"""Strings from XAPI are text, never HTML: names, descriptions, tags and other_config values full of markup and
script, set through the XenAPI SDK, render literally on every page and execute nothing."""
import pytest

from harness import WAIT_MS, sign_in

MARK = "window.__xss = (window.__xss || 0) + 1"
PAYLOAD = '<img src=x onerror="%s"><script>%s</script><b>bold</b>' % (MARK, MARK)


@pytest.fixture(scope="module")
def hostile(start_sim):
    """A pool whose every visible string is hostile; returns (sim, uuids by class)."""
    sim = start_sim(hosts=2, vms=4, seed=7)
    session = sim.sdk()
    api = session.xenapi
    try:
        uuids = {}
        vms = api.VM.get_all_records()
        ref = sorted(r for r in vms if not (vms[r]["is_a_template"] or vms[r]["is_control_domain"]
                                            or vms[r]["is_a_snapshot"]))[0]
        api.VM.set_name_label(ref, PAYLOAD)
        api.VM.set_name_description(ref, PAYLOAD)
        api.VM.add_tags(ref, PAYLOAD)
        api.VM.add_to_other_config(ref, "note", PAYLOAD)
        uuids["vm"] = vms[ref]["uuid"]
        for cls, api_cls in (("host", api.host), ("sr", api.SR), ("network", api.network)):
            first = sorted(api_cls.get_all())[0]
            api_cls.set_name_label(first, PAYLOAD)
            api_cls.set_name_description(first, PAYLOAD)
            uuids[cls] = api_cls.get_uuid(first)
        api.pool.set_name_label(api.pool.get_all()[0], PAYLOAD)
    finally:
        api.session.logout()
    return sim, uuids


def assert_inert(page, requests, dialogs):
    page.wait_for_timeout(300)  # give any injected handler time to run
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x'], #xl-app script, #xl-app b").count() == 0
    assert not [url for url in requests if url.endswith("/x")]
    assert dialogs == []


def test_hostile_strings_render_as_text_and_run_nothing(guard, app_page, hostile):
    sim, uuids = hostile
    requests, dialogs = [], []
    app_page.on("request", lambda request: requests.append(request.url))
    app_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(app_page, sim, guard)
    assert app_page.title() == "Dashboard - %s - xcplite" % PAYLOAD
    assert app_page.locator(".xl-poolname").inner_text() == PAYLOAD
    assert app_page.locator("#xl-nav a[href='#/vm/%s']" % uuids["vm"]).inner_text() == PAYLOAD
    assert_inert(app_page, requests, dialogs)
    for route in ("#/vm/" + uuids["vm"], "#/host/" + uuids["host"], "#/sr/" + uuids["sr"],
                  "#/network/" + uuids["network"], "#/storage", "#/networks", "#/vms"):
        app_page.evaluate("location.hash = %r" % route)
        app_page.wait_for_function("() => document.title.indexOf(%r) >= 0 || %r.indexOf('/') < 0"
                                   % (PAYLOAD[:20], route), timeout=WAIT_MS)
        app_page.locator("#xl-main").get_by_text(PAYLOAD, exact=True).filter(visible=True).first.wait_for(timeout=WAIT_MS)
        assert_inert(app_page, requests, dialogs)


def test_the_search_box_takes_markup_as_text(guard, app_page, hostile):
    sim, uuids = hostile
    sign_in(app_page, sim, guard, route="#/vms")
    box = app_page.get_by_role("searchbox").first
    box.fill("<img src=x")
    app_page.locator("#xl-main").get_by_text(PAYLOAD, exact=True).filter(visible=True).first.wait_for(timeout=WAIT_MS)
    assert app_page.evaluate("window.__xss") is None
    assert app_page.locator("img[src='x']").count() == 0


def test_a_right_to_left_override_in_a_name_cannot_reorder_what_follows(guard, app_page, start_sim):
    sim = start_sim(hosts=1, vms=3, seed=11)
    session = sim.sdk()
    try:
        api = session.xenapi
        vms = api.VM.get_all_records()
        ref = sorted(r for r in vms if not (vms[r]["is_a_template"] or vms[r]["is_control_domain"]
                                            or vms[r]["is_a_snapshot"]))[0]
        api.VM.set_name_label(ref, "\u202eevil")
        uuid = vms[ref]["uuid"]
    finally:
        session.xenapi.session.logout()
    sign_in(app_page, sim, guard, route="#/vm/" + uuid)
    link = app_page.locator("#xl-nav a[href='#/vm/%s'] .xl-label" % uuid)
    # the name's own text node is isolated (FSI ... PDI), so the override ends with the name
    assert link.evaluate("el => el.firstChild.nodeValue") == "\u2068\u202eevil\u2069"
    app_page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Delete", exact=True).click()
    sentence = app_page.get_by_role("dialog").locator(".xl-dialog-text").first.inner_text()
    assert sentence.endswith("\u2069\u201d? This cannot be undone."), sentence
