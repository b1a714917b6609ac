"""event.*: event.from, event.inject, and the legacy register/next/unregister queue.

event.next reads the change log uncoalesced from the registration's position; when the log no longer
holds changes after that position it fails once with EVENTS_LOST and goes on from now (XAPI's
xapi_event.ml Next.events_read, whose queue is bounded), and the client must reload what it shows.
"""
from .. import schema
from ..errors import XapiFailure
from ..events import Subscription, event_from, format_token
from . import api


@api("event.from")
async def event_from_handler(ctx, classes, token, timeout):
    return await event_from(ctx.sim, ctx.session, classes, token, timeout)


@api("event.inject")
def inject(ctx, cls, ref):
    if cls not in schema.TABLES or not ctx.db.exists(cls, ref):
        raise XapiFailure("HANDLE_INVALID", cls, ref)
    ctx.db.touch(cls, ref)
    return format_token(ctx.db.gen - 1, 0)


@api("event.get_current_id")
def get_current_id(ctx):
    return ctx.db.gen


@api("event.register")
def register(ctx, classes):
    reg = ctx.sim.legacy_events.setdefault(ctx.session, {"classes": set(), "pos": ctx.db.gen})
    reg["classes"].update(classes)


@api("event.unregister")
def unregister(ctx, classes):
    reg = ctx.sim.legacy_events.get(ctx.session)
    if reg:
        reg["classes"].difference_update(classes)


@api("event.next")
async def next_events(ctx):
    """Every queued change since the last call, uncoalesced; blocks with no timeout."""
    while True:
        reg = ctx.sim.legacy_events.get(ctx.session)
        if reg is None:
            raise XapiFailure("SESSION_NOT_REGISTERED", ctx.session)
        if reg["pos"] < ctx.db.forgotten or ctx.sim.take_lost_events(ctx.session):
            reg["pos"] = ctx.db.gen
            raise XapiFailure("EVENTS_LOST")
        events = _queued(ctx, reg)
        if events:
            return events
        await ctx.sim.wait_for_change(30.0)
        ctx.sim.sessions.require(ctx.session)


def _queued(ctx, reg):
    db, sub = ctx.db, Subscription(sorted(reg["classes"]))
    out = []
    for gen, cls, ref in db.log:
        if gen <= reg["pos"] or not sub.matches(cls, ref):
            continue
        op = "del" if not db.exists(cls, ref) else ("add" if db.born.get((cls, ref)) == gen else "mod")
        ev = {"id": str(gen), "timestamp": "%d." % ctx.sim.clock(), "class": cls.lower(),
              "operation": op, "ref": ref}
        if op != "del":
            ev["snapshot"] = db.record(cls, ref)
        out.append(ev)
    reg["pos"] = db.gen
    return out
