"""Fakes for the shell's pure tests: a small pool behind FakeXapi and the page (`env`) the controller drives.

Runs under CPython and MicroPython like the tests that use it.
"""
import json

from fakes import FakeXapi

from lite_app.shell.transport import method_of
from lite_app.xapi.errors import XapiError

PASSWORD = "secret"
SESSION = "OpaqueRef:session-1"
POOL = "OpaqueRef:pool"
TOKEN = "00000000000000000010,00000000000000000000"


def pool_records():
    """{class: {ref: record}}: a pool, two hosts, three guests (one running on each host, one halted)."""
    return {
        "pool": {POOL: {"uuid": "pool-uuid", "name_label": "Lab pool", "master": "OpaqueRef:h1"}},
        "host": {
            "OpaqueRef:h1": {"uuid": "h1-uuid", "name_label": "xcp-a", "enabled": True, "metrics": "OpaqueRef:hm1"},
            "OpaqueRef:h2": {"uuid": "h2-uuid", "name_label": "xcp-b", "enabled": False, "metrics": "OpaqueRef:hm2"},
        },
        "host_metrics": {"OpaqueRef:hm1": {"uuid": "hm1", "live": True}, "OpaqueRef:hm2": {"uuid": "hm2", "live": True}},
        "VM": {
            "OpaqueRef:v1": vm("v1", "web-01", "Running", "OpaqueRef:h1"),
            "OpaqueRef:v2": vm("v2", "db-01", "Running", "OpaqueRef:h2"),
            "OpaqueRef:v3": vm("v3", "old-01", "Halted", "OpaqueRef:NULL"),
            "OpaqueRef:t": dict(vm("t", "Debian template", "Halted", "OpaqueRef:NULL"), is_a_template=True),
            "OpaqueRef:d0": dict(vm("d0", "Control domain", "Running", "OpaqueRef:h1"), is_control_domain=True),
        },
    }


def vm(uuid, name, power, host):
    return {"uuid": uuid, "name_label": name, "power_state": power, "resident_on": host,
            "is_a_template": False, "is_a_snapshot": False, "is_control_domain": False}


class PoolXapi(FakeXapi):
    """FakeXapi serving pool_records(); `events` is the script of event.from replies (dicts or errors)."""

    def __init__(self, records=None):
        FakeXapi.__init__(self)
        self.records = records or pool_records()
        self.sessions = []
        self.events = []
        self.on_idle = None  # called when event.from has nothing scripted left (tests stop the loop there)
        handlers = self.handlers
        handlers["session.login_with_password"] = self.login
        handlers["session.logout"] = lambda session: self.sessions.remove(session) if session in self.sessions else None
        handlers["pool.get_all"] = self.checked(lambda: list(self.records["pool"]))
        handlers["event.inject"] = self.checked(lambda cls, ref: TOKEN)
        handlers["event.from"] = self.checked(self.event_from)
        handlers["VM.get_record"] = self.checked(lambda ref: self.records["VM"][ref])

    def login(self, user, password):
        if user == "member":
            raise XapiError("HOST_IS_SLAVE", ["10.0.0.1"])
        if user != "root" or password != PASSWORD:
            raise XapiError("SESSION_AUTHENTICATION_FAILED", [user, "Authentication failure"])
        self.sessions.append(SESSION)
        return SESSION

    def checked(self, handler):
        def call(session, *args):
            if session not in self.sessions:
                raise XapiError("SESSION_INVALID", [session])
            return handler(*args)
        return call

    def event_from(self, classes, token, timeout):
        if not self.events:
            if self.on_idle is not None:
                self.on_idle()
            return {"events": [], "token": token, "valid_ref_counts": {}}
        step = self.events.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    def transport_for(self, cls):
        return self.checked(lambda: dict(self.records.get(cls, {})))

    async def transport(self, text):
        method = method_of(text)
        if method.endswith(".get_all_records") and method not in self.handlers:
            self.handlers[method] = self.transport_for(method[:-len(".get_all_records")])
        return await FakeXapi.transport(self, text)


