"""VM edit input checks and the calls they produce, replayed against XAPI's own setter rules."""
from lite_app.logic import limits
from lite_app.logic import vm_edit as validate
from lite_app.text.catalog import translate
from lite_app.text.en import STRINGS

GIB, MIB = 1024 ** 3, 1024 ** 2
VM = "OpaqueRef:5bf80676-1f12-40e9-9201-1caa5a3da367"


def web(state="Halted", **fields):
    """web-01 as xapi_sim sends it (the fields the forms read)."""
    record = {"name_label": "web-01", "name_description": "web server", "power_state": state,
              "tags": ["prod"], "VCPUs_max": 4, "VCPUs_at_startup": 4,
              "memory_static_min": 512 * MIB, "memory_dynamic_min": 4 * GIB,
              "memory_dynamic_max": 4 * GIB, "memory_static_max": 4 * GIB,
              "HVM_boot_policy": "BIOS order", "HVM_boot_params": {"order": "cd", "firmware": "bios"},
              "other_config": {"base_template_name": "Debian Bookworm 12", "auto_poweron": "true"},
              "allowed_operations": ["changing_dynamic_range", "hard_reboot", "hard_shutdown",
                                     "metadata_export", "pause", "snapshot"]}
    record.update(fields)
    return record


def replay_vcpus(vm, calls):
    """Apply VCPU setters with the checks xapi_sim (and XAPI) make on every call."""
    vm = dict(vm)
    for method, params in calls:
        value = params[1]
        if method == "VM.set_VCPUs_max":
            assert vm["power_state"] == "Halted", "VM_BAD_POWER_STATE"
            assert 1 <= value and value >= vm["VCPUs_at_startup"], ("INVALID_VALUE", calls)
            vm["VCPUs_max"] = value
        else:
            assert 1 <= value <= vm["VCPUs_max"], ("INVALID_VALUE", calls)
            vm["VCPUs_at_startup"] = value
    return vm


def error_key(result):
    error, calls = result
    assert calls is None and error[0] in STRINGS, result
    return error[0]


def test_names_and_descriptions():
    assert validate.name_calls(VM, web(), "  web-02 ") == (None, [("VM.set_name_label", [VM, "web-02"])])
    assert validate.name_calls(VM, web(), "web-01") == (None, [])
    assert error_key(validate.name_calls(VM, web(), "   ")) == "valid.name_empty"
    assert validate.name_calls(VM, web(), "x" * 256)[0] == ("valid.too_long", {"limit": 255})
    assert validate.description_calls(VM, web(), "db") == (None, [("VM.set_name_description", [VM, "db"])])
    assert validate.description_calls(VM, web(), " web server ") == (None, [])


def test_tags_add_remove_and_replace():
    assert validate.tag_add_calls(VM, web(), " web ") == (None, [("VM.add_tags", [VM, "web"])])
    assert validate.tag_add_calls(VM, web(), "prod")[0] == ("valid.tag_duplicate", {"tag": "prod"})
    assert error_key(validate.tag_add_calls(VM, web(), " ")) == "valid.tag_empty"
    error, calls = validate.tags_calls(VM, web(tags=["prod", "old"]), ["prod", "web", "eu"])
    assert error is None
    assert calls == [("VM.remove_tags", [VM, "old"]), ("VM.add_tags", [VM, "web"]),
                     ("VM.add_tags", [VM, "eu"])]
    assert validate.tags_calls(VM, web(), ["a", " a"])[0] == ("valid.tag_duplicate", {"tag": "a"})
    assert error_key(validate.tags_calls(VM, web(), ["a", ""])) == "valid.tag_empty"


def test_vcpus_on_a_halted_vm_in_a_safe_order():
    vm = web()
    for start, top in ((2, 8), (8, 8), (1, 2), (2, 2), (3, 4), (6, 16)):
        error, calls = validate.vcpus_calls(VM, vm, str(start), str(top))
        assert error is None, (start, top, error)
        after = replay_vcpus(vm, calls)
        assert (after["VCPUs_at_startup"], after["VCPUs_max"]) == (start, top)
    _, calls = validate.vcpus_calls(VM, vm, "2", "2")
    assert calls == [("VM.set_VCPUs_at_startup", [VM, 2]), ("VM.set_VCPUs_max", [VM, 2])]
    assert validate.vcpus_calls(VM, vm, "4") == (None, [])


