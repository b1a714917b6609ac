"""The shell controller: sign-in, the live session, routing, actions and renders batched per frame.

Pure (CPython and MicroPython): the page is reached only through `env`, which lite_app/browser.py
implements for the browser and tests fake. What `env` offers:
  rpc(text, timeout_s, fields_json) -> awaitable reply text (raises TransportError)
  cookie() / set_cookie(text)          document.cookie
  origin(), hash()                     location.origin, location.hash
  store_get(key) / store_set(key, v)   localStorage (theme, last user name; never the session)
  render(region_id, json_text)         morph a region's children (xcplite.render)
  frame(callback)                      the next animation frame
  show(screen)                         "login" or "app" (the other one is hidden)
  set_login(busy, json_nodes, error)   the login button state and the status line under the form
  set_title(text), set_theme(name), focus(id), clear_password(), scroll_top(id)
  now() (epoch seconds), random(), sleep(seconds) (awaitable), spawn(coroutine), mark(name)
  idle(), after_paint()                awaitables: the next task; the task after the next painted frame
  console_port()                       the console's JS side (see lite_app/shell/console_driver.py)
  stats_port()                         the stats' JS side (see lite_app/shell/stats_poller.py)
  python_port()                        the Python console's JS side (see lite_app/shell/python_page.py)
  upload_port()                        one file upload's JS side (views reach it as state.upload_port())
"""
import json

from lite_app.logic import routes
from lite_app.shell import dispatch, pages, task_runner
from lite_app.shell import session as sessions
from lite_app.shell.loading import Loader
from lite_app.shell.state import State
from lite_app.shell.transport import events_spec, make_transport
from lite_app.text import catalog
from lite_app.ui import frame, preferences
from lite_app.ui import login as login_view
from lite_app.xapi.client import Client
from lite_app.xapi.errors import TransportError, XapiError
from lite_app.xapi.jsonrpc import dumps_compact
from lite_app.xapi.sync import Live, load_all

# After the pool master's reboot (state.resume): how long to keep trying to sign in again, how often.
RESUME_SECONDS = 900
RESUME_EVERY = 3
THEME_KEY = "xcplite.theme"
LANGUAGE_KEY = "xcplite.lang"
# Objects watched one by one (state.watch) that stay followed: a VM page watches ~10 (its devices,
# their disks, its console and metrics), so this keeps the last few dozen VMs visited live and cached.
WATCH_LIMIT = 400
# The drivers (name in pages.PAGES as "driver.<name>", class in that module), synced in this order.
DRIVERS = (("console", "Driver"), ("stats", "Poller"))  # read by boot.js, which chooses the language before Python starts
USER_KEY = "xcplite.user"
APP_ROOT = "xl-app"


