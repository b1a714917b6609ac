"""Checks of what the user typed in the VM edit forms, and the XAPI calls that apply it.

Pure (CPython and MicroPython). Each `*_calls(vm_ref, vm, ...)` returns `(error, calls)`: error is
None or `(key, params)` (a catalog key and its named params, shown next to the
field), calls the `(method, params)` list to run in order; `(None, [])` means nothing changed.
Everything XAPI would refuse is refused here first, with the reason, before any call:
- name non-empty; tags non-empty and unique; lengths bounded;
- 1 <= VCPUs_at_startup <= VCPUs_max <= MAX_VCPUS; VCPUs_max only changes on a halted VM;
- memory static_min <= dynamic_min <= dynamic_max <= static_max (MEMORY_CONSTRAINT_VIOLATION_ORDER);
  a halted VM takes all four at once (set_memory_limits), a running one only the dynamic range;
- boot order: some of the letters c (disk), d (DVD), n (network), each at most once, HVM only.
"""
from lite_app.logic import limits
from lite_app.logic.limits import MAX_DESCRIPTION, MAX_TAG, MAX_VCPUS
from lite_app.text import fmt

MIN_MEMORY = 64 * 1024 * 1024
MEMORY_FIELDS = ("memory_static_min", "memory_dynamic_min", "memory_dynamic_max", "memory_static_max")
BOOT_DEVICES = "cdn"


def incomplete(vm, fields):
    """An error when the record lacks fields the check reads (a projected list record), else None."""
    missing = [f for f in fields if f not in vm]
    return ("valid.incomplete", {"fields": ", ".join(missing)}) if missing else None


def fail(key, **params):
    return (key, params), None


def ok(calls):
    return None, calls


# ---- names and tags -----------------------------------------------------------------------
def name_calls(vm_ref, vm, value):
    name = value.strip()
    error = limits.name_error(name)
    if error is not None:
        return error, None
    return ok([] if name == vm.get("name_label") else [("VM.set_name_label", [vm_ref, name])])


def description_calls(vm_ref, vm, value):
    text = value.strip()
    error = limits.text_error(text, MAX_DESCRIPTION)
    if error is not None:
        return error, None
    same = text == vm.get("name_description", "")
    return ok([] if same else [("VM.set_name_description", [vm_ref, text])])


def _tag_error(tag):
    if not tag:
        return ("valid.tag_empty", {})
    if len(tag) > MAX_TAG:
        return ("valid.too_long", {"limit": MAX_TAG})
    return None


def tag_add_calls(vm_ref, vm, value):
    tag = value.strip()
    error = _tag_error(tag)
    if error is not None:
        return error, None
    if tag in (vm.get("tags") or []):
        return fail("valid.tag_duplicate", tag=tag)
    return ok([("VM.add_tags", [vm_ref, tag])])


def tags_calls(vm_ref, vm, values):
    """The calls turning the VM's tags into `values` (a list of strings): removals, then adds."""
    wanted, seen = [], {}
    for value in values:
        tag = value.strip()
        error = _tag_error(tag)
        if error is not None:
            return error, None
        if tag in seen:
            return fail("valid.tag_duplicate", tag=tag)
        seen[tag] = True
        wanted.append(tag)
    current = vm.get("tags") or []
    calls = [("VM.remove_tags", [vm_ref, t]) for t in sorted(current) if t not in seen]
    calls.extend(("VM.add_tags", [vm_ref, t]) for t in wanted if t not in current)
    return ok(calls)


