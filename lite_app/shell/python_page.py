"""The Python console page (`#/python`): the page module the shell routes to, acting on the console.

It lives in the shell because it acts: it runs code (lite_app/shell/pyrun.py), reaches the page's
keyboard through the browser edge's python port (Enter, Shift+Enter, Tab, Up/Down, Ctrl+C in the input;
lite_app/static/pyconsole.js) and keeps history and snippets in localStorage (lite_app/logic/pysnippets.py).
It draws nothing itself: lite_app/ui/python.py renders the view built here.

Run on selection: the VM list puts the selected refs in state.ui[TARGETS] and comes here; a preview
runs the chosen snippet as a dry run (reads are made, calls that change the pool are listed, not
made), and Run then makes exactly the listed calls without asking again (any other call still asks).
"""
import json

from lite_app.logic import pycalls, pycomplete, pysource
from lite_app.logic.pysnippets import History, Store
from lite_app.shell.pyrun import Runner
from lite_app.shell.pyxapi import AsyncRoot, ClassProxy, Pool, Xapi
from lite_app.shell.transport import make_transport
from lite_app.ui import python as view_module
from lite_app.xapi.client import Client
from lite_app.xapi.errors import XapiError

RUNNER = "python.runner"
DRAFT = "python.draft"
HINT = "python.hint"
TARGETS = "python.targets"
PREVIEW = "python.preview"
SNIPPET = "python.snippet"
SNIP_NAME = "python.snip_name"
SNIP_ERROR = "python.snip_error"
SETUP = "python.setup"
KEYWORDS = ("False", "None", "True", "and", "async", "await", "def", "for", "import", "lambda", "print", "while")


# ---- the console of this sign-in ------------------------------------------------------------------
def console(state):
    runner = state.ui.get(RUNNER)
    if runner is None:
        runner = state.ui[RUNNER] = Runner(state, client_factory(state), schema_loader(state))
        runner.history = History(store(state).history())
    return runner


def client_factory(state):
    """A Client on the app's session whose get_all_records replies keep every field (the app's own
    client trims them to what the views read); a session it finds invalid ends the app's too."""
    made = {}

    def make():
        main = state.client
        if main is None or not main.session:
            raise XapiError("SESSION_INVALID", [""])
        client = made.get(main.session)
        if client is None:
            made.clear()
            client = made[main.session] = Client(make_transport(state.env, {}), main.session)
            client.on_session_invalid = main.on_session_invalid
        return client
    return make


def schema_loader(state):
    async def load():
        return json.loads(await state.env.python_port().schema())
    return load if getattr(state, "env", None) is not None else None


class MemoryStore:
    """localStorage's calls over a dict, where the page has none (tests of views)."""

    def __init__(self):
        self.data = {}

    def store_get(self, key):
        return self.data.get(key)

    def store_set(self, key, value):
        self.data[key] = value


def store(state):
    env = getattr(state, "env", None)
    if env is None:
        env = state.ui.get("python.memory")
        if env is None:
            env = state.ui["python.memory"] = MemoryStore()
    return Store(env.store_get, env.store_set)


def setup(state):
    """Once per sign-in: load pyconsole.js, wire the input's keys, load the datamodel summary."""
    if state.ui.get(SETUP) or getattr(state, "env", None) is None:
        return
    state.ui[SETUP] = True
    state.env.spawn(connect(state))


async def connect(state):
    port = state.env.python_port()
    if not await port.ready():
        state.ui[SETUP] = False
        return
    port.attach(lambda kind, value, start, end: on_key(state, kind, value, start, end))
    await console(state).load_schema()


# ---- the page -------------------------------------------------------------------------------------
def title(state):
    return state.t("page.python")


def leave(state):
    state.ui.pop(HINT, None)


def render(state):
    setup(state)
    return view_module.render(state, view(state))


