"""Every VM power operation from every power state, and on templates, snapshots and dom0:
the exact XAPI error or the resulting power state (reference §5.3).

The expectations are written out here from XAPI's allowed_power_states, not read from the
simulator's own tables, so a wrong rule there fails these tests.
"""
import pytest

from vmfixtures import make_kind, pool

STATES = ["Halted", "Running", "Paused", "Suspended"]
# operation -> (power states it runs from, state afterwards, XAPI's "expected" text)
TABLE = {
    "start": ({"Halted"}, "Running", "halted"),
    "start_on": ({"Halted"}, "Running", "halted"),
    "clean_shutdown": ({"Running"}, "Halted", "running"),
    "hard_shutdown": ({"Paused", "Suspended", "Running"}, "Halted", "paused, suspended, running"),
    "shutdown": ({"Paused", "Suspended", "Running"}, "Halted", "paused, suspended, running"),
    "clean_reboot": ({"Running"}, "Running", "running"),
    "hard_reboot": ({"Paused", "Running"}, "Running", "paused, running"),
    "suspend": ({"Running"}, "Suspended", "running"),
    "resume": ({"Suspended"}, "Running", "suspended"),
    "resume_on": ({"Suspended"}, "Running", "suspended"),
    "pause": ({"Running"}, "Paused", "running"),
    "unpause": ({"Paused"}, "Running", "paused"),
    "power_state_reset": (set(STATES), "Halted", None),
}
CONTROL_DOMAIN = ["OPERATION_NOT_ALLOWED", "This operation is not allowed on a control domain"]


def params(p, op, vm):
    if op in ("start", "resume"):
        return [vm, False, False]
    if op in ("start_on", "resume_on"):
        return [vm, p.member, False, False]
    return [vm]


def bad_state(op, vm, actual):
    return ["VM_BAD_POWER_STATE", vm, TABLE[op][2], actual.lower()]


def special(op, kind, vm):
    """The outcome for a template / snapshot / checkpoint / dom0: a state or an error."""
    states, after, _ = TABLE[op]
    actual = {"checkpoint": "Suspended", "dom0": "Running"}.get(kind, "Halted")
    if op == "power_state_reset":
        return ["CANNOT_RESET_CONTROL_DOMAIN", vm] if kind == "dom0" else "Halted"
    if actual not in states:
        return bad_state(op, vm, actual)
    if kind == "dom0":
        return CONTROL_DOMAIN
    if kind == "template":
        return ["VM_IS_TEMPLATE", vm, op]
    if op == "hard_shutdown":
        return after  # the one power operation XAPI allows on a snapshot
    return ["VM_IS_SNAPSHOT", vm, op]


async def outcome(p, op, vm):
    try:
        await p.call("VM." + op, *params(p, op, vm))
    except Exception as err:  # noqa: BLE001 - the failure is the outcome under test
        return err.description
    return p.vm(vm)["power_state"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("op", sorted(TABLE))
async def test_operation_from_state(op, state):
    p = await pool()
    vm = await make_kind(p, state)
    assert p.vm(vm)["power_state"] == state
    states, after, _ = TABLE[op]
    expected = after if state in states else bad_state(op, vm, state)
    assert await outcome(p, op, vm) == expected
    rec = p.vm(vm)
    assert rec["current_operations"] == {}
    assert (rec["resident_on"] == "OpaqueRef:NULL") == (rec["power_state"] in ("Halted", "Suspended"))


@pytest.mark.parametrize("kind", ["template", "snapshot", "checkpoint", "dom0"])
@pytest.mark.parametrize("op", sorted(TABLE))
async def test_operation_on_special_vm(op, kind):
    p = await pool()
    vm = await make_kind(p, kind)
    before = p.vm(vm)["power_state"]
    expected = special(op, kind, vm)
    result = await outcome(p, op, vm)
    assert result == expected
    if isinstance(expected, list):
        assert p.vm(vm)["power_state"] == before


async def test_power_state_reset_refuses_a_domain_running_on_the_master():
    p = await pool()
    vm = await make_kind(p, "Halted")
    await p.call("VM.start_on", vm, p.master, False, False)
    domid = p.vm(vm)["domid"]
    assert await p.error("VM.power_state_reset", vm) == ["DOMAIN_EXISTS", vm, str(domid)]
    assert p.vm(vm)["power_state"] == "Running"


async def test_allowed_operations_per_state_match_xapi():
    """Reference §5.3 derived lists, for an ordinary VM with tools."""
    p = await pool()
    expected = {
        "Halted": "snapshot clone copy start start_on migrate_send changing_dynamic_range "
                  "changing_static_range changing_shadow_memory changing_NVRAM "
                  "make_into_template export metadata_export destroy create_vtpm",
        "Running": "snapshot checkpoint pause clean_shutdown clean_reboot hard_shutdown "
                   "hard_reboot suspend pool_migrate migrate_send changing_dynamic_range "
                   "changing_VCPUs_live metadata_export",
        "Paused": "snapshot checkpoint unpause hard_shutdown hard_reboot metadata_export",
        "Suspended": "snapshot checkpoint resume resume_on hard_shutdown migrate_send export "
                     "metadata_export destroy",
    }
    for state, ops in sorted(expected.items()):
        vm = await make_kind(p, state)
        assert sorted(p.vm(vm)["allowed_operations"]) == sorted(ops.split()), state
    snap = await make_kind(p, "snapshot")
    assert sorted(p.vm(snap)["allowed_operations"]) == sorted(
        "revert clone copy export destroy metadata_export".split())
