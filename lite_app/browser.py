"""The browser edge: the only module of the app that imports `js` / `pyscript`.

`Env` is what lite_app/shell/controller.py drives (its docstring lists the calls): everything else in
lite_app talks to the page through it, so it stays pure and testable under CPython and MicroPython.
Hot paths go through lite_app/static/bridge.js (window.xcplite): renders, delegated events and the
JSON-RPC fetch, so only strings cross the JS/Python boundary.
"""
import asyncio
import json
import os
import random

import js

from lite_app.xapi.errors import TRANSPORT_KINDS, TransportError

try:  # MicroPython's own FFI: importing `pyscript` would compile its whole package at start-up
    from jsffi import create_proxy
except ImportError:  # Pyodide
    from pyodide.ffi import create_proxy

# Proxies handed to JS must stay referenced, or MicroPython may collect them while JS still calls them.
_proxies = []
LOGIN_SCREEN = "xl-login-screen"
APP_SCREEN = "xl-app"


def element(element_id):
    """The DOM element with this id, or None."""
    return js.document.getElementById(element_id)


def on(target, event, handler):
    """Call handler(event) on each DOM event; returns the JS proxy (keep it to remove the listener)."""
    proxy = create_proxy(handler)
    _proxies.append(proxy)
    target.addEventListener(event, proxy)
    return proxy


def epoch_seconds():
    """Seconds since the epoch. Divided in JS (bridge.js): MicroPython's FFI truncates Date.now()'s
    milliseconds (beyond 32 bits) when they cross as an integer. Not js.eval: the stub's
    Content-Security-Policy has no 'unsafe-eval'."""
    return float(js.window.xcplite.epochSeconds())


def transport_error(text):
    """The TransportError for the bridge's failure text: JSON {kind, status, detail}."""
    try:
        info = json.loads(text)
    except ValueError:
        info = {}
    kind = info.get("kind") if info.get("kind") in TRANSPORT_KINDS else "unreachable"
    return TransportError(kind, info.get("status") or None, str(info.get("detail") or ""))


def install_sources(files):
    """Write {path: source} under the interpreter's working folder (when boot.js cannot reach its
    file system), each folder made once."""
    made = {}
    for path in files:
        folder = path[:path.rfind("/")]
        built = ""
        for part in folder.split("/") if folder else ():
            built = built + "/" + part if built else part
            if built not in made:
                made[built] = True
                try:
                    os.mkdir(built)
                except OSError:
                    pass  # it exists
        with open(path, "w") as f:
            f.write(files[path])


