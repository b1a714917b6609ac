"""Import side of the XVA format: create the objects ova.xml describes, the way XAPI's import.ml does.

`Importer` is fed the request body (through `xva.XvaReader`), checks version and checksums, and
creates hosts/SRs lookups, VDIs, guest metrics, the VM, networks, VBDs and VIFs in XAPI's order; it
can undo everything it created when the import fails.
"""
import zlib

from . import disks, schema, vmrules
from .errors import XapiFailure
from .methods.vif import seeded_mac
from .xva import MiB, NULL, XvaReader, typed_snapshot
from .xtypes import EPOCH, DateTime


# ---------------------------------------------------------------- import: objects
IMPORT_ORDER = ["host", "SR", "VDI", "VM_guest_metrics", "VM", "network", "VBD", "VIF"]
DROP = {"uuid", "current_operations", "allowed_operations"}
VDI_OPS = ["clone", "copy", "resize", "snapshot", "destroy", "forget", "update"]


class Importer:
    """Creates what an XVA describes, in import.ml's class order, as soon as ova.xml is read.

    Keeps the table export id -> new ref, the disks whose chunks must follow, and what was created
    so a failed import can be undone (import.ml's cleanup stack).
    """

    def __init__(self, db, sr, task, host, options):
        self.db, self.sr, self.task, self.host = db, sr, task, host
        self.restore = bool(options.get("restore"))
        self.force = bool(options.get("force"))
        self.reader = XvaReader()
        self.table = {}
        self.snaps = {}
        self.created = []
        self.vms = []
        self.disks = {}

    def feed(self, data):
        try:
            self.reader.feed(data)
        except zlib.error as err:
            raise XapiFailure("IMPORT_ERROR", "gzip: %s" % err)
        if self.reader.metadata is not None and not self.snaps:
            self.create_all(self.reader.metadata)

    def create_all(self, header):
        self.check_version(header.get("version") or {})
        objects = [o for o in header["objects"] if isinstance(o, dict) and o.get("class") in
                   IMPORT_ORDER and isinstance(o.get("snapshot"), dict)]
        for obj in objects:
            cls = obj["class"]
            self.snaps[obj.get("id")] = (cls, typed_snapshot(cls, obj["snapshot"]))
        streamed = self.streamed_vdis()
        for cls in IMPORT_ORDER:
            for ident, (kind, snap) in sorted(self.snaps.items()):
                if kind == cls:
                    getattr(self, "import_" + cls)(ident, snap)
        self.disks = {i: self.snaps[i][1]["virtual_size"] for i in streamed if i in self.table}
        if self.db.exists("task", self.task):
            self.db.add_to("task", self.task, "other_config", "object_creation", "complete")

    def check_version(self, version):
        mine = self.db.get("host", self.host) or {}
        try:
            theirs = (int(version.get("xapi_major", 0)), int(version.get("xapi_minor", 0)))
        except (TypeError, ValueError):
            theirs = (0, 0)
        if theirs > (mine.get("API_version_major", 2), mine.get("API_version_minor", 21)):
            raise XapiFailure("IMPORT_INCOMPATIBLE_VERSION")

    def streamed_vdis(self):
        """Export ids of the VDIs whose chunks follow (import.ml non_cdrom_vdis)."""
        ids = set()
        for ident, (cls, snap) in self.snaps.items():
            if cls == "VBD" and snap.get("type") != "CD" and not self.on_iso(snap.get("VDI")):
                ids.add(snap.get("VDI"))
            elif cls == "VDI" and snap.get("type") == "suspend":
                ids.add(ident)
        return {i for i in ids if self.snaps.get(i, ("",))[0] == "VDI"}

    def on_iso(self, vdi_id):
        sr_id = self.snaps.get(vdi_id, (None, {}))[1].get("SR")
        return self.snaps.get(sr_id, (None, {}))[1].get("content_type") == "iso"

    # ---- one handler per class
    def import_host(self, ident, snap):
        self.table[ident] = self.db.find_by_uuid("host", snap.get("uuid", "")) or NULL

    def import_SR(self, ident, snap):
        iso = snap.get("content_type") == "iso"
        self.table[ident] = (self.db.find_by_uuid("SR", snap.get("uuid", "")) or NULL) \
            if iso else self.sr

    def import_VDI(self, ident, snap):
        if self.on_iso(ident):   # a CD: the same ISO if this pool has it, else the drive is empty
            found = self.db.find_by_uuid("VDI", snap.get("uuid", "")) or \
                next(iter(sorted(self.db.find("VDI", location=snap.get("location")))), None)
            if found:
                self.table[ident] = found
            return
        self.table[ident] = self.new("VDI", snap, SR=self.sr, location=self.db.new_uuid(),
                                     allowed_operations=VDI_OPS, is_a_snapshot=False,
                                     snapshot_of=NULL, snapshot_time=DateTime(EPOCH))
        disks.adopt(self.db, self.table[ident])

    def import_VM_guest_metrics(self, ident, snap):
        self.table[ident] = self.new("VM_guest_metrics", snap)

    def import_VM(self, ident, snap):
        other = dict(snap.get("other_config", {}))
        if snap.get("is_default_template") or (snap.get("is_a_template")
                                                and other.get("default_template") == "true"):
            same = sorted(self.db.find("VM", name_label=snap.get("name_label")))
            self.table[ident] = same[0] if same else NULL
            return
        if not self.restore:
            other["mac_seed"] = self.db.new_uuid()
        metrics = self.new("VM_metrics", {}, current_domain_type=snap.get("domain_type", "hvm"),
                           VCPUs_utilisation={"0": 0.0})   # import.ml: the exported record's
        vm = self.new("VM", snap, power_state="Halted", domid=-1, metrics=metrics,
                      resident_on=NULL, scheduled_to_be_resident_on=NULL, suspend_VDI=NULL,
                      is_a_snapshot=False, snapshot_of=NULL, parent=NULL, appliance=NULL,
                      protection_policy=NULL, other_config=other, generation_id=self.genid(),
                      version=snap.get("version", 0) + 1 if self.restore else 0,
                      current_operations={self.task: "import"})
        self.table[ident] = vm
        self.vms.append(vm)

    def import_network(self, ident, snap):
        db = self.db
        found = sorted(db.find("network", name_label=snap.get("name_label"))) or \
            sorted(db.find("network", bridge=snap.get("bridge"))) or \
            sorted(db.get("PIF", p)["network"] for p in db.find("PIF", device="eth0"))
        self.table[ident] = found[0] if found else self.new("network", snap)

    def import_VBD(self, ident, snap):
        self.require(snap.get("VM"))
        vdi = self.table.get(snap.get("VDI"))
        if vdi is None and snap.get("type") == "Disk":
            return   # import.ml: a disk whose VDI did not come along is omitted
        empty = vdi is None
        ops = ["attach"] + (["insert"] if empty else ["eject"] if snap.get("type") == "CD" else [])
        self.table[ident] = self.new("VBD", snap, VDI=vdi or NULL, empty=empty, device="",
                                     currently_attached=False, allowed_operations=ops)

    def import_VIF(self, ident, snap):
        self.require(snap.get("VM"))
        self.require(snap.get("network"))
        vm = self.db.get("VM", self.table[snap.get("VM")])
        seed = vm["other_config"].get("mac_seed")
        mac, generated = snap.get("MAC", ""), False
        if not self.restore and seed:
            mac, generated = seeded_mac(seed, snap.get("device", "0")), True
        self.table[ident] = self.new("VIF", snap, MAC=mac, MAC_autogenerated=generated,
                                     currently_attached=False, allowed_operations=["attach"])

    # ---- helpers
    def genid(self):
        """A fresh VM generation id: an imported VM is a new instance to its guest OS."""
        return "%d:%d" % (self.db.rng.getrandbits(63), self.db.rng.getrandbits(63))

    def require(self, ident):
        if self.table.get(ident, NULL) == NULL:
            raise XapiFailure("IMPORT_ERROR_FAILED_TO_FIND_OBJECT", ident)

    def new(self, cls, snap, **fields):
        """Create `cls` from an exported snapshot: export ids mapped back, runtime fields reset."""
        types = schema.fields(cls)
        rec = {}
        for name in schema.stored_fields(cls):
            if name in snap and name not in DROP:
                rec[name] = self.local(types[name][0], snap[name])
        if self.restore and snap.get("uuid") and self.db.find_by_uuid(cls, snap["uuid"]) is None:
            rec["uuid"] = snap["uuid"]
        rec.update(fields)
        ref = self.db.create(cls, rec)
        self.created.append((cls, ref))
        return ref

    def local(self, ty, value):
        if schema.is_ref_type(ty):
            return self.table.get(value, NULL)
        if isinstance(ty, list) and ty[0] == "set" and schema.is_ref_type(ty[1]):
            return [self.table[v] for v in value if self.table.get(v, NULL) != NULL]
        return value

    # ---- after the stream
    def check_disks(self):
        for ident, size in sorted(self.disks.items()):
            numbers = self.reader.chunks.get(ident, {})
            if size > 0 and (size - 1) // MiB not in numbers:
                raise XapiFailure("IMPORT_ERROR_PREMATURE_EOF")
        if self.reader.bad_checksums and not self.force:
            raise XapiFailure("IMPORT_ERROR_SOME_CHECKSUMS_FAILED")

    def progress(self):
        total = sum(self.disks.values())
        if not total:
            return 0.0
        seen = sum(min(size, (max(self.reader.chunks[i]) + 1) * MiB)
                   for i, size in self.disks.items() if i in self.reader.chunks)
        return round(min(0.99, seen / float(total)), 3)

    def complete(self):
        """Drop `import` from the new VMs' current operations; the result is the non-snapshots."""
        for vm in self.vms:
            ops = {k: v for k, v in self.db.get("VM", vm)["current_operations"].items()
                   if k != self.task}
            self.db.set("VM", vm, "current_operations", ops)
            vmrules.update(self.db, vm)
        return [vm for vm in self.vms if not self.db.get("VM", vm)["is_a_snapshot"]]

    def cleanup(self):
        for cls, ref in reversed(self.created):
            if self.db.exists(cls, ref):
                if cls == "VDI":
                    disks.remove(self.db, ref)
                else:
                    self.db.destroy(cls, ref)
