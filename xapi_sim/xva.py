"""The XVA format of `/export` and `/import` (XAPI's export.ml, import.ml, stream_vdi.ml).

An XVA is a tar stream: first `ova.xml`, an XML-RPC struct {version, objects: [{class, id,
snapshot}]} where references between exported objects are rewritten to ids `Ref:<n>` (others to
NULL); then each disk as 1 MiB chunk files `Ref:<n>/%08d`, each followed by `<file>.checksum` (SHA-1
hex). Sparse disks only carry non-zero chunks, but always the first and the last one, so a reader
learns the size. The simulator has no disk contents: it writes only those two chunks, filled
deterministically, and never materialises a virtual size.

No I/O here: `export_metadata` reads the database, `stream` yields the bytes to send,
`XvaReader` is fed the bytes received (plain or gzip) and collects metadata and chunks, and
`xva_import.Importer` creates the objects ova.xml describes, the way import.ml does.
"""
import hashlib
import tarfile
import zlib

from . import schema
from .codecs import MalformedRequest, xmlrpc
from .coerce import coerce
from .errors import XapiFailure

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
        raise XapiFailure("IMPORT_ERROR", "invalid tar header: %s" % err)
    if info.size > MAX_MEMBER:
        raise XapiFailure("IMPORT_ERROR", "tar member too large: %s" % info.name)
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
        raise XapiFailure("IMPORT_ERROR", "ova.xml: %s" % err)
    header = params[0] if params else None
    if not isinstance(header, dict) or not isinstance(header.get("objects"), list):
        raise XapiFailure("IMPORT_ERROR", "ova.xml: no objects")
    return header


def typed_snapshot(cls, snapshot):
    """A snapshot's known fields typed as the datamodel says (int64 arrives as a string)."""
    types = schema.fields(cls)
    try:
        return {k: coerce(types[k][0], v) for k, v in snapshot.items() if k in types}
    except XapiFailure as err:
        raise XapiFailure("IMPORT_ERROR", "%s: %s" % (cls, " ".join(err.description)))
