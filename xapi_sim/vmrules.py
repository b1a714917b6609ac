"""Which VM operations are allowed, and the exact error when not (reference §5.3, xapi_vm_lifecycle).

`check(db, vm, op)` returns None or the XapiFailure XAPI would raise, applying the checks in XAPI's
order; `allowed_operations` is every operation that passes, minus those XAPI never lists.
"""
import contextlib

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
# (the only operation in progress, an operation XAPI lets start alongside it)
ALONGSIDE = {("snapshot_with_quiesce", "snapshot"), ("migrate_send", "metadata_export"),
             ("migrate_send", "clean_shutdown"), ("migrate_send", "clean_reboot"),
             ("migrate_send", "start"), ("migrate_send", "start_on")}
TEMPLATE_OK = {"clone", "copy", "export", "metadata_export", "provision"}
SNAPSHOT_OK = {"revert", "clone", "copy", "export", "destroy", "hard_shutdown", "metadata_export"}
FEATURES = {"clean_shutdown": ("feature-shutdown", "feature-poweroff"),
            "clean_reboot": ("feature-shutdown", "feature-reboot"),
            "suspend": ("feature-suspend",), "checkpoint": ("feature-suspend",),
            "pool_migrate": ("feature-suspend",), "migrate_send": ("feature-suspend",),
            "changing_VCPUs_live": ("feature-vcpu-hotplug",)}
IMMOBILE_OPS = {"suspend", "checkpoint", "pool_migrate", "migrate_send"}
# What a control domain may do (anything else: OPERATION_NOT_ALLOWED).
CONTROL_DOMAIN_OK = {"data_source_op", "changing_memory_live", "awaiting_memory_live",
                     "metadata_export", "changing_dynamic_range", "changing_memory_limits",
                     "changing_static_range", "start", "start_on", "changing_VCPUs", "destroy"}


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
    vm = db.get("VM", ref)
    key = _signature(db, vm)
    if key is not None and key in _ALLOWED_MEMO:
        return list(_ALLOWED_MEMO[key])
    ops = sorted(op for op in schema.ENUMS["vm_operations"]
                 if op not in IGNORED and op in POWER_STATES and check(db, ref, op) is None)
    if key is not None:
        _ALLOWED_MEMO[key] = tuple(ops)
    return ops


# VMs that differ in none of the inputs of the checks allow the same operations: a 10,000-VM
# pool has a few dozen such signatures, so the tables run a few dozen times, not 10,000.
_ALLOWED_MEMO = {}


def _signature(db, vm):
    """Every input of check() but the ref, or None when the VM is busy or has blocked operations."""
    if vm["current_operations"] or vm["blocked_operations"]:
        return None
    features = tuple(op for op in sorted(FEATURES) if _has_feature(db, vm, op))
    return (vm["power_state"], vm["is_a_template"], vm["is_a_snapshot"], vm["is_control_domain"],
            vm["is_default_template"], is_dom0(vm), _immobile(vm), features)


def update(db, ref):
    """Recompute `allowed_operations` after a change of state or of current operations."""
    if db.exists("VM", ref):
        ops = allowed_operations(db, ref)
        if ops != db.get("VM", ref)["allowed_operations"]:
            db.set("VM", ref, "allowed_operations", ops)


@contextlib.contextmanager
def operation(db, ref, op, task):
    """XAPI's with_vm_operation: check `op`, show it as {task: op} while the body runs.

    allowed_operations is recomputed when the operation starts and when it ends, whether it
    succeeded, failed or was cancelled. Calls without a task (setters) are only checked.
    """
    require(db, ref, op)
    if task is None:
        yield
        return
    db.add_to("VM", ref, "current_operations", task, op)
    update(db, ref)
    try:
        yield
    finally:
        if db.exists("VM", ref) and task in db.get("VM", ref)["current_operations"]:
            db.remove_from("VM", ref, "current_operations", task)
            update(db, ref)


def _blocked(db, ref, vm, op):
    if op in vm["blocked_operations"]:
        return XapiFailure("OPERATION_BLOCKED", ref, vm["blocked_operations"][op])


def _power_state(db, ref, vm, op):
    states = states_for(op, vm)
    if vm["power_state"] not in states:
        expected = ", ".join(s.lower() for s in STATE_ORDER if s in states)
        return XapiFailure("VM_BAD_POWER_STATE", ref, expected, vm["power_state"].lower())


def _concurrency(db, ref, vm, op):
    current = vm["current_operations"]
    if not current or _compatible(op, sorted(current.values())):
        return None
    task = sorted(current)[0]
    names = ",".join(current[t] for t in sorted(current))
    return XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VM", ref,
                       names if len(current) == 1 else "{%s}" % names, task)


def _compatible(op, running):
    if op == "hard_shutdown":
        return "hard_shutdown" not in running
    if op == "hard_reboot":
        return "hard_shutdown" not in running and "hard_reboot" not in running
    if any(op in g and all(r in g for r in running) for g in COMPATIBLE):
        return True
    return len(running) == 1 and (running[0], op) in ALONGSIDE


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
        return XapiFailure("PROVISION_ONLY_ALLOWED_ON_TEMPLATE")
    if op == "revert" and not vm["is_a_snapshot"]:
        return XapiFailure("REVERT_ONLY_ALLOWED_ON_SNAPSHOT")


def _misc(db, ref, vm, op):
    if op in IMMOBILE_OPS and _immobile(vm):
        return XapiFailure("VM_IS_IMMOBILE", ref)
    if op in ("changing_VCPUs", "destroy") and is_dom0(vm):
        return XapiFailure("OPERATION_NOT_ALLOWED", "This operation is not allowed on dom0")
    if vm["is_control_domain"] and op not in CONTROL_DOMAIN_OK:
        return XapiFailure("OPERATION_NOT_ALLOWED",
                           "This operation is not allowed on a control domain")
    if op in FEATURES and not _has_feature(db, vm, op):
        return XapiFailure("VM_LACKS_FEATURE", ref)
    if op == "snapshot_with_quiesce":
        return XapiFailure("VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", ref)


def is_dom0(vm):
    return vm["is_control_domain"] and vm["domid"] == 0


def _immobile(vm):
    return any(vm["platform"].get(k, "").lower() in ("1", "true")
               for k in ("nomigrate", "nested-virt"))


def _has_feature(db, vm, op):
    """XAPI only asks a running HVM guest without PV drivers for feature flags."""
    if vm["power_state"] != R:
        return True
    metrics = db.get("VM_metrics", vm["metrics"])
    if metrics is not None and not metrics["hvm"]:
        return True
    gm = db.get("VM_guest_metrics", vm["guest_metrics"])
    if gm is None:
        return False
    if gm["PV_drivers_version"]:
        return True
    return any(gm["other"].get(f) == "1" for f in FEATURES[op])