class Env:
    """The page as the controller sees it."""

    def __init__(self):
        self.x = js.window.xcplite
        self.url = str(js.location.origin) + "/jsonrpc"
        self._frame_target = None
        self._frame_proxy = None

    async def rpc(self, text, timeout, fields):
        reply = str(await self.x.rpcText(self.url, text, int(timeout * 1000), fields or ""))
        if reply[:1] == "1":
            return reply[1:]
        raise transport_error(reply[1:])

    async def upload(self, path, data, timeout=300):
        """PUT `data` (bytes) to `path` on this origin; raises a TransportError when not taken."""
        # bytes.hex() is native; the browser runtime's binascii is pure Python and far too slow here.
        reply = str(await self.x.putBytes(path, data.hex(), int(timeout * 1000)))
        if reply[:1] != "1":
            raise transport_error(reply[1:])

    def cookie(self):
        return str(js.document.cookie or "")

    def set_cookie(self, text):
        js.document.cookie = text

    def origin(self):
        return str(js.location.origin)

    def hash(self):
        return str(js.location.hash or "")

    def store_get(self, key):
        try:
            value = js.localStorage.getItem(key)
        except Exception:  # storage can be disabled by the browser's privacy settings
            return None
        return None if value is None else str(value)

    def store_set(self, key, value):
        try:
            js.localStorage.setItem(key, value)
        except Exception:
            pass

    def render(self, region, text):
        self.x.render(region, text)

    def frame(self, callback):
        self._frame_target = callback
        if self._frame_proxy is None:
            self._frame_proxy = create_proxy(lambda *args: self._frame_target())
        self.x.frame(self._frame_proxy)

    def show(self, screen):
        element(LOGIN_SCREEN).hidden = screen != "login"
        element(APP_SCREEN).hidden = screen != "app"

    def set_login(self, busy, nodes_json, error):
        form = element("xl-login-form")
        element("xl-login-submit").disabled = bool(busy)
        form.setAttribute("aria-busy", "true" if busy else "false")
        form.setAttribute("data-ready", "1")
        status = element("xl-login-status")
        status.className = "xl-status xl-error" if error else "xl-status"
        self.x.render(status, nodes_json)

    def set_title(self, text):
        js.document.title = text

    def set_theme(self, name):
        js.document.documentElement.setAttribute("data-theme", name)

    def focus(self, element_id):
        target = element(element_id)
        if target is not None:
            target.focus()

    def clear_password(self):
        element("xl-password").value = ""

    def scroll_top(self, element_id):
        js.window.scrollTo(0, 0)
        target = element(element_id)
        if target is not None:
            target.scrollTop = 0

    def now(self):
        return epoch_seconds()

    def go(self, hash_text):
        """Navigate the app to a hash route (the hashchange event then routes it)."""
        js.location.hash = hash_text

    def reload(self):
        """Load the page again (after files of the app were refused: only a reload fetches them anew);
        when the app came from the CDN, the stub then starts it from the host's copy."""
        fallback = getattr(self.x, "fallback", None)
        if not (fallback and fallback("files of the app were refused")):
            js.location.reload()

    def restart(self):
        """Load the page again as it is (the language changed: its strings come with the start-up
        files); the route and the session cookie stay."""
        js.location.reload()

    def language(self):
        """The language boot.js chose (stored choice, else the browser's), as a catalog code."""
        code = getattr(self.x, "lang", None)
        return str(code) if code else "en"

    def random(self):
        return random.random()

    def sleep(self, seconds):
        return asyncio.sleep(seconds)

    def spawn(self, coroutine):
        """Run a coroutine as a task; a failure is printed (the console shows it) instead of lost."""
        async def guarded():
            try:
                await coroutine
            except Exception as error:
                js.console.error("xcplite: task failed: " + repr(error))
        return asyncio.create_task(guarded())

    def listen(self, on_action, on_hash, on_resize):
        """Wire the delegated data-action events, hash changes and window resizes."""
        self.x.delegate(self._guarded_proxy(on_action))
        on(js.window, "hashchange", lambda event: self._guarded(on_hash, self.hash()))
        on(js.window, "resize", lambda event: self._guarded(lambda size: on_resize(*size), self.viewport()))

    def viewport(self):
        """(width, height) of the window in CSS pixels."""
        return int(js.window.innerWidth), int(js.window.innerHeight)

    def _guarded_proxy(self, handler):
        proxy = create_proxy(lambda text: self._guarded(handler, str(text)))
        _proxies.append(proxy)
        return proxy

    def _guarded(self, handler, value):
        try:
            handler(value)
        except Exception as error:  # one failing handler must not break every later event
            js.console.error("xcplite: handler failed: " + repr(error))

    async def idle(self):
        """Hand the thread back to the browser for one task (paint, input), then continue."""
        await self.x.idle()

    async def after_paint(self):
        """Continue once the browser has painted the next frame (work that must not delay it)."""
        await self.x.afterPaint()

    def mark(self, name):
        """A performance mark (benchmarks read them with performance.getEntriesByName)."""
        js.performance.mark(name)

    def clock_ms(self):
        """The page's monotonic clock in ms (performance.now()), for measures."""
        return float(js.performance.now())

    def measure(self, name, start_ms):
        """A performance measure from `start_ms` (clock_ms()) to now, for benchmarks."""
        js.xcplite.measure(name, start_ms)

    def page_groups(self):
        """{page: [group, ...]}: the bundle files of Python sources each page needs beyond the
        first one (boot.js); {} when everything was installed at start."""
        found = getattr(self.x, "pageGroups", None)
        return json.loads(str(js.JSON.stringify(found))) if found else {}

    async def load_group(self, name):
        """Fetch a page group's sources (checked against boot.js's sha384) into the interpreter's
        file system; raises when the file is refused, missing or unreachable."""
        text = await self.x.loadGroup(name)
        if text:
            install_sources(json.loads(str(text)))

    def console_port(self):
        """The console's JS side (lite_app/static/console.js), loaded on first use."""
        return ConsolePort()

    def stats_port(self):
        """The stats' JS side (lite_app/static/charts.js), loaded on first use."""
        return StatsPort()

    def python_port(self):
        """The Python console's JS side (lite_app/static/pyconsole.js), loaded on first use."""
        return PythonPort()

    def upload_port(self):
        """One file upload's JS side (lite_app/static/upload.js), loaded on first use."""
        return UploadPort()


