"""event.from: coalesced changes since a token, blocking until there are some (reference §3.1).

The token is `"%020d,%020d"`: a DB generation, then a message generation, each only as far as the
classes asked for go (XAPI's xapi_event.ml `from_inner`): the DB part is the latest generation among
the subscribed objects that changed (the token given when none did), and the message part stays 0
unless `message` is subscribed. So a client that adds `message` to its classes later still receives
every message raised meanwhile. `""` parses as (0, 0), the beginning; any other form than two
comma-separated integers is EVENT_FROM_TOKEN_PARSE_FAILURE.
"""
import asyncio

from . import schema
from .errors import XapiFailure
from .xtypes import Int32


def parse_token(token):
    """(db generation, message generation); "" means from the beginning (0, 0)."""
    if token == "":
        return 0, 0
    parts = token.split(",")
    try:
        if len(parts) == 2:
            return int(parts[0]), int(parts[1])
    except ValueError:
        pass
    raise XapiFailure("EVENT_FROM_TOKEN_PARSE_FAILURE", token)


def format_token(gen, msg_gen):
    return "%020d,%020d" % (gen, msg_gen)


class Subscription:
    def __init__(self, classes):
        self.all = "*" in classes
        self.classes = set()
        self.objects = set()
        for item in classes:
            cls, sep, ref = item.partition("/")
            if sep:
                self.objects.add((cls.lower(), ref))
            else:
                self.classes.add(cls.lower())

    def matches(self, cls, ref):
        low = cls.lower()
        return self.all or low in self.classes or (low, ref) in self.objects


def valid_ref_counts(db):
    return {t.lower(): Int32(db.count(t)) for t in schema.TABLES}


def collect(sim, sub, token):
    """(events, new token) for everything matching `sub` since `token`."""
    gen, msg_gen = parse_token(token)
    db = sim.db
    events = []
    new_msg_gen = 0
    if sub.matches("message", ""):
        new_msg_gen = msg_gen
        for g, ref, op, snap in sim.messages.changes_since(msg_gen):
            events.append(_event("message", ref, op, snap, "0"))
            new_msg_gen = max(new_msg_gen, g)
    buckets = {"add": [], "mod": [], "del": []}
    last = gen
    for cls, ref, op, g in db.changes_since(gen, sub.matches):
        last = max(last, g)
        if op is not None:
            snap = None if op == "del" else db.record(cls, ref)
            buckets[op].append(_event(cls, ref, op, snap, str(g)))
    events += buckets["add"] + buckets["mod"] + buckets["del"]
    return events, format_token(last, new_msg_gen)


def _event(cls, ref, op, snapshot, ident):
    ev = {"id": ident, "timestamp": "0.0", "class": cls.lower(), "operation": op, "ref": ref}
    if snapshot is not None:
        ev["snapshot"] = snapshot
    return ev


async def event_from(sim, session, classes, token, timeout):
    sub = Subscription(classes)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(0.0, float(timeout))
    while True:
        if sim.take_lost_events(session):       # the events_lost fault (XAPI raises it in event.next)
            raise XapiFailure("EVENTS_LOST")
        events, new_token = collect(sim, sub, token)
        remaining = deadline - loop.time()
        if events or remaining <= 0:
            return {"events": events, "valid_ref_counts": valid_ref_counts(sim.db),
                    "token": new_token}
        await sim.wait_for_change(remaining)
        sim.sessions.require(session)
