"""Keyboard use in the views and the shell: the shortcuts ("g v", "/", "?") and their help dialog, the VM list's
roving row (one Tab stop, arrows move it and scroll, Enter opens, Space selects), the console's release hint,
and the live announcement of task outcomes."""
from shellfakes import FakeEnv, PASSWORD, PoolXapi
from views_fixture import page_state

from lite_app.logic import keys, routes
from lite_app.shell import dispatch
from lite_app.shell.controller import Controller
from lite_app.ui import dialogs, frame, help, vmlist
from lite_app.ui.vdom import by_attr, find_all, text_of


async def signed_in():
    env = FakeEnv(PoolXapi())
    controller = Controller(env)
    await controller.login({"username": "root", "password": PASSWORD})
    for coroutine in env.spawned:
        coroutine.close()
    env.spawned = []
    return env, controller


def key(name):
    return '{"action": "shell.key", "type": "key", "key": "%s", "data": {}}' % name


async def test_shortcuts_navigate_and_open_the_help():
    env, controller = await signed_in()
    dispatch.dispatch(controller, key("g"))
    dispatch.dispatch(controller, key("s"))
    assert env.hash_text == "#/storage"
    dispatch.dispatch(controller, key("?"))
    await env.run_spawned()
    assert dialogs.current(controller.state, help.KIND) is not None
    dialogs.close(controller.state)
    dispatch.dispatch(controller, key("n"))
    assert env.hash_text == "#/new-vm"


async def test_slash_goes_to_the_vm_list_and_focuses_its_search_once_shown():
    env, controller = await signed_in()
    dispatch.dispatch(controller, key("/"))
    assert env.hash_text == "#/vms"
    assert controller.state.focus_next == ("vms", "xl-vmlist-search")
    controller.render_now()  # still the dashboard: the focus waits for the VM list
    assert env.focused != "xl-vmlist-search"
    dispatch.navigate(controller, "#/vms")
    controller.render_now()
    assert env.focused == "xl-vmlist-search" and controller.state.focus_next is None


def test_the_help_dialog_lists_every_shortcut_and_the_console_key():
    state = page_state()
    help.open_help(state)
    nodes = dialogs.render(state)
    text = text_of(["div", {}, nodes])
    assert "Keyboard shortcuts" in text and "Ctrl+Alt+Shift" in text and "Go to storage" in text
    captions = [text_of(c) for c in find_all(["div", {}, nodes], lambda n: n[0] == "caption")]
    assert captions == ["Anywhere", "In some places"]
    kbds = [text_of(k) for k in find_all(["div", {}, nodes], lambda n: n[0] == "kbd")]
    assert sorted(help.SAYS) == sorted(text for text, _name, _arg in keys.SHORTCUTS)
    for written, _name, _arg in keys.SHORTCUTS:
        for one in keys.parse(written):
            assert one in kbds


def test_the_top_bar_has_a_shortcuts_button():
    state = page_state()
    state.user = "root"
    button = by_attr(["div", {}, frame.top_bar(state)], "data-action", "shell.help")[0]
    assert button[1]["aria-label"] == "Keyboard shortcuts" and button[1]["aria-keyshortcuts"] == "?"


def rows(nodes):
    return by_attr(["div", {}, nodes], "data-action", "vmlist.row")


def test_the_vm_list_is_one_tab_stop_and_its_rows_move_with_the_arrows():
    state = page_state("vms")
    first = rows(vmlist.render(state))
    stops = [r for r in first if r[1]["tabindex"] == "0"]
    assert len(stops) == 1 and stops[0] is first[0]
    links = find_all(first[0], lambda n: n[0] in ("a", "button"))
    assert links and all(n[1].get("tabindex") == "-1" for n in links)  # the row's controls: mouse only
    refs = vmlist.selected(state)[0]
    vmlist.on_row(state, {"type": "key", "key": "ArrowDown", "data": {"ref": refs[0]}})
    assert state.ui[vmlist.CURSOR] == refs[1]
    uuid = state.cache.get("VM", refs[1])["uuid"]
    assert state.focus_next == (None, "xl-vmrow-" + uuid)
    again = rows(vmlist.render(state))
    assert [r[1]["data-ref"] for r in again if r[1]["tabindex"] == "0"] == [refs[1]]
    vmlist.on_row(state, {"type": "key", "key": "End", "data": {"ref": refs[1]}})
    assert state.ui[vmlist.CURSOR] == refs[-1]


def test_enter_opens_the_row_and_space_selects_it():
    state = page_state("vms")
    refs = vmlist.selected(state)[0]
    vmlist.on_row(state, {"type": "key", "key": "Space", "data": {"ref": refs[0]}})
    checkbox = by_attr(["div", {}, vmlist.render(state)], "data-ref", refs[0])
    assert [c[1]["aria-checked"] for c in checkbox if c[1].get("role") == "checkbox"] == ["true"]
    vmlist.on_row(state, {"type": "key", "key": "Enter", "data": {"ref": refs[0]}})
    assert state.goto == routes.build("vm", {"uuid": state.cache.get("VM", refs[0])["uuid"]})


def test_the_list_scrolls_to_a_row_far_below():
    state = page_state("vms")
    state.ui["vmlist.scroll"] = [0, 88]  # two rows fit
    refs = vmlist.selected(state)[0]
    vmlist.on_row(state, {"type": "key", "key": "End", "data": {"ref": refs[0]}})
    assert state.ui["vmlist.scroll"][0] == max(0, len(refs) * vmlist.ROW_HEIGHT - 88)


def test_a_finished_task_is_announced_once():
    state = page_state()
    state.versions = {"task": 1}
    assert text_of(frame.announcement(state)) == ""  # what finished before the visit is not news
    task = {"uuid": "t-9", "name_label": "Async.VM.clean_reboot", "status": "success", "progress": 1.0,
            "created": "20250615T15:00:00Z", "finished": "20250615T15:01:00Z", "subtask_of": "OpaqueRef:NULL",
            "allowed_operations": [], "error_info": [], "result": ""}
    state.cache.load("task", dict(state.cache.all("task"), **{"OpaqueRef:t9": task}))
    state.versions = {"task": 2}
    said = text_of(frame.announcement(state))
    assert said.endswith("succeeded.") and said.startswith("Reboot")
    assert frame.announcement(state)[1]["id"] == "xl-announce"


def test_required_fields_are_marked_and_the_mark_explained():
    from lite_app.ui import vm_dialogs  # noqa: F401  (registers the VM dialogs)
    state = page_state("vm", {"uuid": "uuid-web-01"})
    vm_ref = state.cache.ref_by_uuid("VM", "uuid-web-01")
    dialogs.show(state, "vm.snapshot", vm=vm_ref, name="")
    spec = dialogs.current(state)
    spec["field_error"], spec["error"] = "name", {"text": "The name cannot be empty.", "code": None, "params": []}
    root = ["div", {}, dialogs.render(state)]
    field = find_all(root, lambda n: n[0] == "input" and n[1].get("name") == "name")[0]
    assert field[1]["aria-required"] == "true" and field[1]["aria-invalid"] == "true"
    assert field[1]["aria-describedby"] == dialogs.ERROR_ID
    assert by_attr(root, "id", dialogs.ERROR_ID)[0][1]["role"] == "alert"
    marks = find_all(root, lambda n: n[1].get("class") == "xl-required")
    assert len(marks) == 2 and marks[1][1]["aria-hidden"] == "true"  # the note's star, then the field's
    assert "marks a required field." in text_of(root)
