"""Keeping the record cache live: the first load, the event loop, reconnect backoff, error triage.

Pure (CPython and MicroPython): XAPI is reached only through the Client (lite_app/xapi/client.py).
- `load_all` takes an event token FIRST (`event.inject("pool", pool_ref)`), then loads every class
  with get_all_records, all in parallel (one round trip of latency, not one per class). A change made
  while the records load is therefore replayed by the next `event.from`, so none is missed. A resync
  after a reconnect is load_all again: `Cache.load` reports what vanished meanwhile as deleted.
- `poll` runs one `event.from` and applies its events.
- `Live` is one session's loop: `event.from` back to back with no artificial sleep; on failure a
  capped, jittered `Backoff`, a resync, and status callbacks that drive the "Reconnecting..." banner.
- `next_step(error)` says what a failure calls for.
"""
import asyncio
import gc

from lite_app.xapi.changes import Changes
from lite_app.xapi.errors import TransportError, XapiError

# Seconds XAPI may block an event.from. Short, so a host that hangs is noticed soon: the call in flight when
# the hang begins may still end normally (up to EVENT_TIMEOUT), then the next one is abandoned at
# EVENT_TIMEOUT + the transport's grace (shell/transport.py): 2 x 3 + 2 = 8 s at worst. An idle poll every
# 3 s costs one small request.
EVENT_TIMEOUT = 3.0

# Classes an older XAPI may not have: loading them yields these errors, and they stay empty.
MISSING_CLASS_ERRORS = ("MESSAGE_METHOD_UNKNOWN", "MESSAGE_REMOVED")


async def poll(client, cache, classes, token, timeout=30.0):
    """One `event.from` call; returns (new token, Changes). `classes` may name single objects
    ("VBD/OpaqueRef:…": XAPI follows that object alone)."""
    batch = await client.event_from(classes, token, timeout)
    changed = cache.apply(batch.get("events") or [])
    return batch["token"], changed


# What the sync loop does after one of ITS calls failed (inject, get_all_records, event.from), by
# XAPI error code; a HANDLE_INVALID there means the pool ref went stale, so reload everything.
ERROR_STEPS = {
    "SESSION_INVALID": "login",
    "SESSION_AUTHENTICATION_FAILED": "login",
    "EVENTS_LOST": "resync",
    "EVENT_FROM_TOKEN_PARSE_FAILURE": "resync",
    "HANDLE_INVALID": "resync",
}


def next_step(error):
    """For a failed sync call: "login" (session gone), "resync" (reload all), "retry" (wait, call again)."""
    if isinstance(error, XapiError):
        return ERROR_STEPS.get(error.code, "retry")
    if isinstance(error, TransportError):
        # The host may have restarted meanwhile: after a transport failure reload everything.
        return "resync"
    return "retry"


class Backoff:
    """Capped exponential delays with jitter: about base, 2*base, ... up to cap seconds.

    `random` is a callable returning a float in [0, 1); each delay is drawn from [d/2, d) so that
    many browsers reconnecting to a restarted host do not all hit it at once.
    """

    def __init__(self, random, base=0.5, cap=8.0):
        self.random = random
        self.base = base
        self.cap = cap
        self.failures = 0

    def next(self):
        """The delay in seconds before the next retry; each call counts one more failure."""
        delay = min(self.cap, self.base * (2 ** self.failures))
        if delay < self.cap:
            self.failures += 1
        return delay / 2 + self.random() * delay / 2

    def reset(self):
        """After a success: the next failure starts again from `base`."""
        self.failures = 0


async def _records(client, cls):
    try:
        return await client.get_all_records(cls)
    except XapiError as error:
        if error.code not in MISSING_CLASS_ERRORS:
            raise
        return {}


async def _record(client, key):
    """The event that brings watched object "cls/ref" up to date: its record, or its deletion."""
    cls, _sep, ref = key.partition("/")
    try:
        record = await client.call(cls + ".get_record", ref)
        return {"class": cls, "ref": ref, "operation": "mod", "snapshot": record}
    except XapiError as error:
        if error.code != "HANDLE_INVALID":
            raise
        return {"class": cls, "ref": ref, "operation": "del"}


