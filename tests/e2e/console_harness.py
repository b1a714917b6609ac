"""Helpers for the console's browser tests: the simulator's console records, pool set-up through the SDK,
the page's websockets and canvas pixels, and the text screen the simulator draws (to compare pixels with)."""
import json
import urllib.request

from harness import WAIT_MS, sign_in
from support import waiting

from xapi_sim.screen import CELL_H, TextScreen, boot_lines

SCREEN = "#xl-console-screen"
CANVAS = SCREEN + " canvas"


def console_state(sim, vm_uuid):
    """GET /_sim/console/<uuid>: {"typed_text", "ctrl_alt_del_count", "lines"} of the VM's current screen."""
    request = urllib.request.Request(f"{sim.origin}/_sim/console/{vm_uuid}", headers={"X-Sim-Token": sim.control_token})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)


def wait_for(check, timeout=15.0, what="condition", page=None):
    """Poll `check()` until truthy (support.waiting.wait_for, every 100 ms)."""
    return waiting.wait_for(check, timeout, 0.1, what, page)


class Pool:
    """A simulated pool started for one test module, with its VMs by role (SDK records)."""

    def __init__(self, sim):
        self.sim = sim
        session = sim.sdk()
        try:
            api = session.xenapi
            self.master = api.pool.get_master(api.pool.get_all()[0])
            self.vms = {ref: rec for ref, rec in api.VM.get_all_records().items()
                        if not rec["is_a_template"] and not rec["is_control_domain"] and not rec["is_a_snapshot"]}
            self.hosts = api.host.get_all_records()
        finally:
            session.xenapi.session.logout()

    def pick(self, power_state, on_master=None, skip=()):
        """(ref, record) of a VM in that state (on the master or not), by name, not in `skip` (names)."""
        for ref, rec in sorted(self.vms.items(), key=lambda item: item[1]["name_label"]):
            if rec["power_state"] != power_state or rec["name_label"] in skip:
                continue
            if on_master is None or (rec["resident_on"] == self.master) == on_master:
                return ref, rec
        raise AssertionError(f"no {power_state} VM (on master: {on_master}) in this pool")

    def member(self):
        return next(ref for ref in sorted(self.hosts) if ref != self.master)

    def call(self, method, *args):
        """One SDK call (e.g. "VM.hard_reboot", ref) with a fresh session."""
        session = self.sim.sdk()
        try:
            target = session.xenapi
            for part in method.split("."):
                target = getattr(target, part)
            return target(*args)
        finally:
            session.xenapi.session.logout()


def record_sockets(page):
    """The URLs of every websocket the page opens (appended as they open)."""
    urls = []
    page.on("websocket", lambda ws: urls.append(ws.url))
    return urls


def open_console(page, sim, guard, vm_uuid, route="vm"):
    """Sign in straight to a VM's console (route "vm": the Console tab, "console": the full-window page)."""
    hash_text = f"#/vm/{vm_uuid}?tab=console" if route == "vm" else f"#/{route}/{vm_uuid}"
    sign_in(page, sim, guard, hash_text)
    page.locator(SCREEN).wait_for(state="attached", timeout=WAIT_MS)
    return page


def wait_status(page, status, timeout=WAIT_MS):
    page.locator(f"[data-status={status}]").wait_for(timeout=timeout)


def canvas_rgb(page, x, y, w, h):
    """The canvas rectangle as packed RGB bytes (alpha dropped), read with getImageData."""
    values = page.evaluate(
        """([x, y, w, h]) => {
            const c = document.querySelector("%s");
            const d = c.getContext("2d").getImageData(x, y, w, h).data;
            const out = [];
            for (let i = 0; i < d.length; i += 4) out.push(d[i], d[i + 1], d[i + 2]);
            return out;
        }""" % CANVAS, [x, y, w, h])
    return bytes(values)


def canvas_size(page):
    return page.evaluate("(() => { const c = document.querySelector('%s'); return c ? [c.width, c.height] : null; })()"
                         % CANVAS)


def banner(name):
    """(rows of pixels, packed RGB) of the boot banner the simulator draws for a VM called `name`."""
    screen = TextScreen(title=name)
    rows = len(boot_lines(name, screen.hostname)) * CELL_H
    return rows, screen.rgb_bytes(0, 0, screen.width, rows)


def shows_banner(page, name):
    """Whether the canvas holds exactly the simulator's boot banner for `name`, pixel for pixel."""
    if canvas_size(page) != [640, 400]:
        return False
    rows, expected = banner(name)
    return canvas_rgb(page, 0, 0, 640, rows) == expected
