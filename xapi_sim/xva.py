"""The XVA format of `/export` and `/import` (XAPI's export.ml, import.ml, stream_vdi.ml).

An XVA is a tar stream: first `ova.xml`, an XML-RPC struct {version, objects: [{class, id,
snapshot}]} where references between exported objects are rewritten to ids `Ref:<n>` (others to
NULL); then each disk as 1 MiB chunk files `Ref:<n>/%08d`, each followed by `<file>.checksum` (SHA-1
hex). Sparse disks only carry non-zero chunks, but always the first and the last one, so a reader
learns the size. The simulator has no disk contents: it writes only those two chunks, filled
deterministically, and never materialises a virtual size.

No I/O here: `export_metadata` reads the database, `stream` yields the bytes to send,
`XvaReader` is fed the bytes received (plain or gzip) and collects metadata and chunks, and
`Importer` creates the objects ova.xml describes, the way import.ml does.
"""
import hashlib
import tarfile
import zlib

from . import schema, vmrules
from .codecs import MalformedRequest, xmlrpc
from .coerce import coerce
from .errors import XapiFailure
from .xtypes import EPOCH, DateTime

NULL = "OpaqueRef:NULL"
MiB = 1024 * 1024
BLOCK = 512
OVA_XML = "ova.xml"
EXPORT_VSN = 2
MAX_MEMBER = 64 * MiB      # no legitimate member is larger: chunks are 1 MiB, ova.xml is small
# What export.ml resets per class (to the datamodel default) when exporting without snapshot
# metadata; power_state is then Halted.
RESET = {
    "VM": "suspend_VDI is_a_snapshot snapshot_of snapshots snapshot_time transportable_snapshot_id "
          "parent crash_dumps consoles metrics protection_policy blobs",
    "VBD": "currently_attached metrics",
    "VIF": "currently_attached metrics",
    "network": "PIFs",
    "VDI": "crash_dumps",
    "SR": "PBDs",
    "host": "PIFs PBDs PGPUs PCIs host_CPUs license_params metrics patches crashdumps logging "
            "other_config capabilities software_version tags blobs",
}
# make_all's order of classes in `objects`.
CLASS_ORDER = ["host", "VM", "VM_guest_metrics", "VBD", "VIF", "network", "VDI", "SR"]


# ---------------------------------------------------------------- export: metadata
def _table(db, vm):
    """Internal ref -> `Ref:<n>` for the VM and what it drags along (export.ml update_table)."""
    table = {}

    def add(cls, ref):
        if ref != NULL and db.exists(cls, ref) and ref not in table:
            table[ref] = (cls, "Ref:%d" % len(table))

    rec = db.get("VM", vm)
    add("VM", vm)
    for vif in db.field("VM", vm, "VIFs"):
        add("VIF", vif)
        add("network", db.get("VIF", vif)["network"])
    for vbd in db.field("VM", vm, "VBDs"):
        add("VBD", vbd)
        vbd_rec = db.get("VBD", vbd)
        if not vbd_rec["empty"] and db.exists("VDI", vbd_rec["VDI"]):
            add("VDI", vbd_rec["VDI"])
            add("SR", db.get("VDI", vbd_rec["VDI"])["SR"])
    add("VM_guest_metrics", rec["guest_metrics"])
    add("host", rec["resident_on"])
    add("host", rec["affinity"])
    return table


def _externalise(db, cls, ref, table):
    """The record with references mapped to export ids (NULL or dropped when not exported)."""
    types = schema.fields(cls)
    out = {}
    for name, value in db.record(cls, ref).items():
        ty = types[name][0]
        if schema.is_ref_type(ty):
            value = table[value][1] if value in table else NULL
        elif isinstance(ty, list) and ty[0] == "set" and schema.is_ref_type(ty[1]):
            value = [table[v][1] for v in value if v in table]
        out[name] = value
    defaults = schema.default_record(cls)
    for name in RESET.get(cls, "").split() + ["current_operations", "allowed_operations"]:
        if name in types:
            out[name] = defaults.get(name, [])   # computed Set(Ref) fields have no stored default
    if cls == "VM":
        out["power_state"] = "Halted"
    return out


