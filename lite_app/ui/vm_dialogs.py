"""Dialogs of the VM toolbar that ask one question before a task: start on a host, migrate (a host
picker showing each host's free memory), take a snapshot (its name), fast clone or full copy (a name
and, for a full copy, the storage repository).

Each runs its call through lite_app.ui.dialogs.run: the dialog shows the task's progress, closes when
it succeeded and keeps XAPI's error otherwise. Choices that cannot work (a host without the memory,
an SR without the space) are listed but disabled, with the reason, so the user sees why.
"""
import asyncio

from lite_app.logic import limits, vm_actions
from lite_app.logic.vm_rules import vm_action_state
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h
from lite_app.xapi.errors import TransportError, XapiError


def field_error(spec, key, message):
    spec["error"] = {"text": message, "code": None, "params": []}
    spec["field_error"] = key
    return None


def text_field(state, spec, name, label, value):
    invalid = spec.get("field_error") == name
    return w.required(h("label", {"class": "xl-field"}, h("span", {"class": "xl-field-label"}, label),
                        h("input", {"type": "text", "name": name, "value": value, "autocomplete": "off",
                                    "spellcheck": "false", "data-autofocus": "1",
                                    "aria-invalid": "true" if invalid else None,
                                    "aria-describedby": dialogs.ERROR_ID if invalid else None,
                                    "data-action": "dialog.input", "data-field": name})))


def radio(name, value, label, checked, disabled=False, note=None, action=None):
    return h("label", {"class": "xl-choice" + (" xl-choice-off" if disabled else "")},
             h("input", {"type": "radio", "name": name, "value": value, "checked": checked,
                         "disabled": disabled, "data-action": action}),
             h("span", None, label), h("span", {"class": "xu-muted"}, note) if note else None)


# ---- host picker: start on, migrate --------------------------------------------------------------
def host_note(state, spec, choice):
    """(usable, the words beside a host): its free memory, then what XAPI said of booting the VM there."""
    t = state.t
    free = t("action.migrate.free", size=fmt.size(choice["free"]))
    checks = spec.get("checks") or {}
    if not choice["fits"]:
        return False, free + " \u2013 " + t("action.migrate.no_room")
    if choice["ref"] not in checks:
        return False, free + " \u2013 " + t("action.host.checking")
    if checks[choice["ref"]] is not None:
        return False, checks[choice["ref"]]["text"]
    return True, free


def host_choices(state, spec):
    """The pool's other hosts; one is offered only once XAPI said the VM can boot there
    (VM.assert_can_boot_here: its disks' SRs and networks reachable, memory, host enabled)."""
    t = state.t
    targets = vm_actions.migrate_targets(state.cache, spec["vm"])
    if not targets:
        return [h("p", {"class": "xl-empty"}, t("action.migrate.none"))]
    notes = [(c, host_note(state, spec, c)) for c in targets]
    usable = [c["ref"] for c, (ok, _note) in notes if ok]
    chosen = spec.get("host") if spec.get("host") in usable else (usable[0] if usable else "")
    items = [radio("host", c["ref"], c["name"], c["ref"] == chosen, not ok, note, "vmdlg.host")
             for c, (ok, note) in notes]
    return [h("fieldset", {"class": "xl-choices"}, h("legend", None, t("dlg.host")), items)]


async def check_hosts(state, spec):
    """Ask XAPI, for every candidate host at once, whether the VM can boot there; the answers (None, or the
    refusal as a sentence) land in spec["checks"] for the picker."""
    targets = [c["ref"] for c in vm_actions.migrate_targets(state.cache, spec["vm"]) if c["fits"]]

    async def check(host):
        try:
            await state.client.call("VM.assert_can_boot_here", spec["vm"], host)
            return None
        except (XapiError, TransportError) as error:
            return dialogs.failure(state, error)
    results = await asyncio.gather(*[check(host) for host in targets])
    checks = {}
    for host, result in zip(targets, results):
        checks[host] = result
    spec["checks"] = checks


def host_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"]) or {}
    verb = "dlg.start_on" if spec["op"] == "start_on" else "dlg.migrate"
    sentence = t(verb + ".text", vm=vm.get("name_label") or "")
    return (t(verb), [dialogs.description(sentence)] + host_choices(state, spec),
            [dialogs.submit_button(state, spec, t(verb + ".submit")), dialogs.cancel_button(state)])


def host_submit(state, spec, form):
    host = form.get("host") or spec.get("host")
    if not host or (spec.get("checks") or {}).get(host, False) is not None:
        return field_error(spec, "host", state.t("dlg.choose_host"))
    if spec["op"] == "start_on":
        call = vm_actions.power_call("start_on", spec["vm"], host)
    else:
        call = vm_actions.migrate_call(spec["vm"], host)
    return dialogs.run(state, spec, [call])