async def load_all(client, cache, classes, fetched=None, objects=()):
    """Token first, then every class and every watched object ("cls/ref") at once; returns (token,
    Changes). `fetched()`, when given, is called once every reply is in, before they are indexed (a
    benchmark's mark)."""
    classes, objects = list(classes), list(objects)  # the app's lists may grow while the replies come
    pools = await client.call("pool.get_all")
    token = await client.call("event.inject", "pool", pools[0])
    calls = [_records(client, cls) for cls in classes] + [_record(client, key) for key in objects]
    collecting = gc.isenabled()
    gc.disable()  # what arrives is kept: a collection would mark the growing records again and again
    try:
        replies = await asyncio.gather(*calls)
        if fetched is not None:
            fetched()
        changed = Changes()
        for i in range(len(classes)):
            changed.update(cache.load(classes[i], replies[i]))
        if objects:
            changed.update(cache.apply(replies[len(classes):]))
    finally:
        if collecting:
            gc.enable()
            gc.collect()  # the load's garbage now, once, rather than in a long pause at some later change
    return token, changed


class Live:
    """The event loop of one session. `on_changes(Changes)`, `on_status("live"|"reconnecting")`,
    `on_error(error)` (unexpected failures, for the console) are the app's callbacks."""

    def __init__(self, client, cache, classes, callbacks, sleep, random, objects=None):
        self.client = client
        self.cache = cache
        self.classes = classes
        self.objects = objects if objects is not None else []  # "cls/ref" followed one by one (the app's list)
        self.fresh = []  # objects added to `objects` since the last poll began (see run)
        self.on_changes, self.on_status, self.on_error = callbacks
        self.sleep = sleep
        self.backoff = Backoff(random)
        self.running = True
        self.polls = 0

    def stop(self):
        self.running = False

    async def run(self, token):
        while self.running and token is not None:
            try:
                await self.catch_up()
                token, changes = await poll(self.client, self.cache, self.classes + self.objects, token,
                                            EVENT_TIMEOUT)
                self.polls += 1
                self.backoff.reset()
            except Exception as error:  # every failure is triaged; the loop must not die
                token = await self.recover(error, token)
                continue
            if self.running and changes:
                self.on_changes(changes)

    def added(self, key):
        """Object "cls/ref" was added to `objects`: fetch it again before the first poll following it."""
        self.fresh.append(key)

    async def catch_up(self):
        """Fetch again the objects added since the last poll began, before the first poll that follows
        them: that poll's token is no older than these records, so a change to one between the app's own
        fetch (made at once, for the page) and this poll is not skipped (XAPI's token is the database's
        generation, and the poll in flight when an object was added did not follow it)."""
        if not self.fresh:
            return
        keys, self.fresh = self.fresh, []
        events = await asyncio.gather(*[_record(self.client, key) for key in keys])
        if not self.running:
            return
        kept = [events[i] for i in range(len(keys)) if keys[i] in self.objects]  # not let go meanwhile
        changes = self.cache.apply(kept)
        if changes:
            self.on_changes(changes)

    async def recover(self, error, token):
        """Back off, then poll again ("retry") or reload everything; the next token, None to stop."""
        step = next_step(error)
        if not self.running or step == "login":
            return None
        if isinstance(error, TransportError):
            self.on_status("reconnecting")
        elif not isinstance(error, XapiError):
            self.on_error(error)
        await self.sleep(self.backoff.next())
        if step == "retry":
            return token
        return await self.resync()

    async def resync(self):
        while self.running:
            try:
                token, changes = await load_all(self.client, self.cache, self.classes, objects=self.objects)
            except Exception as error:
                if next_step(error) == "login" or not self.running:
                    return None
                if isinstance(error, TransportError):
                    self.on_status("reconnecting")
                await self.sleep(self.backoff.next())
                continue
            if not self.running:
                return None
            self.backoff.reset()
            self.on_status("live")
            self.on_changes(changes)
            return token
        return None
