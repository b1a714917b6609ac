"""The New network dialog: an internal network, a VLAN on an interface of every host, or a bond of
interfaces on every host (active-backup, balance-slb or LACP).

The form is checked by lite_app.logic.netadmin before anything is sent; what a bond changes is said
before it runs (the management interface's address moving onto the bond, VMs' NICs following their
network). The creation runs as one job (lite_app/logic/jobs.py): a failure on any host removes what
was made, and the dialog says so.
"""
from lite_app.logic import netadmin
from lite_app.ui import admin_forms as form
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

KIND = "adm.netnew"


def open_create(state, payload=None):
    return dialogs.show(state, KIND, net_kind="internal", name="", description="", mtu="1500", base="", tag="",
                        members=[], mode="active-backup", hashing="tcpudp_ports", errors={}, size="wide")


def kind_choices(state, spec):
    t = state.t
    options = [(name, t("adm.net.kind." + name), t("adm.netnew.about." + name), False) for name in netadmin.KINDS]
    return form.choices(state, spec, "net_kind", t("adm.netnew.kind"), options, "netnew.choice")


def vlan_part(state, spec):
    t = state.t
    bases = netadmin.vlan_bases(state.cache)
    options = [("", t("adm.netnew.pick_base"), True)]
    for base in bases:
        used = t("adm.netnew.tags_used", tags=", ".join([str(x) for x in base["tags"]])) if base["tags"] else ""
        options.append((base["network"], " ".join([base["device"], "\u2013", base["name"], used]).strip(), False))
    return [form.select(state, spec, "base", t("adm.netnew.base"), options, t("adm.netnew.base_hint")),
            w.required(form.field(state, spec, "tag", t("adm.netnew.tag"), "number",
                                  t("adm.netnew.tag_hint", high=netadmin.TAG_MAX)))]


def member_note(state, entry):
    t = state.t
    if entry["missing"]:
        return t("adm.netnew.missing_on", hosts=", ".join(entry["missing"])), True
    if entry["bonded"]:
        return t("adm.netnew.bonded_on", hosts=", ".join(entry["bonded"])), True
    if entry["management"]:
        return t("adm.netnew.management_on", hosts=", ".join(entry["management"])), False
    return None, False


def bond_part(state, spec):
    t = state.t
    boxes = []
    for entry in netadmin.bond_devices(state.cache):
        note, off = member_note(state, entry)
        chosen = entry["device"] in spec["members"]
        boxes.append(h("label", {"class": "xl-check" + (" xl-choice-off" if off and not chosen else ""), "key": entry["device"]},
                       h("input", {"type": "checkbox", "checked": chosen, "disabled": off and not chosen,
                                   "data-action": "netnew.member", "data-device": entry["device"],
                                   "aria-label": entry["device"],
                                   "aria-describedby": form.note_id("member", entry["device"]) if note else None}),
                       h("span", None, entry["device"]), form.choice_note("member", entry["device"], note)))
    error = (spec.get("errors") or {}).get("members")
    modes = [(mode, t("adm.bond." + mode), t("adm.bond.about." + mode), False) for mode in netadmin.MODES]
    parts = [h("fieldset", {"class": "xl-choices", "aria-describedby": "err-members" if error else None},
               h("legend", None, t("adm.netnew.members")), boxes, form.notes("members", error, None)),
             form.choices(state, spec, "mode", t("adm.netnew.mode"), modes, "netnew.choice")]
    if spec["mode"] == "lacp":
        parts.append(form.select(state, spec, "hashing", t("adm.netnew.hashing"),
                                 [(name, t("adm.bond.hash." + name), False) for name in netadmin.HASHING]))
    parts.extend(bond_consequences(state, spec))
    return parts


def bond_consequences(state, spec):
    """What a bond changes besides itself, said before it runs."""
    t = state.t
    moved = []
    for entry in netadmin.bond_devices(state.cache):
        if entry["device"] in spec["members"] and entry["management"]:
            moved.extend(entry["management"])
    notes = [h("p", {"class": "xl-note"}, t("adm.netnew.vifs_move"))]
    if moved:
        notes.insert(0, h("p", {"class": "xl-note", "role": "note"},
                          t("adm.netnew.management_moves", hosts=", ".join(sorted(moved)))))
    return notes if spec["members"] else []


def create_render(state, spec):
    t = state.t
    body = [dialogs.description(t("adm.netnew.text")), kind_choices(state, spec),
            w.required_note(state), w.required(form.field(state, spec, "name", t("edit.name"), focus=True)),
            form.field(state, spec, "description", t("edit.description")),
            form.field(state, spec, "mtu", t("adm.edit.mtu"), "number", t("adm.netnew.mtu_hint"))]
    if spec["net_kind"] == "vlan":
        body.extend(vlan_part(state, spec))
    elif spec["net_kind"] == "bond":
        body.extend(bond_part(state, spec))
    return t("adm.netnew"), body, [dialogs.submit_button(state, spec, t("adm.netnew.submit")), dialogs.cancel_button(state)]


def create_submit(state, spec, typed):
    for name in typed:
        if name in ("name", "description", "mtu", "tag", "base", "hashing"):
            spec[name] = typed[name]
    values = dict(spec)
    values["kind"] = spec["net_kind"]  # the dialog's own "kind" is its dialog kind
    errors = netadmin.create_errors(state.cache, values)
    if "kind" in errors:
        errors["net_kind"] = errors.pop("kind")
    if errors:
        return form.refuse(state, spec, errors)
    spec["errors"] = {}
    name = spec["name"].strip()
    job = netadmin.create_job(state.cache, values, state.t("adm.job.create_network", name=name))

    def after(ok):
        if ok:
            state.notify(state.t("adm.netnew.done", name=name))
    return form.run_job(state, spec, job, after)


def on_member(state, payload):
    spec = dialogs.current(state, KIND)
    device = (payload.get("data") or {}).get("device")
    if spec is None or not device:
        return
    chosen = [d for d in spec["members"] if d != device]
    if payload.get("checked"):
        chosen.append(device)
    spec["members"] = sorted(chosen)


dialogs.register(KIND, create_render, create_submit, {"netnew.choice": form.on_choice(KIND), "netnew.member": on_member})
