"""The VM actions UI without a browser: toolbar reasons, dialogs, the delete plan's calls, edit checks
before any call, bulk selection and outcomes, tasks and alarms pages, against a fake client that
records calls and finishes each Async task in the cache at once. CPython and MicroPython."""
from views_fixture import page_state, ref

from lite_app.logic import tasks as task_logic
from lite_app.shell.dispatch import escape, find_action
from lite_app.logic import model
from lite_app.ui import alarms, dialogs, tasks, vm, vm_actions, vm_bulk, vm_delete, vm_edit, vmlist
from lite_app.ui.vdom import by_attr, find_all, text_of
from lite_app.xapi.errors import XapiError


class FakeClient:
    """Records calls; an Async call's task is put in the cache already ended (`fail(method, args)`
    returns an error list to fail it)."""

    def __init__(self, cache, fail=None):
        self.cache = cache
        self.calls = []
        self.fail = fail or (lambda method, args: None)

    async def call(self, method, *args):
        self.calls.append((method, list(args)))
        error = self.fail(method, list(args))
        if not method.startswith("Async."):
            if error:
                raise XapiError(error[0], error[1:])
            return ""
        task_ref = "OpaqueRef:task-%d" % len(self.calls)
        task = {"name_label": method, "status": "failure" if error else "success", "progress": 1.0,
                "created": "20250615T15:00:00Z", "finished": "20250615T15:00:05Z", "result": "",
                "error_info": error or [], "allowed_operations": []}
        self.cache.apply([{"class": "task", "ref": task_ref, "operation": "add", "snapshot": task}])
        return task_ref


def vm_state(name, **fields):
    """The VM page of `name` with some fields of its record replaced, and a fake client."""
    state = page_state("vm", {"uuid": "uuid-" + name})
    vm_ref = ref(name.split("-")[0])
    record = dict(state.cache.get("VM", vm_ref))
    record["allowed_operations"] = None  # let the rules decide alone
    for key in fields:
        record[key] = fields[key]
    state.cache.apply([{"class": "VM", "ref": vm_ref, "operation": "mod", "snapshot": record}])
    state.client = FakeClient(state.cache)
    return state, vm_ref


def buttons(nodes, action="vm.act"):
    found = {}
    for node in nodes:
        for button in by_attr(node, "data-action", action):
            found[button[1].get("data-op") or button[1].get("data-ref")] = button
    return found


def act(state, name, payload):
    """Run an action as the shell would find it (the page's, a panel's, or the open dialog's)."""
    return find_action(state, name)(state, payload)


class Shell:
    """Just what the shell's Escape handler reads."""

    def __init__(self, state):
        self.state = state


async def settle(result):
    if result is not None and hasattr(result, "send"):
        await result


def test_toolbar_buttons_say_why_they_are_refused():
    state, vm_ref = vm_state("app-01")
    nodes = vm.render(state)
    found = buttons(nodes)
    assert sorted(found) == sorted(vm_actions.RULE)
    assert "aria-disabled" not in found["start"][1] and text_of(found["start"]) == "Start"
    refused = found["clean_shutdown"][1]
    assert refused["aria-disabled"] == "true" and refused["title"] == "The VM is halted"
    reason = by_attr(nodes[0], "id", refused["aria-describedby"])
    assert len(reason) == 1 and text_of(reason[0]) == "The VM is halted"
    toolbar = by_attr(nodes[0], "role", "toolbar")[0]
    assert toolbar[1]["aria-label"] == "VM actions"


def test_a_refused_action_says_why_and_a_dialog_action_opens_its_dialog():
    state, vm_ref = vm_state("app-01")
    act = vm.actions["vm.act"]
    assert act(state, {"data": {"op": "clean_shutdown", "ref": vm_ref}}) is None
    assert state.notices[-1][2] == "The VM is halted" and "dialog" not in state.ui
    act(state, {"data": {"op": "snapshot", "ref": vm_ref}})
    frame = dialogs.render(state)[0]
    dialog = by_attr(frame, "role", "dialog")[0]
    assert dialog[1]["aria-modal"] == "true" and dialog[1]["aria-labelledby"] == dialogs.TITLE_ID
    assert text_of(by_attr(frame, "id", dialogs.TITLE_ID)[0]) == "Take a snapshot"
    assert by_attr(frame, "data-dialog-cancel")
    escape(Shell(state), {})
    assert dialogs.render(state) == []


