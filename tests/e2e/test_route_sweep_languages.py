"""The route sweep in French, German and Spanish: each page, at desktop and phone widths, passes
sweep.problems() (visible, readable, nothing clipped by the longer words, no axe violation), and no
English is left on screen except what comes from XAPI (names, descriptions, message names). The
language is chosen as a person does: from the login screen's menu, which reloads the page in it."""
import re

import pytest

from harness import RESULTS, open_app
from sweep import clipped, problems
from test_route_sweep import objects, pool, routes, show  # noqa: F401  (fixtures shared with the English sweep)

from lite_app.text import catalog

LANGUAGES = ("fr", "de", "es")
VIEWPORTS = (("desktop", 1440, 900), ("phone", 375, 812))
SHOTS = RESULTS / "route-sweep-languages"
WAIT = 15000
WORD = re.compile(r"[^\W\d_]{4,}")
# English words the catalog does not use but hand-written text might.
COMMON = {"this", "that", "with", "from", "have", "there", "which", "when", "will", "your", "please", "error",
          "loading", "failed", "unknown", "none", "true", "false"}
# XAPI's classes whose strings the pages show (names, descriptions, tags, message names and bodies).
XAPI_CLASSES = ("pool", "host", "VM", "SR", "VDI", "network", "PIF", "Bond", "VLAN", "message", "task",
                "host_cpu", "PBD", "VM_guest_metrics", "host_metrics", "VTPM")

KEYS = set(catalog.strings_of("en"))
TEXT_JS = r"""() => {
  const out = [];
  for (const selector of ['#xl-top', '#xl-main']) {
    const root = document.querySelector(selector);
    if (!root) continue;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement, text = node.nodeValue.trim();
      if (!text || !el || el.closest('code, pre, [aria-hidden=true]')) continue;
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || s.display === 'none' || el.offsetParent === null && s.position !== 'fixed') continue;
      out.push(text);
    }
  }
  return out;
}"""


def words(value):
    return {w.lower() for w in WORD.findall(value)}


def catalog_words(code):
    found = set()
    for value in catalog.strings_of(code).values():
        for text in (value.values() if isinstance(value, dict) else [value]):
            found |= words(re.sub(r"\{[a-z_]+\}", " ", text))
    return found


@pytest.fixture(scope="module")
def xapi_words(pool):
    """Every word of every string XAPI holds for the classes the pages show."""
    session = pool.sdk()
    found = set()
    try:
        for cls in XAPI_CLASSES:
            for record in getattr(session.xenapi, cls).get_all_records().values():
                stack = [record]
                while stack:
                    value = stack.pop()
                    if isinstance(value, dict):
                        stack.extend(value.keys())
                        stack.extend(value.values())
                    elif isinstance(value, list):
                        stack.extend(value)
                    elif isinstance(value, str):
                        found |= words(value.replace("_", " "))
        # the pool page lists XCP-ng's pending updates as the updater plugin describes them
        for host in session.xenapi.host.get_all():
            found |= words(session.xenapi.host.call_plugin(host, "updater.py", "check_update", {}).replace("_", " "))
    finally:
        session.xenapi.session.logout()
    return found


def choose_language(page, sim, guard, code):
    """Open the login screen, choose `code` in its language menu (the page reloads in it), sign in.
    Returns the strings files the reloaded page fetched."""
    open_app(page, sim, guard)
    page.locator("form[data-ready='1']").wait_for(timeout=WAIT)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url.rsplit("/", 1)[-1]))
    page.on("framenavigated", lambda frame: fetched.clear() if frame == page.main_frame else None)  # the reload
    page.locator("#xl-login-language").select_option(code)
    page.wait_for_function("(code) => document.documentElement.lang === code", arg=code, timeout=WAIT)
    page.locator("form[data-ready='1']").wait_for(timeout=WAIT)
    assert page.locator("#xl-login-submit").text_content() == catalog.strings_of(code)["login.submit"]
    texts = [name for name in fetched if name.startswith("text-")]
    page.locator("#xl-password").fill(sim.password)
    page.locator("#xl-login-submit").click()
    page.locator("#xl-app:not([hidden]) #xl-main > *").first.wait_for(timeout=WAIT)
    return page, texts


@pytest.mark.timeout(900)
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_route_in_each_language(app_page, guard, pool, objects, xapi_words, code):  # noqa: F811
    english_only = (catalog_words("en") | COMMON) - catalog_words(code)
    page, texts = choose_language(app_page, pool, guard, code)
    # the login download holds the chosen language's strings only
    assert texts and all(name.startswith("text-%s-" % code) for name in texts), texts
    assert page.locator("#xl-top select[data-action='shell.language']").input_value() == code
    assert page.get_by_role("button", name=catalog.strings_of(code)["shell.logout"]).is_visible()
    found = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, route in routes(objects):
        show(page, route)
        for size, width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            page.emulate_media(reduced_motion="reduce")
            page.wait_for_timeout(50)
            look = "%s %s %s" % (code, name, size)
            found.extend(problems(page, "#xl-main > :first-child", page.locator("#xl-main h1").first, look))
            found.extend(clipped(page, "#xl-top", look))
            page.screenshot(path=str(SHOTS / ("%s-%s-%s.png" % (code, name, size))))
        left, keys = set(), set()
        for text in page.evaluate(TEXT_JS):
            left |= (words(text) & english_only) - xapi_words
            if text in KEYS:
                keys.add(text)
        if left:
            found.append("%s %s: English left on screen: %s" % (code, name, ", ".join(sorted(left))))
        if keys:
            found.append("%s %s: a catalog key shown instead of its string: %s" % (code, name, ", ".join(sorted(keys))))
    assert found == [], "\n".join(found)