def view(state):
    runner = console(state)
    names = store(state).names()
    chosen = state.ui.get(SNIPPET)
    if chosen not in names:
        chosen = names[0] if names else ""
    waiting = None
    if runner.waiting is not None:
        task = runner.waiting
        waiting = (pycalls.call_text(task.method, task.args), int(max(0.0, min(1.0, task.progress or 0.0)) * 100))
    return {"entries": runner.entries, "busy": runner.busy(), "confirm": runner.confirm, "pending": runner.pending,
            "waiting": waiting, "draft": state.ui.get(DRAFT) or "", "hint": state.ui.get(HINT),
            "snippets": names, "snippet": chosen, "deletable": chosen in store(state).saved(),
            "snip_name": state.ui.get(SNIP_NAME) or "", "snip_error": state.ui.get(SNIP_ERROR),
            "targets": targets_view(state), "preview": preview_texts(state)}


def targets_view(state):
    refs = state.ui.get(TARGETS)
    if not refs:
        return None
    names = []
    for ref in refs:
        record = state.cache.get("VM", ref) or {}
        names.append(record.get("name_label") or record.get("uuid") or ref)
    return {"names": sorted(names, key=lambda n: n.lower())}


def preview_texts(state):
    calls = state.ui.get(PREVIEW)
    if calls is None:
        return None
    return [pycalls.call_text(method, args) for method, args in calls]


# ---- input --------------------------------------------------------------------------------------
def reply(value, cursor):
    return json.dumps({"value": value, "cursor": cursor})


def on_key(state, kind, value, start, end):
    """A key in the input (pyconsole.js asks before the browser acts): the JSON {value, cursor} to put in
    the input instead, or "" to let the browser do its default (move the caret, leave with Tab...)."""
    runner = console(state)
    state.ui[DRAFT] = value
    if kind == "run" or (kind == "enter" and start == end and not value[end:].strip() and pysource.complete(value)):
        if runner.busy() or not value.strip():
            return reply(value, start) if kind == "run" else ""
        submit(state, value)
        return reply("", 0)
    if kind == "enter":
        insert = "\n" + pysource.newline_indent(value[:start].split("\n")[-1])
        state.ui[DRAFT] = value[:start] + insert + value[end:]
        return reply(state.ui[DRAFT], start + len(insert))
    if kind == "tab":
        return on_tab(state, value, start, end)
    if kind in ("up", "down"):
        shown = runner.history.older(value) if kind == "up" else runner.history.newer()
        if shown is None:
            return ""
        state.ui[DRAFT] = shown
        return reply(shown, len(shown))
    if kind == "stop" and runner.stop():
        return reply(value, start)
    return ""


def on_tab(state, value, start, end):
    if start != end or not value[:start].strip() or value[start - 1] in " \t\n(":
        return ""  # nothing to complete: Tab leaves the input, as everywhere else
    new, cursor, shown = pycomplete.complete(value, start, lambda base: members(state, base),
                                             lambda expression: keys(state, expression))
    state.ui[HINT] = shown or None
    state.redraw()
    if new == value and not shown:
        return ""
    state.ui[DRAFT] = new
    return reply(new, cursor)


def submit(state, source):
    """Run an input (Enter on a complete block, Shift+Enter, the Run button)."""
    runner = console(state)
    runner.echo(source)
    runner.history = History(store(state).remember(source))
    state.ui[DRAFT] = ""
    state.ui.pop(HINT, None)
    state.env.spawn(runner.run(source))


# ---- completion ---------------------------------------------------------------------------------
def members(state, base):
    runner = console(state)
    if not base:
        return list(runner.namespace) + dir(__import__("builtins")) + list(KEYWORDS)
    target = resolve(runner, base)
    schema = runner.schema
    if isinstance(target, Xapi):
        return schema.classes() + ["Async", "session"]
    if isinstance(target, AsyncRoot):
        return schema.classes()
    if isinstance(target, ClassProxy):
        return schema.messages(target._cls)
    if isinstance(target, Pool):
        return target.classes()
    if target is None:
        return []
    return [name for name in dir(target)]


def resolve(runner, dotted):
    """The object a dotted name stands for in the console (attributes of the console's own objects
    only: nothing is called), or None."""
    parts = dotted.split(".")
    target = runner.namespace.get(parts[0])
    for part in parts[1:]:
        if target is None or isinstance(target, Pool):
            return None
        try:
            target = getattr(target, part)
        except Exception:
            return None
    return target


