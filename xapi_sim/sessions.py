"""Sessions: login, validation with idle expiry, logout. Sessions live outside the DB (no events)."""
import time

from . import schema
from .errors import XapiFailure
from .xtypes import datetime_of_epoch


class Sessions:
    def __init__(self, new_ref, new_uuid, timeout=86400.0, clock=time.time):
        self._new_ref = new_ref
        self._new_uuid = new_uuid
        self.timeout = timeout
        self.clock = clock
        self.records = {}
        self.last_active = {}
        self.on_invalidated = []   # callables(ref) run when a session ends (wakes event.from)

    def login(self, uname, originator, this_host, pool_ref_flag=False):
        ref = self._new_ref()
        now = self.clock()
        rec = schema.default_record("session")
        rec.update({
            "uuid": self._new_uuid(), "this_host": this_host, "originator": originator,
            "last_active": datetime_of_epoch(now), "validation_time": datetime_of_epoch(now),
            "is_local_superuser": True, "auth_user_name": uname, "pool": pool_ref_flag,
        })
        self.records[ref] = rec
        self.last_active[ref] = now
        return ref

    def valid(self, ref):
        """True if `ref` is a live session; refreshes its idle timer. Expired sessions end here."""
        if ref not in self.records:
            return False
        now = self.clock()
        if now - self.last_active[ref] > self.timeout:
            self.end(ref)
            return False
        self.last_active[ref] = now
        return True

    def require(self, ref):
        if not isinstance(ref, str) or not self.valid(ref):
            raise XapiFailure("SESSION_INVALID", ref)
        return self.records[ref]

    def end(self, ref):
        if self.records.pop(ref, None) is not None:
            self.last_active.pop(ref, None)
            for callback in self.on_invalidated:
                callback(ref)

    def end_all(self):
        for ref in list(self.records):
            self.end(ref)

    def gc(self):
        """End every session idle for longer than the timeout."""
        now = self.clock()
        for ref in [r for r, t in self.last_active.items() if now - t > self.timeout]:
            self.end(ref)