def on_host(state, payload):
    spec = dialogs.current(state)
    if spec is not None:
        spec["host"] = payload.get("value")


def open_start_on(state, ref, vm):
    return check_hosts(state, dialogs.show(state, "vm.host", vm=ref, op="start_on", checks={}))


def open_migrate(state, ref, vm):
    return check_hosts(state, dialogs.show(state, "vm.host", vm=ref, op="migrate", checks={}))


# ---- snapshot ------------------------------------------------------------------------------------
def open_snapshot(state, ref, vm):
    stamp = fmt.stamp(state.now)
    dialogs.show(state, "vm.snapshot", vm=ref, name=vm_actions.snapshot_name(vm.get("name_label") or "", stamp))


def snapshot_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"]) or {}
    return (t("dlg.snapshot"),
            [dialogs.description(t("dlg.snapshot.text", vm=vm.get("name_label") or "")),
             w.required_note(state), text_field(state, spec, "name", t("action.snapshot.prompt"), spec["name"])],
            [dialogs.submit_button(state, spec, t("dlg.snapshot.submit")), dialogs.cancel_button(state)])


def name_refused(state, spec, form):
    """Keep what was typed; mark the field and answer True when it is no name XAPI can take."""
    spec["name"] = form.get("name") or ""
    error = limits.name_error(spec["name"])
    if error is None:
        return False
    field_error(spec, "name", state.t(error[0], **error[1]))
    return True


def snapshot_submit(state, spec, form):
    if name_refused(state, spec, form):
        return None
    return dialogs.run(state, spec, [vm_actions.snapshot_call(spec["vm"], spec["name"].strip())])


# ---- fast clone / full copy ----------------------------------------------------------------------
def open_copy(state, ref, vm):
    fast = vm_action_state(vm, "clone")[0]
    dialogs.show(state, "vm.copy", vm=ref, name=vm_actions.copy_name(vm.get("name_label") or "", state.t),
                 mode="fast" if fast else "full", size="wide")


def sr_select(state, spec):
    t = state.t
    options = []
    for target in vm_actions.copy_targets(state.cache, spec["vm"]):
        note = t("action.migrate.free", size=fmt.size(target["free"]))
        if not target["fits"]:
            note += " \u2013 " + t("action.copy.no_room")
        options.append(h("option", {"value": target["ref"], "disabled": not target["fits"],
                                    "selected": target["ref"] == spec.get("sr")},
                         target["name"] + " (" + note + ")"))
    return h("label", {"class": "xl-field"}, h("span", {"class": "xl-field-label"}, t("dlg.copy.sr")),
             h("select", {"name": "sr", "class": "xl-select", "data-action": "dialog.input", "data-field": "sr"},
               options))


def copy_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"]) or {}
    fast_ok = vm_action_state(vm, "clone")[0]
    modes = h("fieldset", {"class": "xl-choices"}, h("legend", None, t("dlg.copy.mode")),
              radio("mode", "fast", t("action.copy.fast"), spec["mode"] == "fast", not fast_ok,
                    action="vmdlg.mode"),
              radio("mode", "full", t("action.copy.full"), spec["mode"] == "full", action="vmdlg.mode"))
    body = [dialogs.description(t("dlg.copy.text", vm=vm.get("name_label") or "")),
            w.required_note(state), text_field(state, spec, "name", t("dlg.copy.name"), spec["name"]), modes,
            sr_select(state, spec) if spec["mode"] == "full" else None]
    return (t("dlg.copy"), body, [dialogs.submit_button(state, spec, t("dlg.copy.submit")),
                                  dialogs.cancel_button(state)])


def copy_submit(state, spec, form):
    if name_refused(state, spec, form):
        return None
    name = spec["name"].strip()
    if spec["mode"] == "fast":
        call = vm_actions.clone_call(spec["vm"], name)
    else:
        if not form.get("sr"):
            return field_error(spec, "sr", state.t("dlg.copy.no_sr"))
        call = vm_actions.copy_call(spec["vm"], name, form.get("sr"))
    return dialogs.run(state, spec, [call])


def on_mode(state, payload):
    spec = dialogs.current(state, "vm.copy")
    if spec is not None and payload.get("value") in ("fast", "full"):
        spec["mode"] = payload.get("value")


dialogs.register("vm.host", host_render, host_submit, {"vmdlg.host": on_host})
dialogs.register("vm.snapshot", snapshot_render, snapshot_submit)
dialogs.register("vm.copy", copy_render, copy_submit, {"vmdlg.mode": on_mode})