async def test_a_failed_power_action_keeps_its_sentence_and_code():
    state, vm_ref = vm_state("app-01")
    state.client.fail = lambda method, args: ["VM_BAD_POWER_STATE", vm_ref, "halted", "running"] \
        if method == "Async.VM.start" else None
    await settle(vm.actions["vm.act"](state, {"data": {"op": "start", "ref": vm_ref}}))
    assert state.client.calls == [("Async.VM.start", [vm_ref, False, False])]
    alert = by_attr(vm.render(state)[0], "role", "alert")[0]
    assert "\u201capp-01\u201d is running, but this action needs it halted." in text_of(alert)
    assert "VM_BAD_POWER_STATE " + vm_ref + " halted running" in text_of(alert)


async def test_the_delete_dialog_runs_the_plan_the_user_chose():
    state, vm_ref = vm_state("web-01", power_state="Halted", resident_on="OpaqueRef:NULL")
    vm_delete.open_delete(state, vm_ref, state.cache.get("VM", vm_ref))
    body = text_of(dialogs.render(state)[0])
    assert "Delete the VM \u201cweb-01\u201d?" in body and "web-01 system" in body and "in a CD drive" in body
    act(state, "vmdel.disk", {"data": {"ref": ref("web-disk0")}, "checked": False})
    await settle(act(state, "dialog.submit", {"form": {}}))
    assert state.client.calls == [("Async.VM.destroy", [vm_ref]), ("Async.VM.destroy", [ref("web-snap")])]
    assert "dialog" not in state.ui


def test_the_delete_dialog_watches_the_disks_it_plans_for_not_their_classes():
    state, vm_ref = vm_state("web-01", power_state="Halted", resident_on="OpaqueRef:NULL")
    pool = {}
    for cls in ("VBD", "VDI"):  # as at 10,000 VMs: the classes are not loaded
        pool[cls] = state.cache.all(cls)
        state.cache.load(cls, {})
        del state.cache.complete[cls]
    vm_delete.open_delete(state, vm_ref, state.cache.get("VM", vm_ref))
    rounds = 0
    while True:
        body = text_of(dialogs.render(state)[0])
        watched, needed = state.take_watches()
        assert not needed, "the dialog loads no class whole"
        events = [{"class": cls, "ref": r, "operation": "add", "snapshot": pool[cls][r]}
                  for cls, r in watched.values() if r in pool[cls] and state.cache.get(cls, r) is None]
        if not events:
            break
        assert "web-01 system" not in body, "no plan before its disks are in"
        state.cache.apply(events)
        rounds += 1
    assert rounds >= 2 and "Delete the VM \u201cweb-01\u201d?" in body and "web-01 system" in body
    assert len(state.cache.all("VDI")) < len(pool["VDI"]), "only its own disks were asked for"


def test_the_delete_dialog_does_not_watch_the_drives_holding_the_same_iso():
    state, vm_ref = vm_state("web-01", power_state="Halted", resident_on="OpaqueRef:NULL")
    vm = state.cache.get("VM", vm_ref)
    cds = [r for r in vm["VBDs"] if state.cache.get("VBD", r)["type"] == "CD"
           and model.deref_ok(state.cache.get("VBD", r).get("VDI"))]
    assert cds, "the fixture's VM has an ISO in its drive"
    iso_ref = state.cache.get("VBD", cds[0])["VDI"]
    iso = dict(state.cache.get("VDI", iso_ref), VBDs=[cds[0]] + ["OpaqueRef:drive-%d" % i for i in range(500)])
    state.cache.apply([{"class": "VDI", "ref": iso_ref, "operation": "mod", "snapshot": iso}])
    for cls in ("VBD", "VDI"):
        del state.cache.complete[cls]  # watched objects only, all of this VM's in already
    vm_delete.open_delete(state, vm_ref, vm)
    body = text_of(dialogs.render(state)[0])
    watched, _needed = state.take_watches()
    assert "web-01 system" in body, "the plan is ready: the ISO's other drives are not waited for"
    assert not [key for key in watched if "drive-" in key]


