"""Tab completion: names, xapi classes and messages from the datamodel, and record keys."""
from lite_app.logic import pycomplete
from lite_app.logic.pyschema import Schema

SCHEMA = Schema({"VM": {"d": "A VM.", "f": ["name_label", "power_state", "uuid"],
                        "m": {"get_all": ["", "VM ref set", "All VMs."], "get_all_records": ["", "map", ""],
                              "start": ["vm VM ref, start_paused bool, force bool", "void", "Start the VM."],
                              "get_name_label": ["self VM ref", "string", ""]}},
                 "VDI": {"d": "A disk.", "f": ["uuid"], "m": {}}, "VBD": {"d": "", "f": [], "m": {}}})


def members(base):
    if base == "":
        return ["xapi", "pool", "print", "vm"]
    if base == "xapi":
        return SCHEMA.classes() + ["Async"]
    if base.startswith("xapi."):
        return SCHEMA.messages(base.split(".")[-1])
    return []


def keys(expression):
    return SCHEMA.fields("VM") if expression in ("vm", "pool.VM[ref]") else []


def complete(text, cursor=None):
    return pycomplete.complete(text, len(text) if cursor is None else cursor, members, keys)


def test_one_candidate_is_inserted():
    assert complete("xapi.VM.sta") == ("xapi.VM.start", 13, [])
    assert complete("x = pri") == ("x = print", 9, [])


def test_several_candidates_insert_their_common_prefix_and_are_shown():
    assert complete("await xapi.VM.get_") == ("await xapi.VM.get_", 18, ["get_all", "get_all_records", "get_name_label"])
    assert complete("xapi.V") == ("xapi.V", 6, ["VBD", "VDI", "VM"])
    assert complete("await xapi.VM.get_all_r") == ("await xapi.VM.get_all_records", 29, [])


def test_record_keys_complete_inside_brackets_and_get():
    assert complete('vm["power') == ('vm["power_state"]', 17, [])
    assert complete("pool.VM[ref]['na") == ("pool.VM[ref]['name_label']", 26, [])
    assert complete('vm.get("u') == ('vm.get("uuid")', 14, [])


def test_completion_in_the_middle_keeps_what_follows():
    assert complete("xapi.VM.sta(ref)", 11) == ("xapi.VM.start(ref)", 13, [])


def test_nothing_to_complete_changes_nothing():
    assert complete("zzz") == ("zzz", 3, [])
    assert complete("1.5") == ("1.5", 3, [])


def test_help_lists_messages_with_their_parameters_and_sums_up_accessors():
    text = SCHEMA.help_text("VM")
    assert "start(vm VM ref, start_paused bool, force bool) -> void" in text
    assert "Start the VM." in text
    assert "get_name_label" not in text and "Field accessors (1)" in text
    assert SCHEMA.class_name("vm") == "VM"
