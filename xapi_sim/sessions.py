"""Sessions: login, validation with idle expiry, logout, and XAPI's caps. Sessions live outside the DB
(no events).

Refs and uuids come from the operating system's random source, never from the seeded inventory
generator: a session ref is a secret (XAPI: Ref.make_secret and Uuidx.make_uuid_urnd in
xapi_session.ml). `gc()` is XAPI's `timeout_sessions` (db_gc_util.ml), run every GC period:
sessions idle longer than the timeout end, and each group keeps at most its cap of the most recently
active sessions, the others ending oldest first. Groups and caps (xapi_globs.ml): intra-pool
sessions 400 (max_sessions), anonymous root sessions (no originator) 400, root sessions per
originator 500 (max_sessions_per_originator), other users per user name 500. A session with a
pending task is not disposable: it neither ends nor counts towards its group's cap.
"""
import secrets
import time
import uuid as uuidlib

from . import schema
from .errors import XapiFailure
from .xtypes import datetime_of_epoch

MAX_SESSIONS = 400                  # max_tasks * 2
MAX_PER_ORIGINATOR = 500
MAX_PER_USER_NAME = 500


def secret_uuid():
    return str(uuidlib.UUID(bytes=secrets.token_bytes(16), version=4))


def group_of(rec):
    """(group, cap) of a session record, as timeout_sessions partitions them."""
    root = rec["auth_user_name"] in ("", "root")
    if rec["pool"]:
        return "internal", MAX_SESSIONS
    if root and rec["originator"] == "":
        return "external", MAX_SESSIONS
    if root:
        return "originator:" + rec["originator"], MAX_PER_ORIGINATOR
    return "username:" + rec["auth_user_name"], MAX_PER_USER_NAME


class Sessions:
    def __init__(self, timeout=86400.0, clock=time.time, busy=lambda ref: False):
        self.timeout = timeout
        self.clock = clock
        self.busy = busy           # busy(ref): the session has a pending task (not disposable)
        self.records = {}
        self.last_active = {}
        self.on_invalidated = []   # callables(ref) run when a session ends (wakes event.from)

    def login(self, uname, originator, this_host, pool_ref_flag=False):
        ref = "OpaqueRef:" + secret_uuid()
        now = self.clock()
        rec = schema.default_record("session")
        rec.update({
            "uuid": secret_uuid(), "this_host": this_host, "originator": originator,
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
        """End idle sessions, then the oldest of each group over its cap (timeout_sessions)."""
        now = self.clock()
        groups = {}
        for ref, rec in list(self.records.items()):
            if self.busy(ref):
                continue
            if now - self.last_active[ref] > self.timeout:
                self.end(ref)
                continue
            groups.setdefault(group_of(rec), []).append(ref)
        for (_name, cap), refs in groups.items():
            refs.sort(key=lambda r: self.last_active[r], reverse=True)
            for ref in refs[cap:]:
                self.end(ref)