async def test_edit_refuses_invalid_values_before_any_call_then_sends_only_the_changes():
    state, vm_ref = vm_state("app-01", HVM_boot_policy="BIOS order", HVM_boot_params={"order": "cd"},
                             memory_static_min=2 ** 30, memory_dynamic_min=2 * 2 ** 30)
    spec = vm_edit.open_edit(state, vm_ref, state.cache.get("VM", vm_ref))
    dialogs.render(state)
    spec["vcpus"], spec["boot_order"] = "0", "cx"
    await settle(act(state, "dialog.submit", {"form": {}}))
    assert state.client.calls == []
    assert spec["errors"]["vcpus"] == "The number of vCPUs must be between 1 and 64."
    assert "boot_order" in spec["errors"] and "name" not in spec["errors"]
    field = by_attr(dialogs.render(state)[0], "id", "edit-vcpus")[0]
    assert field[1]["aria-invalid"] == "true" and field[1]["aria-describedby"] == "edit-error-vcpus"
    spec["vcpus"], spec["boot_order"], spec["name"] = "2", "cd", "app-02"
    await settle(act(state, "dialog.submit", {"form": {}}))
    assert state.client.calls == [("VM.set_name_label", [vm_ref, "app-02"]),
                                  ("VM.set_VCPUs_at_startup", [vm_ref, 2])]


def test_bulk_selection_with_a_shift_range_and_the_header_state():
    state = page_state("vms")
    state.client = FakeClient(state.cache)
    shown = vmlist.selected(state)[0]
    vmlist.actions["vmlist.pick"](state, {"data": {"ref": shown[1]}})
    vmlist.actions["vmlist.pick"](state, {"data": {"ref": shown[3]}, "shift": True})
    assert vm_bulk.selection(state).refs(shown) == shown[1:4]
    nodes = vmlist.render(state)
    header = by_attr(nodes[0], "data-action", "vmlist.pick_all")[0]
    assert header[1]["role"] == "checkbox" and header[1]["aria-checked"] == "mixed"
    checked = [b for b in by_attr(nodes[0], "data-action", "vmlist.pick") if b[1]["aria-checked"] == "true"]
    assert len(checked) == 3
    assert "3 selected" in text_of(by_attr(nodes[0], "role", "toolbar")[0])
    vmlist.actions["vmlist.pick_all"](state, {})
    assert vm_bulk.selection(state).count() == len(shown)


async def test_bulk_run_reports_each_vm():
    state = page_state("vms")
    state.client = FakeClient(state.cache, lambda method, args: ["VM_LACKS_FEATURE", args[0]]
                              if args and args[0] == ref("web") else None)
    for name in ("web", "db", "app"):
        record = dict(state.cache.get("VM", ref(name)))
        record["allowed_operations"] = None
        state.cache.apply([{"class": "VM", "ref": ref(name), "operation": "mod", "snapshot": record}])
        vm_bulk.selection(state).click(ref(name), [ref(name)])
    vmlist.actions["vmlist.bulk"](state, {"data": {"op": "clean_shutdown"}})
    assert "Shut down 1 VM?" in text_of(dialogs.render(state)[0])
    await settle(act(state, "dialog.submit", {"form": {}}))
    report = dialogs.current(state, "bulk.report")
    assert report["outcomes"].counts() == {"ok": 0, "failed": 1, "skipped": 2, "pending": 0}
    text = text_of(dialogs.render(state)[0])
    assert "0 succeeded, 1 failed, 2 skipped." in text and "VM_LACKS_FEATURE" in text
    assert "The VM is paused" in text and "The VM is halted" in text


async def test_run_call_returns_the_result_or_raises_the_tasks_error():
    state = page_state("tasks")
    state.client = FakeClient(state.cache, lambda method, args: ["SR_FULL", "10", "5"] if args == ["x"] else None)
    assert await state.run_call("Async.VM.start", [ref("app"), False, False]) == ""
    assert task_logic.panel(state).objects["OpaqueRef:task-1"] == ("VM", ref("app"))
    try:
        await state.run_call("Async.VM.copy", ["x"])
        assert False, "a failed task raises"
    except XapiError as error:
        assert error.code == "SR_FULL"


