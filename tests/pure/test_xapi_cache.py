"""Cache: load diffs, event application, class-name mapping, uuid index, lookups."""
from lite_app.xapi.cache import Cache


def vm(uuid, state="Halted", **fields):
    record = {"uuid": uuid, "name_label": "vm-" + uuid, "power_state": state}
    record.update(fields)
    return record


def test_load_reports_every_new_record():
    cache = Cache()
    changed = cache.load("VM", {"OpaqueRef:a": vm("a"), "OpaqueRef:b": vm("b")})
    assert sorted(changed) == sorted([("VM", "OpaqueRef:a"), ("VM", "OpaqueRef:b")])
    assert cache.get("VM", "OpaqueRef:a")["uuid"] == "a"
    assert len(cache.all("VM")) == 2


def test_resync_reports_deletions_and_changes_only():
    cache = Cache()
    cache.load("VM", {"OpaqueRef:a": vm("a"), "OpaqueRef:b": vm("b"), "OpaqueRef:c": vm("c")})
    assert cache.ref_by_uuid("VM", "c") == "OpaqueRef:c"
    changed = cache.load("VM", {"OpaqueRef:a": vm("a"), "OpaqueRef:b": vm("b", "Running"), "OpaqueRef:d": vm("d")})
    assert sorted(changed) == sorted([("VM", "OpaqueRef:b"), ("VM", "OpaqueRef:c"), ("VM", "OpaqueRef:d")])
    assert cache.get("VM", "OpaqueRef:c") is None, "nothing stale remains"
    assert cache.by_uuid("VM", "c") is None
    assert cache.by_uuid("VM", "d")["name_label"] == "vm-d"


def test_apply_add_mod_del_with_lower_case_classes():
    cache = Cache()
    cache.load("VM", {"OpaqueRef:a": vm("a")})
    events = [
        {"id": "1", "timestamp": "0.0", "class": "vm", "operation": "add", "ref": "OpaqueRef:b", "snapshot": vm("b")},
        {"id": "2", "timestamp": "0.0", "class": "vm", "operation": "mod", "ref": "OpaqueRef:a", "snapshot": vm("a", "Running")},
        {"id": "3", "timestamp": "0.0", "class": "sr", "operation": "add", "ref": "OpaqueRef:s", "snapshot": {"uuid": "s"}},
    ]
    changed = cache.apply(events)
    assert sorted(changed) == sorted([("VM", "OpaqueRef:a"), ("VM", "OpaqueRef:b"), ("SR", "OpaqueRef:s")])
    assert cache.get("VM", "OpaqueRef:a")["power_state"] == "Running"
    assert cache.get("SR", "OpaqueRef:s") == {"uuid": "s"}
    assert "vm" not in cache.records and "sr" not in cache.records
    changed = cache.apply([{"id": "4", "class": "vm", "operation": "del", "ref": "OpaqueRef:b"}])
    assert sorted(changed) == sorted([("VM", "OpaqueRef:b")])
    assert cache.get("VM", "OpaqueRef:b") is None and cache.by_uuid("VM", "b") is None


def test_del_of_unknown_ref_is_harmless():
    cache = Cache()
    cache.load("VM", {"OpaqueRef:a": vm("a")})
    changed = cache.apply([
        {"class": "vm", "operation": "del", "ref": "OpaqueRef:zzz"},
        {"class": "pif", "operation": "del", "ref": "OpaqueRef:p"},
    ])
    assert not changed and len(changed) == 0
    assert list(cache.all("VM")) == ["OpaqueRef:a"]


def test_class_names_map_back_case_insensitively():
    cache = Cache()
    cases = [("vm", "VM"), ("VM", "VM"), ("vm_guest_metrics", "VM_guest_metrics"), ("host", "host"),
             ("pbd", "PBD"), ("host_metrics", "host_metrics"), ("gpu_group", "GPU_group"), ("task", "task")]
    for given, wire in cases:
        assert cache.class_name(given) == wire, (given, cache.class_name(given))
    cache.load("Custom_class", {})
    assert cache.class_name("custom_class") == "Custom_class"
    assert cache.class_name("unknown_thing") == "unknown_thing"


