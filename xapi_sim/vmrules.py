"""Which VM operations are allowed, and the exact error when not (reference §5.3, xapi_vm_lifecycle).

`check(db, vm, op)` returns None or the XapiFailure XAPI would raise, applying the checks in XAPI's
order; `allowed_operations` is every operation that passes, minus those XAPI never lists.
"""
from . import schema
from .errors import XapiFailure

STATE_ORDER = ("Halted", "Paused", "Suspended", "Running")
H, P, S, R = STATE_ORDER
ANY = set(STATE_ORDER)

POWER_STATES = {}
for _states, _ops in (
        ({H}, "start start_on provision make_into_template changing_shadow_memory changing_NVRAM "
              "create_vtpm changing_VCPUs changing_static_range changing_memory_limits"),
        ({P}, "unpause"),
        ({S}, "resume resume_on csvm"),
        ({R}, "clean_shutdown clean_reboot suspend pause pool_migrate changing_VCPUs_live "
              "changing_memory_live changing_shadow_memory_live awaiting_memory_live "
              "snapshot_with_quiesce send_sysrq send_trigger call_plugin data_source_op"),
        ({H, R}, "changing_dynamic_range"),
        ({H}, "clone copy"),
        ({H, S}, "destroy export create_template"),
        ({P, R}, "hard_reboot"),
        ({P, S, R}, "hard_shutdown shutdown checkpoint get_boot_record"),
        ({H, S, R}, "migrate_send"),
        (ANY, "snapshot revert metadata_export power_state_reset assert_operation_valid "
              "update_allowed_operations query_services reverting")):
    for _op in _ops.split():
        POWER_STATES[_op] = _states

IGNORED = set("create_template power_state_reset csvm get_boot_record send_sysrq send_trigger "
              "query_services shutdown call_plugin changing_memory_live awaiting_memory_live "
              "changing_memory_limits changing_shadow_memory_live changing_VCPUs "
              "assert_operation_valid data_source_op update_allowed_operations import "
              "reverting".split())
COMPATIBLE = [{"clone", "copy", "export"}, {"snapshot", "checkpoint"}, {"get_boot_record"}]
TEMPLATE_OK = {"clone", "copy", "export", "metadata_export", "provision"}
SNAPSHOT_OK = {"revert", "clone", "copy", "export", "destroy", "hard_shutdown", "metadata_export"}
FEATURES = {"clean_shutdown": ("feature-shutdown", "feature-poweroff"),
            "clean_reboot": ("feature-shutdown", "feature-reboot"),
            "suspend": ("feature-suspend",), "checkpoint": ("feature-suspend",),
            "pool_migrate": ("feature-suspend",), "migrate_send": ("feature-suspend",),
            "changing_VCPUs_live": ("feature-vcpu-hotplug",)}
LIVE = {P, R}


def states_for(op, vm):
    states = POWER_STATES.get(op, set())
    if op in ("clone", "copy") and vm["is_a_snapshot"]:
        states = states | {S}
    if vm["is_control_domain"] and op in ("changing_VCPUs", "changing_static_range",
                                          "changing_memory_limits"):
        states = states | {R}
    return states


def check(db, ref, op):
    """The failure XAPI raises for `op` on VM `ref` (strict mode), or None if allowed."""
    vm = db.get("VM", ref)
    for rule in (_blocked, _power_state, _concurrency, _template, _snapshot, _kind, _misc):
        err = rule(db, ref, vm, op)
        if err is not None:
            return err
    return None


def require(db, ref, op):
    err = check(db, ref, op)
    if err is not None:
        raise err


def allowed_operations(db, ref):
    ops = schema.ENUMS["vm_operations"]
    return sorted(op for op in ops
                  if op not in IGNORED and op in POWER_STATES and check(db, ref, op) is None)


def update(db, ref):
    """Recompute `allowed_operations` after a change of state or of current operations."""
    if db.exists("VM", ref):
        ops = allowed_operations(db, ref)
        if ops != db.get("VM", ref)["allowed_operations"]:
            db.set("VM", ref, "allowed_operations", ops)


def _blocked(db, ref, vm, op):
    if op in vm["blocked_operations"]:
        return XapiFailure("OPERATION_BLOCKED", ref, vm["blocked_operations"][op])


def _power_state(db, ref, vm, op):
    states = states_for(op, vm)
    if vm["power_state"] not in states:
        expected = ", ".join(s.lower() for s in STATE_ORDER if s in states)
        return XapiFailure("VM_BAD_POWER_STATE", ref, expected, vm["power_state"].lower())


def _concurrency(db, ref, vm, op):
    for task, current in sorted(vm["current_operations"].items()):
        if op == "hard_shutdown" and current != "hard_shutdown":
            continue
        if op == "hard_reboot" and current not in ("hard_shutdown", "hard_reboot"):
            continue
        if any(op in g and current in g for g in COMPATIBLE):
            continue
        return XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VM", ref, current, task)


def _template(db, ref, vm, op):
    if not vm["is_a_template"] or vm["is_a_snapshot"]:
        return None
    if op in TEMPLATE_OK or op.startswith("changing_"):
        return None
    if op in ("destroy", "migrate_send") and not vm["is_default_template"]:
        return None
    return XapiFailure("VM_IS_TEMPLATE", ref, op)


def _snapshot(db, ref, vm, op):
    if vm["is_a_snapshot"] and op not in SNAPSHOT_OK:
        return XapiFailure("VM_IS_SNAPSHOT", ref, op)


def _kind(db, ref, vm, op):
    if op == "provision" and not vm["is_a_template"]:
        return XapiFailure("ONLY_PROVISION_TEMPLATE")
    if op == "revert" and not vm["is_a_snapshot"]:
        return XapiFailure("ONLY_REVERT_SNAPSHOT")


def _misc(db, ref, vm, op):
    if vm["is_control_domain"] and not op.startswith("changing_") and op != "metadata_export":
        return XapiFailure("OPERATION_NOT_ALLOWED",
                           "This operation is not allowed on a control domain")
    if op == "snapshot_with_quiesce":
        return XapiFailure("VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", ref)
    if op in FEATURES and not _has_feature(db, vm, op):
        return XapiFailure("VM_LACKS_FEATURE", ref)


def _has_feature(db, vm, op):
    if op in ("migrate_send", "checkpoint") and vm["power_state"] not in LIVE:
        return True
    if vm["domain_type"] == "pv":
        return True
    gm = db.get("VM_guest_metrics", vm["guest_metrics"])
    if gm is None:
        return False
    if gm["PV_drivers_version"]:
        return True
    return any(gm["other"].get(f) == "1" for f in FEATURES[op])
