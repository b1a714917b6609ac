"""The Tab order of the main pages and of dialogs, compared with committed snapshots (tests/e2e/focus_order/),
so an accidental change of order (a control moved, made unreachable or added to the Tab order) fails.

Each stop is written as the focused control's role and accessible name. A page's order starts at its
content (#xl-main, focused as after a navigation) and ends when focus leaves it; the frame's (skip link,
top bar, navigation) starts at the skip link, the document's first control; a dialog's starts at the control it focuses on
opening and goes once round its trap. To accept a new order, run with XCPLITE_FOCUS_ORDER=update and
review the snapshot files' diff."""
import os
import pathlib

import pytest

from harness import sign_in
from keyboard_harness import focused
from test_route_sweep import show

SNAPSHOTS = pathlib.Path(__file__).parent / "focus_order"
UPDATE = os.environ.get("XCPLITE_FOCUS_ORDER") == "update"
LIMIT = 250


@pytest.fixture(scope="module")
def pool(start_sim):
    return start_sim(hosts=2, vms=6, seed=1)


@pytest.fixture(scope="module")
def uuids(pool):
    session = pool.sdk()
    x = session.xenapi
    try:
        vms = x.VM.get_all_records().values()
        return {"vm": next(v["uuid"] for v in vms if v["name_label"] == "web-01"),
                "host": x.host.get_uuid(x.host.get_by_name_label("xcp-ng-01")[0]),
                "sr": next(s["uuid"] for s in x.SR.get_all_records().values() if s["type"] == "nfs")}
    finally:
        x.session.logout()


def pages(u):
    return [("dashboard", "#/"), ("vms", "#/vms"), ("vm", "#/vm/" + u["vm"]), ("storage", "#/storage"),
            ("sr", "#/sr/" + u["sr"]), ("pool", "#/pool"), ("host", "#/host/" + u["host"]),
            ("networks", "#/networks"), ("new-vm", "#/new-vm")]


# Tables ranked by live figures (the dashboard's top hosts and VMs by CPU/RAM): their rows' order follows the
# stats, so the stops inside one are compared as a set (sorted), their place in the order still checked.
RANKED = ("Hosts by ", "VMs by ")


def stop(page):
    """The focused control, and the name of the ranked table holding it (or "")."""
    group = page.evaluate("""() => { const g = document.activeElement.closest('.xl-table-wrap');
        return g ? g.getAttribute('aria-label') || '' : ''; }""")
    return focused(page), group if group.startswith(RANKED) else ""


def settle_ranked(stops):
    """[(stop, ranked group)] -> stops, each run inside one ranked group sorted."""
    out, i = [], 0
    while i < len(stops):
        j = i + 1
        if stops[i][1]:
            while j < len(stops) and stops[j][1] == stops[i][1]:
                j += 1
            out.extend(sorted(s for s, _g in stops[i:j]))
        else:
            out.append(stops[i][0])
        i = j
    return out


def inside(page, selector):
    return page.evaluate("(s) => !!document.activeElement.closest(s)", selector)


def walk_page(page):
    """Tab from the page's content until focus leaves it."""
    page.locator("#xl-main").focus()
    stops = []
    for _ in range(LIMIT):
        page.keyboard.press("Tab")
        if not inside(page, "#xl-main"):
            return settle_ranked(stops)
        stops.append(stop(page))
    raise AssertionError("more than %d stops in the page: %s" % (LIMIT, stops[-5:]))


def walk_frame(page):
    """Tab from the top of the document to the page's content."""
    page.get_by_role("button", name="Skip to content").focus()
    stops = [focused(page)]
    for _ in range(LIMIT):
        page.keyboard.press("Tab")
        if inside(page, "#xl-main"):
            return stops
        stops.append(focused(page))
    raise AssertionError("the frame never led to the page: %s" % stops[-5:])


def walk_dialog(page):
    """The dialog's first stop, then Tab until it comes back round."""
    first = focused(page)
    stops = [first]
    for _ in range(LIMIT):
        page.keyboard.press("Tab")
        assert inside(page, "[role=dialog]"), "focus left the dialog after " + stops[-1]
        now = focused(page)
        if now == first:
            return stops
        stops.append(now)
    raise AssertionError("the dialog's Tab order never came back round")


def check(name, stops):
    """Compare with the snapshot (or write it when updating); the message shows the difference."""
    path = SNAPSHOTS / (name + ".txt")
    text = "\n".join(stops) + "\n"
    if UPDATE or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text)
        return [] if UPDATE else ["%s: no snapshot yet, written (review and commit it)" % name]
    wanted = path.read_text().splitlines()
    if wanted == stops:
        return []
    first = next((i for i in range(min(len(wanted), len(stops))) if wanted[i] != stops[i]), min(len(wanted), len(stops)))
    return ["%s: Tab order changed at stop %d: expected %r, got %r (XCPLITE_FOCUS_ORDER=update to accept)"
            % (name, first + 1, wanted[first:first + 3], stops[first:first + 3])]


@pytest.mark.timeout(600)
def test_the_tab_order_of_each_page(app_page, guard, pool, uuids):
    page = sign_in(app_page, pool, guard)
    found = check("frame", walk_frame(page))
    for name, route in pages(uuids):
        show(page, route)
        page.wait_for_timeout(300)  # late cards (stats, records fetched on first visit) settle
        found += check(name, walk_page(page))
    assert found == [], "\n".join(found)


def test_the_tab_order_of_dialogs(app_page, guard, pool, uuids):
    page = sign_in(app_page, pool, guard)
    show(page, "#/vm/" + uuids["vm"])
    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Take snapshot", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog").wait_for()
    found = check("dialog-snapshot", walk_dialog(page))
    page.keyboard.press("Escape")
    page.get_by_role("dialog").wait_for(state="detached")
    page.locator("#xl-main").focus()
    page.keyboard.press("?")
    page.get_by_role("dialog", name="Keyboard shortcuts").wait_for()
    found += check("dialog-help", walk_dialog(page))
    assert found == [], "\n".join(found)