def keys(state, expression):
    """The keys a record reached by `expression` may have: its own, else its class's fields."""
    runner = console(state)
    if "[" not in expression:
        target = runner.namespace.get(expression) if "." not in expression else None
        if isinstance(target, dict):
            if target and all(isinstance(v, dict) for v in target.values()):
                return list(next(iter(target.values())))
            return [k for k in target if isinstance(k, str)]
    for root in ("pool.", "xapi."):
        at = expression.find(root)
        if at >= 0:
            cls = runner.class_name(pycomplete.dotted_before(expression[at + len(root):].split("[")[0]))
            fields = runner.schema.fields(cls) or list(state.cache.get(cls, next(iter(state.cache.all(cls)), "")) or ())
            return fields
    return []


# ---- actions --------------------------------------------------------------------------------------
def on_run(state, payload):
    source = state.ui.get(DRAFT) or ""
    if not source.strip() or console(state).busy():
        return None
    submit(state, source)
    state.env.python_port().set_input("", 0)
    return None


def on_stop(state, payload):
    console(state).stop()


def on_clear(state, payload):
    console(state).clear()


def on_confirm(state, payload):
    console(state).confirm = bool(payload.get("checked"))


def on_draft(state, payload):
    state.ui[DRAFT] = payload.get("value") or ""


def answer(value):
    def handler(state, payload):
        console(state).answer(value)
        state.env.focus(view_module.INPUT_ID)
    return handler


def on_snippet(state, payload):
    state.ui[SNIPPET] = payload.get("value") or ""
    state.ui.pop(PREVIEW, None)


def on_load(state, payload):
    source = store(state).source(view(state)["snippet"])
    if source is not None:
        state.ui[DRAFT] = source.rstrip() + "\n"
        state.env.python_port().set_input(state.ui[DRAFT], len(state.ui[DRAFT]))


def on_delete(state, payload):
    store(state).delete(view(state)["snippet"])
    state.ui.pop(SNIPPET, None)


def on_snip_name(state, payload):
    state.ui[SNIP_NAME] = payload.get("value") or ""
    state.ui.pop(SNIP_ERROR, None)


def on_save(state, payload):
    name = (state.ui.get(SNIP_NAME) or "").strip()
    problem = store(state).save(name, state.ui.get(DRAFT) or "")
    state.ui[SNIP_ERROR] = problem
    if problem is None:
        state.ui[SNIPPET] = name
        state.notify(state.t("python.snip_saved", name=name))


def on_cancel_selection(state, payload):
    state.ui.pop(TARGETS, None)
    state.ui.pop(PREVIEW, None)


async def selection_bindings(state):
    """{"vms": {ref: full record}} of the selected VMs that still exist (read with VM.get_record)."""
    runner = console(state)
    client = runner.client_factory()
    vms = {}
    for ref in state.ui.get(TARGETS) or ():
        if state.cache.get("VM", ref) is not None:
            vms[ref] = await client.call("VM.get_record", ref)
    return {"vms": vms}


async def on_preview(state, payload):
    runner = console(state)
    name = view(state)["snippet"]
    source = store(state).source(name)
    if source is None or runner.busy():
        return
    bindings = await selection_bindings(state)
    runner.write("info", state.t("python.preview_start", snippet=name, count=len(bindings["vms"])))
    calls = await runner.run(source, bindings, dry_run=True)
    state.ui[PREVIEW] = calls or []


async def on_run_selection(state, payload):
    runner = console(state)
    name = view(state)["snippet"]
    source = store(state).source(name)
    calls = state.ui.get(PREVIEW)
    if source is None or calls is None or runner.busy():
        return
    bindings = await selection_bindings(state)
    runner.write("info", state.t("python.sel_start", snippet=name, count=len(bindings["vms"])))
    runner.preapproved = list(calls)
    state.ui.pop(PREVIEW, None)
    try:
        await runner.run(source, bindings)
    finally:
        runner.preapproved = []


actions = {
    "python.run": on_run, "python.stop": on_stop, "python.clear": on_clear, "python.confirm": on_confirm,
    "python.draft": on_draft, "python.allow": answer(True), "python.allow_all": answer("all"),
    "python.refuse": answer(False), "python.snippet": on_snippet, "python.load": on_load,
    "python.delete": on_delete, "python.snip_name": on_snip_name, "python.save": on_save,
    "python.preview": on_preview, "python.run_selection": on_run_selection,
    "python.cancel_selection": on_cancel_selection,
}
