"""The app's pure state: what the views read (see lite_app/shell/pages.py for the contract).

`State` is handed to every view and action handler. It holds the live record cache, the current
route, view-local UI state and a few services the shell injects (translation, notices, record
requests, the task runner and its clock). It does no I/O itself: the controller
(lite_app/shell/controller.py) and the browser edge act on what it records.
"""
import asyncio

from lite_app.logic import routes
from lite_app.shell import task_runner
from lite_app.text.catalog import translate
from lite_app.xapi.cache import NULL_REF, Cache
from lite_app.xapi.changes import Changes

NOTICE_LIMIT = 3


class State:
    """Everything a render reads; changed by the controller, actions and events."""

    def __init__(self, cache=None, t=None, sleep=None):
        self.cache = cache if cache is not None else Cache()
        self.route = routes.DEFAULT
        self.ui = {}
        self.now = 0.0
        self.t = t or translate
        self.client = None
        self.sleep = sleep or asyncio.sleep  # the clock the task runner waits on (tests inject theirs)
        self.goto = None  # a navigation an action asked for (go); the shell carries it out
        # (page or None, element id) an action wants focused once that page is rendered (focus_after)
        self.focus_next = None
        self.user = ""
        self.viewport = (1280, 800)
        # "live" (event loop healthy), "loading" (first load), "reconnecting" (banner shown)
        self.connection = "loading"
        self.notices = []
        self.requested = []
        self.watching, self.needed = {}, []  # see watch() and need()
        self._notice_id = 0
        # Calls the session's end stopped (labels); kept across reset() and told after the next sign-in.
        self.unsaved = []
        # class -> a counter bumped whenever records of that class change (memo keys for views)
        self.versions = {}
        # what changed since the last render, and `versions` as they were then (incremental views)
        self.recent = Changes()
        self.recent_base = {}
        self.loader = None  # which pages' code is installed (lite_app/shell/loading.py); None: all
        # The pool master is being rebooted from this console: {"host": name, "user", "password" (or
        # None)}, so the controller signs in again once it is back (memory only; gone with reset()).
        self.resume = None
        self.uploader = None  # (state, vdi, data) -> awaitable: set by the shell (it owns the page)
        # name -> fn(state): work a view put off so its first render comes sooner (an index, a grouping);
        # the shell runs them one by one when the browser is idle after a render (see later())
        self.deferred = {}
        # The page (lite_app/browser.py Env) and a render request, set by the shell: for page modules
        # of the shell that act on the page outside renders (the Python console), and the JS ports
        # views may open through the state (upload_port).
        self.env = None
        self.on_redraw = None

    def redraw(self):
        """Ask the shell for a render (coalesced per frame): for changes no XAPI event announces."""
        if self.on_redraw is not None:
            self.on_redraw()

    def bump(self, changes):
        """Count a change for every class in a Changes (lite_app.xapi.changes) and remember it."""
        for cls in changes.classes():
            self.versions[cls] = self.versions.get(cls, 0) + 1
        self.recent.update(changes)

    def rendered(self):
        """A render took everything in: start collecting changes afresh."""
        self.recent = Changes()
        self.recent_base = dict(self.versions)

    def later(self, name, work):
        """Run `work(state)` once the browser is idle after this render (named: asked twice, run once).
        It prepares what the next renders will read; work that changes what is shown asks for a render
        (redraw())."""
        self.deferred[name] = work

    def href(self, page, params=None):
        """The hash link to a page (never carries a session)."""
        return routes.build(page, params)

    def go(self, page, params=None):
        """Ask the shell to navigate (the location changes, then the route): after a deletion, say."""
        self.goto = routes.build(page, params)

    def focus_after(self, element_id, page=None):
        """Focus element `element_id` after the next render (of `page`, when given: after a navigation)."""
        self.focus_next = (page, element_id)

    def run_call(self, method, params, spec=None):
        """Run an XAPI call; an `Async.*` one is followed to the end of its task (shell/task_runner.py).
        `spec` (a dialog's) gets the task ref, for its progress bar."""
        return task_runner.run_call(self, method, params, spec)

    def upload(self, vdi, data):
        """Put `data` (bytes) into a VDI through XAPI's PUT /import_raw_vdi, followed to the end of
        its task (the shell's uploader; the session travels in the cookie, never in the URL)."""
        return self.uploader(self, vdi, data)

    def upload_port(self):
        """A file upload's JS side (lite_app/browser.py UploadPort: send(input_id, url, on_progress),
        abort()); its progress reaches the view, which calls `redraw()` to be drawn again."""
        return self.env.upload_port()

    def request_record(self, cls, ref):
        """Ask the shell for the full `<cls>.get_record(ref)`; it lands in the cache."""
        pair = (cls, ref)
        if pair not in self.requested:
            self.requested.append(pair)

    def take_requests(self):
        """The record requests queued since the last call (the shell fetches them)."""
        pending, self.requested = self.requested, []
        return pending

    def watch(self, cls, ref):
        """Keep one object of a class no page loaded whole in the cache and live: the shell fetches its
        record and follows its events (`cls/ref` in event.from), letting go of the objects asked for
        least recently past a limit (lite_app/shell/controller.py). A page showing one VM watches its
        devices: at 10,000 VMs their whole classes were ~60,000 records, seconds and ~100 MB."""
        if ref and ref != NULL_REF:
            self.watching[cls + "/" + ref] = (cls, ref)

    def need(self, cls):
        """Load class `cls` whole (a dialog choosing among every disk of the pool); `model.loaded` says
        when it is in."""
        if cls not in self.needed:
            self.needed.append(cls)

    def take_watches(self):
        """({"cls/ref": (cls, ref)} watched, [classes needed]) since the last call."""
        found = (self.watching, self.needed)
        self.watching, self.needed = {}, []
        return found

    def notify(self, text, kind="info", here=False):
        """Show a transient message; the newest NOTICE_LIMIT are kept. Returns its id. With `here`, it
        belongs to the current page (an object's page: its route) and goes when the user leaves it."""
        self._notice_id += 1
        scope = self.route_key() if here else None
        self.notices = (self.notices + [(self._notice_id, kind, text, scope)])[-NOTICE_LIMIT:]
        return self._notice_id

    def route_key(self):
        """(page, the object's uuid or "") of the current route: what a page-bound notice belongs to."""
        return (self.route[0], (self.route[1] or {}).get("uuid") or "")

    def shown_notices(self):
        """The notices of every page and those of the current one."""
        key = self.route_key()
        return [n for n in self.notices if n[3] is None or n[3] == key]

    def leave_page(self):
        """The route changed: the notices that belonged to the page left go with it."""
        key = self.route_key()
        self.notices = [n for n in self.notices if n[3] is None or n[3] == key]

    def note_unsaved(self, label):
        """A call the user asked for was not done because the session ended."""
        if label not in self.unsaved:
            self.unsaved.append(label)

    def report_unsaved(self):
        """Once signed in: tell the user which calls the end of a session stopped (then forget them)."""
        if not self.unsaved or self.client is None:
            return False
        self.notify(self.t("shell.unsaved", actions="; ".join(self.unsaved)), "error")
        self.unsaved = []
        return True

    def dismiss(self, notice_id):
        self.notices = [n for n in self.notices if n[0] != notice_id]

    def reset(self):
        """Forget everything about the pool and the user (logout, expired session)."""
        self.cache.clear()
        self.ui = {}
        self.client = None
        self.user = ""
        self.connection = "loading"
        self.notices = []
        self.requested = []
        self.watching, self.needed = {}, []  # see watch() and need()
        self.resume = None
        self.deferred = {}
        # Counters only grow, so a memo from the previous session can never look current.
        for cls in self.versions:
            self.versions[cls] += 1
        self.recent = Changes()
        self.recent_base = {}
