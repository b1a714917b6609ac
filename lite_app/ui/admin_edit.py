"""The Edit dialog of a host, a network and the pool: name, description, tags, and each one's setting
(the host's remote syslog server, the network's MTU with what a new MTU means, the pool's default
storage). Checked by lite_app.logic.admin_edit before any call; only changed fields are sent.
"""
from lite_app.logic import admin_edit as logic
from lite_app.ui import admin_forms as form
from lite_app.ui import dialogs
from lite_app.ui import widgets as w

KIND = "adm.edit"
TITLES = {"host": "adm.edit.host", "network": "adm.edit.network", "pool": "adm.edit.pool"}


def open_edit(state, cls, ref):
    record = state.cache.get(cls, ref) or {}
    spec = dialogs.show(state, KIND, cls=cls, ref=ref, errors={}, tag_draft="", size="wide")
    spec.update(logic.initial(cls, record))
    if cls == "host" and "logging" not in record:
        state.request_record("host", ref)
        spec["syslog_pending"] = True
    return spec


def settle_syslog(state, spec, record):
    """A host's logging map arrives with its whole record: take it once, unless the user typed meanwhile."""
    if spec.get("syslog_pending") and "logging" in record:
        spec["syslog_pending"] = False
        if not spec.get("syslog"):
            spec["syslog"] = logic.initial("host", record)["syslog"]


def extra_field(state, spec, record):
    t = state.t
    if spec["cls"] == "host":
        settle_syslog(state, spec, record)
        return form.field(state, spec, "syslog", t("adm.edit.syslog"), hint=t("adm.edit.syslog_hint"))
    if spec["cls"] == "network":
        return form.field(state, spec, "mtu", t("adm.edit.mtu"), "number", t("adm.edit.mtu_hint"))
    options = [(ref, name, False) for ref, name in logic.sr_choices(state.cache)]
    return form.select(state, spec, "sr", t("adm.edit.default_sr"), [("", t("adm.edit.no_sr"), True)] + options,
                       t("adm.edit.default_sr_hint"))


def edit_render(state, spec):
    t = state.t
    record = state.cache.get(spec["cls"], spec["ref"])
    title = t(TITLES[spec["cls"]])
    if record is None:
        return title, [dialogs.description(t("page.missing"))], [dialogs.cancel_button(state)]
    body = [dialogs.description(t("adm.edit.text", name=record.get("name_label") or "")),
            w.required_note(state), w.required(form.field(state, spec, "name", t("edit.name"), focus=True)),
            form.field(state, spec, "description", t("edit.description")),
            form.tags_editor(state, spec), extra_field(state, spec, record)]
    return title, body, [dialogs.submit_button(state, spec, t("edit.save")), dialogs.cancel_button(state)]


def edit_submit(state, spec, typed):
    record = state.cache.get(spec["cls"], spec["ref"])
    if record is None:
        return None
    values = dict(spec)
    for name in typed:
        values[name] = typed[name]
    errors, calls = logic.edit_calls(spec["cls"], spec["ref"], record, values)
    if errors:
        return form.refuse(state, spec, errors)
    spec["errors"] = {}
    if not calls:
        dialogs.close(state)
        return None
    return dialogs.run(state, spec, calls)


dialogs.register(KIND, edit_render, edit_submit, form.tag_actions(KIND, logic.tag_error))
