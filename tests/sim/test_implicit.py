"""Implicit messages of every simulated class, driven generically from the datamodel.

For each DB table holding at least one object in the inventory: get_all, get_all_records, get_record,
get_by_uuid, get_by_name_label, every get_<field>, set_<field> for RW fields only (and unknown for RO
ones), map and set adders, get_all_records_where, and create/destroy where a constructor is implicit.
"""
import pytest

from support.xapi import guest_refs
from xapi_sim import schema
from xapi_sim.errors import XapiFailure


def live(cls):
    """Tables whose messages still exist (VBD_metrics, VIF_metrics, VMPP answer MESSAGE_REMOVED)."""
    return not schema.message(cls, "get_all_records")["removed"]


def populated(sim):
    return [cls for cls in schema.TABLES if sim.db.count(cls) and live(cls)]


def implicit_messages(cls, prefix):
    return sorted(name for name, m in schema.CLASSES[cls]["messages"].items()
                  if m["implicit"] and not m["removed"] and name.startswith(prefix))


def first(sim, cls):
    """The object to exercise: the first by ref (for VMs, the first halted guest: setters such
    as set_is_a_template have power-state rules)."""
    if cls == "VM":
        return guest_refs(sim.db, "Halted")[0]
    return sorted(sim.db.all(cls))[0]


async def test_inventory_populates_the_core_classes(sim):
    assert {"pool", "host", "VM", "VBD", "VDI", "SR", "PBD", "VIF", "PIF", "network", "console",
            "host_metrics", "host_cpu", "VM_metrics", "VM_guest_metrics", "SM"} <= set(populated(sim))


async def test_get_all_and_records_agree_for_every_class(sim, call):
    for cls in populated(sim):
        refs = await call(cls + ".get_all")
        records = await call(cls + ".get_all_records")
        assert sorted(refs) == sorted(records) == sorted(sim.db.all(cls)), cls
        ref = refs[0]
        record = await call(cls + ".get_record", ref)
        assert record == records[ref], cls
        # every public field (XAPI also still sends a few removed ones, e.g. memory_free)
        assert set(record) >= set(schema.fields(cls)), cls
        assert await call(cls + ".get_by_uuid", record["uuid"]) == ref, cls


async def test_every_getter_returns_the_record_field(sim, call):
    for cls in populated(sim):
        ref = first(sim, cls)
        record = await call(cls + ".get_record", ref)
        for name in implicit_messages(cls, "get_"):
            field = name[len("get_"):]
            if field in record:
                assert await call("%s.%s" % (cls, name), ref) == record[field], (cls, field)


async def test_get_by_name_label_for_named_classes(sim, call):
    for cls in populated(sim):
        if "get_by_name_label" not in schema.CLASSES[cls]["messages"]:
            continue
        ref = first(sim, cls)
        label = sim.db.get(cls, ref)["name_label"]
        found = await call(cls + ".get_by_name_label", label)
        assert ref in found and all(sim.db.get(cls, r)["name_label"] == label for r in found)


SAMPLE = {"string": "set by test", "bool": None, "int": 3}


async def test_rw_scalar_setters_write_through(sim, call):
    for cls in populated(sim):
        ref = first(sim, cls)
        for name in implicit_messages(cls, "set_"):
            field = name[len("set_"):]
            ty = schema.field_type(cls, field)
            if not isinstance(ty, str) or ty not in SAMPLE:
                continue
            value = (not sim.db.get(cls, ref)[field]) if ty == "bool" else SAMPLE[ty]
            await call("%s.%s" % (cls, name), ref, value)
            assert await call("%s.get_%s" % (cls, field), ref) == value, (cls, field)


async def test_only_rw_fields_have_setters(sim, session):
    for cls in populated(sim):
        ref = first(sim, cls)
        for field, (_ty, qualifier, _d, _h) in schema.fields(cls).items():
            explicit = schema.message(cls, "set_" + field)
            if qualifier == "RW":
                assert explicit is not None, (cls, field)
            elif explicit is None:
                with pytest.raises(XapiFailure) as info:
                    await sim.call("%s.set_%s" % (cls, field), [session, ref, "x"])
                assert info.value.description == ["MESSAGE_METHOD_UNKNOWN",
                                                  "%s.set_%s" % (cls, field)]


