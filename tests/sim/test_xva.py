"""xapi_sim.xva without HTTP: the XVA bytes (read back with the standard library), the streaming
reader fed in awkward pieces, and export -> import through the database giving an equivalent VM."""
import gzip
import hashlib
import io
import tarfile
import xmlrpc.client

import pytest

from xapi_sim import inventory, vmcopy, vmstate, xva, xva_import
from xapi_sim.errors import XapiFailure
from xapi_sim.sim import Config, Simulator

MiB = 1024 * 1024
NULL = "OpaqueRef:NULL"


@pytest.fixture
def sim():
    sim = Simulator(Config(hosts=2, vms=8, op_time=0.02))
    inventory.build(sim)
    yield sim
    sim.close()


def vms(db, **match):
    return sorted(r for r in db.find("VM", is_a_template=False, is_control_domain=False, **match))


def with_disks(db, vm):
    return [b for b in db.field("VM", vm, "VBDs") if db.get("VBD", b)["type"] == "Disk"]


def halted_vm(db, index=0):
    """A guest with disks, halted here (the demo inventory's power states are not this test's)."""
    vm = [vm for vm in vms(db) if with_disks(db, vm)][index]
    if db.get("VM", vm)["power_state"] != "Halted":
        vmstate.enter_halted(db, vm)
    return vm


def master(sim):
    return sim.master_ref()


def xva_bytes(sim, vm):
    ova, disks = xva.export_metadata(sim.db, vm, master(sim))
    return b"".join(data for data, _ in xva.stream(ova, disks))


def ova_of(text):
    """ova.xml decoded by the standard library's XML-RPC parser, not the simulator's."""
    wrapped = "<methodResponse><params><param>%s</param></params></methodResponse>" % text
    return xmlrpc.client.loads(wrapped)[0][0]


def summary(db, vm):
    """What makes two VMs equivalent for a user: config, disks, CDs and NICs."""
    rec = db.get("VM", vm)
    keys = ("name_label", "name_description", "memory_static_min", "memory_static_max",
            "memory_dynamic_min", "memory_dynamic_max", "VCPUs_max", "VCPUs_at_startup",
            "platform", "HVM_boot_policy", "HVM_boot_params", "PV_args", "tags", "is_a_template")
    disks, cds = [], []
    for vbd in db.field("VM", vm, "VBDs"):
        b = db.get("VBD", vbd)
        vdi = db.get("VDI", b["VDI"]) or {}
        row = (b["userdevice"], b["bootable"], b["mode"], vdi.get("name_label"),
               vdi.get("virtual_size"), vdi.get("type"))
        (disks if b["type"] == "Disk" else cds).append(row)
    vifs = sorted((db.get("VIF", v)["device"], db.get("VIF", v)["MAC"], db.get("VIF", v)["network"])
                  for v in db.field("VM", vm, "VIFs"))
    return {k: rec[k] for k in keys}, sorted(disks), sorted(cds), vifs


def import_bytes(sim, body, sr=None, piece=65536, **options):
    task = sim.tasks.create("test import")
    job = xva_import.Importer(sim.db, sr or sim.db.get("pool", sim.pool_ref())["default_SR"], task,
                       master(sim), options)
    for start in range(0, len(body), piece):
        job.feed(body[start:start + piece])
    job.reader.finish()
    job.check_disks()
    return job, job.complete()


