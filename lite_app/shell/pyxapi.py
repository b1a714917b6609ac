"""The objects the Python console's code works with: `xapi` (the XenAPI SDK's shape on the app's
session) and `pool` (the app's live cache as plain dicts).

    await xapi.VM.get_all_records()           any message of any class, the session added for you
    task = xapi.Async.VM.clean_shutdown(ref)  an Async call: a Task, awaited to its result
    task.progress, task.status                read from the live cache while it runs
    pool.VM, pool.host                        {ref: record} copies of the live cache, no call made

Every call goes through the console's Runner (lite_app/shell/pyrun.py): it checks for Stop, asks
before a call that changes the pool when "Confirm changes" is on, records instead of calling in a dry
run, and makes the call. The session id never shows: `xapi.session` is a Secret whose repr is masked.
"""

ASYNC = "Async"


class Secret:
    """The session id: usable as `str(xapi.session)`, never shown by repr (printing it is masked too)."""

    def __init__(self, value):
        self._value = value

    def __str__(self):
        return self._value

    def __repr__(self):
        return "<session OpaqueRef:******** (masked)>"


class Xapi:
    """`xapi`: attribute access gives a class (`xapi.VM`), `xapi.Async` the async forms."""

    def __init__(self, runner):
        self._runner = runner

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == ASYNC:
            return AsyncRoot(self._runner)
        return ClassProxy(self._runner, self._runner.class_name(name), False)

    @property
    def session(self):
        return Secret(self._runner.session())

    def __repr__(self):
        return "<xapi: XenAPI calls on this app's session; help(xapi) lists the classes>"


class AsyncRoot:
    def __init__(self, runner):
        self._runner = runner

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return ClassProxy(self._runner, self._runner.class_name(name), True)

    def __repr__(self):
        return "<xapi.Async: the Async form of every message, returning a Task>"


class ClassProxy:
    def __init__(self, runner, cls, is_async):
        self._runner, self._cls, self._async = runner, cls, is_async

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        prefix = "Async." if self._async else ""
        return Method(self._runner, prefix + self._cls + "." + name, self._cls, name)

    def __repr__(self):
        return "<xapi%s.%s: help(xapi.%s) lists its messages>" % (".Async" if self._async else "", self._cls,
                                                                  self._cls)


class Method:
    """One message: calling it returns a coroutine (or a Task for an Async one)."""

    def __init__(self, runner, method, cls, name):
        self._runner, self.method, self.cls, self.name = runner, method, cls, name

    def __call__(self, *args):
        if self.method.startswith("Async."):
            return Task(self._runner, self.method, args)
        return self._runner.call(self.method, args)

    def __repr__(self):
        return "<xapi message %s: await it with its arguments; help() shows them>" % self.method


class Task:
    """An Async call: `await task` starts it (once), follows the task to its end and returns its
    result (or raises its XapiError). `ref`, `status` and `progress` read the live cache."""

    def __init__(self, runner, method, args):
        self._runner, self.method, self.args = runner, method, args
        self.ref = None
        self._done = False
        self._result = None

    @property
    def status(self):
        return self._field("status", "pending" if self.ref else "not started")

    @property
    def progress(self):
        return self._field("progress", 0.0)

    def _field(self, name, default):
        record = self._runner.task_record(self.ref) if self.ref else None
        return record.get(name, default) if record else default

    async def wait(self):
        if not self._done:
            self._result = await self._runner.run_task(self)
            self._done = True
        return self._result

    def __await__(self):  # CPython awaits through __await__
        return self.wait().__await__()

    def __iter__(self):  # MicroPython awaits through __iter__ (its coroutines are generators)
        return (yield from self.wait())

    def __repr__(self):
        return "<Task %s %s: %s>" % (self.method, self.ref or "", self.status)


class Pool:
    """`pool`: the app's live cache, one {ref: record} copy per class (the fields the app keeps)."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        cls = self._cache.class_name(name)
        if not self._cache.is_loaded(cls):
            raise AttributeError("%s is not in the live cache (it holds %s); use await xapi.%s.get_all_records()"
                                 % (name, ", ".join(self.classes()), name))
        table = self._cache.all(cls)
        return {ref: dict(table[ref]) for ref in table}

    def classes(self):
        """The classes loaded whole (a class holding only objects a page watches is not the pool's)."""
        return sorted([cls for cls in self._cache.records if self._cache.is_loaded(cls)])

    def __repr__(self):
        return "<pool: live records of %s>" % ", ".join(self.classes())
