"""The record cache: `{class: {ref: record}}` with the records exactly as XAPI sends them.

Filled per class from `<class>.get_all_records` (`load`) and kept live from `event.from` batches
(`apply`); a class no page needs whole may hold just the objects a page watches (`is_loaded` tells).
Both return a Changes of the `(class, ref)` pairs that changed, so the UI re-renders only those; a
pair whose `get` is now None was deleted. Class names are the wire names (`VM`, `host`, `SR`); events
carry lower-case names (`vm`), mapped back case-insensitively.

Costs stay linear for 10,000 VMs: lookups are dict hits, a resync (`load` of fresh records)
compares old and new once per ref, and the uuid index of a class is built on its first `by_uuid`
then kept up to date by events (MicroPython dict inserts are slow enough that a first load should
not pay for an index nobody asked for yet).
"""
from lite_app.xapi.changes import Changes

NULL_REF = "OpaqueRef:NULL"

# The datamodel's class names (xenapi.json), so events for a class not loaded yet still map back.
KNOWN_CLASSES = (
    "session", "auth", "subject", "role", "task", "event", "pool", "pool_patch", "pool_update",
    "VM", "VM_metrics", "VM_guest_metrics", "VMPP", "VMSS", "VM_appliance", "DR_task", "host",
    "host_crashdump", "host_patch", "host_metrics", "host_cpu", "network", "VIF", "VIF_metrics",
    "PIF", "PIF_metrics", "Bond", "VLAN", "SM", "SR", "sr_stat", "probe_result", "LVHD", "VDI",
    "VBD", "VBD_metrics", "PBD", "crashdump", "VTPM", "console", "user", "data_source", "blob",
    "message", "secret", "tunnel", "network_sriov", "PCI", "PGPU", "GPU_group", "VGPU", "VGPU_type",
    "PVS_site", "PVS_server", "PVS_proxy", "PVS_cache_storage", "Feature", "SDN_controller",
    "vdi_nbd_server_info", "PUSB", "USB_group", "VUSB", "Cluster", "Cluster_host", "Certificate",
    "Repository", "Observer",
)


class Cache:
    """Records by class and ref, with a uuid index per class."""

    def __init__(self):
        self.records = {}
        self.complete = {}  # the classes loaded whole (load); others hold the objects fetched one by one
        self._uuids = {}
        self._names = {}
        for name in KNOWN_CLASSES:
            self._names[name.lower()] = name

    def class_name(self, name):
        """The wire name for `name` in any case ("vm" -> "VM"); unknown names are kept as given."""
        return self._names.get(name.lower(), name)

    def _table(self, cls):
        table = self.records.get(cls)
        if table is None:
            self._names[cls.lower()] = cls
            table = self.records[cls] = {}
        return table

    def load(self, cls, records):
        """Replace class `cls` with `records` ({ref: record}, kept as is); returns the Changes.

        Refs missing from `records` are reported deleted, so a resync leaves nothing stale.
        """
        cls = self.class_name(cls)
        old = self._table(cls)
        changes = Changes()
        if not old:
            changes.extend(cls, list(records))
        else:
            for ref in records:
                if old.get(ref) != records[ref]:
                    changes.add(cls, ref)
            for ref in old:
                if ref not in records:
                    changes.add(cls, ref)
        self.records[cls] = records
        self.complete[cls] = True
        self._uuids.pop(cls, None)
        return changes

    def is_loaded(self, cls):
        """Whether class `cls` was loaded whole (`load`): its table then holds every object, where a class
        kept object by object (events of watched objects) holds only those."""
        return self.class_name(cls) in self.complete

    def apply(self, events):
        """Apply an `event.from` event list (add/mod/del); returns the Changes."""
        changes = Changes()
        for event in events:
            cls = self.class_name(event["class"])
            ref = event["ref"]
            if event["operation"] == "del":
                if self._remove(cls, ref):
                    changes.add(cls, ref)
            elif "snapshot" in event:
                self._store(cls, ref, event["snapshot"])
                changes.add(cls, ref)
        return changes

    def _store(self, cls, ref, record):
        table = self._table(cls)
        index = self._uuids.get(cls)
        if index is not None:
            old = table.get(ref)
            if old is not None and index.get(_uuid_of(old)) == ref:
                del index[_uuid_of(old)]
            if _uuid_of(record) is not None:
                index[_uuid_of(record)] = ref
        table[ref] = record

    def _remove(self, cls, ref):
        table = self.records.get(cls)
        if table is None or ref not in table:
            return False
        old = table.pop(ref)
        index = self._uuids.get(cls)
        if index is not None and index.get(_uuid_of(old)) == ref:
            del index[_uuid_of(old)]
        return True

    def _index(self, cls):
        index = self._uuids.get(cls)
        if index is None:
            index = {}
            table = self.records.get(cls, {})
            for ref in table:
                uuid = _uuid_of(table[ref])
                if uuid is not None:
                    index[uuid] = ref
            self._uuids[cls] = index
        return index

    def get(self, cls, ref):
        """The record, or None."""
        table = self.records.get(self.class_name(cls))
        if table is None:
            return None
        return table.get(ref)

    def all(self, cls):
        """`{ref: record}` of class `cls` (the live dict: read it, do not change it)."""
        return self.records.get(self.class_name(cls), {})

    def ref_by_uuid(self, cls, uuid):
        """The ref of the object with this uuid, or None."""
        return self._index(self.class_name(cls)).get(uuid)

    def by_uuid(self, cls, uuid):
        """The record with this uuid, or None."""
        ref = self.ref_by_uuid(cls, uuid)
        return None if ref is None else self.get(cls, ref)

    def find(self, cls, predicate):
        """`[(ref, record)]` of the records for which `predicate(record)` is true (in no set order)."""
        table = self.all(cls)
        return [(ref, table[ref]) for ref in table if predicate(table[ref])]

    def first(self, cls, predicate=None):
        """One `(ref, record)` matching `predicate` (any when None), or (None, None)."""
        table = self.all(cls)
        for ref in table:
            if predicate is None or predicate(table[ref]):
                return ref, table[ref]
        return None, None

    def clear(self):
        """Forget everything (logout)."""
        self.records = {}
        self.complete = {}
        self._uuids = {}


def _uuid_of(record):
    if isinstance(record, dict):
        return record.get("uuid")
    return None
