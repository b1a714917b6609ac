"""Consoles across the pool in Chromium: a VM on another member (another origin: the session goes in the
query), a member that cannot be reached, a halted VM that connects as soon as Start is clicked, the host
console (control domain) and the console in a window of its own."""
import re

import pytest
from console_harness import (SCREEN, Pool, console_state, open_console, record_sockets, shows_banner, wait_for,
                             wait_status)
from harness import WAIT_MS, sign_in


@pytest.fixture(scope="module")
def pool(start_sim):
    return Pool(start_sim(hosts=2, vms=8, seed=3))


def member_vm(pool):
    """A VM running on the member (started there when the inventory has none)."""
    try:
        return pool.pick("Running", on_master=False)[1]
    except AssertionError:
        ref, vm = pool.pick("Halted")
        pool.call("VM.start_on", ref, pool.member(), False, False)
        return vm


def test_a_vm_on_another_member_carries_the_session_in_the_query(app_page, guard, pool):
    vm = member_vm(pool)
    sockets = record_sockets(app_page)
    open_console(app_page, pool.sim, guard, vm["uuid"])
    wait_status(app_page, "connected")
    wait_for(lambda: shows_banner(app_page, vm["name_label"]), what="the member VM's boot banner", page=app_page)
    port = pool.sim.origin.rsplit(":", 1)[1]
    assert len(sockets) == 1 and sockets[0].startswith(f"ws://127.0.0.2:{port}/console?uuid="), sockets
    session = app_page.context.cookies(pool.sim.origin)[0]["value"]
    assert "&session_id=" + session.replace(":", "%3A") in sockets[0], "another origin gets no cookie"


# While window.__refuseMember is set, sockets to the member go to a closed port of that address instead: a real
# refused connection, which is also all a page learns of a certificate it does not trust.
REFUSE_MEMBER = """
(() => {
  const Native = window.WebSocket;
  window.__refuseMember = true;
  function Refusing(url, protocols) {
    if (window.__refuseMember && String(url).startsWith("ws://127.0.0.2:")) url = "ws://127.0.0.2:9/";
    return new Native(url, protocols);
  }
  Refusing.prototype = Native.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Refusing[k] = Native[k];
  window.WebSocket = Refusing;
})();
"""


def test_an_unreachable_member_says_so_and_connects_once_it_answers(app_page, guard, pool):
    vm = member_vm(pool)
    guard.expect_console_error(r"WebSocket connection to 'ws://127\.0\.0\.2:9/' failed")
    sockets = record_sockets(app_page)
    app_page.add_init_script(REFUSE_MEMBER)
    open_console(app_page, pool.sim, guard, vm["uuid"])
    alert = app_page.get_by_role("alert")
    alert.wait_for(timeout=WAIT_MS)
    host = "127.0.0.2:" + pool.sim.origin.rsplit(":", 1)[1]
    assert host in alert.inner_text() and "certificate" in alert.inner_text()
    link = app_page.get_by_role("link", name=f"Open {host} in a new tab")
    assert link.get_attribute("href") == f"http://{host}/" and link.get_attribute("target") == "_blank"
    assert app_page.locator("[data-status=connected]").count() == 0
    expect_button = app_page.get_by_role("button", name="Reconnect now")
    assert expect_button.is_visible()
    # The member answers again and the button is pressed in one go: the automatic retries (after 0.5,
    # 1, 2... s) would otherwise reconnect first on a busy machine and take the button away mid-click.
    clicked = app_page.evaluate("() => { window.__refuseMember = false;"
                                " const b = document.querySelector('[data-action=\"console.retry\"]');"
                                " if (b) { b.click(); } return !!b; }")
    assert clicked
    wait_status(app_page, "connected")
    assert app_page.get_by_role("alert").count() == 0, "the message goes once the member answers"
    assert sockets[0] == "ws://127.0.0.2:9/" and sockets[-1].startswith(f"ws://{host}/console?")


def test_a_halted_vm_shows_the_message_and_connects_after_start(app_page, guard, pool):
    ref, vm = pool.pick("Halted")
    sockets = record_sockets(app_page)
    open_console(app_page, pool.sim, guard, vm["uuid"])
    app_page.get_by_text("VM is not running").wait_for(timeout=WAIT_MS)
    assert app_page.locator(SCREEN).is_hidden()
    assert sockets == [], "nothing to connect to while the VM is halted"
    app_page.get_by_role("region", name="Console").get_by_role("button", name="Start").click()
    wait_status(app_page, "connected", timeout=30000)
    assert app_page.get_by_text("VM is not running").count() == 0
    wait_for(lambda: shows_banner(app_page, vm["name_label"]), what="the first boot lines", page=app_page)
    assert len(sockets) == 1, "one connection, opened as soon as the VM ran"
    assert console_state(pool.sim, vm["uuid"])["lines"][0].startswith("XCP-ng guest console")


def test_the_host_console_shows_the_control_domain(app_page, guard, pool):
    host = pool.hosts[pool.master]
    sign_in(app_page, pool.sim, guard, "#/host/" + host["uuid"])
    app_page.get_by_role("tab", name="Console").click()
    wait_status(app_page, "connected")
    assert app_page.get_by_role("tab", name="Console").get_attribute("aria-selected") == "true"
    assert app_page.url.endswith("#/host/%s?tab=console" % host["uuid"])
    dom0 = pool.call("VM.get_name_label", host["control_domain"])
    wait_for(lambda: shows_banner(app_page, dom0), what="the control domain's banner", page=app_page)
    dom0_uuid = pool.call("VM.get_uuid", host["control_domain"])
    before = console_state(pool.sim, dom0_uuid)["ctrl_alt_del_count"]
    app_page.get_by_role("button", name="Ctrl+Alt+Del").click()
    wait_for(lambda: console_state(pool.sim, dom0_uuid)["ctrl_alt_del_count"] == before + 1,
             what="Ctrl+Alt+Del on the host's console")


def test_the_console_opens_in_a_window_of_its_own(app_page, guard, pool):
    vm = pool.pick("Running", on_master=True)[1]
    open_console(app_page, pool.sim, guard, vm["uuid"])
    wait_status(app_page, "connected")
    with app_page.context.expect_page() as opened:
        app_page.get_by_role("link", name="Open in a new window").click()
    window = opened.value
    window.wait_for_url(re.compile(r"#/console/" + vm["uuid"] + "$"))
    wait_status(window, "connected")
    assert window.get_by_role("heading", level=1).inner_text() == vm["name_label"]
    wait_for(lambda: shows_banner(window, vm["name_label"]), what="the banner in the new window", page=window)
    assert window.get_by_role("link", name="Open in a new window").count() == 0
