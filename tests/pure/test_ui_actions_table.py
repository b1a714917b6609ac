"""Which VM actions each power state and flag combination allows: the whole product written as a table.

Every combination of power state x kind (guest, custom template, default template, snapshot, control
domain) x guest tools x a concurrent operation x a blocked operation is checked against the literal
table below, for every action, through lite_app.logic.vm_rules and through the VM page toolbar's own rule
(`vm_actions.op_state`, which the buttons are drawn from). Runs under CPython and MicroPython.
"""
from lite_app.logic.vm_rules import ACTIONS, vm_action_state
from lite_app.ui import vm_actions

STATES = ("Halted", "Running", "Paused", "Suspended")
# XAPI's allowed_operations per state for a guest with tools (xapi-protocol.md §5.3), then without.
XAPI_TOOLS = {
    "Halted": "snapshot clone copy start start_on destroy export",
    "Running": "snapshot checkpoint pause clean_shutdown clean_reboot hard_shutdown hard_reboot suspend "
               "pool_migrate changing_VCPUs_live",
    "Paused": "snapshot checkpoint unpause hard_shutdown hard_reboot",
    "Suspended": "snapshot checkpoint resume resume_on hard_shutdown destroy export",
}
XAPI_NO_TOOLS = {"Running": "snapshot pause hard_shutdown hard_reboot"}

# (kind, state, tools, busy) -> the allowed actions. busy = a "snapshot" runs on the VM already.
GUEST = {
    ("Halted", True, False): "start start_on snapshot clone copy destroy",
    ("Halted", False, False): "start start_on snapshot clone copy destroy",
    ("Halted", True, True): "snapshot",
    ("Halted", False, True): "snapshot",
    ("Running", True, False): "clean_shutdown hard_shutdown clean_reboot hard_reboot suspend pause snapshot "
                              "pool_migrate",
    ("Running", False, False): "hard_shutdown hard_reboot pause snapshot",
    ("Running", True, True): "hard_shutdown hard_reboot snapshot",
    ("Running", False, True): "hard_shutdown hard_reboot snapshot",
    ("Paused", True, False): "hard_shutdown hard_reboot unpause snapshot",
    ("Paused", False, False): "hard_shutdown hard_reboot unpause snapshot",
    ("Paused", True, True): "hard_shutdown hard_reboot snapshot",
    ("Paused", False, True): "hard_shutdown hard_reboot snapshot",
    ("Suspended", True, False): "resume hard_shutdown snapshot destroy",
    ("Suspended", False, False): "resume hard_shutdown snapshot destroy",
    ("Suspended", True, True): "hard_shutdown snapshot",
    ("Suspended", False, True): "hard_shutdown snapshot",
}
# Kinds other than a guest, when idle (XAPI lists no operation for them here: the rules decide alone).
OTHER_KINDS = {
    ("template", "Halted"): "clone copy destroy",
    ("default_template", "Halted"): "clone copy",
    ("snapshot", "Halted"): "revert clone copy destroy",
    ("snapshot", "Suspended"): "revert clone copy destroy hard_shutdown",
    ("control_domain", "Halted"): "start start_on destroy",
    ("control_domain", "Running"): "",
}
KIND_FIELDS = {
    "template": {"is_a_template": True},
    "default_template": {"is_a_template": True, "is_default_template": True},
    "snapshot": {"is_a_template": True, "is_a_snapshot": True},
    "control_domain": {"is_control_domain": True},
}


def make_vm(state, tools=True, busy=False, kind="guest"):
    record = {"power_state": state, "is_a_template": False, "is_a_snapshot": False, "is_control_domain": False,
              "is_default_template": False, "blocked_operations": {},
              "current_operations": {"OpaqueRef:t": "snapshot"} if busy else {}}
    ops = (XAPI_TOOLS[state] if tools or state not in XAPI_NO_TOOLS else XAPI_NO_TOOLS[state]).split()
    # XAPI computes allowed_operations with the running operation in mind: only its group stays.
    record["allowed_operations"] = [o for o in ops if not busy or o in ("snapshot", "hard_shutdown", "hard_reboot")]
    if kind != "guest":
        record.update(KIND_FIELDS[kind])
        record["allowed_operations"] = None
    return record


def allowed(vm):
    return sorted([a for a in ACTIONS if vm_action_state(vm, a)[0]])


def test_every_state_tools_and_busy_combination_of_a_guest():
    for state in STATES:
        for tools in (True, False):
            for busy in (False, True):
                want = sorted(GUEST[(state, tools, busy)].split())
                assert allowed(make_vm(state, tools, busy)) == want, (state, tools, busy)


def test_every_kind_in_its_states():
    for kind, state in OTHER_KINDS:
        want = sorted(OTHER_KINDS[(kind, state)].split())
        assert allowed(make_vm(state, kind=kind)) == want, (kind, state, allowed(make_vm(state, kind=kind)))


def test_a_blocked_operation_is_refused_in_every_combination():
    for state in STATES:
        for tools in (True, False):
            for action in ACTIONS:
                vm = make_vm(state, tools)
                vm["blocked_operations"] = {action: "true"}
                assert vm_action_state(vm, action) == (False, "blocked"), (state, tools, action)


def test_the_toolbar_follows_the_same_table():
    """Each toolbar operation is enabled exactly when its rules action is (copy: clone or copy)."""
    for state in STATES:
        for tools in (True, False):
            for busy in (False, True):
                vm = make_vm(state, tools, busy)
                want = GUEST[(state, tools, busy)].split()
                for op in vm_actions.RULE:
                    rule = vm_actions.RULE[op]
                    enabled, why = vm_actions.op_state(vm, op)
                    expected = True if rule is None else (rule in want or (op == "copy" and "clone" in want))
                    assert enabled == expected, (state, tools, busy, op)
                    assert (why is None) == enabled, (state, op, why)
