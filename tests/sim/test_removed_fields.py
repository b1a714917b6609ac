"""Records carry every field of the datamodel, those marked "removed" included.

XAPI removes only a removed field's messages (gen_server.ml skips removed messages): records, events
and the database keep the field (datamodel_schema.ml makes a column of every field), filled as XAPI
fills it: host_metrics.memory_free from the RRD's memory_free_kib (monitor_mem.ml), VM_metrics
VCPUs_utilisation {0: 0.} for a guest (xapi_vm.ml create) and one zero per CPU for a control domain
(create_misc.ml), VBD.metrics / VIF.metrics and the io_*_kbs floats at their defaults.
"""
import pytest

from xapi_sim import schema

# What the datamodel (xenapi.json) marks removed, as scripts/gen_schema.py lists it.
REMOVED = sorted((cls, f) for cls, fields in schema.RAW["removed"].items() for f in fields
                 if cls in schema.TABLES)


def test_the_removed_fields_are_the_datamodels():
    assert ("host_metrics", "memory_free") in REMOVED and ("VBD", "metrics") in REMOVED
    assert ("VM_metrics", "VCPUs_utilisation") in REMOVED and len(REMOVED) == 34


@pytest.mark.parametrize("cls, field", REMOVED)
def test_the_schema_keeps_removed_fields(cls, field):
    assert field in schema.fields(cls)


@pytest.mark.parametrize("cls", sorted({c for c, _f in REMOVED}))
async def test_records_carry_removed_fields(sim, call, cls):
    expected = set(schema.fields(cls))
    removed = {f for c, f in REMOVED if c == cls}
    for ref in sim.db.all(cls):
        record = await call(cls + ".get_record", ref) if cls not in ("VMPP",) else sim.db.record(cls, ref)
        assert removed <= set(record) and set(record) == expected, cls


async def test_a_removed_fields_getter_is_removed_but_the_record_has_it(sim, call):
    host = sim.master_ref()
    metrics = sim.db.get("host", host)["metrics"]
    record = await call("host_metrics.get_record", metrics)
    assert isinstance(record["memory_free"], int)
    with pytest.raises(Exception) as info:
        await call("host_metrics.get_memory_free", metrics)
    assert info.value.description == ["MESSAGE_REMOVED"]


async def test_removed_fields_have_xapis_values(sim, call):
    db = sim.db
    for ref in db.all("VBD") + db.all("VIF"):
        cls = "VBD" if ref in db.tables["VBD"] else "VIF"
        assert db.record(cls, ref)["metrics"] == "OpaqueRef:NULL"
    for ref in db.all("PIF_metrics"):
        record = await call("PIF_metrics.get_record", ref)
        assert record["io_read_kbs"] == 0.0 and record["io_write_kbs"] == 0.0
    for vm in db.all("VM"):
        rec = db.get("VM", vm)
        assert rec["is_snapshot_from_vmpp"] is False
        metrics = await call("VM_metrics.get_record", rec["metrics"])
        if rec["is_control_domain"]:
            expected = {str(n): 0.0 for n in range(metrics["VCPUs_number"])}
        else:
            expected = {"0": 0.0}
        assert metrics["VCPUs_utilisation"] == expected, rec["name_label"]
