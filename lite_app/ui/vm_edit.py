"""Editing a VM: name, description, tags, vCPUs, memory, auto power-on and boot order, in one dialog.

Every field is checked by lite_app.logic.vm_edit before any call; a refused value is marked (aria-invalid,
its message tied to the field with aria-describedby) and nothing is sent. Only the fields the user
changed produce calls (a memory field left as shown must not rewrite the static limits). The calls then
run in order; a failure from XAPI stays in the dialog as a sentence with its code and params. What
the user typed lives in the dialog's spec (lite_app.ui.dialogs), so a live re-render never resets it.
"""
from lite_app.logic import limits
from lite_app.logic import vm_edit as validate
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

# (field, label key, check) in the order the calls run.
FIELDS = (("name", "edit.name"), ("description", "edit.description"), ("tags", "edit.tags"),
          ("vcpus", "edit.vcpus"), ("vcpus_max", "edit.vcpus_max"), ("memory", "edit.memory"),
          ("auto_poweron", "edit.auto_poweron"), ("boot_order", "edit.boot_order"))
NEEDED = ("power_state", "VCPUs_max", "VCPUs_at_startup", "HVM_boot_policy", "HVM_boot_params",
          "other_config") + validate.MEMORY_FIELDS


def initial_values(vm):
    return {"name": vm.get("name_label") or "", "description": vm.get("name_description") or "",
            "tags": sorted(vm.get("tags") or []), "vcpus": str(vm.get("VCPUs_at_startup") or ""),
            "vcpus_max": str(vm.get("VCPUs_max") or ""), "memory": fmt.size(vm.get("memory_dynamic_max") or 0),
            "auto_poweron": (vm.get("other_config") or {}).get("auto_poweron") == "true",
            "boot_order": (vm.get("HVM_boot_params") or {}).get("order") or ""}


def open_edit(state, ref, vm):
    spec = dialogs.show(state, "vm.edit", vm=ref, errors={}, tag_draft="", size="wide")
    if validate.incomplete(vm, NEEDED) is not None:
        state.request_record("VM", ref)
    return spec


def ensure_values(spec, vm):
    """Take the VM's values once its whole record is there (the typed ones win from then on)."""
    if "initial" not in spec and validate.incomplete(vm, NEEDED) is None:
        spec["initial"] = initial_values(vm)
        for field in spec["initial"]:
            spec[field] = list(spec["initial"][field]) if field == "tags" else spec["initial"][field]


def field(state, spec, name, label_key, kind="text", hint=None):
    error = (spec.get("errors") or {}).get(name)
    warning = None if error else (spec.get("warnings") or {}).get(name)
    error_id = "edit-error-" + name
    hint_id = "edit-hint-" + name if hint else None
    described = " ".join([i for i in (error_id if error or warning else None, hint_id) if i]) or None
    attrs = {"type": kind, "name": name, "id": "edit-" + name, "value": spec.get(name) or "", "autocomplete": "off",
             "spellcheck": "false", "data-action": "dialog.input", "data-field": name,
             "aria-invalid": "true" if error else None, "aria-describedby": described}
    if kind == "number":  # no min/max: the browser's own check would stop the submit without our message
        attrs["step"] = "1"
    # The label holds only its text: the hint and the error are the field's description, not its name.
    return h("div", {"class": "xl-field"}, h("label", {"class": "xl-field-label", "for": "edit-" + name},
                                             state.t(label_key)),
             h("input", attrs),
             h("span", {"id": hint_id, "class": "xl-field-hint"}, hint) if hint else None,
             h("span", {"id": error_id, "class": "xl-field-error"}, error) if error else None,
             h("span", {"id": error_id, "class": "xl-field-warning", "role": "status"}, warning) if warning else None)


def tags_editor(state, spec):
    t = state.t
    error = (spec.get("errors") or {}).get("tags")
    chips = [h("li", {"class": "xl-tag xl-tag-edit", "key": tag}, tag,
               h("button", {"type": "button", "class": "xl-tag-remove", "data-action": "vmedit.tag_remove",
                            "data-tag": tag, "aria-label": t("edit.tag_remove", tag=tag)}, "\u00d7"))
             for tag in spec.get("tags") or []]
    return h("fieldset", {"class": "xl-choices"}, h("legend", None, t("edit.tags")),
             h("ul", {"class": "xl-tags", "aria-label": t("edit.tags")}, chips) if chips else None,
             h("div", {"class": "xl-tag-add"},
               h("input", {"type": "text", "value": spec.get("tag_draft") or "", "aria-label": t("edit.tag_new"),
                           "data-action": "dialog.input", "data-field": "tag_draft", "autocomplete": "off",
                           "aria-invalid": "true" if error else None,
                           "aria-describedby": "edit-error-tags" if error else None}),
               h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "vmedit.tag_add"},
                 t("edit.tag_add"))),
             h("span", {"id": "edit-error-tags", "class": "xl-field-error"}, error) if error else None)


