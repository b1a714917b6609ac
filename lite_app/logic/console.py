"""The console's rules: which console a page shows, when to connect, and reconnecting after a drop.

Pure (CPython and MicroPython). `target(state, page_origin)` reads the route and the cache: the VM of a
`#/vm/<uuid>?tab=console` or `#/console/<uuid>` page, or the control domain of `#/host/<uuid>?tab=console`,
its `rfb` console and whether it runs on another pool member (another origin: the session then travels
in the URL, and a refused connection or an untrusted certificate look alike to a page).

`Machine` decides what to do from what happened; it returns commands, which lite_app/shell/console_driver.py
carries out against the browser:
    ("connect", target)    open the console websocket (noVNC) to target["location"]
    ("disconnect",)        close it
    ("wait", seconds, n)   call on_timer(n) after that many seconds
Connecting starts as soon as the VM runs and has a console (a halted VM's console is gone, and the first
boot lines are drawn right after start). A dropped socket (reboot, network, host restart) reconnects after
BACKOFF[attempt] seconds; a member never reached since the console was opened counts as unreachable.
"""
from lite_app.logic import model
from lite_app.xapi.urls import origin_of

LIVE = model.LIVE_STATES
# Seconds before each reconnection attempt after a drop; the last value repeats.
BACKOFF = (0.5, 1, 2, 4, 8, 15)
QUEUE = "console.queue"    # state.ui key: toolbar commands for the driver (actions stay pure)
STATUS = "console.status"  # state.ui key: the machine's snapshot, for the view
PASTED = "console.pasted"  # state.ui key: how many keys the last paste sent
SCALE = "console.scale"    # state.ui key: scale the screen to fit (default on)
SCREEN_ID = "xl-console-screen"  # the element lite_app/ui/console.py renders; noVNC's canvas goes in it


def route_vm(state):
    """(VM ref, "vm"|"host") of the console the route shows, or (None, None)."""
    page, params = state.route
    uuid = params.get("uuid") or ""
    cache = state.cache
    if page == "console" or (page == "vm" and params.get("tab") == "console"):
        return cache.ref_by_uuid("VM", uuid) if uuid else None, "vm"
    if page == "host" and params.get("tab") == "console":
        host = cache.get("host", cache.ref_by_uuid("host", uuid)) if uuid else None
        return (host or {}).get("control_domain"), "host"
    return None, None


def rfb_console(cache, vm_ref, vm):
    """(ref, record) of the VM's rfb (graphical) console, or (None, None)."""
    if "consoles" in vm:
        pairs = [(ref, cache.get("console", ref)) for ref in vm.get("consoles") or ()]
    else:
        pairs = model.referrers(cache, "console", "VM", vm_ref)
    found = [(ref, rec) for ref, rec in pairs if rec is not None and rec.get("protocol") == "rfb"]
    found.sort(key=lambda pair: pair[0])
    return found[0] if found else (None, None)


def target(state, page_origin=None):
    """What the console of the current route should connect to, or None when no console is shown.

    `member` (another origin than the page's) is only known with `page_origin`."""
    vm_ref, kind = route_vm(state)
    vm = state.cache.get("VM", vm_ref) if vm_ref else None
    if vm is None:
        return None
    ref, console = rfb_console(state.cache, vm_ref, vm)
    location = (console or {}).get("location") or ""
    running = vm.get("power_state") in LIVE and bool(location)
    member = bool(location) and page_origin is not None and _other_origin(location, page_origin)
    return {"key": vm_ref + "|" + (ref or "") + "|" + location, "vm": vm_ref, "kind": kind,
            "uuid": vm.get("uuid") or "", "power_state": vm.get("power_state") or "",
            "location": location, "running": running, "member": member,
            "host_url": host_url(location) if member else ""}


def _other_origin(location, page_origin):
    try:
        return origin_of(location) != origin_of(page_origin)
    except ValueError:
        return True


def host_url(location):
    """The root page of the host serving a console location (to open once and trust its certificate)."""
    scheme, host, port = origin_of(location)
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme + "://" + host + ("" if port == default else ":" + str(port)) + "/"


def backoff(attempt):
    return BACKOFF[min(attempt, len(BACKOFF) - 1)]


def request(state, name, arg=None):
    """Queue a toolbar command (ctrl_alt_del, fullscreen, paste, scale, retry) for the driver."""
    state.ui[QUEUE] = (state.ui.get(QUEUE) or []) + [(name, arg)]


def take_requests(state):
    queued = state.ui.get(QUEUE) or []
    state.ui[QUEUE] = []
    return queued


class Machine:
    """The connection's state: idle, off (not running), connecting, connected, retrying, refused (its
    files did not load: reload needed)."""

    def __init__(self):
        self.status = "idle"
        self.target = None
        self.attempt = 0
        self.reached = False      # connected at least once since this target was opened
        self.unreachable = False  # a member that refused every attempt so far
        self.delay = 0
        self.timer = 0

    def snapshot(self):
        """What the view shows (a plain dict, compared to decide whether to re-render)."""
        t = self.target or {}
        return {"status": self.status, "key": t.get("key", ""), "delay": self.delay,
                "unreachable": self.unreachable, "host_url": t.get("host_url", ""),
                "attempt": self.attempt}

    def want(self, target):
        """The console the page shows now (None: none); returns commands."""
        old = self.target
        active = self.status in ("connecting", "connected")
        if target is None:
            self.target, self.status = None, "idle"
            return [("disconnect",)] if active else []
        self.target = target
        if old is not None and old["key"] == target["key"] and old["running"] == target["running"]:
            return []
        if not target["running"]:
            self.status = "off"
            return [("disconnect",)] if active else []
        if old is not None and old["key"] == target["key"] and self.status in ("retrying", "connecting"):
            return []  # it was not running for a moment (reboot): the pending attempt goes on
        self.attempt, self.reached, self.unreachable = 0, False, False
        return self._connect()

    def _connect(self):
        self.status, self.delay = "connecting", 0
        self.timer += 1  # a pending wait is obsolete
        return [("connect", self.target)]

    def on_event(self, event):
        """A noVNC event: {"event": "connect"|"disconnect"|"securityfailure"|"error", ...}."""
        kind = event.get("event")
        if kind == "connect" and self.status == "connecting":
            self.status, self.attempt, self.reached, self.unreachable = "connected", 0, True, False
            return []
        if kind in ("disconnect", "error") and self.status in ("connecting", "connected"):
            return self._dropped()
        return []

    def _dropped(self):
        if self.target is None or not self.target["running"]:
            self.status = "off" if self.target else "idle"
            return []
        if self.target["member"] and not self.reached:
            self.unreachable = True
        self.delay = backoff(self.attempt)
        self.attempt += 1
        self.timer += 1
        self.status = "retrying"
        return [("wait", self.delay, self.timer)]

    def on_timer(self, timer):
        if timer != self.timer or self.status != "retrying" or not self.target["running"]:
            return []
        return self._connect()

    def files_refused(self):
        """console.js or noVNC did not load (refused by its integrity check, or missing): no socket can
        open until the page is reloaded, so no reconnection is tried."""
        self.status = "refused"
        self.timer += 1
        return []

    def retry(self):
        """The user asked to reconnect now instead of waiting."""
        if self.status != "retrying" or not self.target["running"]:
            return []
        return self._connect()
