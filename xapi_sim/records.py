"""What `get_all_records` returns: a read-only mapping ref -> record whose encoded form is cached.

At 10,000 VMs a VM.get_all_records reply is 28 MB, and encoding it is most of the call's time. A
record only changes when its object's generation does (every write, and every relationship write
bumps both sides: see db.py), so each record's JSON or XML-RPC encoding is kept with the generation
it was made at and reused until the object changes. The codecs ask `fragment(ref, kind, encode)`
and join the bytes in one pass; anything else reads the mapping, whose records are built on access.
"""
from collections.abc import Mapping

MAX_KINDS = 2       # JSON and XML-RPC


class Records(Mapping):
    def __init__(self, db, cls, refs):
        self.db = db
        self.cls = cls
        self.refs = list(refs)
        self._index = None

    def __getitem__(self, ref):
        if self._index is None:
            self._index = set(self.refs)
        if ref not in self._index:
            raise KeyError(ref)
        return self.db.record(self.cls, ref)

    def __iter__(self):
        return iter(self.refs)

    def __len__(self):
        return len(self.refs)

    def fragment(self, ref, kind, encode):
        """`encode(record)` (bytes) of one record, reused while the object has not changed."""
        db = self.db
        key = (kind, self.cls, ref)
        gen = db.last.get((self.cls, ref))
        cached = db.fragments.get(key)
        if cached is not None and cached[0] == gen and not db.building:
            return cached[1]
        text = encode(db.record(self.cls, ref))
        if not db.building:
            db.fragments[key] = (gen, text)
        return text
