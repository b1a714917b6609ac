"""Which VM actions a record allows, and why not, as tables (xapi-protocol.md §5.3).

`vm_action_state(vm, action)` -> (allowed, reason_key). The checks mirror XAPI's
`check_operation_error`, ordered so the first failing one is the most useful to a user:
blocked, control domain, template, snapshot, power state, concurrent operation, guest tools, and
finally XAPI's own `allowed_operations` (it knows things a record does not show, e.g. PV tools).
A reason key's sentence is the catalog's "reason.<key>" (`reason_text`).
"""
from lite_app.text.catalog import translate

ACTIONS = (
    "start", "start_on", "clean_shutdown", "hard_shutdown", "clean_reboot", "hard_reboot",
    "suspend", "resume", "pause", "unpause", "snapshot", "clone", "copy", "destroy",
    "pool_migrate", "revert",
)

ANY_STATE = ("Halted", "Paused", "Running", "Suspended")

# Power states in which XAPI allows each action (`allowed_power_states`).
POWER_STATES = {
    "start": ("Halted",),
    "start_on": ("Halted",),
    "clean_shutdown": ("Running",),
    "hard_shutdown": ("Paused", "Suspended", "Running"),
    "clean_reboot": ("Running",),
    "hard_reboot": ("Paused", "Running"),
    "suspend": ("Running",),
    "resume": ("Suspended",),
    "pause": ("Running",),
    "unpause": ("Paused",),
    "snapshot": ANY_STATE,
    "clone": ("Halted",),
    "copy": ("Halted",),
    "destroy": ("Halted", "Suspended"),
    "pool_migrate": ("Running",),
    "revert": ANY_STATE,
}

# Extra states allowed for snapshots: a checkpoint is a Suspended snapshot that can be cloned.
SNAPSHOT_EXTRA_STATES = {"clone": ("Suspended",), "copy": ("Suspended",)}

# What templates (that are not snapshots) and snapshots may still do.
TEMPLATE_ACTIONS = ("clone", "copy")
DEFAULT_TEMPLATE_EXTRA = ()
CUSTOM_TEMPLATE_EXTRA = ("destroy",)
SNAPSHOT_ACTIONS = ("revert", "clone", "copy", "destroy", "hard_shutdown")
# A control domain (dom0 or a driver domain) may only be started or destroyed.
CONTROL_DOMAIN_ACTIONS = ("start", "start_on", "destroy")

# Operations that may run alongside each other (`is_allowed_concurrently`).
CONCURRENT_GROUPS = (("snapshot", "checkpoint"), ("clone", "copy", "export"), ("get_boot_record",))
# hard_shutdown / hard_reboot interrupt most operations; only these block them.
BLOCKED_ONLY_BY = {
    "hard_shutdown": ("hard_shutdown",),
    "hard_reboot": ("hard_shutdown", "hard_reboot"),
}

# Actions that need the guest's PV tools (feature flags) when the VM runs.
TOOLS_REASONS = {
    "clean_shutdown": "no_tools_shutdown",
    "clean_reboot": "no_tools_reboot",
    "suspend": "no_tools_suspend",
    "pool_migrate": "no_tools_migrate",
}

TEMPLATE_REASONS = {"start": "template_start", "start_on": "template_start"}

def reason_text(key, t=translate):
    """The sentence for a reason key ("reason.<key>" in the catalog)."""
    return t("reason." + key)


def _kind_reason(vm, action):
    if vm.get("is_control_domain"):
        return None if action in CONTROL_DOMAIN_ACTIONS else "control_domain"
    if vm.get("is_a_snapshot"):
        return None if action in SNAPSHOT_ACTIONS else "snapshot"
    if action == "revert":
        return "not_snapshot"
    if vm.get("is_a_template"):
        extra = DEFAULT_TEMPLATE_EXTRA if vm.get("is_default_template") else CUSTOM_TEMPLATE_EXTRA
        if action not in TEMPLATE_ACTIONS and action not in extra:
            return TEMPLATE_REASONS.get(action, "template")
    return None


def _power_reason(vm, action):
    state = vm.get("power_state")
    allowed = POWER_STATES[action]
    if vm.get("is_a_snapshot"):
        allowed = allowed + SNAPSHOT_EXTRA_STATES.get(action, ())
    if state in allowed:
        return None
    return "power_" + state if state in ANY_STATE else "power_unknown"


def _busy_reason(vm, action):
    current = vm.get("current_operations") or {}
    running = [current[task] for task in current]
    if not running:
        return None
    if action in BLOCKED_ONLY_BY:
        blockers = BLOCKED_ONLY_BY[action]
        return "busy" if [op for op in running if op in blockers] else None
    for group in CONCURRENT_GROUPS:
        if action in group and not [op for op in running if op not in group]:
            return None
    return "busy"


def _xapi_reason(vm, action):
    allowed_ops = vm.get("allowed_operations")
    if allowed_ops is None or action in allowed_ops:
        return None
    if vm.get("power_state") == "Running" and action in TOOLS_REASONS:
        return TOOLS_REASONS[action]
    return "not_allowed"


CHECKS = (_kind_reason, _power_reason, _busy_reason, _xapi_reason)


def vm_action_state(vm, action):
    """(allowed, reason_key or None) for `action` on the VM record `vm`."""
    if action not in POWER_STATES:
        raise ValueError("unknown VM action: " + str(action))
    if action in (vm.get("blocked_operations") or {}):
        return False, "blocked"
    for check in CHECKS:
        reason = check(vm, action)
        if reason is not None:
            return False, reason
    return True, None


def vm_actions(vm):
    """{action: (allowed, reason_key)} for every action in ACTIONS."""
    states = {}
    for action in ACTIONS:
        states[action] = vm_action_state(vm, action)
    return states