def version_of(db, host):
    rec = db.get("host", host) or {}
    soft = rec.get("software_version", {})
    return {"hostname": rec.get("hostname", ""), "date": soft.get("date", ""),
            "product_version": soft.get("product_version", ""),
            "product_brand": soft.get("product_brand", ""),
            "build_number": soft.get("build_number", ""),
            "xapi_major": rec.get("API_version_major", 2),
            "xapi_minor": rec.get("API_version_minor", 21), "export_vsn": EXPORT_VSN}


def export_metadata(db, vm, host):
    """(ova.xml text, disks) for VM `vm`; disks are (prefix, VDI uuid, virtual size), sorted."""
    table = _table(db, vm)
    by_class = {}
    for ref, (cls, ident) in table.items():
        by_class.setdefault(cls, []).append((int(ident[4:]), ref))
    objects = []
    for cls in CLASS_ORDER:
        for _, ref in sorted(by_class.get(cls, [])):
            objects.append({"class": cls, "id": table[ref][1],
                            "snapshot": _externalise(db, cls, ref, table)})
    ova = xmlrpc.value_fragment({"version": version_of(db, host), "objects": objects})
    return ova, _streamed_disks(db, vm, table)


def _streamed_disks(db, vm, table):
    """Disk VDIs outside ISO SRs, in prefix order (stream_vdi's canonical order)."""
    disks = []
    for vbd in db.field("VM", vm, "VBDs"):
        rec = db.get("VBD", vbd)
        if rec["type"] == "CD" or rec["VDI"] not in table:
            continue
        vdi = db.get("VDI", rec["VDI"])
        sr = db.get("SR", vdi["SR"]) or {}
        if sr.get("content_type") != "iso":
            disks.append((table[rec["VDI"]][1], vdi["uuid"], vdi["virtual_size"]))
    return sorted(disks)


# ---------------------------------------------------------------- export: bytes
def tar_header(name, size):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o400, 0
    return info.tobuf(format=tarfile.USTAR_FORMAT, encoding="utf-8", errors="strict")


def padding(size):
    return bytes(-size % BLOCK)


def member(name, data):
    return tar_header(name, len(data)) + data + padding(len(data))