# ---- vCPUs --------------------------------------------------------------------------------
def parse_count(value):
    """An int from a form value ("4", 4); None if it is not a whole number."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def vcpus_calls(vm_ref, vm, at_startup, vcpus_max=None, limit=MAX_VCPUS):
    """Calls setting VCPUs_at_startup (and VCPUs_max, None = keep). A running VM changes its
    count live when XAPI allows it (guest tools), otherwise at its next boot."""
    error = incomplete(vm, ("power_state", "VCPUs_max", "VCPUs_at_startup"))
    if error is not None:
        return error, None
    start, top = parse_count(at_startup), parse_count(vm.get("VCPUs_max") if vcpus_max is None else vcpus_max)
    if start is None or top is None:
        return fail("valid.vcpus_number")
    if not (1 <= start <= limit and 1 <= top <= limit):
        return fail("valid.vcpus_range", limit=limit)
    if start > top:
        return fail("valid.vcpus_order", start=start, max=top)
    old_start, old_top = vm.get("VCPUs_at_startup"), vm.get("VCPUs_max")
    state = vm.get("power_state")
    if top != old_top and state != "Halted":
        return fail("valid.vcpus_max_halted")
    if state == "Halted":
        return ok(_halted_vcpus(vm_ref, start, top, old_start, old_top))
    if start == old_start:
        return ok([])
    if state == "Running" and "changing_VCPUs_live" in (vm.get("allowed_operations") or []):
        return ok([("VM.set_VCPUs_number_live", [vm_ref, start])])
    return ok([("VM.set_VCPUs_at_startup", [vm_ref, start])])


def _halted_vcpus(vm_ref, start, top, old_start, old_top):
    """Setter order keeping at_startup <= max after each call (XAPI checks every step)."""
    set_top = [] if top == old_top else [("VM.set_VCPUs_max", [vm_ref, top])]
    set_start = [] if start == old_start else [("VM.set_VCPUs_at_startup", [vm_ref, start])]
    if old_start is not None and top < old_start:
        return set_start + set_top
    return set_top + set_start


# ---- memory -------------------------------------------------------------------------------
def parse_size(value):
    """Bytes from "4 GiB", "4096 MiB", "512M", "1.5G" or a bare number of MiB; None if invalid."""
    return limits.parse_size(value)


def _memory_values(vm, given):
    """The four limits after the edit, or an error (key, params)."""
    values = []
    for index in range(4):
        value = given[index]
        if value is None:
            value = vm.get(MEMORY_FIELDS[index])
        size = parse_size(value) if value is not None else None
        if size is None:
            return None, ("valid.memory_size", {"field": MEMORY_FIELDS[index]})
        if size < MIN_MEMORY:
            return None, ("valid.memory_small", {"size": fmt.size(MIN_MEMORY)})
        if limits.size_error(size) is not None:
            return None, limits.size_error(size)
        values.append(size)
    smin, dmin, dmax, smax = values
    if not smin <= dmin <= dmax <= smax:
        return None, ("valid.memory_order", {"static_min": fmt.size(smin), "dynamic_min": fmt.size(dmin),
                                           "dynamic_max": fmt.size(dmax), "static_max": fmt.size(smax)})
    return values, None


def memory_calls(vm_ref, vm, static_min=None, dynamic_min=None, dynamic_max=None, static_max=None):
    """Calls setting the memory limits (None = keep, text or bytes). Halted: set_memory_limits
    (XAPI's param order: static_min, static_max, dynamic_min, dynamic_max). Running: only the
    dynamic range may change (set_memory_dynamic_range). Other states: nothing may change."""
    error = incomplete(vm, ("power_state",) + MEMORY_FIELDS)
    if error is not None:
        return error, None
    values, error = _memory_values(vm, (static_min, dynamic_min, dynamic_max, static_max))
    if error is not None:
        return error, None
    old = [vm.get(f) for f in MEMORY_FIELDS]
    if values == old:
        return ok([])
    smin, dmin, dmax, smax = values
    state = vm.get("power_state")
    if state == "Halted":
        return ok([("VM.set_memory_limits", [vm_ref, smin, smax, dmin, dmax])])
    if state != "Running":
        return fail("valid.memory_state")
    if smin != old[0] or smax != old[3]:
        return fail("valid.memory_static_halted", static_min=fmt.size(old[0]), static_max=fmt.size(old[3]))
    return ok([("VM.set_memory_dynamic_range", [vm_ref, dmin, dmax])])


def memory_simple_calls(vm_ref, vm, value):
    """One "Memory" field: the VM gets exactly this much (dynamic_min = dynamic_max = size).
    Halted: static_max follows it (static_min lowered if needed); running: within static limits."""
    size = parse_size(value)
    if size is None:
        return fail("valid.memory_size", field="memory")
    if vm.get("power_state") != "Halted":
        return memory_calls(vm_ref, vm, None, size, size, None)
    smin = min(vm.get("memory_static_min") or size, size)
    return memory_calls(vm_ref, vm, smin, size, size, size)


# ---- boot and start -----------------------------------------------------------------------
def boot_order_calls(vm_ref, vm, value):
    """Calls setting HVM_boot_params.order (the rest of the map kept, one atomic setter)."""
    order = value.strip().lower()
    error = incomplete(vm, ("HVM_boot_policy", "HVM_boot_params"))
    if error is not None:
        return error, None
    if vm.get("HVM_boot_policy") != "BIOS order":
        return fail("valid.boot_not_hvm")
    if not order:
        return fail("valid.boot_empty")
    for index in range(len(order)):
        if order[index] not in BOOT_DEVICES:
            return fail("valid.boot_letter", letter=order[index])
        if order[index] in order[:index]:
            return fail("valid.boot_repeat", letter=order[index])
    params = dict(vm.get("HVM_boot_params") or {})
    if params.get("order") == order:
        return ok([])
    params["order"] = order
    return ok([("VM.set_HVM_boot_params", [vm_ref, params])])


def _flag_calls(cls, ref, key, value):
    # remove_from_ is a no-op for a missing key; add_to_ fails on an existing one.
    return [(cls + ".remove_from_other_config", [ref, key]),
            (cls + ".add_to_other_config", [ref, key, value])]


def auto_poweron_calls(vm_ref, vm, enabled, pool_ref=None, pool=None):
    """Calls setting other_config.auto_poweron. XCP-ng starts such VMs only when the pool's
    other_config.auto_poweron is "true" too, so enabling sets that when `pool` lacks it."""
    value = "true" if enabled else "false"
    calls = []
    if (vm.get("other_config") or {}).get("auto_poweron") != value:
        calls = _flag_calls("VM", vm_ref, "auto_poweron", value)
    if enabled and pool is not None and (pool.get("other_config") or {}).get("auto_poweron") != "true":
        calls.extend(_flag_calls("pool", pool_ref, "auto_poweron", "true"))
    return ok(calls)
