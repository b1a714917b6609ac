"""The New SR page (route `#/new-sr`): choose a kind, say where the storage is, name it, review, create.

The kinds offered are those whose SM driver the pool lists (the SM class, loaded on the first visit)
among lite_app.logic.sr_create's; the page says which ones it offers and why iSCSI and HBA are not.
Where the storage is comes with help from SR.probe (lite_app/ui/new_sr_probe.py): an NFS server's
exports, what an export, share or device already holds (an SR found there can be attached instead of
creating a new one); a local SR's device is chosen from the host's disks (lite_app/ui/new_sr_devices.py). "Review" checks the form and shows exactly the SR.create XAPI will be asked,
secrets hidden (lite_app/ui/new_sr_dialogs.py). What was typed stays in state.ui while the visit lasts.
"""
from lite_app.logic import model, sr_create
from lite_app.ui import fields, new_sr_devices, new_sr_dialogs, new_sr_probe
from lite_app.ui import widgets as w
from lite_app.ui.new_sr_form import effective_name, form
from lite_app.ui.vdom import h

CLASSES = ("SM",)


def supported(state):
    """The SR types the pool's SM drivers handle (None until the SM records are loaded)."""
    if not model.loaded(state.cache, "SM"):
        return None
    table = state.cache.all("SM")
    return sorted(set([table[ref].get("type") for ref in table if table[ref].get("type")]))


def title(state):
    return state.t("newsr.title")


def render(state):
    t = state.t
    types = supported(state)
    values = form(state)
    head = w.page_header("storage", t("newsr.title"), t("newsr.subtitle"))
    if types is None:
        return [h("div", {"class": "xl-page xl-page-new-sr", "key": "new-sr"}, head,
                  w.card("newsr-kind", t("newsr.kind"), w.empty(t("view.loading")), icon="storage"))]
    kinds = sr_create.offered(types)
    if values["kind"] not in kinds:
        values["kind"] = kinds[0] if kinds else ""
    return [h("div", {"class": "xl-page xl-page-new-sr", "key": "new-sr"}, head,
              h("form", {"class": "xl-page", "data-action": "newsr.review", "aria-labelledby": "xl-newsr-heading"},
                h("h2", {"id": "xl-newsr-heading", "class": "xu-sr-only"}, t("newsr.title")),
                kind_card(state, values, kinds, types),
                location_card(state, values) if values["kind"] else None,
                naming_card(state, values) if values["kind"] else None,
                h("div", {"class": "xl-actions"},
                  h("button", {"type": "submit", "class": "xl-button"}, t("newsr.review")) if values["kind"] else None,
                  h("a", {"class": "xl-button xl-quiet", "href": state.href("storage")}, t("dialog.cancel")))))]


def error_of(state, values, name):
    found = (values.get("errors") or {}).get(name)
    return state.t(found[0], **found[1]) if found else None


def kind_card(state, values, kinds, types):
    t = state.t
    options = [(kind, t("newsr.kind." + kind), t("newsr.note." + kind)) for kind in kinds]
    offered = ", ".join([t("newsr.kind." + kind) for kind in kinds])
    missing = sr_create.missing_drivers(types)
    why = t("newsr.no_iscsi", drivers=", ".join(missing), types=", ".join(types)) if missing \
        else t("newsr.iscsi_not_here")
    body = [fields.choices(t("newsr.kind"), "kind", options, values["kind"], "newsr.kind") if options
            else w.empty(t("newsr.none")),
            h("p", {"class": "xl-note"}, t("newsr.offered", kinds=offered or "\u2014")),
            h("p", {"class": "xl-note"}, why)]
    return w.card("newsr-kind", t("newsr.kind"), body, icon="storage")


def text_field(state, values, name, label_key, hint=None, kind="text"):
    return fields.text("newsr-" + name, name, state.t(label_key), values.get(name), error_of(state, values, name),
                       hint, kind, "newsr.input")


def location_card(state, values):
    kind = values["kind"]
    t = state.t
    if kind in ("nfs", "iso_nfs"):
        body = nfs_fields(state, values)
    elif kind in ("smb", "iso_smb"):
        body = [w.required_note(state), w.required(text_field(state, values, "share", "newsr.share", t("newsr.share_hint"))),
                h("div", {"class": "xl-field-row"}, text_field(state, values, "username", "newsr.username"),
                  text_field(state, values, "password", "newsr.password", kind="password"))]
    else:
        body = local_fields(state, values)
    body.append(new_sr_probe.results(state, values))
    if sr_create.can_probe(kind):
        body.append(h("div", {"class": "xl-actions"}, new_sr_probe.check_button(state, values)))
    else:
        body.append(h("p", {"class": "xl-note"}, t("newsr.iso_no_probe")))
    return w.card("newsr-where", t("newsr.where"), body, icon="storage")


