"""Keeping the cache live: initial load, event polling, reconnect backoff, error triage.

The loop itself lives in the app (main.py); these are its pure steps:
- `initial_load` takes an event token FIRST (`event.inject("pool", pool_ref)`), then loads every
  class with get_all_records. A change made while the records load is therefore replayed by the
  next `event.from`, so none is missed. Resync after a reconnect is initial_load again: `load`
  reports what vanished meanwhile as deleted.
- `poll` runs one `event.from` and applies its events.
- `Backoff` spaces retries after failures; `next_step(error)` says what a failure calls for.
"""
from lite_app.xapi.changes import Changes
from lite_app.xapi.errors import TransportError, XapiError

# Classes an older XAPI may not have: loading them yields these errors, and they stay empty.
MISSING_CLASS_ERRORS = ("MESSAGE_METHOD_UNKNOWN", "MESSAGE_REMOVED")


async def initial_load(client, cache, classes):
    """Load `classes` into `cache`; returns (token, Changes)."""
    pools = await client.call("pool.get_all")
    token = await client.call("event.inject", "pool", pools[0])
    changed = Changes()
    for cls in classes:
        try:
            records = await client.get_all_records(cls)
        except XapiError as error:
            if error.code not in MISSING_CLASS_ERRORS:
                raise
            records = {}
        changed.update(cache.load(cls, records))
    return token, changed


async def poll(client, cache, classes, token, timeout=30.0):
    """One `event.from` call; returns (new token, Changes)."""
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
