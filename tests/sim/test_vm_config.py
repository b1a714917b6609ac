"""Constrained VM setters and device slots, with XAPI 24.x's exact errors (xapi_vm.ml)."""

from vmfixtures import make_kind, make_vm, pool

GiB = 1024 ** 3
VCPU_RULE = "VCPU values must satisfy: 0 < VCPUs_at_startup \u2264 VCPUs_max"
MEMORY = ("memory_static_min", "memory_dynamic_min", "memory_dynamic_max", "memory_static_max")


def limits(p, vm):
    return [p.vm(vm)[f] for f in MEMORY]


async def test_memory_limits_must_be_ordered():
    p = await pool()
    vm = await make_vm(p, "Halted")
    await p.call("VM.set_memory_limits", vm, GiB, 8 * GiB, 2 * GiB, 4 * GiB)
    assert limits(p, vm) == [GiB, 2 * GiB, 4 * GiB, 8 * GiB]
    assert p.vm(vm)["memory_target"] == 2 * GiB
    for args in ((4 * GiB, 8 * GiB, 2 * GiB, 4 * GiB),    # static_min > dynamic_min
                 (GiB, 8 * GiB, 4 * GiB, 2 * GiB),        # dynamic_min > dynamic_max
                 (GiB, 2 * GiB, GiB, 4 * GiB)):           # dynamic_max > static_max
        assert await p.error("VM.set_memory_limits", vm, *args) == [
            "MEMORY_CONSTRAINT_VIOLATION_ORDER"]
    assert limits(p, vm) == [GiB, 2 * GiB, 4 * GiB, 8 * GiB]


async def test_single_limit_setters_keep_the_others():
    p = await pool()
    vm = await make_vm(p, "Halted")
    await p.call("VM.set_memory_limits", vm, GiB, 8 * GiB, 2 * GiB, 4 * GiB)
    await p.call("VM.set_memory_static_max", vm, 16 * GiB)
    await p.call("VM.set_memory_dynamic_max", vm, 6 * GiB)
    await p.call("VM.set_memory_dynamic_min", vm, 3 * GiB)
    await p.call("VM.set_memory_static_min", vm, GiB // 2)
    assert limits(p, vm) == [GiB // 2, 3 * GiB, 6 * GiB, 16 * GiB]
    assert await p.error("VM.set_memory_static_max", vm, 5 * GiB) == [
        "MEMORY_CONSTRAINT_VIOLATION_ORDER"]
    await p.call("VM.set_memory", vm, 2 * GiB)
    assert limits(p, vm) == [GiB // 2, 2 * GiB, 2 * GiB, 2 * GiB]
    await p.call("VM.set_memory_static_range", vm, GiB, 4 * GiB)
    assert limits(p, vm) == [GiB, 2 * GiB, 2 * GiB, 4 * GiB]


async def test_static_limits_only_when_halted_dynamic_also_when_running():
    p = await pool()
    vm = await make_vm(p, "Running")
    static = limits(p, vm)
    for method, args in (("set_memory_limits", (GiB, 4 * GiB, 2 * GiB, 2 * GiB)),
                         ("set_memory", (GiB,))):
        assert await p.error("VM." + method, vm, *args) == [
            "VM_BAD_POWER_STATE", vm, "halted", "running"]
    assert await p.error("VM.set_memory_static_range", vm, GiB, 4 * GiB) == [
        "VM_BAD_POWER_STATE", vm, "halted", "running"]
    await p.call("VM.set_memory_dynamic_range", vm, static[1] // 2, static[2])
    assert limits(p, vm)[1] == static[1] // 2
    metrics = p.db.get("VM_metrics", p.vm(vm)["metrics"])
    assert metrics["memory_actual"] == static[2]
    paused = await make_vm(p, "Paused", "paused")
    assert await p.error("VM.set_memory_dynamic_range", paused, GiB, GiB) == [
        "VM_BAD_POWER_STATE", paused, "halted, running", "paused"]


async def test_control_domain_memory_must_stay_pinned():
    p = await pool()
    dom0 = p.dom0()
    size = p.vm(dom0)["memory_static_max"]
    assert await p.error("VM.set_memory_dynamic_range", dom0, size // 2, size) == [
        "MEMORY_CONSTRAINT_VIOLATION_MAXPIN", "control domain"]


async def test_vcpus():
    p = await pool()
    vm = await make_vm(p, "Halted")
    await p.call("VM.set_VCPUs_max", vm, 8)
    await p.call("VM.set_VCPUs_at_startup", vm, 4)
    assert (p.vm(vm)["VCPUs_max"], p.vm(vm)["VCPUs_at_startup"]) == (8, 4)
    assert await p.error("VM.set_VCPUs_at_startup", vm, 9) == ["INVALID_VALUE", VCPU_RULE, "9"]
    assert await p.error("VM.set_VCPUs_at_startup", vm, 0) == ["INVALID_VALUE", VCPU_RULE, "0"]
    assert await p.error("VM.set_VCPUs_max", vm, 3) == ["INVALID_VALUE", VCPU_RULE, "3"]
    await p.call("VM.start", vm, False, False)
    assert await p.error("VM.set_VCPUs_max", vm, 16) == [
        "VM_BAD_POWER_STATE", vm, "halted", "running"]
    await p.call("VM.set_VCPUs_number_live", vm, 6)
    metrics = p.db.get("VM_metrics", p.vm(vm)["metrics"])
    assert metrics["VCPUs_number"] == 6 and p.vm(vm)["VCPUs_at_startup"] == 6
    dom0 = p.dom0()
    assert await p.error("VM.set_VCPUs_max", dom0, 16) == [
        "OPERATION_NOT_ALLOWED", "This operation is not allowed on dom0"]
    assert await p.error("VM.set_VCPUs_at_startup", dom0, 2) == [
        "OPERATION_NOT_ALLOWED", "set_VCPUs_at_startup is not allowed on dom0"]


async def test_template_memory_limits_can_change():
    p = await pool()
    template = await make_kind(p, "template")
    await p.call("VM.set_memory_limits", template, GiB, 4 * GiB, 4 * GiB, 4 * GiB)
    assert limits(p, template) == [GiB, 4 * GiB, 4 * GiB, 4 * GiB]


async def test_allowed_devices():
    p = await pool()
    vm = await make_vm(p, "Halted")
    vbds = await p.call("VM.get_allowed_VBD_devices", vm)
    assert "0" not in vbds and vbds[:3] == ["1", "2", "3"] and vbds[-1] == "254"
    assert await p.call("VM.get_allowed_VIF_devices", vm) == ["1", "2", "3", "4", "5", "6"]
    dom0_vbds = await p.call("VM.get_allowed_VBD_devices", p.dom0())
    assert dom0_vbds[-1] == "255"


async def test_possible_hosts_and_boot_checks():
    p = await pool()
    vm = await make_vm(p, "Halted")
    assert await p.call("VM.get_possible_hosts", vm) == sorted([p.master, p.member])
    await p.call("VM.assert_can_boot_here", vm, p.member)
    p.db.set("host", p.member, "enabled", False)
    assert await p.call("VM.get_possible_hosts", vm) == [p.master]
    assert await p.error("VM.assert_can_boot_here", vm, p.member) == ["HOST_DISABLED", p.member]
    metrics = p.db.get("host", p.master)["metrics"]
    p.db.set("host_metrics", metrics, "live", False)
    assert await p.error("VM.assert_can_boot_here", vm, p.master) == ["HOST_NOT_LIVE"]
