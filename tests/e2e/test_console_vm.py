"""The VM console in Chromium against xapi_sim: the canvas shows the VM's framebuffer, typed and pasted text
and Ctrl+Alt+Del reach the simulator's RFB server, a reboot reconnects by itself, and the page's own origin
keeps the session out of the websocket URL (the cookie carries it)."""
import pytest
from playwright.sync_api import expect
from console_harness import (CANVAS, Pool, banner, canvas_rgb, console_state, open_console, record_sockets,
                             shows_banner, wait_for, wait_status)

from xapi_sim.screen import PALETTE, REBOOT_LINE, BRIGHT


@pytest.fixture(scope="module")
def pool(start_sim):
    return Pool(start_sim(hosts=2, vms=8, seed=3))


@pytest.fixture
def master_vm(pool):
    return pool.pick("Running", on_master=True)[1]


def test_the_canvas_shows_the_vms_framebuffer(app_page, guard, pool, master_vm):
    sockets = record_sockets(app_page)
    open_console(app_page, pool.sim, guard, master_vm["uuid"])
    wait_status(app_page, "connected")
    name = master_vm["name_label"]
    wait_for(lambda: shows_banner(app_page, name), what="the boot banner on the canvas, pixel for pixel")
    rows, _ = banner(name)
    first_line = canvas_rgb(app_page, 0, 0, 640, 16)
    bright = bytes(PALETTE[BRIGHT])
    assert sum(1 for i in range(0, len(first_line), 3) if first_line[i:i + 3] == bright) > 200, \
        "the title line is drawn in the bright colour"
    assert len(sockets) == 1 and sockets[0].startswith(pool.sim.origin.replace("http:", "ws:") + "/console?uuid=")
    assert "session_id" not in sockets[0], "on the page's own origin the cookie carries the session"
    expect(app_page.get_by_role("status").filter(has_text="Connected")).to_be_visible()


def test_typed_text_and_the_paste_box_reach_the_vm(app_page, guard, pool, master_vm):
    open_console(app_page, pool.sim, guard, master_vm["uuid"])
    wait_status(app_page, "connected")
    uuid = master_vm["uuid"]
    before = console_state(pool.sim, uuid)["typed_text"]
    app_page.locator(CANVAS).click()
    app_page.keyboard.type("root")
    app_page.keyboard.press("Enter")
    wait_for(lambda: console_state(pool.sim, uuid)["typed_text"] == before + "root\n", what="typed keys")
    box = app_page.get_by_label("Text to type into the console")
    box.fill("uname -a; echo 'Paste OK' | wc -c\n")
    app_page.get_by_role("button", name="Type it").click()
    expected = before + "root\n" + "uname -a; echo 'Paste OK' | wc -c\n"
    wait_for(lambda: console_state(pool.sim, uuid)["typed_text"] == expected, what="pasted text as keystrokes")
    assert any("uname -a; echo 'Paste OK' | wc -c" in line for line in console_state(pool.sim, uuid)["lines"])
    expect(app_page.get_by_text("34 keys sent.")).to_be_visible()
    assert app_page.get_by_label("Text to type into the console").input_value() == "", "a fresh box after sending"


def test_ctrl_alt_del_reaches_the_vm(app_page, guard, pool, master_vm):
    open_console(app_page, pool.sim, guard, master_vm["uuid"])
    wait_status(app_page, "connected")
    uuid = master_vm["uuid"]
    before = console_state(pool.sim, uuid)["ctrl_alt_del_count"]
    app_page.get_by_role("toolbar", name="Console controls").get_by_role("button", name="Ctrl+Alt+Del").click()
    state = wait_for(lambda: (lambda s: s if s["ctrl_alt_del_count"] == before + 1 else None)(
        console_state(pool.sim, uuid)), what="Ctrl+Alt+Del on the simulator")
    assert REBOOT_LINE in state["lines"]


def test_a_reboot_reconnects_by_itself_to_a_fresh_screen(app_page, guard, pool):
    ref, vm = pool.pick("Running", on_master=True)
    sockets = record_sockets(app_page)
    open_console(app_page, pool.sim, guard, vm["uuid"])
    wait_status(app_page, "connected")
    app_page.locator(CANVAS).click()
    app_page.keyboard.type("before reboot")
    wait_for(lambda: "before reboot" in console_state(pool.sim, vm["uuid"])["typed_text"], what="typed text")
    pool.call("VM.hard_reboot", ref)
    wait_for(lambda: len(sockets) >= 2, what="a second websocket after the reboot", page=app_page)
    wait_status(app_page, "connected")
    assert console_state(pool.sim, vm["uuid"])["typed_text"] == "", "a new domain boots a fresh screen"
    wait_for(lambda: shows_banner(app_page, vm["name_label"]), what="the fresh boot banner")
    assert sockets[0] == sockets[1]


def test_scale_to_fit_is_a_toggle_and_full_screen_takes_the_screen(app_page, guard, pool, master_vm):
    open_console(app_page, pool.sim, guard, master_vm["uuid"])
    wait_status(app_page, "connected")
    scale = app_page.get_by_role("button", name="Scale to fit")
    assert scale.get_attribute("aria-pressed") == "true"
    scale.click()
    wait_for(lambda: scale.get_attribute("aria-pressed") == "false", what="scale off")
    width = app_page.evaluate("document.querySelector('%s').getBoundingClientRect().width" % CANVAS)
    assert width == 640, "unscaled, the canvas is the framebuffer's own size"
    app_page.get_by_role("button", name="Full screen").click()
    wait_for(lambda: app_page.evaluate("document.fullscreenElement && document.fullscreenElement.id"),
             what="the console in full screen")
    assert app_page.evaluate("document.fullscreenElement.id") == "xl-console-screen"
