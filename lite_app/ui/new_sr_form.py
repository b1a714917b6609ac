"""The New SR page's form: what the person typed, kept in state.ui while the visit lasts, and the
name suggested from the location until they type one (lite_app/ui/new_sr.py draws it)."""
from lite_app.logic import sr_create

FORM = "newsr.form"


def form(state):
    """The form's values (kind, location fields, host, scope, name, description, errors...)."""
    found = state.ui.get(FORM)
    if found is None:
        found = state.ui[FORM] = {"kind": "", "scope": "shared", "nfs_version": "3", "name_auto": True,
                                  "errors": {}}
    return found


def clear(state):
    """Forget the form (after the SR was made: nothing typed, the password least of all, stays)."""
    state.ui.pop(FORM, None)


def effective_name(state, values):
    """What was typed, or a name made from the location until the person types one."""
    if not values.get("name_auto"):
        return values.get("name") or ""
    where = sr_create.location_text(values["kind"], values) if values.get("kind") else ""
    return state.t("newsr.suggested", kind=state.t("newsr.kind." + values["kind"]), where=where) if where else ""
