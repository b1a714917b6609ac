"""Messages (alarms, VM_STARTED…): outside the DB, with their own generation in event tokens."""
from . import schema
from .errors import XapiFailure
from .xtypes import now

CLASSES = ("VM", "Host", "SR", "Pool", "VMPP", "VMSS", "PVS_proxy", "VDI", "Certificate")


class MessageStore:
    def __init__(self, new_ref, new_uuid, notify):
        self._new_ref = new_ref
        self._new_uuid = new_uuid
        self._notify = notify
        self.records = {}
        self.gen = 0
        self.log = []        # (gen, ref, op, snapshot or None), ascending
        self.born = {}

    def create(self, name, priority, cls, obj_uuid, body, timestamp=None):
        if cls not in CLASSES:
            raise XapiFailure("INTERNAL_ERROR", "Enum value not valid for cls: %s" % cls)
        ref = self._new_ref()
        rec = schema.default_record("message")
        rec.update({"uuid": self._new_uuid(), "name": name, "priority": int(priority),
                    "cls": cls, "obj_uuid": obj_uuid, "timestamp": timestamp or now(),
                    "body": body})
        self.records[ref] = rec
        self._log(ref, "add", dict(rec))
        return ref

    def require(self, ref):
        rec = self.records.get(ref)
        if rec is None:
            raise XapiFailure("HANDLE_INVALID", "message", ref)
        return rec

    def destroy(self, ref):
        self.require(ref)
        del self.records[ref]
        self._log(ref, "del", None)

    def _log(self, ref, op, snapshot):
        self.gen += 1
        if op == "add":
            self.born[ref] = self.gen
        self.log.append((self.gen, ref, op, snapshot))
        if len(self.log) > 20000:
            self.log = self.log[-10000:]
        self._notify()

    def changes_since(self, gen):
        """[(generation, ref, op, snapshot)], one per message, for changes after `gen`."""
        latest = {}
        for g, ref, op, snap in self.log:
            if g > gen:
                latest[ref] = (g, op, snap)
        out = []
        for ref, (g, op, snap) in sorted(latest.items(), key=lambda kv: kv[1][0]):
            if op == "del" and self.born.get(ref, 0) > gen:
                continue
            out.append((g, ref, op, snap))
        return out