class ConsolePort:
    """Drives window.xcplite.console for lite_app/shell/console_driver.py (which documents the calls).

    console.js is not part of the start-up: the first console shown adds it as a module script checked
    against the sha384 boot.js carries (xcplite.lazy.console), and it loads noVNC the same way."""

    def __init__(self):
        self.api = None
        self._handler = None
        self._proxy = create_proxy(self._event)
        _proxies.append(self._proxy)

    async def ready(self):
        if self.api is None:
            if not await CONSOLE_SCRIPT.load():
                return False
            self.api = js.window.xcplite.console
        return True

    def _event(self, text):
        try:
            if self._handler is not None:
                self._handler(str(text))
        except Exception as error:  # a failing handler must not break the next events
            js.console.error("xcplite: console event failed: " + repr(error))

    def connect(self, element_id, url, handler):
        self._handler = handler
        return int(self.api.connect(element_id, url, self._proxy))

    def attach(self, element_id):
        if self.api is not None:
            self.api.attach(element_id)

    def disconnect(self):
        if self.api is not None:
            self.api.disconnect()

    def ctrl_alt_del(self):
        return bool(self.api.ctrlAltDel())

    def fullscreen(self, element_id):
        return bool(self.api.fullscreen(element_id))

    def set_scale(self, on):
        self.api.setScale(bool(on))

    def type_text(self, text):
        return int(self.api.typeText(text))


class LazyScript:
    """A script boot.js pinned but did not load (xcplite.lazy.<name>: [path, sha384]).

    `await load()` adds it once, checked by its hash; a failed load is retried on the next call."""

    def __init__(self, name, module=False):
        self.name = name
        self.module = module
        self._loading = None

    async def load(self):
        if self._loading is None:
            executor = create_proxy(self._add)
            _proxies.append(executor)
            self._loading = js.Promise.new(executor)
        ok = await self._loading
        if not ok:
            self._loading = None
        return bool(ok)

    def _add(self, resolve, reject):
        pair = getattr(js.window.xcplite.lazy, self.name)
        script = js.document.createElement("script")
        if self.module:
            script.type = "module"
        script.crossOrigin = "anonymous"
        script.integrity = pair[1]
        script.src = js.URL.new(pair[0], js.window.xcplite.booted).href

        def done(ok):
            if not ok:
                script.remove()
                fallback = getattr(js.window.xcplite, "fallback", None)
                if fallback and fallback(self.name + ": " + pair[0] + " was refused"):
                    return  # from the CDN: the stub starts again from the host's copy
            resolve(ok)
        on(script, "load", lambda event: done(True))
        on(script, "error", lambda event: done(False))
        js.document.head.appendChild(script)


CONSOLE_SCRIPT = LazyScript("console", module=True)
CHARTS_SCRIPT = LazyScript("charts")
PYCONSOLE_SCRIPT = LazyScript("pyconsole")
UPLOAD_SCRIPT = LazyScript("upload")