def edit_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"])
    buttons = [dialogs.cancel_button(state)]
    if vm is None:
        return t("dlg.edit"), [dialogs.description(t("page.missing"))], buttons
    ensure_values(spec, vm)
    if "initial" not in spec:
        return t("dlg.edit"), [h("p", {"class": "xl-empty", "aria-busy": "true"}, t("view.loading"))], buttons
    halted = vm.get("power_state") == "Halted"
    body = [dialogs.description(t("dlg.edit.text", vm=vm.get("name_label") or "")),
            w.required_note(state),
            w.required(field(state, spec, "name", "edit.name")), field(state, spec, "description", "edit.description"),
            tags_editor(state, spec),
            h("div", {"class": "xl-field-row"},
              field(state, spec, "vcpus", "edit.vcpus", "number"),
              field(state, spec, "vcpus_max", "edit.vcpus_max", "number",
                    None if halted else t("edit.halted_only"))),
            field(state, spec, "memory", "edit.memory", hint=t("edit.memory_hint")),
            h("label", {"class": "xl-check"},
              h("input", {"type": "checkbox", "name": "auto_poweron", "checked": bool(spec.get("auto_poweron")),
                          "data-action": "vmedit.auto"}), t("edit.auto_poweron")),
            field(state, spec, "boot_order", "edit.boot_order", hint=t("edit.boot_hint"))
            if vm.get("HVM_boot_policy") == "BIOS order" else None]
    return t("dlg.edit"), body, [dialogs.submit_button(state, spec, t("edit.save"))] + buttons


def checks(state, spec, vm):
    """[(field, (error, calls))] for the fields the user changed."""
    ref, before = spec["vm"], spec["initial"]
    out = []
    changed = lambda name: spec.get(name) != before[name]  # noqa: E731 - a local predicate
    if changed("name"):
        out.append(("name", validate.name_calls(ref, vm, spec["name"])))
    if changed("description"):
        out.append(("description", validate.description_calls(ref, vm, spec["description"])))
    if changed("tags"):
        out.append(("tags", validate.tags_calls(ref, vm, spec["tags"])))
    if changed("vcpus") or changed("vcpus_max"):
        out.append(("vcpus", validate.vcpus_calls(ref, vm, spec["vcpus"], spec["vcpus_max"])))
    if changed("memory"):
        out.append(("memory", validate.memory_simple_calls(ref, vm, spec["memory"])))
    if changed("auto_poweron"):
        pool_ref, pool = state.cache.first("pool")
        out.append(("auto_poweron", validate.auto_poweron_calls(ref, vm, spec["auto_poweron"], pool_ref, pool)))
    if changed("boot_order"):
        out.append(("boot_order", validate.boot_order_calls(ref, vm, spec["boot_order"])))
    return out


def edit_submit(state, spec, form):
    vm = state.cache.get("VM", spec["vm"])
    if vm is None or "initial" not in spec:
        return None
    if (spec.get("tag_draft") or "").strip():  # Enter in the new tag field: add it, then save
        on_tag_add(state, {})
        if (spec.get("errors") or {}).get("tags"):
            return None
    errors, calls = {}, []
    for name, (error, found) in checks(state, spec, vm):
        if error is not None:
            errors[name] = state.t(error[0], **error[1])
        else:
            calls.extend(found)
    spec["errors"], spec["error"] = errors, None
    if errors:
        spec["error"] = {"text": state.t("edit.refused"), "code": None, "params": []}
        return None
    if warn_first(state, spec):
        return None
    return dialogs.run(state, spec, calls)


def warn_first(state, spec):
    """Advice the user has not seen yet (memory above every host's): show it; the next Save goes ahead."""
    spec["warnings"] = {}
    if spec.get("memory") != spec["initial"]["memory"]:
        size = validate.parse_size(spec.get("memory") or "")
        warning = limits.memory_warning(state.cache, size) if size is not None else None
        if warning is not None:
            spec["warnings"]["memory"] = state.t(warning[0], **warning[1])
    seen = spec.get("warned") == spec["warnings"]
    spec["warned"] = dict(spec["warnings"])
    return bool(spec["warnings"]) and not seen


def on_tag_add(state, payload):
    spec = dialogs.current(state, "vm.edit")
    if spec is None or "initial" not in spec:
        return
    error, _calls = validate.tag_add_calls(spec["vm"], {"tags": spec["tags"]}, spec.get("tag_draft") or "")
    spec["errors"] = dict(spec.get("errors") or {})
    if error is not None:
        spec["errors"]["tags"] = state.t(error[0], **error[1])
        return
    spec["errors"].pop("tags", None)
    spec["tags"] = sorted(spec["tags"] + [spec["tag_draft"].strip()])
    spec["tag_draft"] = ""


def on_tag_remove(state, payload):
    spec = dialogs.current(state, "vm.edit")
    tag = (payload.get("data") or {}).get("tag")
    if spec is not None and "initial" in spec:
        spec["tags"] = [t for t in spec["tags"] if t != tag]


dialogs.register("vm.edit", edit_render, edit_submit,
                 {"vmedit.auto": dialogs.checkbox("vm.edit", "auto_poweron"), "vmedit.tag_add": on_tag_add, "vmedit.tag_remove": on_tag_remove})
