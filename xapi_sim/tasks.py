"""Tasks: the DB records behind Async calls (and sync calls of async-capable messages).

A task is `pending` while its operation runs, then `success` (with `result`, an XML-RPC value string
even for JSON clients), `failure` (`error_info` = [code, params…]) or `cancelled`. Completed tasks are
kept for 65 minutes, at most 200 of them, as XAPI does.
"""
import asyncio
import inspect
import time

from .codecs import xmlrpc
from .errors import XapiFailure
from .xtypes import EPOCH, DateTime, now

MAX_DONE = 200
DONE_TTL = 65 * 60


class TaskManager:
    def __init__(self, sim):
        self.sim = sim
        self.db = sim.db
        self.cancelling = set()
        self.done = []            # (finished_at, ref), oldest first
        self.running = set()      # asyncio tasks kept alive
        self.pending = {}         # session -> its pending tasks (a session with one is kept by GC)

    def pending_for(self, session):
        return bool(self.pending.get(session))

    def _settled(self, ref):
        for session, refs in list(self.pending.items()):
            if ref in refs:
                refs.discard(ref)
                if not refs:
                    del self.pending[session]

    def create(self, label, description="", session=None, cancellable=False):
        ref = self._create(label, description, cancellable)
        if session is not None:
            self.pending.setdefault(session, set()).add(ref)
        return ref

    def _create(self, label, description, cancellable):
        return self.db.create("task", {
            "name_label": label, "name_description": description, "status": "pending",
            "created": now(), "finished": DateTime(EPOCH), "progress": 0.0, "type": "<none/>",
            "allowed_operations": ["cancel"] if cancellable else [],
            "resident_on": self.sim.master_ref(),
        })

    def set_progress(self, ref, value):
        if self.db.exists("task", ref) and self.db.get("task", ref)["status"] == "pending":
            self.db.set("task", ref, "progress", float(value))

    def is_cancelling(self, ref):
        return ref in self.cancelling

    def cancel(self, ref, by=None):
        rec = self.db.require("task", ref)
        if "cancel" not in rec["allowed_operations"] or rec["status"] != "pending":
            raise XapiFailure("OPERATION_NOT_ALLOWED", "task %s cannot be cancelled" % ref)
        self.cancelling.add(ref)
        self.db.set("task", ref, "current_operations", {by or ref: "cancel"})

    def succeed(self, ref, result=None):
        self._finish(ref, "success", result=xmlrpc.value_fragment("" if result is None else result))

    def fail(self, ref, description):
        status = "cancelled" if description[0] == "TASK_CANCELLED" else "failure"
        self._finish(ref, status, error_info=[str(x) for x in description])

    def _finish(self, ref, status, result="", error_info=()):
        self.cancelling.discard(ref)
        self._settled(ref)
        if not self.db.exists("task", ref):
            return
        self.db.update("task", ref, {
            "status": status, "progress": 1.0, "finished": now(), "result": result,
            "error_info": list(error_info), "allowed_operations": [], "current_operations": {},
        })
        self.done.append((time.time(), ref))
        self._gc()

    def destroy(self, ref):
        self.cancelling.discard(ref)
        self._settled(ref)
        if self.db.exists("task", ref):
            self.db.destroy("task", ref)

    def _gc(self):
        limit = time.time() - DONE_TTL
        while self.done and (len(self.done) > MAX_DONE or self.done[0][0] < limit):
            _, ref = self.done.pop(0)
            self.destroy(ref)

    # ---- running calls -------------------------------------------------------------------
    def spawn(self, ctx, handler, args):
        """Start an Async call: return its task ref at once and run the handler in the background."""
        ctx.task = self.create("Async." + ctx.wire_name, session=ctx.session, cancellable=True)
        job = asyncio.ensure_future(self._run_async(ctx, handler, args))
        self.running.add(job)
        job.add_done_callback(self.running.discard)
        return ctx.task

    async def _run_async(self, ctx, handler, args):
        try:
            result = await call(handler, ctx, args)
        except XapiFailure as err:
            self.fail(ctx.task, err.description)
        except Exception as err:  # a simulator bug must still end the task, as XAPI would
            self.fail(ctx.task, ["INTERNAL_ERROR", repr(err)])
        else:
            self.succeed(ctx.task, result)

    async def run_sync(self, ctx, handler, args):
        """A sync call of an async-capable message: XAPI creates and destroys a task around it."""
        ctx.task = self.create(ctx.wire_name, session=ctx.session, cancellable=True)
        try:
            return await call(handler, ctx, args)
        finally:
            self.destroy(ctx.task)


async def call(handler, ctx, args):
    result = handler(ctx, *args)
    if inspect.isawaitable(result):
        result = await result
    return result