class FakeEnv:
    """The page as lite_app/shell/controller.py sees it (browser.Env's calls, exactly: tests/arch checks
    it), recording what the controller did. HELPERS are the tests' own calls."""

    HELPERS = ("methods", "run_frames", "run_spawned")

    def __init__(self, xapi, cookie="", hash_text="", origin="http://127.0.0.1:8080"):
        self.xapi = xapi
        self.cookies = cookie
        self.cookie_writes = []
        self.hash_text = hash_text
        self.origin_text = origin
        self.store = {}
        self.regions = {}
        self.render_count = 0
        self.frames = []
        self.screen = None
        self.login = None
        self.title = ""
        self.theme = None
        self.focused = None
        self.password_cleared = False
        self.spawned = []
        self.sleeps = []
        self.calls = []
        self.failures = {}  # method -> [TransportError, ...] raised by the next calls of that method
        self.marks = []
        self.scrolled = []
        self.stats_asked = []
        self.groups = {}
        self.uploads = []
        self.group_loads = []
        self.group_failures = {}  # group -> exception raised by its next load
        self.upload_ports = []  # FakeUploadPort of each file upload the app started
        self.upload_script = []  # what the next upload does: progress texts, then its outcome text

    async def rpc(self, text, timeout, fields):
        method = method_of(text)
        self.calls.append((method, timeout, fields))
        pending = self.failures.get(method)
        if pending:
            raise pending.pop(0)
        reply = await self.xapi.transport(text)
        if fields and isinstance(reply.get("result"), dict):
            reply["result"] = bridge_projection(reply["result"], json.loads(fields))
        return json.dumps(reply)

    def methods(self):
        return [call[0] for call in self.calls]

    async def upload(self, path, data, timeout=300):
        self.uploads.append((path, data))

    def page_groups(self):
        return self.groups  # {} unless a test splits the pages: every source is installed

    async def load_group(self, name):
        self.group_loads.append(name)
        failure = self.group_failures.pop(name, None)
        if failure is not None:
            raise failure

    def cookie(self):
        return self.cookies

    def set_cookie(self, text):
        self.cookie_writes.append(text)
        self.cookies = "" if "Max-Age=0" in text else text.split(";")[0]

    def origin(self):
        return self.origin_text

    def hash(self):
        return self.hash_text

    def store_get(self, key):
        return self.store.get(key)

    def store_set(self, key, value):
        self.store[key] = value

    def render(self, region, text):
        self.render_count += 1
        self.regions[region] = json.loads(text)

    def frame(self, callback):
        self.frames.append(callback)

    def run_frames(self):
        pending, self.frames = self.frames, []
        for callback in pending:
            callback()
        return len(pending)

    def show(self, screen):
        self.screen = screen

    def set_login(self, busy, nodes_json, error):
        self.login = (busy, json.loads(nodes_json), error)

    def set_title(self, text):
        self.title = text

    def set_theme(self, name):
        self.theme = name

    def focus(self, element_id):
        self.focused = element_id

    def clear_password(self):
        self.password_cleared = True

    def scroll_top(self, element_id):
        self.scrolled.append(element_id)

    def now(self):
        return 1700000000.0

    def random(self):
        return 0.5

    async def sleep(self, seconds):
        self.sleeps.append(seconds)

    def spawn(self, coroutine):
        self.spawned.append(coroutine)
        return coroutine

    async def run_spawned(self):
        while self.spawned:
            await self.spawned.pop(0)

    def mark(self, name):
        self.marks.append(name)

    def clock_ms(self):
        return 0.0

    def measure(self, name, start_ms):
        self.marks.append(name)

    def reload(self):
        self.reloaded = True

    def restart(self):
        self.restarted = True

    def language(self):
        return self.store.get("xcplite.lang") or "en"

    def go(self, hash_text):
        self.hash_text = hash_text
        self.gone = hash_text

    def listen(self, on_action, on_hash, on_resize):
        self.listeners = (on_action, on_hash, on_resize)

    def viewport(self):
        return (1280, 800)

    async def idle(self):
        self.marks.append("idle")

    async def after_paint(self):
        self.marks.append("after_paint")

    def console_port(self):
        raise AssertionError("no console is shown in the shell's tests")

    def stats_port(self):
        return FakeStatsPort(self)

    def python_port(self):
        return FakePythonPort(self)

    def upload_port(self):
        port = FakeUploadPort(self)
        self.upload_ports.append(port)
        return port


class FakeStatsPort:
    """charts.js as the stats poller sees it: every request is recorded and answered as unreachable."""

    def __init__(self, env):
        self.env = env

    async def fetch(self, job, timeout):
        self.env.stats_asked.append(job["url"])
        return '0{"kind": "unreachable", "status": 0, "detail": "no charts.js in tests"}'

    def abort(self):
        self.env.stats_aborted = getattr(self.env, "stats_aborted", 0) + 1


class FakeUploadPort:
    """upload.js as a view sees it: `send` reports the env's scripted progress events, then answers the
    scripted outcome; `abort` is recorded."""

    def __init__(self, env):
        self.env = env
        self.sent = None
        self.aborted = False

    async def send(self, input_id, url, on_progress):
        self.sent = (input_id, url)
        script = self.env.upload_script or ['{"outcome": "done", "status": 200}']
        for text in script[:-1]:
            on_progress(text)
        return script[-1]

    def abort(self):
        self.aborted = True


def text_in(nodes, wanted):
    """True when `wanted` appears in the text of the vdom `nodes`."""
    from lite_app.ui.vdom import text_of
    return any(wanted in text_of(node) for node in nodes)


class FakePythonPort:
    """The Python console's JS side: ready at once, keys handed to `handler`, inputs recorded."""

    def __init__(self, env):
        self.env = env

    async def ready(self):
        return True

    def attach(self, handler):
        self.env.python_keys = handler

    def set_input(self, value, cursor):
        self.env.python_input = (value, cursor)

    async def schema(self):
        import json
        return json.dumps(getattr(self.env, "python_schema", {}))


def bridge_projection(result, spec):
    """What lite_app/static/bridge.js does to a reply whose call names fields: a get_all_records result
    (spec: a list of fields) in columns [fields, refs, rows, others]; event.from's snapshots (spec:
    {"fields", "whole"}) kept to their class's fields unless their ref is read whole."""
    if isinstance(spec, list):
        refs, rows, others = [], [], {}
        for ref in result:
            record = result[ref]
            if all(name in record for name in spec):
                refs.append(ref)
                rows.append([record[name] for name in spec])
            else:
                others[ref] = {name: record[name] for name in spec if name in record}
        return [spec, refs, rows, others]
    for event in result.get("events") or []:
        fields = spec["fields"].get(str(event.get("class")).lower())
        if fields and isinstance(event.get("snapshot"), dict) and event["ref"] not in spec["whole"]:
            event["snapshot"] = {name: event["snapshot"][name] for name in fields if name in event["snapshot"]}
    return result
