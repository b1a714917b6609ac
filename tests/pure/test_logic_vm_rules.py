"""VM action rules: every action x power state, kinds (template, snapshot, dom0), blocked, busy, tools."""
from lite_app.logic.vm_rules import ACTIONS, reason_text, vm_action_state, vm_actions
from lite_app.text.catalog import has

# xapi-protocol.md §5.3 "Derived lists" for an ordinary VM with tools, restricted to our actions.
ORDINARY = {
    "Halted": ("snapshot", "clone", "copy", "start", "start_on", "destroy"),
    "Running": ("snapshot", "pause", "clean_shutdown", "clean_reboot", "hard_shutdown", "hard_reboot",
                "suspend", "pool_migrate"),
    "Paused": ("snapshot", "unpause", "hard_shutdown", "hard_reboot"),
    "Suspended": ("snapshot", "resume", "hard_shutdown", "destroy"),
}
# The same lists as XAPI's allowed_operations carries them (with operations we do not offer).
XAPI_ALLOWED = {
    "Halted": ["snapshot", "clone", "copy", "start", "start_on", "migrate_send", "changing_dynamic_range",
               "changing_static_range", "make_into_template", "export", "metadata_export", "destroy"],
    "Running": ["snapshot", "checkpoint", "pause", "clean_shutdown", "clean_reboot", "hard_shutdown",
                "hard_reboot", "suspend", "pool_migrate", "migrate_send", "changing_dynamic_range",
                "changing_VCPUs_live", "metadata_export"],
    "Paused": ["snapshot", "checkpoint", "unpause", "hard_shutdown", "hard_reboot", "metadata_export"],
    "Suspended": ["snapshot", "checkpoint", "resume", "resume_on", "hard_shutdown", "migrate_send", "export",
                  "metadata_export", "destroy"],
}


def make_vm(state, **fields):
    record = {"uuid": "u", "power_state": state, "is_a_template": False, "is_a_snapshot": False,
              "is_control_domain": False, "is_default_template": False, "current_operations": {},
              "blocked_operations": {}, "allowed_operations": list(XAPI_ALLOWED.get(state, []))}
    record.update(fields)
    return record


def allowed_set(vm):
    states = vm_actions(vm)
    return sorted(action for action in states if states[action][0])


def test_every_action_in_every_power_state():
    for state in ORDINARY:
        for source in ("rules only", "with allowed_operations"):
            vm = make_vm(state)
            if source == "rules only":
                vm["allowed_operations"] = None
            assert allowed_set(vm) == sorted(ORDINARY[state]), (state, source, allowed_set(vm))
            for action in ACTIONS:
                allowed, reason = vm_action_state(vm, action)
                if action in ORDINARY[state]:
                    assert reason is None, (state, action, reason)
                elif action == "revert":
                    assert reason == "not_snapshot", (state, action, reason)
                else:
                    assert reason == "power_" + state, (state, action, reason)


def test_power_reason_texts():
    assert reason_text(vm_action_state(make_vm("Halted"), "clean_shutdown")[1]) == "The VM is halted"
    assert reason_text(vm_action_state(make_vm("Running"), "start")[1]) == "The VM is running"
    assert vm_action_state(make_vm("Crashed"), "start") == (False, "power_unknown")


def test_guest_without_tools():
    vm = make_vm("Running", allowed_operations=["snapshot", "pause", "hard_shutdown", "hard_reboot",
                                                "changing_dynamic_range", "metadata_export"])
    cases = {"clean_shutdown": "no_tools_shutdown", "clean_reboot": "no_tools_reboot",
             "suspend": "no_tools_suspend", "pool_migrate": "no_tools_migrate"}
    for action in cases:
        assert vm_action_state(vm, action) == (False, cases[action]), action
    assert reason_text("no_tools_shutdown") == "The guest has no PV tools for a clean shutdown"
    for action in ("snapshot", "pause", "hard_shutdown", "hard_reboot"):
        assert vm_action_state(vm, action) == (True, None), action


def test_xapi_refusal_without_a_known_cause():
    vm = make_vm("Halted", allowed_operations=["snapshot"])
    assert vm_action_state(vm, "start") == (False, "not_allowed")
    assert vm_action_state(vm, "snapshot") == (True, None)