def test_lookups_by_any_class_case():
    cache = Cache()
    cache.load("VM", {"OpaqueRef:a": vm("a")})
    assert cache.get("vm", "OpaqueRef:a")["uuid"] == "a"
    assert cache.ref_by_uuid("vm", "a") == "OpaqueRef:a"
    assert cache.get("SR", "OpaqueRef:none") is None
    assert cache.all("SR") == {}


def test_find_and_first():
    cache = Cache()
    cache.load("VM", {"OpaqueRef:a": vm("a"), "OpaqueRef:b": vm("b", "Running"), "OpaqueRef:c": vm("c", "Running")})
    running = cache.find("VM", lambda r: r["power_state"] == "Running")
    assert sorted(ref for ref, _ in running) == ["OpaqueRef:b", "OpaqueRef:c"]
    ref, record = cache.first("VM", lambda r: r["uuid"] == "a")
    assert ref == "OpaqueRef:a" and record["uuid"] == "a"
    assert cache.first("VM", lambda r: False) == (None, None)
    assert cache.first("SR") == (None, None)


def test_uuid_index_follows_mod_events():
    cache = Cache()
    cache.apply([{"class": "vm", "operation": "add", "ref": "OpaqueRef:a", "snapshot": vm("a")}])
    assert cache.by_uuid("VM", "a") is not None
    cache.apply([{"class": "vm", "operation": "mod", "ref": "OpaqueRef:a", "snapshot": vm("a2")}])
    assert cache.by_uuid("VM", "a") is None
    assert cache.ref_by_uuid("VM", "a2") == "OpaqueRef:a"
    cache.apply([{"class": "vm", "operation": "add", "ref": "OpaqueRef:b", "snapshot": vm("b")},
                 {"class": "vm", "operation": "del", "ref": "OpaqueRef:a"}])
    assert cache.ref_by_uuid("VM", "b") == "OpaqueRef:b"
    assert cache.by_uuid("VM", "a2") is None


def test_clear():
    cache = Cache()
    cache.load("VM", {"OpaqueRef:a": vm("a")})
    cache.clear()
    assert cache.get("VM", "OpaqueRef:a") is None and cache.all("VM") == {}


def test_ten_thousand_vms_resync_is_linear():
    cache = Cache()
    records = {}
    for i in range(10000):
        records["OpaqueRef:%d" % i] = vm(str(i))
    assert len(cache.load("VM", records)) == 10000
    fresh = {}
    for i in range(1, 10001):
        fresh["OpaqueRef:%d" % i] = vm(str(i))
    changed = cache.load("VM", fresh)
    assert sorted(changed) == sorted([("VM", "OpaqueRef:0"), ("VM", "OpaqueRef:10000")])
    assert cache.by_uuid("VM", "9999") is not None and cache.by_uuid("VM", "0") is None


def test_a_class_is_loaded_only_when_loaded_whole():
    cache = Cache()
    cache.apply([{"class": "vbd", "ref": "OpaqueRef:b1", "operation": "add", "snapshot": {"uuid": "b1"}}])
    assert cache.get("VBD", "OpaqueRef:b1") == {"uuid": "b1"} and not cache.is_loaded("VBD"), "a watched object"
    cache.load("VBD", {"OpaqueRef:b1": {"uuid": "b1"}, "OpaqueRef:b2": {"uuid": "b2"}})
    assert cache.is_loaded("vbd") and cache.is_loaded("VBD") and not cache.is_loaded("VDI")
    cache.clear()
    assert not cache.is_loaded("VBD")


def test_the_python_consoles_pool_shows_only_classes_loaded_whole():
    from lite_app.shell.pyxapi import Pool
    cache = Cache()
    cache.load("VM", {"OpaqueRef:v1": vm("v1")})
    cache.apply([{"class": "vbd", "ref": "OpaqueRef:b1", "operation": "add", "snapshot": {"uuid": "b1"}}])
    pool = Pool(cache)
    assert pool.classes() == ["VM"] and list(pool.VM) == ["OpaqueRef:v1"]
    try:
        pool.VBD
        raise AssertionError("a class holding a watched object is not the pool's")
    except AttributeError as error:
        assert "not in the live cache" in str(error)
