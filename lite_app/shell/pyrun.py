"""The Python console's engine: compiles and runs what the user typed in the app's MicroPython.

One Runner per sign-in (kept in state.ui, so signing out drops it with its namespace). An input is
planned by lite_app/logic/pysource.py (statements, a last expression whose value is shown, top-level
`await` through an async wrapper), compiled as "<console>" and run as an asyncio task:

- Stop cancels that task: the code stops at its next `await` (an xapi call, asyncio.sleep). `print`
  and every xapi call also check for Stop, so code that catches the cancellation stops at its next
  one. A loop that never awaits keeps the single-threaded page busy until it ends: nothing in the
  page can interrupt it (the page says so).
- Output and tracebacks are text entries (the page renders text nodes only), with the session id
  masked and the console's own frames left out of tracebacks.
- Calls that change the pool (lite_app/logic/pycalls.py) wait for the user's answer while "Confirm
  changes" is on; a dry run records them instead of making them; calls a preview listed are taken as
  confirmed when the previewed code then runs.
"""
import asyncio
import io
import sys

from lite_app.logic import pycalls, pyformat, pysource
from lite_app.logic.model import namer
from lite_app.logic.pyschema import Schema
from lite_app.shell import task_runner
from lite_app.shell.pyxapi import Method, Pool, Xapi
from lite_app.text.errors import describe
from lite_app.xapi.errors import TransportError, XapiError

OUTPUT_LIMIT = 600  # entries kept
ENTRY_LIMIT = 20000  # characters per entry
FILE = "<console>"


class Refused(Exception):
    """A call the user did not confirm."""


