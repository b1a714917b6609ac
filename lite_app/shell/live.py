"""Keeping the pool live in the app: the transport policy, the parallel first load and the event loop.

Pure (CPython and MicroPython); the browser is reached only through `env.rpc` (lite_app/browser.py).
- `make_transport`: timeouts per method (an `event.from` may legitimately block for 30 s) and the
  field projection of big `get_all_records` replies, which the browser parses and trims in JS so
  that Python parses only the fields the views read (DESIGN §4).
- `load_all`: takes the event token first (as lite_app.xapi.sync.initial_load), then loads every
  class in parallel: one round trip of latency instead of one per class.
- `Live`: `event.from` back to back with no artificial sleep; on failure a capped, jittered backoff,
  a resync (load_all again, which reports what vanished meanwhile) and status callbacks that drive
  the "Reconnecting..." banner.
"""
import asyncio
import json

from lite_app.xapi.changes import Changes
from lite_app.xapi.errors import TransportError, XapiError
from lite_app.xapi.sync import MISSING_CLASS_ERRORS, Backoff, next_step, poll

EVENT_TIMEOUT = 30.0        # seconds XAPI may block an event.from
EVENT_FETCH_TIMEOUT = 45.0  # the fetch must outlive it
CALL_TIMEOUT = 15.0
RECORDS_SUFFIX = ".get_all_records"


def method_of(text):
    """The method name in a request text written by lite_app.xapi.jsonrpc (compact or spaced JSON)."""
    at = text.find('"method":')
    if at < 0:
        return ""
    start = text.find('"', at + 9) + 1
    return text[start:text.find('"', start)]


def make_transport(env, fields_json):
    """An async transport for lite_app.xapi.client.Client; `fields_json` is {class: JSON list of fields}."""
    async def transport(text):
        method = method_of(text)
        timeout = EVENT_FETCH_TIMEOUT if method == "event.from" else CALL_TIMEOUT
        fields = None
        if method.endswith(RECORDS_SUFFIX):
            fields = fields_json.get(method[:-len(RECORDS_SUFFIX)])
        reply = await env.rpc(text, timeout, fields)
        try:
            return json.loads(reply)
        except ValueError:
            raise TransportError("protocol", None, "the reply is not JSON")
    return transport


async def _records(client, cls):
    try:
        return await client.get_all_records(cls)
    except XapiError as error:
        if error.code not in MISSING_CLASS_ERRORS:
            raise
        return {}


async def load_all(client, cache, classes):
    """Token first, then every class at once; returns (token, Changes)."""
    pools = await client.call("pool.get_all")
    token = await client.call("event.inject", "pool", pools[0])
    replies = await asyncio.gather(*[_records(client, cls) for cls in classes])
    changed = Changes()
    for i in range(len(classes)):
        changed.update(cache.load(classes[i], replies[i]))
    return token, changed


class Live:
    """The event loop of one session. `on_changes(Changes)`, `on_status("live"|"reconnecting")`,
    `on_error(error)` (unexpected failures, for the console) are the app's callbacks."""

    def __init__(self, client, cache, classes, callbacks, sleep, random):
        self.client = client
        self.cache = cache
        self.classes = classes
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
                token, changes = await poll(self.client, self.cache, self.classes, token, EVENT_TIMEOUT)
                self.polls += 1
                self.backoff.reset()
            except Exception as error:  # every failure is triaged; the loop must not die
                token = await self.recover(error, token)
                continue
            if self.running and changes:
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
                token, changes = await load_all(self.client, self.cache, self.classes)
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
