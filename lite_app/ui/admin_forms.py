"""Form parts of the network, host and pool dialogs: fields with their errors, choices, a tags editor, a
confirmation typed by the user, toolbar buttons that say why they are refused, and running a job.

Pure vdom. A dialog's spec (lite_app/ui/dialogs.py) keeps what the user typed (`dialog.input` writes each
`data-field`) and `errors` {field: sentence}; a field with an error is aria-invalid and described by it.
`run_job` runs a lite_app.logic.jobs job from a dialog: busy with the job's progress while it runs,
closed on success, else the step's failure as a sentence plus what was undone (or could not be).
"""
from lite_app.ui import dialogs
from lite_app.ui.vdom import h


def translated(state, errors):
    """{field: sentence} of {field: (key, params)}."""
    out = {}
    for field in errors:
        key, params = errors[field]
        out[field] = state.t(key, **params)
    return out


def refuse(state, spec, errors):
    """Mark the fields and keep the dialog open; nothing is sent."""
    spec["errors"] = translated(state, errors)
    spec["error"] = {"text": state.t("edit.refused"), "code": None, "params": []}
    return None


def described(name, error, hint):
    ids = [i for i in (("err-" + name) if error else None, ("hint-" + name) if hint else None) if i]
    return " ".join(ids) or None


def notes(name, error, hint):
    return [h("span", {"id": "hint-" + name, "class": "xl-field-hint"}, hint) if hint else None,
            h("span", {"id": "err-" + name, "class": "xl-field-error"}, error) if error else None]


def field(state, spec, name, label, kind="text", hint=None, focus=False):
    """A labelled input kept in spec[name]."""
    error = (spec.get("errors") or {}).get(name)
    attrs = {"type": kind, "id": "f-" + name, "name": name, "value": spec.get(name) or "", "autocomplete": "off",
             "spellcheck": "false", "data-action": "dialog.input", "data-field": name,
             "aria-invalid": "true" if error else None, "aria-describedby": described(name, error, hint),
             "data-autofocus": "1" if focus else None}
    return h("div", {"class": "xl-field"}, h("label", {"class": "xl-field-label", "for": "f-" + name}, label),
             h("input", attrs), notes(name, error, hint))


def select(state, spec, name, label, options, hint=None):
    """A labelled select of (value, text, disabled) options kept in spec[name]."""
    error = (spec.get("errors") or {}).get(name)
    items = [h("option", {"value": value, "selected": value == spec.get(name), "disabled": off}, text)
             for value, text, off in options]
    return h("div", {"class": "xl-field"}, h("label", {"class": "xl-field-label", "for": "f-" + name}, label),
             h("select", {"id": "f-" + name, "name": name, "class": "xl-select", "data-action": "dialog.input",
                          "data-field": name, "aria-invalid": "true" if error else None,
                          "aria-describedby": described(name, error, hint)}, items),
             notes(name, error, hint))


def choices(state, spec, name, legend, options, action):
    """Radio buttons of (value, text, note, disabled) kept in spec[name] by `action`."""
    error = (spec.get("errors") or {}).get(name)
    items = [h("label", {"class": "xl-choice" + (" xl-choice-off" if off else ""), "key": value},
               h("input", {"type": "radio", "name": name, "value": value, "checked": spec.get(name) == value,
                           "disabled": off, "data-action": action, "data-field": name, "aria-label": text,
                           "aria-describedby": note_id(name, value) if note else None}),
               h("span", None, text), choice_note(name, value, note))
             for value, text, note, off in options]
    return h("fieldset", {"class": "xl-choices", "aria-describedby": "err-" + name if error else None},
             h("legend", None, legend), items, notes(name, error, None))


def note_id(name, value):
    return "note-" + name + "-" + value


def choice_note(name, value, note):
    """An option's note, under it: its description (aria-describedby), not part of its name."""
    return h("span", {"id": note_id(name, value), "class": "xl-choice-note xu-muted"}, note) if note else None


def on_choice(kind):
    """The action keeping a radio's value in the open dialog's spec (its data-field)."""
    def handler(state, payload):
        spec = dialogs.current(state, kind)
        field_name = (payload.get("data") or {}).get("field")
        if spec is not None and field_name:
            spec[field_name] = payload.get("value") or ""
    return handler


