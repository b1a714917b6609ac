"""Carries out the console's decisions (lite_app/logic/console.py) against the page, after every render.

Pure (CPython and MicroPython): the page is reached through the controller's `env`, whose
`console_port()` (lite_app/browser.py) drives lite_app/static/console.js:
    ready() -> awaitable bool (console.js and noVNC loaded), connect(element_id, url, callback) -> id,
    attach(element_id), disconnect(), ctrl_alt_del(), fullscreen(element_id), set_scale(on),
    type_text(text) -> keys sent
The controller calls its Driver's `sync()` after each render and when the session ends:
the socket lives outside the virtual DOM, so it follows the state instead of the markup.
"""
import json

from lite_app.logic import console
from lite_app.logic.console import PASTED, SCALE, SCREEN_ID
from lite_app.xapi.urls import console_ws_url


class Driver:
    """Connects, moves or closes the console to match the current page (`sync`, after each render)."""

    def __init__(self, controller):
        self.controller = controller
        self.machine = console.Machine()
        self.port = None
        self.conn = -1   # id console.js gave the current connection; events of others are stale
        self.token = 0   # bumped by every connect/disconnect, so a slow load cannot open a stale target

    def sync(self):
        controller = self.controller
        state = controller.state
        wanted = None
        if controller.shown == "app":
            wanted = console.target(state, controller.env.origin())
        self.run(self.machine.want(wanted))
        for name, arg in console.take_requests(state):
            self.command(name, arg)
        if self.port is not None and self.machine.status in ("connecting", "connected"):
            self.port.attach(SCREEN_ID)
        self.publish()

    def publish(self):
        """Hand the machine's state to the view; re-render only when it changed."""
        snap = self.machine.snapshot()
        state = self.controller.state
        if state.ui.get(console.STATUS) != snap:
            state.ui[console.STATUS] = snap
            if self.machine.target is not None:  # no console on the page: nothing there changes
                self.controller.invalidate()

    def run(self, commands):
        for command in commands:
            if command[0] == "connect":
                self.token += 1
                self.controller.env.spawn(self.open(command[1], self.token))
            elif command[0] == "disconnect":
                self.token += 1
                self.conn = -1
                if self.port is not None:
                    self.port.disconnect()
            elif command[0] == "wait":
                self.controller.env.spawn(self.later(command[1], command[2]))

    def ensure_port(self):
        if self.port is None:
            self.port = self.controller.env.console_port()
        return self.port

    async def open(self, target, token):
        port = self.ensure_port()
        loaded = await port.ready()
        if token != self.token:
            return
        if not loaded:
            self.conn = -1
            self.run(self.machine.files_refused())
            self.publish()
            return
        state = self.controller.state
        session = state.client.session if state.client is not None else ""
        url = console_ws_url(target["location"], self.controller.env.origin(), session or "")
        port.set_scale(state.ui.get(SCALE, True))
        self.conn = port.connect(SCREEN_ID, url, self.on_js)

    async def later(self, seconds, timer):
        await self.controller.env.sleep(seconds)
        self.run(self.machine.on_timer(timer))
        self.publish()

    def on_js(self, text):
        """An event from console.js (JSON text)."""
        try:
            event = json.loads(text)
        except ValueError:
            return
        if event.get("id") == self.conn:
            self.on_event(event)

    def on_event(self, event):
        self.run(self.machine.on_event(event))
        self.publish()

    def command(self, name, arg):
        """A toolbar command queued by an action (lite_app/ui/console.py)."""
        if name == "retry":
            self.run(self.machine.retry())
            return
        port = self.port
        if port is None or self.machine.status != "connected":
            return
        if name == "ctrl_alt_del":
            port.ctrl_alt_del()
        elif name == "fullscreen":
            port.fullscreen(SCREEN_ID)
        elif name == "scale":
            port.set_scale(bool(arg))
        elif name == "paste":
            self.controller.state.ui[PASTED] = port.type_text(arg or "")
            self.controller.invalidate()