def nfs_fields(state, values):
    t = state.t
    versions = [(v, t("newsr.nfs_v", version=v)) for v in sr_create.NFS_VERSIONS]
    return [w.required_note(state),
            h("div", {"class": "xl-field-row"},
              w.required(text_field(state, values, "server", "newsr.server", t("newsr.server_hint"))),
              h("div", {"class": "xl-field xl-field-end"}, new_sr_probe.exports_button(state, values))),
            new_sr_probe.exports_list(state, values),
            h("div", {"class": "xl-field-row"}, w.required(text_field(state, values, "path", "newsr.path", t("newsr.path_hint"))),
              fields.select("newsr-nfs_version", "nfs_version", t("newsr.version"), versions,
                            values.get("nfs_version") or "3", error_of(state, values, "nfs_version"), None,
                            "newsr.input"))]


def host_options(state):
    hosts = state.cache.all("host")
    refs = sorted(hosts, key=lambda ref: model.name_key(hosts[ref]))
    return [("", state.t("newsr.choose_host"))] + [(ref, hosts[ref].get("name_label") or ref) for ref in refs]


def local_fields(state, values):
    """The host, then its devices to choose from (a path to type only when they cannot be listed)."""
    t = state.t
    typed = lambda: w.required(text_field(state, values, "device", "newsr.device", t("newsr.device_hint")))
    in_use = lambda: new_sr_probe.devices_in_use(state, values)
    return [w.required_note(state),
            w.required(fields.select("newsr-host", "host", t("col.host"), host_options(state), values.get("host") or "",
                                     error_of(state, values, "host"), None, "newsr.input"))] + \
        new_sr_devices.render(state, values, typed, in_use)


def naming_card(state, values):
    t = state.t
    kind = values["kind"]
    body = []
    if not sr_create.is_local(kind):
        body.append(fields.choices(t("newsr.scope"), "scope", [("shared", t("newsr.shared"), t("newsr.shared_note")),
                                                               ("host", t("newsr.one_host"), None)],
                                   values.get("scope") or "shared", "newsr.input"))
        if values.get("scope") == "host":
            body.append(fields.select("newsr-host", "host", t("col.host"), host_options(state), values.get("host") or "",
                                      error_of(state, values, "host"), None, "newsr.input"))
    body.append(w.required(fields.text("newsr-name", "name", t("edit.name"), effective_name(state, values),
                                       error_of(state, values, "name"), None, "text", "newsr.input")))
    body.append(text_field(state, values, "description", "edit.description"))
    return w.card("newsr-naming", t("newsr.naming"), body, icon="storage")


# ---- actions -------------------------------------------------------------------------------------
def on_input(state, payload):
    values = form(state)
    name = (payload.get("data") or {}).get("field") or ""
    if name in ("kind", "errors", "name_auto") or not name:
        return
    values[name] = payload.get("value") or ""
    if name == "name":
        values["name_auto"] = False
    (values.get("errors") or {}).pop(name, None)
    if name in ("server", "path", "share", "username", "password", "device", "host", "nfs_version"):
        new_sr_probe.forget(state)
    if name == "host" and sr_create.is_local(values["kind"]):
        values["device"] = ""
        return new_sr_devices.load(state)


def on_kind(state, payload):
    values = form(state)
    if payload.get("value") in sr_create.KINDS and payload.get("value") != values["kind"]:
        values["kind"], values["errors"] = payload["value"], {}
        new_sr_probe.forget(state)
        if sr_create.is_local(values["kind"]) and new_sr_devices.listing(state)["host"] != values.get("host"):
            return new_sr_devices.load(state)


def on_review(state, payload):
    values = form(state)
    typed = payload.get("form") or {}
    for name in typed:
        if name not in ("kind", "errors", "name_auto"):
            values[name] = typed[name]
    values["name"] = typed.get("name", effective_name(state, values))
    values["errors"] = {}
    error = sr_create.form_error(values["kind"], values, list(state.cache.all("host")))
    if error is not None:
        values["errors"][error[0]] = error[1]
        state.notify(state.t("newsr.refused"), "error", here=True)
        return None
    new_sr_dialogs.open_create(state, values, new_sr_devices.chosen_row(state, values))


actions = w.merged({"newsr.input": on_input, "newsr.kind": on_kind, "newsr.review": on_review},
                   new_sr_probe.actions, new_sr_devices.actions)