def test_vcpus_refused_before_any_call():
    vm = web()
    assert error_key(validate.vcpus_calls(VM, vm, "two")) == "valid.vcpus_number"
    assert error_key(validate.vcpus_calls(VM, vm, "-1")) == "valid.vcpus_number"
    assert validate.vcpus_calls(VM, vm, "0")[0] == ("valid.vcpus_range", {"limit": 64})
    assert validate.vcpus_calls(VM, vm, "4", "65")[0] == ("valid.vcpus_range", {"limit": 64})
    assert validate.vcpus_calls(VM, vm, "6", "4")[0] == ("valid.vcpus_order", {"start": 6, "max": 4})
    assert validate.vcpus_calls(VM, vm, "6")[0] == ("valid.vcpus_order", {"start": 6, "max": 4})
    assert validate.vcpus_calls(VM, vm, "8", "8", limit=4)[0] == ("valid.vcpus_range", {"limit": 4})


def test_vcpus_on_a_running_vm():
    running = web("Running", VCPUs_max=8)
    assert error_key(validate.vcpus_calls(VM, running, "4", "16")) == "valid.vcpus_max_halted"
    # No guest tools (no changing_VCPUs_live): the new count applies at the next boot.
    assert validate.vcpus_calls(VM, running, "6") == (None, [("VM.set_VCPUs_at_startup", [VM, 6])])
    with_tools = web("Running", VCPUs_max=8,
                     allowed_operations=["changing_VCPUs_live", "changing_dynamic_range"])
    assert validate.vcpus_calls(VM, with_tools, "6") == (None, [("VM.set_VCPUs_number_live", [VM, 6])])
    assert validate.vcpus_calls(VM, with_tools, 4, 8) == (None, [])


def test_parse_sizes():
    cases = {"4 GiB": 4 * GIB, "4096 MiB": 4 * GIB, "512M": 512 * MIB, "1.5G": 3 * GIB // 2,
             "2gb": 2 * GIB, "1024": GIB, " 3 T ": 3 * 1024 * GIB, "65536k": 64 * MIB, "7": 7 * MIB,
             "100 b": 100}
    for value in cases:
        assert validate.parse_size(value) == cases[value], value
    for bad in ("", "GiB", "4 GiBs", "1.2.3 G", "-4G", "four", ".", "4 PB"):
        assert validate.parse_size(bad) is None, bad
    assert validate.parse_size(123) == 123


def test_memory_on_a_halted_vm_uses_set_memory_limits():
    error, calls = validate.memory_calls(VM, web(), "1 GiB", "2 GiB", "6 GiB", "8 GiB")
    assert error is None
    assert calls == [("VM.set_memory_limits", [VM, GIB, 8 * GIB, 2 * GIB, 6 * GIB])]
    assert validate.memory_calls(VM, web(), dynamic_min="4096 MiB") == (None, [])


def test_memory_order_refused_like_xapi():
    # The simulator answers MEMORY_CONSTRAINT_VIOLATION_ORDER [] to these: refused here first.
    error = validate.memory_calls(VM, web(), static_min="1G", static_max="512M")[0]
    assert error[0] == "valid.memory_order"
    assert error[1] == {"static_min": "1 GiB", "dynamic_min": "4 GiB", "dynamic_max": "4 GiB", "static_max": "512 MiB"}
    assert "{" not in translate(error[0], **error[1])
    assert validate.memory_calls(VM, web("Running"), dynamic_min="8G", dynamic_max="8G")[0][0] == \
        "valid.memory_order"
    assert error_key(validate.memory_calls(VM, web(), dynamic_max="lots")) == "valid.memory_size"
    assert error_key(validate.memory_calls(VM, web(), static_min="1M")) == "valid.memory_small"


def test_memory_on_a_running_vm_changes_only_the_dynamic_range():
    running = web("Running")
    assert validate.memory_calls(VM, running, dynamic_min="2G", dynamic_max="4G") == \
        (None, [("VM.set_memory_dynamic_range", [VM, 2 * GIB, 4 * GIB])])
    error = validate.memory_calls(VM, running, static_max="8G", dynamic_max="8G")[0]
    assert error == ("valid.memory_static_halted", {"static_min": "512 MiB", "static_max": "4 GiB"})
    assert error_key(validate.memory_calls(VM, web("Suspended"), dynamic_min="2G")) == "valid.memory_state"