def chunk_numbers(virtual_size):
    """The chunks written for a disk: the first and the last (none for an empty disk)."""
    if virtual_size <= 0:
        return []
    return sorted({0, (virtual_size - 1) // MiB})


def chunk_data(vdi_uuid, number, virtual_size):
    """Deterministic contents of one chunk: a short label, then zeros."""
    size = min(MiB, virtual_size - number * MiB)
    label = ("xcplite simulated disk %s chunk %08d\n" % (vdi_uuid, number)).encode("ascii")
    return (label + bytes(max(0, size - len(label))))[:size]


def stream(ova, disks):
    """Yield (bytes, fraction done) for the whole XVA: ova.xml, disk chunks, end of archive."""
    total = float(sum(v for _, _, v in disks) or 1)
    done = 0
    yield member(OVA_XML, ova.encode("utf-8")), 0.0
    for prefix, vdi_uuid, size in disks:
        for number in chunk_numbers(size):
            data = chunk_data(vdi_uuid, number, size)
            name = "%s/%08d" % (prefix, number)
            yield member(name, data), done / total
            yield member(name + ".checksum", hashlib.sha1(data).hexdigest().encode()), done / total
        done += size
    yield bytes(2 * BLOCK), 1.0


# ---------------------------------------------------------------- import: parsing
class TarReader:
    """Push parser for a tar stream: complete members land in `members`; `ended` at a zero block."""

    def __init__(self):
        self.buf = bytearray()
        self.members = []
        self.ended = False
        self._info = None

    def feed(self, data):
        self.buf += data
        while not self.ended and self._step():
            pass

    def _step(self):
        if self._info is None:
            if len(self.buf) < BLOCK:
                return False
            block = bytes(self.buf[:BLOCK])
            del self.buf[:BLOCK]
            if block == bytes(BLOCK):
                self.ended = True
                return False
            self._info = _parse_header(block)
            return True
        size = self._info.size
        if len(self.buf) < size + (-size % BLOCK):
            return False
        self.members.append((self._info.name, bytes(self.buf[:size])))
        del self.buf[:size + (-size % BLOCK)]
        self._info = None
        return True


def _parse_header(block):
    try:
        info = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except tarfile.TarError as err:
        raise XapiFailure("IMPORT_ERROR_GENERIC", "invalid tar header: %s" % err)
    if info.size > MAX_MEMBER:
        raise XapiFailure("IMPORT_ERROR_GENERIC", "tar member too large: %s" % info.name)
    return info


class XvaReader:
    """Feed the body of PUT /import; gzip is detected from its magic, like import.ml's retry."""

    def __init__(self):
        self.tar = TarReader()
        self.inflate = None
        self.started = False
        self.metadata = None      # {"version": {...}, "objects": [...]} once ova.xml is read
        self.chunks = {}          # prefix -> {number: size}
        self.bad_checksums = []
        self._digests = {}

    @property
    def ended(self):
        return self.tar.ended

    def feed(self, data):
        if not self.started and data:
            self.started = True
            if data[:2] == b"\x1f\x8b":
                self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.inflate is not None:
            data = self.inflate.decompress(data)
        self.tar.feed(data)
        for name, content in self.tar.members:
            self._member(name, content)
        self.tar.members = []

    def _member(self, name, content):
        if self.metadata is None:
            if name != OVA_XML:
                raise XapiFailure("IMPORT_ERROR_UNEXPECTED_FILE", OVA_XML, name)
            self.metadata = parse_ova(content)
            return
        prefix, _, leaf = name.partition("/")
        number, _, ext = leaf.partition(".")
        if not (prefix.startswith("Ref:") and len(number) == 8 and number.isdigit()) or \
                ext not in ("", "checksum", "xxhash"):
            raise XapiFailure("IMPORT_ERROR_UNEXPECTED_FILE", "Ref:<id>/<chunk>", name)
        if ext == "":
            self.chunks.setdefault(prefix, {})[int(number)] = len(content)
            self._digests[name] = hashlib.sha1(content).hexdigest()
        elif ext == "checksum" and content.decode("ascii", "replace").strip().lower() != \
                self._digests.get(prefix + "/" + number):
            self.bad_checksums.append(prefix + "/" + number)
        # .xxhash (XXH64, newer XAPI) cannot be checked with the standard library: accepted

    def finish(self):
        """Raise XAPI's error when the stream stopped before the end of the archive."""
        if not self.ended:
            raise XapiFailure("IMPORT_ERROR_PREMATURE_EOF")


def parse_ova(content):
    """The ova.xml struct, read with the simulator's own XML-RPC decoder."""
    # parse_request takes a methodCall: wrap the value as its single param
    body = (b"<methodCall><methodName>ova</methodName><params><param>" + content +
            b"</param></params></methodCall>")
    try:
        _, params = xmlrpc.parse_request(body)
    except MalformedRequest as err:
        raise XapiFailure("IMPORT_ERROR_GENERIC", "ova.xml: %s" % err)
    header = params[0] if params else None
    if not isinstance(header, dict) or not isinstance(header.get("objects"), list):
        raise XapiFailure("IMPORT_ERROR_GENERIC", "ova.xml: no objects")
    return header


def typed_snapshot(cls, snapshot):
    """A snapshot's known fields typed as the datamodel says (int64 arrives as a string)."""
    types = schema.fields(cls)
    try:
        return {k: coerce(types[k][0], v) for k, v in snapshot.items() if k in types}
    except XapiFailure as err:
        raise XapiFailure("IMPORT_ERROR_GENERIC", "%s: %s" % (cls, " ".join(err.description)))


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
            raise XapiFailure("IMPORT_ERROR_GENERIC", "gzip: %s" % err)
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

    def import_VM_guest_metrics(self, ident, snap):
        self.table[ident] = self.new("VM_guest_metrics", snap)

    def import_VM(self, ident, snap):
        other = dict(snap.get("other_config", {}))
        if snap.get("is_a_template") and other.get("default_template") == "true":
            same = sorted(self.db.find("VM", name_label=snap.get("name_label")))
            self.table[ident] = same[0] if same else NULL
            return
        if not self.restore:
            other["mac_seed"] = self.db.new_uuid()
        metrics = self.new("VM_metrics", {}, current_domain_type=snap.get("domain_type", "hvm"))
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
        mac = snap.get("MAC", "") if self.restore else "be:ef:%s" % ":".join(
            "%02x" % self.db.rng.randrange(256) for _ in range(4))
        self.table[ident] = self.new("VIF", snap, MAC=mac, currently_attached=False,
                                     allowed_operations=["attach"])

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
                self.db.destroy(cls, ref)