def test_templates():
    default = make_vm("Halted", is_a_template=True, is_default_template=True, allowed_operations=None)
    assert allowed_set(default) == ["clone", "copy"]
    assert vm_action_state(default, "start") == (False, "template_start")
    assert reason_text("template_start") == "Templates cannot be started"
    assert vm_action_state(default, "destroy") == (False, "template")
    assert vm_action_state(default, "snapshot") == (False, "template")
    custom = make_vm("Halted", is_a_template=True, allowed_operations=None)
    assert allowed_set(custom) == ["clone", "copy", "destroy"]


def test_snapshots():
    snap = make_vm("Halted", is_a_template=True, is_a_snapshot=True,
                   allowed_operations=["revert", "clone", "copy", "export", "destroy", "metadata_export"])
    assert allowed_set(snap) == ["clone", "copy", "destroy", "revert"]
    assert vm_action_state(snap, "start") == (False, "snapshot")
    assert vm_action_state(snap, "snapshot") == (False, "snapshot")
    checkpoint = make_vm("Suspended", is_a_template=True, is_a_snapshot=True, allowed_operations=None)
    assert allowed_set(checkpoint) == ["clone", "copy", "destroy", "hard_shutdown", "revert"]


def test_control_domain():
    dom0 = make_vm("Running", is_control_domain=True, allowed_operations=["metadata_export"])
    states = vm_actions(dom0)
    for action in ACTIONS:
        allowed, reason = states[action]
        assert not allowed, action
        want = "power_Running" if action in ("start", "start_on", "destroy") else "control_domain"
        assert reason == want, (action, reason)


def test_blocked_operations():
    vm = make_vm("Running", blocked_operations={"clean_shutdown": "true", "hard_shutdown": "Protected"})
    assert vm_action_state(vm, "clean_shutdown") == (False, "blocked")
    assert vm_action_state(vm, "hard_shutdown") == (False, "blocked")
    assert vm_action_state(vm, "clean_reboot") == (True, None)
    assert vm_action_state(make_vm("Halted", blocked_operations={"start": "true"}), "start") == (False, "blocked")


def test_current_operations():
    cases = [
        ("Running", "clean_shutdown", "clean_reboot", False),
        ("Running", "clean_shutdown", "pause", False),
        ("Running", "clean_shutdown", "hard_shutdown", True),
        ("Running", "clean_reboot", "hard_reboot", True),
        ("Running", "hard_shutdown", "hard_shutdown", False),
        ("Running", "hard_shutdown", "hard_reboot", False),
        ("Running", "hard_reboot", "hard_reboot", False),
        ("Running", "hard_reboot", "hard_shutdown", True),
        ("Running", "snapshot", "snapshot", True),
        ("Running", "checkpoint", "snapshot", True),
        ("Running", "snapshot", "clean_shutdown", False),
        ("Halted", "clone", "copy", True),
        ("Halted", "export", "clone", True),
        ("Halted", "clone", "snapshot", False),
        ("Halted", "clone", "start", False),
        ("Halted", "start", "start", False),
        ("Halted", "destroy", "destroy", False),
    ]
    for state, running, action, want in cases:
        vm = make_vm(state, current_operations={"OpaqueRef:task": running}, allowed_operations=None)
        allowed, reason = vm_action_state(vm, action)
        assert allowed == want, (state, running, action, reason)
        assert reason == (None if want else "busy"), (state, running, action, reason)
    assert reason_text("busy") == "Another operation is in progress"


def test_unknown_action_is_an_error():
    try:
        vm_action_state(make_vm("Halted"), "fly")
        assert False, "unknown actions are a programming error"
    except ValueError:
        pass


def test_every_reason_has_a_message():
    records = [make_vm(state) for state in ORDINARY]
    records += [make_vm("Halted", is_a_template=True), make_vm("Halted", is_a_snapshot=True),
                make_vm("Running", is_control_domain=True), make_vm("Running", allowed_operations=[]),
                make_vm("Halted", blocked_operations={"start": "x"}), make_vm("Odd"),
                make_vm("Running", current_operations={"t": "pause"})]
    for vm in records:
        states = vm_actions(vm)
        for action in states:
            reason = states[action][1]
            assert reason is None or has("reason." + reason), (action, reason)
