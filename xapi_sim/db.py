"""The simulated pool's object database: tables of records, relationships, and the change log.

Every write goes through create/set/update/destroy so that:
- Set(Ref) back-references (VM.VBDs, SR.VDIs…) are computed from the Ref side and stay consistent;
- a relationship write bumps the objects on both sides (XAPI emits `mod` for them);
- each change is logged with a generation number, which is what `event.from` reads.
Stored values are never mutated in place: writers replace them, so readers may share them.

Like XAPI's database (db_cache_types.ml Table.remove), each table remembers only its latest
deletions: 511, cut back to 257 when full. A token older than a forgotten deletion silently misses its
`del` (event.from never fails with EVENTS_LOST). The log keeps every object's latest change and, up to
a bound, the changes before it; `forgotten` is the newest generation it dropped, which tells
event.next (XAPI's bounded queue) that a registration lost events.
"""
import bisect
import random
import time

from . import schema, xmlchars
from .errors import XapiFailure

NULL = "OpaqueRef:NULL"
DELETED_KEPT, DELETED_CUT_TO = 511, 257


class Database:
    def __init__(self, seed=0):
        self.rng = random.Random(seed)
        self.tables = {t: {} for t in schema.TABLES}
        self.uuids = {t: {} for t in schema.TABLES}
        self.back = {key: {} for key in schema.MANY_SIDE}
        self.gen = 0
        self.log = []           # (gen, cls, ref), ascending
        self.last = {}          # (cls, ref) -> gen of its latest change
        self.born = {}          # (cls, ref) -> gen of its creation
        self.dead = set()       # (cls, ref) destroyed, and still remembered
        self.deleted = {}       # cls -> its remembered deletions, oldest first
        self.forgotten = 0      # the newest generation the log no longer holds
        self.listeners = []     # callables run after every change
        self.clock = time.time  # the simulator's clock (tests move it): times written by transitions
        self.rrd_runs = {}      # vm uuid -> [(start, end)]: the archived RRDs (see rrd_sources.py)
        self.building = False   # True while the inventory is built in bulk (checks skipped)
        self.fragments = {}     # (codec, cls, ref) -> (generation, encoded record): see records.py

    # ---- identity -------------------------------------------------------------------------
    def new_uuid(self):
        """A version-4 uuid from the seeded generator, as uuid.UUID(int=..., version=4) makes it
        (written out directly: the inventory draws hundreds of thousands)."""
        x = self.rng.getrandbits(128)
        x = (x & ~(0xC000 << 48) | (0x8000 << 48)) & ~(0xF000 << 64) | (4 << 76)
        h = "%032x" % x
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def new_ref(self):
        return "OpaqueRef:" + self.new_uuid()

    # ---- reads ----------------------------------------------------------------------------
    def get(self, cls, ref):
        """The stored record (do not mutate), or None."""
        table = self.tables.get(cls)
        return table.get(ref) if table is not None else None

    def require(self, cls, ref):
        rec = self.get(cls, ref)
        if rec is None:
            raise XapiFailure("HANDLE_INVALID", cls, ref)
        return rec

    def exists(self, cls, ref):
        return self.get(cls, ref) is not None

    def all(self, cls):
        return list(self.tables[cls])

    def find_by_uuid(self, cls, uuid):
        return self.uuids[cls].get(uuid)

    def find(self, cls, **match):
        return [ref for ref, rec in self.tables[cls].items()
                if all(rec.get(k) == v for k, v in match.items())]

    def referrers(self, cls, field, ref):
        """Refs listed in the computed Set(Ref) field `cls.field` of object `ref`."""
        return self.back[(cls, field)].get(ref, set())

    def field(self, cls, ref, name):
        if (cls, name) in schema.MANY_SIDE:
            return sorted(self.referrers(cls, name, ref))
        return self.require(cls, ref)[name]

    def record(self, cls, ref):
        """The full public record, as `get_record` returns it."""
        rec = dict(self.require(cls, ref))
        for name in schema.COMPUTED.get(cls, ()):
            rec[name] = sorted(self.back[(cls, name)].get(ref, ()))
        return rec

    def count(self, cls):
        return len(self.tables[cls])

    # ---- writes ---------------------------------------------------------------------------
    def create(self, cls, fields=None, ref=None):
        ref = ref or self.new_ref()
        rec = schema.default_record(cls)
        rec["uuid"] = self.new_uuid()
        if fields and not self.building:
            fields = xmlchars.truncated_fields(fields)       # XAPI's create_row
        rec.update(fields or {})
        self.tables[cls][ref] = rec
        self.uuids[cls][rec["uuid"]] = ref
        self._changed(cls, ref, created=True)
        for name in schema.LINK_FIELDS.get(cls, ()):
            self._link(cls, ref, name, NULL, rec[name])
        return ref

    def set(self, cls, ref, name, value):
        self.update(cls, ref, {name: value})

    def update(self, cls, ref, changes):
        rec = self.require(cls, ref)
        if not self.building:
            xmlchars.refuse_illegal(changes)                 # XAPI's write_field
        for name, value in changes.items():
            old = rec.get(name)
            rec[name] = value
            if name == "uuid":
                self.uuids[cls].pop(old, None)
                self.uuids[cls][value] = ref
            self._link(cls, ref, name, old, value)
        self._changed(cls, ref)

    def add_to(self, cls, ref, name, key, value):
        rec = self.require(cls, ref)
        new = dict(rec[name])
        new[key] = value
        self.set(cls, ref, name, new)

    def remove_from(self, cls, ref, name, key):
        rec = self.require(cls, ref)
        new = dict(rec[name])
        new.pop(key, None)
        self.set(cls, ref, name, new)

    def destroy(self, cls, ref):
        rec = self.require(cls, ref)
        for name in schema.LINK_FIELDS.get(cls, ()):
            self._link(cls, ref, name, rec[name], NULL)
        del self.tables[cls][ref]
        self.uuids[cls].pop(rec["uuid"], None)
        for kind in ("json", "xml"):
            self.fragments.pop((kind, cls, ref), None)
        self._changed(cls, ref, deleted=True)

    def touch(self, cls, ref):
        self.require(cls, ref)
        self._changed(cls, ref)

    # ---- internals ------------------------------------------------------------------------
    def _link(self, cls, ref, name, old, new):
        targets = schema.ONE_SIDE.get((cls, name))
        if not targets or old == new:
            return
        for many_cls, many_field in targets:
            index = self.back[(many_cls, many_field)]
            if old in index:
                index[old].discard(ref)
                if not index[old]:
                    del index[old]
            bump = not self.building      # the bulk inventory has no readers to tell
            if bump and old != NULL and self.exists(many_cls, old):
                self._changed(many_cls, old)
            if new != NULL:
                index.setdefault(new, set()).add(ref)
                if bump and self.exists(many_cls, new):
                    self._changed(many_cls, new)

    def _changed(self, cls, ref, created=False, deleted=False):
        self.gen += 1
        key = (cls, ref)
        if created:
            self.born[key] = self.gen
            self.dead.discard(key)
        if deleted:
            self.dead.add(key)
        self.last[key] = self.gen
        self.log.append((self.gen, cls, ref))
        if deleted:
            self._remember_deletion(cls, key)
        if len(self.log) > 4 * len(self.last) + 10000:
            self._compact()
        if not self.building:                   # nobody waits for the inventory's changes
            for listener in self.listeners:
                listener()

    def _remember_deletion(self, cls, key):
        queue = self.deleted.setdefault(cls, [])
        queue.append(key)
        if len(queue) > DELETED_KEPT:
            for old in queue[:-DELETED_CUT_TO]:
                if old in self.dead:
                    self.dead.discard(old)
                    self.last.pop(old, None)
                    self.born.pop(old, None)
            del queue[:-DELETED_CUT_TO]

    def _compact(self):
        last = self.last
        dropped = [g for g, c, r in self.log if last.get((c, r)) != g]
        self.forgotten = max([self.forgotten] + dropped[-1:])
        self.log = sorted((g, c, r) for (c, r), g in last.items())

    def changes_since(self, gen, matches=None):
        """[(cls, ref, op, generation)] coalesced to one per object changed after generation `gen`
        (and, with `matches(cls, ref)`, subscribed to). `op` is None for an object created and
        destroyed since: no event, but its generation still counts for the token."""
        out = []
        start = bisect.bisect_left(self.log, (gen + 1,))
        for g, cls, ref in self.log[start:]:
            key = (cls, ref)
            if self.last.get(key) != g or (matches is not None and not matches(cls, ref)):
                continue
            created_after = self.born.get(key, 0) > gen
            if key in self.dead:
                out.append((cls, ref, None if created_after else "del", g))
            else:
                out.append((cls, ref, "add" if created_after else "mod", g))
        return out

    # ---- persistence ----------------------------------------------------------------------
    def dump(self):
        return {"gen": self.gen, "tables": self.tables}

    def load(self, data):
        self.gen = data["gen"]
        for cls, table in data["tables"].items():
            flds = schema.fields(cls)
            for ref, rec in table.items():
                fields = {k: schema.typed(flds[k][0], v) for k, v in rec.items() if k in flds}
                self.insert(cls, ref, fields, 0, self.gen)
        self.log.sort()

    def insert(self, cls, ref, fields, born, last):
        """Put a stored record back as it was (a load): no new generation, no event, no bumps.
        The caller sorts `log` once it has inserted everything."""
        full = schema.default_record(cls)
        full.update(fields)
        self.tables[cls][ref] = full
        self.uuids[cls][full["uuid"]] = ref
        for name in schema.LINK_FIELDS.get(cls, ()):
            self._link_quiet(cls, ref, name, full[name])
        self.born[(cls, ref)] = born
        self.last[(cls, ref)] = last
        self.log.append((last, cls, ref))

    def _link_quiet(self, cls, ref, name, value):
        for many_cls, many_field in schema.ONE_SIDE.get((cls, name), ()):
            if value != NULL:
                self.back[(many_cls, many_field)].setdefault(value, set()).add(ref)