def test_one_memory_field():
    assert validate.memory_simple_calls(VM, web(), "8 GiB") == \
        (None, [("VM.set_memory_limits", [VM, 512 * MIB, 8 * GIB, 8 * GIB, 8 * GIB])])
    assert validate.memory_simple_calls(VM, web(), "256M") == \
        (None, [("VM.set_memory_limits", [VM, 256 * MIB, 256 * MIB, 256 * MIB, 256 * MIB])])
    assert validate.memory_simple_calls(VM, web("Running"), "2G") == \
        (None, [("VM.set_memory_dynamic_range", [VM, 2 * GIB, 2 * GIB])])
    assert validate.memory_simple_calls(VM, web("Running"), "8G")[0][0] == "valid.memory_order"
    assert error_key(validate.memory_simple_calls(VM, web(), "eight")) == "valid.memory_size"


def test_boot_order():
    error, calls = validate.boot_order_calls(VM, web(), " DCN ")
    assert error is None
    assert calls == [("VM.set_HVM_boot_params", [VM, {"order": "dcn", "firmware": "bios"}])]
    assert validate.boot_order_calls(VM, web(), "cd") == (None, [])
    assert validate.boot_order_calls(VM, web(), "n") == \
        (None, [("VM.set_HVM_boot_params", [VM, {"order": "n", "firmware": "bios"}])])
    assert validate.boot_order_calls(VM, web(), "cdx")[0] == ("valid.boot_letter", {"letter": "x"})
    assert validate.boot_order_calls(VM, web(), "cdc")[0] == ("valid.boot_repeat", {"letter": "c"})
    assert error_key(validate.boot_order_calls(VM, web(), "")) == "valid.boot_empty"
    assert error_key(validate.boot_order_calls(VM, web(HVM_boot_policy=""), "c")) == "valid.boot_not_hvm"


def test_auto_power_on():
    off = validate.auto_poweron_calls(VM, web(), False)
    assert off == (None, [("VM.remove_from_other_config", [VM, "auto_poweron"]),
                          ("VM.add_to_other_config", [VM, "auto_poweron", "false"])])
    assert validate.auto_poweron_calls(VM, web(), True) == (None, [])
    pool = {"other_config": {}}
    _, calls = validate.auto_poweron_calls(VM, web(other_config={}), True, "OpaqueRef:pool", pool)
    assert calls == [("VM.remove_from_other_config", [VM, "auto_poweron"]),
                     ("VM.add_to_other_config", [VM, "auto_poweron", "true"]),
                     ("pool.remove_from_other_config", ["OpaqueRef:pool", "auto_poweron"]),
                     ("pool.add_to_other_config", ["OpaqueRef:pool", "auto_poweron", "true"])]
    pool_on = {"other_config": {"auto_poweron": "true"}}
    _, calls = validate.auto_poweron_calls(VM, web(other_config={}), True, "OpaqueRef:pool", pool_on)
    assert len(calls) == 2


def test_every_error_key_has_a_string():
    keys = [k for k in STRINGS if k.startswith("valid.")]
    assert len(keys) >= 15
    source_keys = ("valid.name_empty", "valid.too_long", "valid.tag_empty", "valid.tag_duplicate",
                   "valid.vcpus_number", "valid.vcpus_range", "valid.vcpus_order",
                   "valid.vcpus_max_halted", "valid.memory_size", "valid.memory_small",
                   "valid.memory_order", "valid.memory_static_halted", "valid.memory_state",
                   "valid.boot_not_hvm", "valid.boot_empty", "valid.boot_letter", "valid.boot_repeat")
    for key in source_keys:
        assert key in STRINGS, key


def test_projected_records_are_not_checked_against_missing_fields():
    listed = {"name_label": "web-01", "power_state": "Halted", "VCPUs_at_startup": 4}
    assert validate.memory_calls(VM, listed, dynamic_max="2G")[0][0] == "valid.incomplete"
    assert validate.vcpus_calls(VM, listed, "2")[0] == ("valid.incomplete", {"fields": "VCPUs_max"})
    assert validate.boot_order_calls(VM, listed, "c")[0] == \
        ("valid.incomplete", {"fields": "HVM_boot_policy, HVM_boot_params"})


def test_one_module_bounds_names_sizes_and_counts():
    assert limits.name_error("x" * 255) is None and limits.name_error("x" * 256) == ("valid.too_long", {"limit": 255})
    assert limits.name_error("  ") == ("valid.name_empty", {})
    assert limits.size_error(2 ** 63 - 1) is None and limits.size_error(2 ** 63) == ("valid.size_huge", {})
    assert limits.count_error(65, 1, 64) == ("valid.count_range", {"low": 1, "high": 64})
    assert validate.parse_size("100000000000000000000 TiB") == 2 ** 63  # past int64, not an overflow
    assert error_key(validate.memory_simple_calls(VM, web(), "100000000000000000000 TiB")) == "valid.size_huge"
