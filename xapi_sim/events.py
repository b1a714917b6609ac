"""event.from: coalesced changes since a token, blocking until there are some (reference §3.1)."""
import asyncio

from . import schema
from .errors import XapiFailure
from .xtypes import Int32


def parse_token(token):
    """(db generation, message generation); "" means from the beginning (-1, -1)."""
    if token == "":
        return -1, -1
    parts = token.split(",")
    try:
        if len(parts) == 2:
            return int(parts[0]), int(parts[1])
        if len(parts) == 1:
            return int(parts[0]), -1
    except ValueError:
        pass
    raise XapiFailure("EVENT_FROM_TOKEN_PARSE_FAILURE", token)


def format_token(gen, msg_gen):
    return "%020d,%020d" % (gen, max(msg_gen, 0))


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
    if sub.matches("message", ""):
        for ref, op, snap in sim.messages.changes_since(msg_gen):
            events.append(_event("message", ref, op, snap, "0"))
    buckets = {"add": [], "mod": [], "del": []}
    for cls, ref, op in db.changes_since(gen):
        if sub.matches(cls, ref):
            snap = None if op == "del" else db.record(cls, ref)
            buckets[op].append(_event(cls, ref, op, snap, str(db.last[(cls, ref)])))
    events += buckets["add"] + buckets["mod"] + buckets["del"]
    return events, format_token(db.gen, sim.messages.gen)


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
        events, new_token = collect(sim, sub, token)
        remaining = deadline - loop.time()
        if events or remaining <= 0:
            return {"events": events, "valid_ref_counts": valid_ref_counts(sim.db),
                    "token": new_token}
        await sim.wait_for_change(remaining)
        sim.sessions.require(session)
