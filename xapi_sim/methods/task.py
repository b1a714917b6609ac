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


def _setter(field, check=None):
    """task.set_<field>: RO in the datamodel, but clients that own HTTP transfers report through them."""
    def set_field(ctx, ref, value):
        ctx.db.require("task", ref)
        if check:
            check(ctx, value)
        ctx.db.set("task", ref, field, value)
    return set_field


for _field in ("status", "progress", "result", "error_info"):
    api("task.set_" + _field)(_setter(_field))
api("task.set_resident_on")(_setter("resident_on", lambda ctx, host: ctx.db.require("host", host)))


def result_of(value):
    """The XML-RPC value string XAPI stores as a task result."""
    return xmlrpc.value_fragment(value)