class Runner:
    def __init__(self, state, client_factory, schema_loader=None):
        self.state = state
        self.client_factory = client_factory  # () -> a Client on the current session, no projection
        self.schema_loader = schema_loader  # async () -> the datamodel summary (dict), or None
        self.schema = Schema()
        self.entries = []  # [id, kind, text]: kind "in", "out", "err", "info"
        self.serial = 0
        self.task = None
        self.stopped = False
        self.confirm = True
        self.pending = None  # {"call": text, "answer": None/True/False} while a call waits for the user
        self.allow_all = False  # "Allow all" answered for the current run
        self.dry_run = None  # a list collecting the calls a preview would make
        self.preapproved = []  # (method, args) a preview listed, taken as confirmed by the next run
        self.waiting = None  # the Task being awaited (its progress is shown)
        self.xapi = Xapi(self)
        self.namespace = self.fresh_namespace()

    # ---- namespace -----------------------------------------------------------------------------
    def fresh_namespace(self):
        return {"__name__": "__console__", "xapi": self.xapi, "pool": Pool(self.state.cache),
                "print": self.print, "help": self.help, "asyncio": asyncio, "XapiError": XapiError}

    def class_name(self, name):
        return self.schema.class_name(name) or self.state.cache.class_name(name)

    def session(self):
        client = self.state.client
        return (client.session or "") if client is not None else ""

    async def load_schema(self):
        if not self.schema.loaded() and self.schema_loader is not None:
            try:
                self.schema = Schema(await self.schema_loader())
            except Exception as error:  # help and completion then know the console's names only
                print("xcplite: the datamodel summary did not load:", repr(error))

    # ---- output --------------------------------------------------------------------------------
    def write(self, kind, text):
        text = pyformat.mask(pyformat.cut(str(text), ENTRY_LIMIT), self.session())
        self.serial += 1
        self.entries.append([self.serial, kind, text])
        if len(self.entries) > OUTPUT_LIMIT:
            self.entries = self.entries[-OUTPUT_LIMIT:]
        self.redraw()

    def clear(self):
        self.entries = []
        self.redraw()

    def redraw(self):
        redraw = getattr(self.state, "redraw", None)
        if redraw is not None:
            redraw()

    def check_stop(self):
        if self.stopped:
            raise KeyboardInterrupt("stopped")

    def print(self, *args, sep=" ", end="\n", file=None):
        self.check_stop()
        text = sep.join(str(a) for a in args) + end
        self.write("err" if file is sys.stderr else "out", text[:-1] if text.endswith("\n") else text)

    def help(self, what=None):
        self.check_stop()
        self.write("out", self.help_text(what))

    def help_text(self, what):
        schema = self.schema
        if isinstance(what, Method):
            return schema.message_help(what.cls, what.name) or repr(what)
        cls = getattr(what, "_cls", None)
        if cls is not None and schema.help_text(cls):
            return schema.help_text(cls)
        if isinstance(what, Xapi) or what is None:
            return self.state.t("python.help", classes=", ".join(schema.classes()) or "-")
        if isinstance(what, Pool):
            return self.state.t("python.help_pool", classes=", ".join(what.classes()))
        doc = getattr(what, "__doc__", None)
        names = [n for n in dir(what) if not n.startswith("_")]
        return (str(doc).strip() + "\n\n" if doc else "") + ", ".join(names)

    # ---- running -------------------------------------------------------------------------------
    def busy(self):
        return self.task is not None

    def echo(self, source):
        lines = source.rstrip().split("\n")
        self.write("in", "\n".join((">>> " if i == 0 else "... ") + line for i, line in enumerate(lines)))

    async def run(self, source, bindings=None, dry_run=False):
        """Run one input to its end (Stop, an error or a refusal end it early; they are printed)."""
        if self.task is not None:
            return
        self.stopped = False
        self.allow_all = False
        self.dry_run = [] if dry_run else None
        for name in bindings or {}:
            self.namespace[name] = bindings[name]
        self.task = asyncio.create_task(self.execute(source))
        try:
            await self.task
        except asyncio.CancelledError:
            self.write("info", self.state.t("python.stopped"))
        finally:
            self.task = None
            self.pending = None
            self.waiting = None
            calls, self.dry_run = self.dry_run, None
            self.redraw()
        return calls

    async def execute(self, source):
        plan = None
        try:
            plan = pysource.plan(source, compile)
            value = await self.evaluate(plan)
            shown = pyformat.show(value)
            if shown is not None:
                self.write("out", shown)
                if type(value).__name__ in ("coroutine", "generator"):
                    self.write("info", self.state.t("python.unawaited"))
        except KeyboardInterrupt:
            self.write("info", self.state.t("python.stopped"))
        except (XapiError, TransportError) as error:
            self.write("err", self.xapi_error_text(error))
        except Refused as error:
            self.write("err", str(error))
        except Exception as error:
            self.write("err", self.traceback_text(error, plan.line_offset if plan else 0))

    async def evaluate(self, plan):
        namespace = self.namespace
        code = compile(plan.source, FILE, "exec")
        if plan.is_async:
            exec(code, namespace)
            entry = namespace.pop(pysource.ENTRY)
            return await entry()
        exec(code, namespace)
        if plan.expression is None:
            return None
        return eval(compile(plan.expression_source(), FILE, "eval"), namespace)

    def traceback_text(self, error, line_offset):
        buffer = io.StringIO()
        if hasattr(sys, "print_exception"):  # MicroPython
            sys.print_exception(error, buffer)
        else:
            import traceback
            traceback.print_exception(type(error), error, error.__traceback__, file=buffer)
        return pyformat.trim_traceback(buffer.getvalue(), line_offset)

    def xapi_error_text(self, error):
        sentence = describe(error, namer(self.state.cache), self.state.t)["text"]
        if isinstance(error, XapiError):
            return "XapiError(%r, %r): %s" % (error.code, error.params, sentence)
        return "%s: %s" % (repr(error), sentence)

    def stop(self):
        """Stop the running code at its next await (and at its next print or xapi call)."""
        if self.task is None:
            return False
        self.stopped = True
        if self.pending is not None:
            self.pending["answer"] = False
        self.task.cancel()
        return True

    # ---- calls ---------------------------------------------------------------------------------
    async def call(self, method, args):
        self.check_stop()
        args = [str(a) if hasattr(a, "_value") else a for a in args]
        if pycalls.changes_state(method):
            if self.dry_run is not None:
                self.dry_run.append((method, list(args)))
                self.write("info", self.state.t("python.would_call", call=pycalls.call_text(method, args)))
                return None
            await self.approve(method, args)
        client = self.client_factory()
        return await client.call(method, *args)

    async def approve(self, method, args):
        for i in range(len(self.preapproved)):
            if pycalls.same_call(method, args, self.preapproved[i]):
                del self.preapproved[i]
                return
        if not self.confirm or self.allow_all:
            return
        self.pending = {"call": pycalls.call_text(method, args, 200), "answer": None}
        self.redraw()
        answer = None
        try:
            while answer is None:
                await self.state.sleep(0.05)
                self.check_stop()
                answer = self.pending["answer"] if self.pending is not None else False
        finally:
            self.pending = None
            self.redraw()
        if answer == "all":
            self.allow_all = True
        elif not answer:
            raise Refused(self.state.t("python.refused", call=pycalls.call_text(method, args)))

    def answer(self, value):
        """The user's answer to the pending confirmation: True, False or "all"."""
        if self.pending is not None:
            self.pending["answer"] = value

    async def run_task(self, task):
        if task.ref is None:
            task.ref = await self.call(task.method, task.args)
            if task.ref is None:  # a dry run: nothing was started
                return None
        self.waiting = task
        self.redraw()
        try:
            status, value = await task_runner.wait(self.state, task.ref)
        finally:
            self.waiting = None
            self.redraw()
        if status != "success":
            raise value
        return value

    def task_record(self, ref):
        return self.state.cache.get("task", ref)
