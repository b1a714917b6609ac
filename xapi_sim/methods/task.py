"""task.*: create/destroy by clients (for HTTP transfers), cancel, and the progress/result setters."""
from ..codecs import xmlrpc
from . import api


@api("task.create")
def create(ctx, label, description):
    return ctx.sim.tasks.create(label, description, session=ctx.session)


@api("task.destroy")
def destroy(ctx, ref):
    ctx.db.require("task", ref)
    ctx.sim.tasks.destroy(ref)


@api("task.cancel")
def cancel(ctx, ref):
    ctx.sim.tasks.cancel(ref, by=ctx.task)


@api("task.set_status")
def set_status(ctx, ref, value):
    ctx.db.require("task", ref)
    ctx.db.set("task", ref, "status", value)


@api("task.set_progress")
def set_progress(ctx, ref, value):
    ctx.db.require("task", ref)
    ctx.db.set("task", ref, "progress", value)


@api("task.set_result")
def set_result(ctx, ref, value):
    ctx.db.require("task", ref)
    ctx.db.set("task", ref, "result", value)


@api("task.set_error_info")
def set_error_info(ctx, ref, value):
    ctx.db.require("task", ref)
    ctx.db.set("task", ref, "error_info", value)


@api("task.set_resident_on")
def set_resident_on(ctx, ref, value):
    ctx.db.require("task", ref)
    ctx.db.require("host", value)
    ctx.db.set("task", ref, "resident_on", value)


def result_of(value):
    """The XML-RPC value string XAPI stores as a task result."""
    return xmlrpc.value_fragment(value)