def confirm(state, spec, host_name):
    """The field where the user types the host's name to confirm."""
    return field(state, spec, "confirm", state.t("adm.confirm.label", name=host_name),
                 hint=state.t("adm.confirm.hint"))


# ---- tags ------------------------------------------------------------------------------------------
def tags_editor(state, spec):
    t = state.t
    error = (spec.get("errors") or {}).get("tags")
    chips = [h("li", {"class": "xl-tag xl-tag-edit", "key": tag}, tag,
               h("button", {"type": "button", "class": "xl-tag-remove", "data-action": "admform.tag_remove",
                            "data-tag": tag, "aria-label": t("edit.tag_remove", tag=tag)}, "\u00d7"))
             for tag in spec.get("tags") or []]
    return h("fieldset", {"class": "xl-choices"}, h("legend", None, t("edit.tags")),
             h("ul", {"class": "xl-tags", "aria-label": t("edit.tags")}, chips) if chips else None,
             h("div", {"class": "xl-tag-add"},
               h("input", {"type": "text", "value": spec.get("tag_draft") or "", "aria-label": t("edit.tag_new"),
                           "data-action": "dialog.input", "data-field": "tag_draft", "autocomplete": "off",
                           "aria-invalid": "true" if error else None,
                           "aria-describedby": "err-tags" if error else None}),
               h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "admform.tag_add"},
                 t("edit.tag_add"))), notes("tags", error, None))


def tag_actions(kind, check):
    """The tag editor's actions for dialog `kind`; `check(tag)` -> (key, params) or None."""
    def add(state, payload):
        spec = dialogs.current(state, kind)
        if spec is None:
            return
        tag = (spec.get("tag_draft") or "").strip()
        error = check(tag) or (("adm.valid.tag_duplicate", {"tag": tag}) if tag in spec.get("tags", []) else None)
        spec["errors"] = dict(spec.get("errors") or {})
        if error is not None:
            spec["errors"]["tags"] = state.t(error[0], **error[1])
            return
        spec["errors"].pop("tags", None)
        spec["tags"] = sorted((spec.get("tags") or []) + [tag])
        spec["tag_draft"] = ""

    def remove(state, payload):
        spec = dialogs.current(state, kind)
        tag = (payload.get("data") or {}).get("tag")
        if spec is not None:
            spec["tags"] = [t for t in spec.get("tags") or [] if t != tag]
    return {"admform.tag_add": add, "admform.tag_remove": remove}


# ---- toolbars --------------------------------------------------------------------------------------
def action_button(state, action, op, label, allowed, reason, busy=False, data=None):
    """A toolbar button keyed by its operation; a refused one is aria-disabled with its reason (title and
    a described-by text), a busy one shows a spinner."""
    reason_id = "why-" + op
    attrs = {"type": "button", "class": "xl-button xl-quiet", "data-action": action, "data-op": op, "key": "act-" + op}
    for key in data or {}:
        attrs["data-" + key] = data[key]
    if busy:
        attrs.update({"aria-disabled": "true", "aria-busy": "true", "title": state.t("act.busy")})
    elif not allowed:
        attrs.update({"aria-disabled": "true", "title": reason, "aria-describedby": reason_id})
    return [h("button", attrs, h("span", {"class": "xl-spinner", "aria-hidden": "true"}) if busy else None, label),
            None if allowed or busy else h("span", {"id": reason_id, "class": "xu-sr-only", "key": "why-" + op}, reason)]


def toolbar(label, buttons):
    return h("div", {"class": "xl-actions", "role": "toolbar", "aria-label": label, "key": "toolbar"},
             h("div", {"class": "xl-action-group"}, buttons))


def plain_list(items, label=None):
    return h("ul", {"class": "xu-plain xl-dialog-list", "aria-label": label}, [h("li", None, item) for item in items])


# ---- running ---------------------------------------------------------------------------------------
def run_job(state, spec, job, after=None):
    """Run `job` from the dialog `spec` through dialogs.run_job (busy, closed on success, else the step's
    failure and what was taken back); `after(ok)` runs when it ended, either way."""
    return _after(dialogs.run_job(state, spec, job), after)


async def _after(running, after):
    ok = await running
    if after is not None:
        after(ok)
    return ok