# ---------------------------------------------------------------- the bytes
def test_export_is_a_tar_with_ova_xml_first_then_checksummed_first_and_last_chunks(sim):
    db = sim.db
    vm = halted_vm(db)
    body = xva_bytes(sim, vm)
    with tarfile.open(fileobj=io.BytesIO(body), mode="r|") as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar]
    assert members[0][0] == "ova.xml"
    files = dict(members[1:])
    sizes = sorted(db.get("VDI", db.get("VBD", b)["VDI"])["virtual_size"]
                   for b in with_disks(db, vm))
    chunk_names = sorted(n for n in files if not n.endswith(".checksum"))
    assert len(chunk_names) == 2 * len(sizes)
    for name in chunk_names:
        assert len(files[name]) == MiB
        assert files[name + ".checksum"].decode() == hashlib.sha1(files[name]).hexdigest()
    lasts = sorted(int(n.split("/")[1]) for n in chunk_names if not n.endswith("/00000000"))
    assert lasts == sorted((s - 1) // MiB for s in sizes)
    assert len(body) < 2.1 * MiB * len(sizes) + 64 * 1024   # never the virtual size


def test_ova_xml_has_version_and_objects_with_only_export_ids(sim):
    db = sim.db
    vm = halted_vm(db)
    ova, disks = xva.export_metadata(db, vm, master(sim))
    header = ova_of(ova)
    assert header["version"]["product_brand"] == "XCP-ng"
    assert int(header["version"]["export_vsn"]) == 2
    objects = header["objects"]
    ids = {o["id"] for o in objects}
    assert objects[0]["class"] in ("host", "VM")
    vm_obj = next(o for o in objects if o["class"] == "VM")
    assert vm_obj["snapshot"]["name_label"] == db.get("VM", vm)["name_label"]
    assert vm_obj["snapshot"]["power_state"] == "Halted"
    assert len(vm_obj["snapshot"]["VBDs"]) == len(db.field("VM", vm, "VBDs"))
    assert all(v in ids for v in vm_obj["snapshot"]["VBDs"] + vm_obj["snapshot"]["VIFs"])
    leaked = [(o["class"], k, v) for o in objects for k, v in o["snapshot"].items()
              if isinstance(v, str) and v.startswith("OpaqueRef:") and v != NULL]
    assert leaked == []
    assert [d[0] for d in disks] == sorted(d[0] for d in disks)
    assert {d[0] for d in disks} <= ids


def test_chunk_numbers_cover_first_and_last_only():
    assert xva.chunk_numbers(0) == []
    assert xva.chunk_numbers(1) == [0]
    assert xva.chunk_numbers(MiB) == [0]
    assert xva.chunk_numbers(MiB + 1) == [0, 1]
    assert xva.chunk_numbers(20 * 1024 * MiB) == [0, 20479]
    assert len(xva.chunk_data("u", 1, MiB + 10)) == 10


# ---------------------------------------------------------------- the reader
def small_xva(size=1500):
    ova = xmlrpc.client.dumps(({"version": {"xapi_major": 2}, "objects": []},))
    ova = ova.replace("<params>\n<param>\n", "").replace("</param>\n</params>\n", "")
    return b"".join(d for d, _ in xva.stream(ova, [("Ref:7", "uuid-7", size)]))


def test_reader_fed_one_byte_at_a_time():
    reader = xva.XvaReader()
    for byte in small_xva():
        reader.feed(bytes([byte]))
    reader.finish()
    assert reader.metadata["objects"] == []
    assert reader.chunks == {"Ref:7": {0: 1500}}
    assert reader.bad_checksums == []


def test_reader_detects_gzip():
    packed = gzip.compress(small_xva(3 * MiB))
    reader = xva.XvaReader()
    for start in range(0, len(packed), 1000):
        reader.feed(packed[start:start + 1000])
    reader.finish()
    assert reader.chunks == {"Ref:7": {0: MiB, 2: MiB}}


def test_reader_reports_a_bad_checksum_and_a_wrong_first_file():
    body = bytearray(small_xva())
    body[body.index(b"xcplite simulated disk")] ^= 0xFF
    reader = xva.XvaReader()
    reader.feed(bytes(body))
    assert reader.bad_checksums == ["Ref:7/00000000"]
    with pytest.raises(XapiFailure) as err:
        xva.XvaReader().feed(xva.member("README", b"hi"))
    assert err.value.description == ["IMPORT_ERROR_UNEXPECTED_FILE", "ova.xml", "README"]


def test_reader_truncated_stream_is_premature_eof():
    reader = xva.XvaReader()
    reader.feed(small_xva()[:-1100])
    with pytest.raises(XapiFailure) as err:
        reader.finish()
    assert err.value.description == ["IMPORT_ERROR_PREMATURE_EOF"]


# ---------------------------------------------------------------- export -> import
def test_round_trip_through_the_database_gives_an_equivalent_vm(sim):
    db = sim.db
    vm = halted_vm(db)
    job, new = import_bytes(sim, xva_bytes(sim, vm), restore=True)
    assert len(new) == 1 and new[0] != vm
    assert summary(db, new[0]) == summary(db, vm)
    rec = db.get("VM", new[0])
    assert rec["uuid"] != db.get("VM", vm)["uuid"]            # taken: a fresh one
    assert rec["current_operations"] == {} and "start" in rec["allowed_operations"]
    assert db.exists("VM_metrics", rec["metrics"])
    default_sr = db.get("pool", sim.pool_ref())["default_SR"]
    for vbd in with_disks(db, new[0]):
        assert db.get("VDI", db.get("VBD", vbd)["VDI"])["SR"] == default_sr


def test_import_without_restore_gets_fresh_macs_and_lands_in_the_given_sr(sim):
    db = sim.db
    vm = halted_vm(db)
    local = sorted(db.find("SR", name_label="Local storage"))[0]
    _, new = import_bytes(sim, xva_bytes(sim, vm), sr=local)
    macs = lambda v: sorted(db.get("VIF", r)["MAC"] for r in db.field("VM", v, "VIFs"))
    assert len(macs(new[0])) == len(macs(vm)) and set(macs(new[0])).isdisjoint(macs(vm))
    assert {db.get("VDI", db.get("VBD", b)["VDI"])["SR"] for b in with_disks(db, new[0])} == {local}
    assert "mac_seed" in db.get("VM", new[0])["other_config"]


def test_a_snapshot_imports_as_a_template(sim):
    db = sim.db
    snap = vmcopy.snapshot_vm(db, halted_vm(db), "snap")
    _, new = import_bytes(sim, xva_bytes(sim, snap))
    rec = db.get("VM", new[0])
    assert rec["is_a_template"] and not rec["is_a_snapshot"]
    assert rec["snapshot_of"] == NULL


def test_a_default_template_maps_to_the_existing_one(sim):
    db = sim.db
    template = sorted(db.find("VM", is_default_template=True))[0]
    before = db.count("VM")
    _, new = import_bytes(sim, xva_bytes(sim, template))
    assert new == [] and db.count("VM") == before


def test_unknown_network_falls_back_to_eth0_and_cleanup_undoes_everything(sim):
    db = sim.db
    vm = halted_vm(db)
    net = db.get("VIF", db.field("VM", vm, "VIFs")[0])["network"]
    db.update("network", net, {"name_label": "renamed", "bridge": "xenbr9"})
    body = xva_bytes(sim, vm)
    db.update("network", net, {"name_label": "gone", "bridge": "xenbr8"})
    eth0 = db.get("PIF", sorted(db.find("PIF", device="eth0"))[0])["network"]
    _, new = import_bytes(sim, body)
    assert {db.get("VIF", v)["network"] for v in db.field("VM", new[0], "VIFs")} == {eth0}
    counts = {cls: db.count(cls) for cls in ("VM", "VBD", "VIF", "VDI", "VM_metrics")}
    job = xva_import.Importer(db, db.get("pool", sim.pool_ref())["default_SR"], NULL, master(sim), {})
    job.feed(body[:-2 * MiB])             # objects created, disks missing
    assert db.count("VM") == counts["VM"] + 1
    with pytest.raises(XapiFailure):
        job.reader.finish()
    job.cleanup()
    assert {cls: db.count(cls) for cls in counts} == counts


def test_a_suspended_vm_exports_halted_without_its_memory_image(sim):
    db = sim.db
    vm = halted_vm(db)
    image = db.create("VDI", {"name_label": "Suspend image", "type": "suspend", "virtual_size": MiB,
                              "SR": db.get("pool", sim.pool_ref())["default_SR"]})
    vmstate.enter_suspended(db, vm, image)
    assert "export" in db.get("VM", vm)["allowed_operations"]
    ova, disks = xva.export_metadata(db, vm, master(sim))
    snapshot = next(o for o in ova_of(ova)["objects"] if o["class"] == "VM")["snapshot"]
    assert (snapshot["power_state"], snapshot["suspend_VDI"]) == ("Halted", NULL)
    assert db.get("VDI", image)["uuid"] not in [uuid for _, uuid, _ in disks]
    assert len(disks) == len(with_disks(db, vm))