def test_tasks_page_cancel_and_history():
    state = page_state("tasks")
    task = dict(state.cache.get("task", ref("t1")))
    task["allowed_operations"] = ["cancel"]
    state.cache.apply([{"class": "task", "ref": ref("t1"), "operation": "mod", "snapshot": task}])
    state.versions["task"] = 1
    nodes = tasks.render(state)
    cancel = by_attr(nodes[0], "data-action", "tasks.cancel")
    assert [c[1]["data-ref"] for c in cancel] == [ref("t1")] and cancel[0][1]["aria-label"] == "Cancel Start"
    bars = by_attr(nodes[0], "role", "progressbar")
    assert bars[0][1]["aria-valuenow"] == "42"
    state.cache.apply([{"class": "task", "ref": ref("t1"), "operation": "del"}])
    state.versions["task"] = 2
    text = text_of(tasks.render(state)[0])
    assert "Outcome unknown" in text and "Full copy" in text


async def test_alarms_page_rows_and_dismiss():
    state = page_state("alarms")
    state.client = FakeClient(state.cache)
    nodes = alarms.render(state)
    rows = find_all(nodes[0], lambda n: n[0] == "tr" and n[1].get("key"))
    assert len(rows) == 3 and "Critical" not in text_of(nodes[0]) and "Major" in text_of(rows[-1])
    dismiss = by_attr(nodes[0], "data-action", "alarms.dismiss")
    assert dismiss[-1][1]["aria-label"] == "Dismiss Host clock skew detected on xcp-ng-01"
    await settle(alarms.actions["alarms.dismiss"](state, {"data": {"ref": ref("m3")}}))
    assert state.client.calls == [("message.destroy", [ref("m3")])]


async def test_names_are_bounded_before_any_call_in_every_dialog():
    state, vm_ref = vm_state("app-01")
    act(state, "vm.act", {"data": {"op": "snapshot", "ref": vm_ref}})
    await settle(act(state, "dialog.submit", {"form": {"name": "x" * 400000}}))
    assert state.client.calls == [] and dialogs.current(state)["error"]["text"] == "At most 255 characters."
    dialogs.close(state)
    act(state, "vm.act", {"data": {"op": "copy", "ref": vm_ref}})
    await settle(act(state, "dialog.submit", {"form": {"name": "   "}}))
    assert state.client.calls == [] and dialogs.current(state)["error"]["text"] == "The name cannot be empty."


async def test_absurd_memory_is_refused_and_more_than_any_host_asks_first():
    state, vm_ref = vm_state("app-01", HVM_boot_policy="BIOS order", HVM_boot_params={"order": "cd"},
                             memory_static_min=2 ** 30, memory_dynamic_min=2 * 2 ** 30)
    spec = vm_edit.open_edit(state, vm_ref, state.cache.get("VM", vm_ref))
    dialogs.render(state)
    spec["memory"] = "100000000000000000000 TiB"
    await settle(act(state, "dialog.submit", {"form": {}}))
    assert state.client.calls == [] and spec["errors"]["memory"].startswith("This is more than XAPI can store")
    spec["memory"] = "1 TiB"  # the fixture's largest host has 64 GiB
    await settle(act(state, "dialog.submit", {"form": {}}))
    assert state.client.calls == [] and "No host of the pool has this much memory" in spec["warnings"]["memory"]
    assert "No host of the pool" in text_of(dialogs.render(state)[0])
    await settle(act(state, "dialog.submit", {"form": {}}))  # seen: the second Save goes ahead
    assert [c[0] for c in state.client.calls] == ["VM.set_memory_limits"]


async def test_a_host_xapi_refuses_is_offered_disabled_with_its_reason():
    state, vm_ref = vm_state("app-01")
    state.client.fail = lambda method, args: ["VM_REQUIRES_SR", vm_ref, ref("local1")] \
        if method == "VM.assert_can_boot_here" and args[1] == ref("h2") else None
    await settle(act(state, "vm.act", {"data": {"op": "start_on", "ref": vm_ref}}))
    assert [c for c in state.client.calls if c[0] == "VM.assert_can_boot_here"], "XAPI was asked per host"
    radios = dict((r[1]["value"], r) for r in by_attr(dialogs.render(state)[0], "name", "host"))
    assert "disabled" not in radios[ref("h1")][1] and "disabled" in radios[ref("h2")][1]
    assert "needs the storage repository" in text_of(dialogs.render(state)[0])
    await settle(act(state, "dialog.submit", {"form": {"host": ref("h2")}}))
    assert not [c for c in state.client.calls if c[0] == "Async.VM.start_on"], "a refused host is never sent"