async def test_map_and_set_adders(sim, call):
    for cls in ("VM", "host", "SR", "VDI", "network", "pool"):
        ref = first(sim, cls)
        await call(cls + ".add_to_other_config", ref, "xo:test", "1")
        assert (await call(cls + ".get_other_config", ref))["xo:test"] == "1"
        await call(cls + ".remove_from_other_config", ref, "xo:test")
        assert "xo:test" not in await call(cls + ".get_other_config", ref)
        await call(cls + ".add_tags", ref, "t1")
        await call(cls + ".add_tags", ref, "t1")                  # a set: no duplicate
        assert (await call(cls + ".get_tags", ref)).count("t1") == 1
        await call(cls + ".remove_tags", ref, "t1")
        assert "t1" not in await call(cls + ".get_tags", ref)


@pytest.mark.parametrize("expr, keep", [
    ('field "power_state"="Running"', lambda r: r["power_state"] == "Running"),
    ('power_state="Halted"', lambda r: r["power_state"] == "Halted"),
    ('field "is_a_template"="true"', lambda r: r["is_a_template"]),
    ('field "is_control_domain"="false" and field "power_state"<>"Halted"',
     lambda r: not r["is_control_domain"] and r["power_state"] != "Halted"),
    ('not (field "is_a_template"="true") or field "power_state"="Paused"',
     lambda r: not r["is_a_template"] or r["power_state"] == "Paused"),
])
async def test_get_all_records_where(sim, call, expr, keep):
    records = await call("VM.get_all_records")
    expected = {ref for ref, rec in records.items() if keep(rec)}
    found = await call("VM.get_all_records_where", expr)
    assert expected and set(found) == expected
    assert all(found[ref] == records[ref] for ref in found)


async def test_get_all_records_where_on_other_classes(sim, call):
    label = sim.db.get("pool", sim.pool_ref())["name_label"]
    assert list(await call("pool.get_all_records_where", 'field "name_label"="%s"' % label)) == [
        sim.pool_ref()]
    found = await call("message.get_all_records_where", 'field "name"="VM_STARTED"')
    assert found and all(m["name"] == "VM_STARTED" for m in found.values())


async def test_bad_where_expression_is_internal_error(sim, session):
    with pytest.raises(XapiFailure) as info:
        await sim.call("VM.get_all_records_where", [session, 'field "name_label"='])
    assert info.value.code == "INTERNAL_ERROR"


async def test_removed_messages_answer_message_removed(sim, session):
    with pytest.raises(XapiFailure) as info:
        await sim.call("VBD_metrics.get_all_records", [session])
    assert info.value.description == ["MESSAGE_REMOVED"]


async def test_implicit_create_and_destroy(sim, call):
    net = await call("network.create", {"name_label": "lab", "other_config": {"a": "b"}})
    record = await call("network.get_record", net)
    assert record["name_label"] == "lab" and record["other_config"] == {"a": "b"}
    assert record["MTU"] == 1500                                   # the datamodel default
    await call("network.destroy", net)
    assert net not in await call("network.get_all")


async def test_create_missing_a_required_field(sim, session):
    with pytest.raises(XapiFailure) as info:
        await sim.call("network.create", [session, {"name_label": "x"}])
    assert info.value.description == [
        "INTERNAL_ERROR", 'Server_helpers.Dispatcher_FieldNotFound("other_config")']


async def test_list_methods_has_get_all_records_for_every_table(sim):
    names = set(await sim.call("system.listMethods", []))
    for cls in schema.TABLES:
        assert (cls + ".get_all_records" in names) == live(cls), cls
    assert "VM.set_name_label" in names and "VM.set_power_state" not in names