class Controller:
    def __init__(self, env, state=None):
        self.env = env
        self.state = state or State(sleep=env.sleep)
        self.generation = 0
        self.live = None
        self.shown = "login"
        self.frame_pending = False
        self.deferring = False  # the runner of state.later work is on its way
        self.last = {}
        self.last_nodes = {}  # region -> the nodes last rendered there (identity: a view's memo kept them)
        self.renders = 0
        self.classes = pages.classes()
        self.loader = self.state.loader = Loader(env, self.code_loaded, self.warm_group)
        self.state.uploader = lambda state, vdi, data: task_runner.upload(state, env.upload, vdi, data)
        self.state.env, self.state.on_redraw = env, self.invalidate
        # What lives outside the page's markup follows the state: each driver's sync() runs after every
        # render and when the session ends (the console's websocket, the stats polling). Their code comes
        # with a page group (pages.PAGES "driver.<name>"), so each is made once that group is in.
        self.drivers = {}
        fields = self.fields = pages.fields()
        self.fields_json = {}
        for cls in fields:
            self.fields_json[cls] = dumps_compact(fields[cls])
        # Refs read whole (get_record, for a page showing one object): their events keep every field,
        # the others' are projected like the loads (transport.events_spec, made again when this changes).
        self.whole = {}
        self.events_json = None
        # Objects kept live one by one (state.watch): "cls/ref" entries event.from follows besides the
        # classes (the list Live reads), and when each was last asked for (the oldest go past WATCH_LIMIT).
        self.objects, self.watched, self.ticks = [], {}, 0

    # -- start, sign-in, sign-out ------------------------------------------------------------------

    async def boot(self):
        """Apply the stored theme, then resume a stored session or leave the form ready."""
        self.set_theme(self.env.store_get(THEME_KEY) or "auto", save=False)
        session = sessions.read_cookie(self.env.cookie())
        if not session:
            self.env.set_login(False, "[]", False)
            if self.loader.page_groups:  # the landing page's code, while the user types
                self.env.spawn(self.loader.prefetch([routes.parse(self.env.hash())[0]]))
            return
        self.login_status(True, "login.resuming")
        client = self.new_client(session)
        await self.enter(client, self.env.store_get(USER_KEY) or "root")

    def new_client(self, session=None):
        return Client(make_transport(self.env, self.fields_json, self.events_spec), session)

    def events_spec(self):
        if self.events_json is None:
            self.events_json = events_spec(self.fields, self.whole)
        return self.events_json

    def keep_whole(self, ref):
        if ref not in self.whole:
            self.whole[ref] = True
            self.events_json = None

    async def login(self, form):
        user = (form.get("username") or "").strip() or "root"
        keep = bool(form.get("keep"))
        self.env.mark("xl-login")
        self.login_status(True, "login.pending")
        client = self.new_client()
        try:
            session = await client.login(user, form.get("password") or "")
        except (XapiError, TransportError) as error:
            self.login_failed(error)
            return False
        self.env.set_cookie(sessions.cookie_string(session, sessions.is_secure(self.env.origin()), keep))
        self.env.store_set(USER_KEY, user)
        self.env.clear_password()
        return await self.enter(client, user)

    def login_failed(self, error):
        key, detail = sessions.login_error(error)
        master = None
        if isinstance(error, XapiError) and error.code == "HOST_IS_SLAVE" and error.params:
            master = sessions.master_url(self.env.origin(), error.params[0])
        nodes = login_view.status_nodes(self.state.t, key, detail, master)
        self.env.set_login(False, json.dumps(nodes), True)
        self.env.focus("xl-password")

    def login_status(self, busy, key, error=False):
        nodes = login_view.status_nodes(self.state.t, key, busy=busy)
        self.env.set_login(busy, json.dumps(nodes), error)

    async def enter(self, client, user):
        """Load the pool with a fresh session and show the app; False when that failed."""
        self.generation += 1
        generation = self.generation
        client.on_session_invalid = lambda error: self.expire(generation)
        self.state.client, self.state.user = client, user
        try:
            token, changes = await load_all(client, self.state.cache, self.classes,
                                            lambda: self.env.mark("xl-fetched"))
        except (XapiError, TransportError) as error:
            if generation == self.generation:  # SESSION_INVALID already went through expire()
                self.stop_session()
                self.login_failed(error)
            return False
        if generation != self.generation:
            return False
        self.env.mark("xl-loaded")
        self.state.bump(changes)
        self.state.connection = "live"
        self.state.route = routes.parse(self.env.hash())
        self.show_app()
        self.env.mark("xl-shown")
        if self.state.report_unsaved():
            self.invalidate()
        dispatch.load_page_classes(self, pages.module_for(self.state.route[0], self.loader))
        if self.loader.page_groups:
            self.env.spawn(self.loader.prefetch())
        self.live = Live(client, self.state.cache, self.classes,
                         (self.on_changes, self.on_status, self.on_error), self.env.sleep, self.env.random,
                         self.objects)
        self.env.spawn(self.live.run(token))
        return True

    def show_app(self):
        self.shown = "app"
        self.last, self.last_nodes = {}, {}
        self.env.render(APP_ROOT, json.dumps(frame.skeleton(self.state.t)))
        self.env.show("app")
        self.render_now()
        self.env.focus(frame.MAIN)  # the form is gone: keyboard focus goes to the page, as after a page load

    def stop_session(self):
        """Stop the loop, forget the pool, remove every trace of it from the page."""
        self.generation += 1
        if self.live is not None:
            self.live.stop()
            self.live = None
        self.env.set_cookie(sessions.clear_cookie_string(sessions.is_secure(self.env.origin())))
        theme = self.state.ui.get("shell.theme")
        self.whole, self.events_json = {}, None
        self.objects, self.watched = [], {}
        self.state.reset()
        self.state.ui["shell.theme"] = theme
        self.shown = "login"
        self.last, self.last_nodes = {}, {}
        self.env.render(APP_ROOT, "[]")
        self.env.show("login")
        self.env.focus("xl-password")
        self.env.set_title(routes.document_title(self.state.t("login.title"), "", self.state.t("app.name")))
        self.sync_outside()

    def expire(self, generation):
        """The session became invalid (any call): back to the form with the reason."""
        if generation != self.generation:
            return
        resume = self.state.resume
        self.stop_session()
        if resume is not None and resume.get("password") is not None:
            self.env.spawn(self.resume_after_reboot(resume))
        else:
            self.login_status(False, "master.back" if resume is not None else "login.expired", True)

    async def resume_after_reboot(self, resume):
        """The master rebooted from this console ended the session: sign in again with what the user
        typed in the reboot dialog once it answers; the password is dropped when this ends."""
        generation = self.generation
        self.login_status(True, "master.waiting")
        deadline = self.env.now() + RESUME_SECONDS
        while self.env.now() < deadline:
            await self.env.sleep(RESUME_EVERY)
            if generation != self.generation:
                return  # the user signed in meanwhile
            client = self.new_client()
            try:
                session = await client.login(resume["user"], resume["password"])
            except TransportError:
                continue  # still down
            except XapiError as error:
                if error.code == "SESSION_AUTHENTICATION_FAILED":
                    self.login_failed(error)
                    return
                continue  # starting up (HOST_IS_SLAVE while its role is read, INTERNAL_ERROR...)
            if generation != self.generation:
                return
            self.env.set_cookie(sessions.cookie_string(session, sessions.is_secure(self.env.origin()), False))
            await self.enter(client, resume["user"])
            return
        self.login_status(False, "master.back", True)

    async def logout(self):
        client = self.state.client
        self.stop_session()
        self.login_status(False, "login.signed_out")
        if client is not None:
            try:
                await client.logout()
            except (XapiError, TransportError):
                pass  # the session is forgotten here either way

    # -- live updates --------------------------------------------------------------------------------

    def on_changes(self, changes):
        self.state.bump(changes)
        self.invalidate()

    def on_status(self, status):
        if status == "reconnecting" and self.state.connection != "reconnecting":
            self.state.connection = "reconnecting"
            self.invalidate()
        elif status == "live" and self.state.connection != "live":
            self.state.connection = "live"
            self.invalidate()

    def on_error(self, error):
        print("xcplite: event loop error:", repr(error))

    # -- rendering -----------------------------------------------------------------------------------

    def invalidate(self):
        """Re-render in the next animation frame; bursts of changes coalesce into one render."""
        if not self.frame_pending and self.shown == "app":
            self.frame_pending = True
            self.env.frame(self.on_frame)

    def answer_input(self):
        """Render now, for the user's own input (a key, a click): its answer is then in the frame being
        made, not the next one. A render already asked for finds the page as it is and sends nothing."""
        if self.shown == "app":
            self.render_now()

    def on_frame(self, *_):
        self.frame_pending = False
        self.render_now()

    def render_now(self):
        if self.shown != "app":
            return
        state = self.state
        state.now = self.env.now()
        page = pages.module_for(state.route[0], self.loader)
        if page is frame.LOADING and self.loader.wanted(state.route[0]):
            self.env.spawn(self.loader.load(state.route[0]))
        for region, nodes in self.regions(page):
            if self.last_nodes.get(region) is nodes:
                continue  # a view that kept its nodes (memoised) shows the same: nothing to write or send
            self.last_nodes[region] = nodes
            text = json.dumps(nodes)
            if self.last.get(region) != text:
                self.env.render(region, text)
                self.last[region] = text
        title = frame.document_title(state, page)
        if self.last.get("title") != title:
            self.env.set_title(title)
            self.last["title"] = title
        self.renders += 1
        state.rendered()
        for cls, ref in state.take_requests():
            self.env.spawn(self.fetch_record(cls, ref))
        watched, needed = state.take_watches()
        if needed:
            self.load_classes(needed)
        for key in watched:
            self.watch(key, watched[key])
        if state.goto is not None:
            target, state.goto = state.goto, None
            self.env.go(target)
        elif state.focus_next is not None and state.focus_next[0] in (None, state.route[0]):
            target, state.focus_next = state.focus_next[1], None
            self.env.focus(target)
        if state.deferred and not self.deferring:
            self.deferring = True
            self.env.spawn(self.run_deferred())
        self.sync_outside()

    async def run_deferred(self):
        """The work views put off (state.later), one piece per idle turn of the browser."""
        state = self.state
        wait = self.env.after_paint  # never before the render is painted
        try:
            while state.deferred and self.shown == "app":
                await wait()
                names = sorted(state.deferred)
                if not names:
                    break
                work = state.deferred.pop(names[0])
                try:
                    work(state)
                except Exception as error:  # prepared work is an optimisation: the view redoes it
                    print("xcplite: deferred work failed:", names[0], repr(error))
        finally:
            self.deferring = False

    def warm_group(self, group):
        """Import (compile) the pages of a page group fetched ahead, so their first visit only renders."""
        for page in self.loader.page_groups:
            if group in self.loader.page_groups[page] and self.loader.ready(page):
                try:
                    pages.module_for(page, self.loader)
                except Exception as error:  # the visit will show it
                    print("xcplite: page code did not compile:", page, repr(error))

    def code_loaded(self):
        """A page group's load ended: the current page may now render (and load its classes)."""
        if self.shown == "app":
            dispatch.load_page_classes(self, pages.module_for(self.state.route[0], self.loader))
            self.invalidate()

    def sync_outside(self):
        """What lives outside the markup (the console's socket, the stats polling) follows the state."""
        for name, class_name in DRIVERS:
            driver = self.drivers.get(name) or self.make_driver(name, class_name)
            if driver is None:
                continue
            try:
                driver.sync()
            except Exception as error:  # it must not stop the shell from rendering
                print("xcplite: sync failed:", repr(error))

    def make_driver(self, name, class_name):
        """The driver `name` once its code is installed; until then None, and its group is asked for
        when the page needs it now (the stats as soon as the app shows, the console on a console)."""
        page = "driver." + name
        module = pages.module_for(page, self.loader)
        if module is None or module is frame.LOADING or module is frame.REFUSED:
            if self.shown == "app" and self.needs_driver(name) and self.loader.wanted(page):
                self.env.spawn(self.loader.load(page))
            return None
        driver = self.drivers[name] = getattr(module, class_name)(self)
        return driver

    def needs_driver(self, name):
        route = self.state.route
        return name != "console" or route[0] == "console" or route[1].get("tab") == "console"

    def regions(self, page):
        try:
            found = frame.regions(self.state, page)
        except Exception as error:  # a broken view must leave the frame usable
            print("xcplite: render failed:", repr(error))
            found = {frame.MAIN: frame.failed_view(self.state, repr(error))}
        return [(region, found[region]) for region in sorted(found)]

    def load_classes(self, classes):
        """Load the classes not loaded yet whole, and follow them from then on (a page's CLASSES, what a
        dialog needs); objects of theirs watched one by one until then need no entry of their own."""
        wanted = [cls for cls in classes if cls not in self.classes]
        if not wanted:
            return
        self.classes.extend(wanted)
        for key in [key for key in self.watched if key.partition("/")[0] in wanted]:
            del self.watched[key]
            self.objects.remove(key)
        self.env.spawn(dispatch.load_more(self, wanted))

    def watch(self, key, pair):
        """Keep object `pair` (cls, ref) live (state.watch): its record fetched, "cls/ref" followed by
        event.from; asked again, it becomes the newest. Past WATCH_LIMIT the oldest is let go."""
        cls, ref = pair
        if cls in self.classes:
            return  # its class is loaded whole, or on its way: its records and events come with it
        self.ticks += 1
        known = key in self.watched
        self.watched[key] = self.ticks
        if known:
            return
        self.objects.append(key)
        if self.live is not None:
            self.live.added(key)
        self.env.spawn(self.fetch_watched(key, cls, ref))
        if len(self.watched) > WATCH_LIMIT:
            self.let_go(min(self.watched, key=self.watched.get))

    async def fetch_watched(self, key, cls, ref):
        """A watched object's first record; if it cannot be had, the object is let go, so the next render
        that shows it asks again (its card would otherwise say "Loading" for good)."""
        if not await self.fetch_record(cls, ref) and key in self.watched:
            self.let_go(key)

    def let_go(self, key):
        """Stop following a watched object and drop its record (no event would keep it true)."""
        del self.watched[key]
        self.objects.remove(key)
        cls, _sep, ref = key.partition("/")
        if self.whole.pop(ref, None):
            self.events_json = None
        if not self.state.cache.is_loaded(cls):
            changes = self.state.cache.apply([{"class": cls, "ref": ref, "operation": "del"}])
            if changes:
                self.on_changes(changes)

    async def fetch_record(self, cls, ref):
        client = self.state.client
        self.keep_whole(ref)  # from the next event.from on: its events keep every field too
        try:
            record = await client.call(cls + ".get_record", ref)
        except (XapiError, TransportError) as error:
            print("xcplite: get_record failed:", cls, repr(error))
            return False
        if client is self.state.client:
            event = {"class": cls, "ref": ref, "operation": "mod", "snapshot": record}
            self.on_changes(self.state.cache.apply([event]))
        return True

    # -- language --------------------------------------------------------------------------------------

    def set_language(self, code):
        """Keep the chosen language and load the page again in it (its strings arrive with the start-up
        files); the route and the session stay. An unknown code or the current one changes nothing."""
        if code not in catalog.LANGUAGES or code == catalog.language():
            return
        self.env.store_set(LANGUAGE_KEY, code)
        self.env.restart()

    # -- theme -----------------------------------------------------------------------------------------

    def set_theme(self, name, save=True):
        if name not in preferences.THEMES:
            name = "auto"
        self.state.ui["shell.theme"] = name
        self.env.set_theme(name)
        if save:
            self.env.store_set(THEME_KEY, name)