class StatsPort:
    """Fetches /rrd_updates for lite_app/shell/stats_poller.py through lite_app/static/charts.js.

    charts.js is not part of the start-up: the first fetch adds it as a script checked against the
    sha384 boot.js carries (xcplite.lazy.charts); it also draws the charts. It sends the cookie only to
    the page's own origin (the session is in the query elsewhere) and keeps only the columns a job
    names before Python parses the reply."""

    aborts = 0  # abort() calls: a fetch that waited for charts.js across one does not start

    async def fetch(self, job, timeout):
        """`job`'s reply as "1" + text, or "0" + JSON {kind, status, detail}."""
        aborts = self.aborts
        if not (js.Reflect.has(js.window.xcplite, "stats") or await CHARTS_SCRIPT.load()):
            return '0{"kind": "refused", "status": 0, "detail": "charts.js did not load"}'
        if aborts != self.aborts:  # the session ended while charts.js was loading
            return '0{"kind": "aborted", "status": 0, "detail": "the session ended"}'
        keep = json.dumps(list(job["keep"])) if job.get("keep") else ""
        top = json.dumps(job["top"]) if job.get("top") else ""
        return str(await js.window.xcplite.stats.fetch(job["url"], bool(job["same"]), int(timeout * 1000),
                                                         keep, int(job.get("rows") or 0), top))

    def abort(self):
        """Stop the downloads on their way (the session ends): each answers "0" + {"kind": "aborted"}."""
        self.aborts += 1
        if js.Reflect.has(js.window.xcplite, "stats"):
            js.window.xcplite.stats.abort()


class PythonPort:
    """The Python console's keyboard and datamodel file, for lite_app/shell/python_page.py.

    pyconsole.js is not part of the start-up: the console's first visit adds it as a script checked
    against the sha384 boot.js carries (xcplite.lazy.pyconsole). It asks Python before the browser acts
    on Enter, Tab, Up/Down and Ctrl+C in the console's input, and fetches the datamodel summary
    (pyschema.json) checked against the sha384 it carries."""

    async def ready(self):
        return js.Reflect.has(js.window.xcplite, "pyconsole") or await PYCONSOLE_SCRIPT.load()

    def attach(self, handler):
        """handler(kind, value, start, end) -> JSON {value, cursor} to put in the input, or ""."""
        def call(kind, value, start, end):
            try:
                return handler(str(kind), str(value), int(start), int(end)) or ""
            except Exception as error:  # the key then does what the browser does by default
                js.console.error("xcplite: python key failed: " + repr(error))
                return ""
        proxy = create_proxy(call)
        _proxies.append(proxy)
        js.window.xcplite.pyconsole.attach(proxy)

    def set_input(self, value, cursor):
        if js.Reflect.has(js.window.xcplite, "pyconsole"):
            js.window.xcplite.pyconsole.setInput(value, int(cursor))

    async def schema(self):
        """The datamodel summary's text (rejects when it is refused or missing)."""
        return str(await js.window.xcplite.pyconsole.schema())


class UploadPort:
    """Sends the file chosen in a file input through lite_app/static/upload.js (which says how: the
    browser streams the File itself, so no byte of it crosses into Python). upload.js is not part of
    the start-up: the first upload adds it as a script checked against boot.js's sha384."""

    serial = 0

    def __init__(self):
        UploadPort.serial += 1
        self.id = "u%d" % UploadPort.serial

    async def send(self, input_id, url, on_progress):
        """PUT the file to `url` (same origin); `on_progress(JSON text)` hears each progress event.
        Resolves to JSON {outcome, status} (see upload.js)."""
        if not (js.Reflect.has(js.window.xcplite, "upload") or await UPLOAD_SCRIPT.load()):
            return '{"outcome": "refused", "status": 0}'
        proxy = create_proxy(lambda text: on_progress(str(text)))
        _proxies.append(proxy)
        return str(await js.window.xcplite.upload.send(self.id, input_id, url, proxy))

    def abort(self):
        if js.Reflect.has(js.window.xcplite, "upload"):
            js.window.xcplite.upload.abort(self.id)
