"""The VM page's disks, CD drive and network cards, changed in place: add a new disk or attach an unused
one, rename, grow, detach or delete a disk, insert or eject an ISO, add or remove a network card and
move one to another network.

Each button follows lite_app/logic/vm_devices.py: a change the VM's state refuses is aria-disabled with
the sentence saying why (still focusable, as the VM toolbar's buttons are). Each change opens a dialog
naming the disk or card and the VM (a deletion names what is lost), checks what was typed before any
call, then runs as one job (lite_app/logic/jobs.py) — one task in the Tasks panel, and a failed step
takes back what the earlier ones made (a new disk whose drive could not be made is destroyed again).
"""
from lite_app.logic import infra, jobs, model, vm_create, vm_devices
from lite_app.logic.model import vm_disks, vm_nics
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

PICK_LIMIT = 200  # options shown in a picker at once; the search narrows them


# ---- buttons -----------------------------------------------------------------------------------------
def button(state, action, label, why, data, aria_label=None):
    """A small button of a row or card; refused (`why` is a catalog key) it says why and does nothing."""
    attrs = {"type": "button", "class": "xl-button xl-quiet xl-small", "data-action": action,
             "aria-label": aria_label}
    for key in data:
        attrs["data-" + key] = data[key]
    if why:
        attrs.update({"aria-disabled": "true", "title": state.t(why)})
    return h("button", attrs, label)


def disk_buttons(state, vm_ref, vm, disk):
    t = state.t
    vdi = disk.get("vdi") or {}
    name = vdi.get("name_label") or vdi.get("uuid") or ""
    data = {"vm": vm_ref, "vbd": disk["ref"]}
    if disk["vbd"].get("type") == "CD":
        ops = vm_devices.cd_ops(vm, disk)
        if ops["insert"] is None or ops["eject"] is not None:
            return h("div", {"class": "xl-row-actions"},
                     button(state, "dev.cd_insert", t("dev.insert"), ops["insert"], data, t("dev.insert_in", vm=vm_name(vm))))
        return h("div", {"class": "xl-row-actions"},
                 button(state, "dev.cd_eject", t("dev.eject"), ops["eject"], data, t("dev.eject_named", disk=name)))
    ops = vm_devices.disk_ops(vm, disk)
    return h("div", {"class": "xl-row-actions"},
             [button(state, "dev.disk_" + op, t("dev." + op), ops[op], data, t("dev.%s_named" % op, disk=name))
              for op in ("rename", "resize", "detach", "delete")])


def disks_toolbar(state, vm_ref, vm):
    t = state.t
    ops = vm_devices.card_ops(vm)
    data = {"vm": vm_ref}
    return h("div", {"class": "xl-row-actions xl-card-tools", "role": "toolbar", "aria-label": t("dev.disk_tools")},
             button(state, "dev.disk_add", t("dev.disk_add"), ops["disk_add"], data),
             button(state, "dev.disk_attach", t("dev.disk_attach"), ops["disk_attach"], data))


def nic_buttons(state, vm_ref, vm, nic):
    t = state.t
    ops = vm_devices.nic_ops(vm)
    data = {"vm": vm_ref, "vif": nic["ref"]}
    device = nic["vif"].get("device") or ""
    return h("div", {"class": "xl-row-actions"},
             button(state, "dev.nic_network", t("dev.network"), ops["network"], data,
                    t("dev.network_named", device=device)),
             button(state, "dev.nic_remove", t("dev.remove"), ops["remove"], data,
                    t("dev.remove_named", device=device)))


def nics_toolbar(state, vm_ref, vm):
    t = state.t
    why = vm_devices.card_ops(vm)["nic_add"]
    if why is None and vm_devices.next_vif_device(state.cache, vm, vm_ref) is None:
        why = "dev.why.nics_full"
    return h("div", {"class": "xl-row-actions xl-card-tools", "role": "toolbar", "aria-label": t("dev.nic_tools")},
             button(state, "dev.nic_add", t("dev.nic_add"), why, {"vm": vm_ref}))


# ---- shared parts of the dialogs -------------------------------------------------------------------------
def vm_name(vm):
    return (vm or {}).get("name_label") or (vm or {}).get("uuid") or ""


def field(state, spec, name, label, kind="text", hint=None, autofocus=False):
    error = (spec.get("errors") or {}).get(name)
    ids = [i for i in ("dev-error-" + name if error else None, "dev-hint-" + name if hint else None) if i]
    attrs = {"type": kind, "id": "dev-" + name, "name": name, "value": spec.get(name) or "", "autocomplete": "off",
             "spellcheck": "false", "data-action": "dialog.input", "data-field": name,
             "aria-invalid": "true" if error else None, "aria-describedby": " ".join(ids) or None,
             "data-autofocus": "1" if autofocus else None}
    return h("div", {"class": "xl-field"},
             h("label", {"class": "xl-field-label", "for": "dev-" + name}, label),
             h("input", attrs),
             h("span", {"id": "dev-hint-" + name, "class": "xl-field-hint"}, hint) if hint else None,
             h("span", {"id": "dev-error-" + name, "class": "xl-field-error"}, error_text(state, error)) if error else None)


def select(state, spec, name, label, options, hint=None):
    """A <select>; `options` are (value, text); the spec's value (or the first) is selected."""
    error = (spec.get("errors") or {}).get(name)
    ids = [i for i in ("dev-error-" + name if error else None, "dev-hint-" + name if hint else None) if i]
    chosen = spec.get(name) or ""
    return h("div", {"class": "xl-field"},
             h("label", {"class": "xl-field-label", "for": "dev-" + name}, label),
             h("select", {"id": "dev-" + name, "name": name, "class": "xl-select", "data-action": "dialog.input",
                          "data-field": name, "aria-invalid": "true" if error else None,
                          "aria-describedby": " ".join(ids) or None},
               [h("option", {"value": value, "selected": value == chosen}, text) for value, text in options]),
             h("span", {"id": "dev-hint-" + name, "class": "xl-field-hint"}, hint) if hint else None,
             h("span", {"id": "dev-error-" + name, "class": "xl-field-error"}, error_text(state, error)) if error else None)


def error_text(state, error):
    key, params = error
    return state.t(key, **params)


def picker(state, spec, name, label, items, empty_key):
    """A searchable list of (ref, text): the search field narrows the <select> below it."""
    query = (spec.get("query") or "").strip().lower()
    shown = [(ref, text) for ref, text in items if not query or query in text.lower()]
    note = None
    if not items:
        note = h("p", {"class": "xl-field-hint", "role": "status"}, state.t(empty_key))
    elif not shown:
        note = h("p", {"class": "xl-field-hint", "role": "status"}, state.t("dev.no_match"))
    if shown and spec.get(name) not in [ref for ref, _ in shown]:
        spec[name] = shown[0][0]
    return [field(state, spec, "query", state.t("dev.search"), kind="search", autofocus=True),
            select(state, spec, name, label, shown[:PICK_LIMIT]) if shown else None, note]


def sr_text(state, ref):
    sr = state.cache.get("SR", ref) or {}
    return infra.sr_label(state.cache, sr) if sr else ""


def buttons(state, spec, label, danger=False):
    return [dialogs.submit_button(state, spec, label, danger), dialogs.cancel_button(state)]


def device_of(state, spec):
    """(vm ref, VM, the disk dict or None) the dialog acts on, read from the cache now."""
    vm = state.cache.get("VM", spec["vm"]) or {}
    for disk in vm_disks(state.cache, vm, spec["vm"]):
        if disk["ref"] == spec.get("vbd"):
            return vm, disk
    return vm, None


def nic_of(state, spec):
    vm = state.cache.get("VM", spec["vm"]) or {}
    for nic in vm_nics(state.cache, vm, spec["vm"]):
        if nic["ref"] == spec.get("vif"):
            return vm, nic
    return vm, None


def start(state, spec, title, steps):
    return dialogs.run_job(state, spec, jobs.Job(title, steps, "VM", spec["vm"]))


def gone(state, spec):
    """The disk or card went away while the dialog was open: say so instead of acting on nothing."""
    spec["error"] = {"text": state.t("dev.gone"), "code": None, "params": []}


# ---- new disk ------------------------------------------------------------------------------------------
def on_disk_add(state, payload):
    data = payload.get("data") or {}
    vm = state.cache.get("VM", data.get("vm") or "")
    if allowed(state, vm, vm_devices.card_ops(vm or {})["disk_add"]):
        count = len([d for d in vm_disks(state.cache, vm, data["vm"]) if d["vbd"].get("type") == "Disk"])
        dialogs.show(state, "dev.disk_add", vm=data["vm"], errors={}, size="wide",
                     name="%s %d" % (vm_name(vm), count), **{"size_text": "10 GiB", "sr": vm_create.default_sr(state.cache) or ""})


def allowed(state, vm, why):
    if vm is None:
        return False
    if why:
        state.notify(state.t(why), here=True)
        return False
    return True


def disk_add_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"]) or {}
    options = [(ref, t("newvm.sr_option", sr=infra.sr_label(state.cache, sr), free=fmt.size(vm_create.sr_free(sr))))
               for ref, sr in vm_create.disk_srs(state.cache)]
    body = [dialogs.description(t("dev.disk_add.text", vm=vm_name(vm))),
            w.required_note(state),
            w.required(field(state, spec, "name", t("dev.disk_name"), autofocus=True)),
            w.required(field(state, spec, "size_text", t("dev.disk_size"), hint=t("dev.size_hint"))),
            select(state, spec, "sr", t("dev.disk_sr"), options)]
    return t("dev.disk_add.title"), body, buttons(state, spec, t("dev.disk_add.submit"))


def disk_add_submit(state, spec, form):
    vm = state.cache.get("VM", spec["vm"]) or {}
    wanted = {"name": form.get("name") or "", "size": form.get("size_text") or "", "sr": form.get("sr") or ""}
    spec["errors"] = dict((("size_text" if k == "size" else k), v)
                          for k, v in vm_devices.check_new_disk(state.cache, wanted).items())
    if spec["errors"]:
        return None
    title = state.t("dev.job.disk_add", disk=wanted["name"].strip(), vm=vm_name(vm))
    return start(state, spec, title, vm_devices.plan_new_disk(spec["vm"], vm, wanted))


# ---- attach an unused disk ------------------------------------------------------------------------------
def on_disk_attach(state, payload):
    data = payload.get("data") or {}
    vm = state.cache.get("VM", data.get("vm") or "")
    if allowed(state, vm, vm_devices.card_ops(vm or {})["disk_attach"]):
        dialogs.show(state, "dev.disk_attach", vm=data["vm"], errors={}, size="wide")


def all_disks(state):
    """Whether every disk of the pool is in (the VDI class, loaded when a dialog choosing among them
    first opens; until then it says it is loading)."""
    if model.loaded(state.cache, "VDI"):
        return True
    state.need("VDI")
    return False


def choice_body(state, spec, description, name, label, choices, empty_key):
    """A dialog's description and its picker among every disk `choices()` gives (a sentence saying it
    is loading until the pool's disks are in)."""
    body = [dialogs.description(description)]
    if not all_disks(state):
        return body + [h("p", {"class": "xl-note", "role": "status"}, state.t("view.loading"))]
    return body + picker(state, spec, name, label, choices(), empty_key)


def disk_text(state, vdi):
    return "%s \u2013 %s \u2013 %s" % (vdi.get("name_label") or vdi.get("uuid") or "", fmt.size(vdi.get("virtual_size")),
                                      sr_text(state, vdi.get("SR")))


def disk_attach_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"]) or {}
    body = choice_body(state, spec, t("dev.disk_attach.text", vm=vm_name(vm)), "vdi", t("dev.disk_pick"),
                       lambda: [(ref, disk_text(state, vdi)) for ref, vdi in vm_devices.attachable(state.cache)],
                       "dev.no_unused")
    return t("dev.disk_attach.title"), body, buttons(state, spec, t("dev.disk_attach.submit"))


def disk_attach_submit(state, spec, form):
    vm = state.cache.get("VM", spec["vm"]) or {}
    ref = form.get("vdi") or spec.get("vdi") or ""
    vdi = state.cache.get("VDI", ref)
    if vdi is None or ref not in [r for r, _ in vm_devices.attachable(state.cache)]:
        spec["error"] = {"text": state.t("dev.err.pick_disk"), "code": None, "params": []}
        return None
    title = state.t("dev.job.disk_attach", disk=vdi.get("name_label") or "", vm=vm_name(vm))
    return start(state, spec, title, vm_devices.plan_attach(spec["vm"], vm, ref, vdi))


# ---- rename, resize, detach, delete -------------------------------------------------------------------
def open_disk(kind, op):
    def handler(state, payload):
        data = payload.get("data") or {}
        spec = {"vm": data.get("vm") or "", "vbd": data.get("vbd") or ""}
        vm, disk = device_of(state, spec)
        if disk is None or not allowed(state, vm, vm_devices.disk_ops(vm, disk)[op]):
            return
        vdi = disk["vdi"] or {}
        dialogs.show(state, kind, vm=spec["vm"], vbd=spec["vbd"], vdi=disk["vdi_ref"], errors={},
                     name=vdi.get("name_label") or "", size_text=fmt.size(vdi.get("virtual_size")))
    return handler


def named(state, spec):
    vm, disk = device_of(state, spec)
    vdi = (disk or {}).get("vdi") or state.cache.get("VDI", spec["vdi"]) or {}
    return vm, disk, {"disk": vdi.get("name_label") or vdi.get("uuid") or "", "vm": vm_name(vm),
                      "size": fmt.size(vdi.get("virtual_size")), "sr": sr_text(state, vdi.get("SR"))}


def rename_render(state, spec):
    t = state.t
    _vm, _disk, words = named(state, spec)
    return (t("dev.rename.title"), [dialogs.description(t("dev.rename.text", **words)),
                                    field(state, spec, "name", t("dev.disk_name"), autofocus=True)],
            buttons(state, spec, t("dev.rename.submit")))


def rename_submit(state, spec, form):
    error = vm_devices.check_name(form.get("name"))
    spec["errors"] = {"name": error} if error else {}
    if error:
        return None
    _vm, _disk, words = named(state, spec)
    return start(state, spec, state.t("dev.job.rename", **words), vm_devices.plan_rename(spec["vdi"], form["name"]))


def resize_render(state, spec):
    t = state.t
    _vm, _disk, words = named(state, spec)
    return (t("dev.resize.title"), [dialogs.description(t("dev.resize.text", **words)),
                                    field(state, spec, "size_text", t("dev.disk_size"), autofocus=True,
                                          hint=t("dev.resize.hint", size=words["size"]))],
            buttons(state, spec, t("dev.resize.submit")))


def resize_submit(state, spec, form):
    vdi = state.cache.get("VDI", spec["vdi"])
    if vdi is None:
        return gone(state, spec)
    size, error = vm_devices.check_resize(vdi, form.get("size_text"))
    spec["errors"] = {"size_text": error} if error else {}
    if error:
        return None
    _vm, _disk, words = named(state, spec)
    words["new"] = fmt.size(size)
    return start(state, spec, state.t("dev.job.resize", **words), vm_devices.plan_resize(spec["vdi"], size))


def detach_render(state, spec):
    t = state.t
    _vm, _disk, words = named(state, spec)
    return (t("dev.detach.title"), [dialogs.description(t("dev.detach.text", **words))],
            buttons(state, spec, t("dev.detach.submit")))


def detach_submit(state, spec, form):
    _vm, disk, words = named(state, spec)
    if disk is None:
        return gone(state, spec)
    return start(state, spec, state.t("dev.job.detach", **words), vm_devices.plan_detach(disk))


def delete_render(state, spec):
    t = state.t
    _vm, _disk, words = named(state, spec)
    return (t("dev.delete.title"), [dialogs.description(t("dev.delete.text", **words)),
                                    h("p", {"class": "xl-dialog-text xl-field-error"}, t("dev.delete.lost", **words))],
            buttons(state, spec, t("dev.delete.submit"), danger=True))


def delete_submit(state, spec, form):
    _vm, disk, words = named(state, spec)
    if disk is None:
        return gone(state, spec)
    return start(state, spec, state.t("dev.job.delete", **words), vm_devices.plan_delete(disk))


# ---- CD drive ------------------------------------------------------------------------------------------
def on_cd_insert(state, payload):
    data = payload.get("data") or {}
    spec = {"vm": data.get("vm") or "", "vbd": data.get("vbd") or ""}
    vm, disk = device_of(state, spec)
    if disk is not None and allowed(state, vm, vm_devices.cd_ops(vm, disk)["insert"]):
        dialogs.show(state, "dev.cd_insert", vm=spec["vm"], vbd=spec["vbd"], errors={}, size="wide")


def iso_text(state, vdi):
    return "%s (%s)" % (vdi.get("name_label") or vdi.get("uuid") or "", sr_text(state, vdi.get("SR")))


def insert_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"]) or {}
    body = choice_body(state, spec, t("dev.insert.text", vm=vm_name(vm)), "iso", t("dev.iso_pick"),
                       lambda: [(ref, iso_text(state, vdi)) for ref, vdi in vm_create.isos(state.cache)],
                       "dev.no_isos")
    return t("dev.insert.title"), body, buttons(state, spec, t("dev.insert.submit"))


def insert_submit(state, spec, form):
    vm, disk = device_of(state, spec)
    ref = form.get("iso") or spec.get("iso") or ""
    iso = state.cache.get("VDI", ref)
    if disk is None:
        return gone(state, spec)
    if iso is None:
        spec["error"] = {"text": state.t("dev.err.pick_iso"), "code": None, "params": []}
        return None
    title = state.t("dev.job.insert", iso=iso.get("name_label") or "", vm=vm_name(vm))
    return start(state, spec, title, vm_devices.plan_insert(spec["vbd"], ref))


def on_cd_eject(state, payload):
    """Eject at once (nothing is lost: the ISO stays in its library); a refusal is reported."""
    data = payload.get("data") or {}
    spec = {"vm": data.get("vm") or "", "vbd": data.get("vbd") or ""}
    vm, disk = device_of(state, spec)
    if disk is None or not allowed(state, vm, vm_devices.cd_ops(vm, disk)["eject"]):
        return None
    iso = disk.get("vdi") or {}
    title = state.t("dev.job.eject", iso=iso.get("name_label") or "", vm=vm_name(vm))
    return eject(state, jobs.Job(title, vm_devices.plan_eject(spec["vbd"]), "VM", spec["vm"]))


async def eject(state, job):
    try:
        await jobs.run(state, job)
    except jobs.Failed as failed:
        if failed.code != "SESSION_INVALID":
            state.notify(state.t("act.failed", action=job.title, reason=dialogs.failure(state, failed.error)["text"]),
                         "error")
        return False
    return True


# ---- network cards -------------------------------------------------------------------------------------
def network_options(state):
    return [(ref, net.get("name_label") or ref) for ref, net in vm_create.networks(state.cache)]


def on_nic_add(state, payload):
    data = payload.get("data") or {}
    vm = state.cache.get("VM", data.get("vm") or "")
    if vm is None or not allowed(state, vm, vm_devices.card_ops(vm)["nic_add"]):
        return
    if vm_devices.next_vif_device(state.cache, vm, data["vm"]) is None:
        state.notify(state.t("dev.why.nics_full"), here=True)
        return
    dialogs.show(state, "dev.nic_add", vm=data["vm"], errors={}, network=vm_create.default_network(state.cache) or "",
                 mac="")


def nic_add_render(state, spec):
    t = state.t
    vm = state.cache.get("VM", spec["vm"]) or {}
    body = [dialogs.description(t("dev.nic_add.text", vm=vm_name(vm))),
            select(state, spec, "network", t("dev.nic_network"), network_options(state)),
            field(state, spec, "mac", t("dev.nic_mac"), hint=t("dev.mac_hint"))]
    return t("dev.nic_add.title"), body, buttons(state, spec, t("dev.nic_add.submit"))


def nic_add_submit(state, spec, form):
    vm = state.cache.get("VM", spec["vm"]) or {}
    wanted = {"network": form.get("network") or "", "mac": form.get("mac") or ""}
    spec["errors"] = vm_devices.check_nic(state.cache, wanted)
    if spec["errors"]:
        return None
    device = vm_devices.next_vif_device(state.cache, vm, spec["vm"])
    if device is None:
        spec["error"] = {"text": state.t("dev.why.nics_full"), "code": None, "params": []}
        return None
    network = state.cache.get("network", wanted["network"]) or {}
    title = state.t("dev.job.nic_add", network=network.get("name_label") or "", vm=vm_name(vm))
    return start(state, spec, title, vm_devices.plan_new_nic(state.cache, spec["vm"], vm, wanted, device))


def open_nic(kind, op):
    def handler(state, payload):
        data = payload.get("data") or {}
        spec = {"vm": data.get("vm") or "", "vif": data.get("vif") or ""}
        vm, nic = nic_of(state, spec)
        if nic is None or not allowed(state, vm, vm_devices.nic_ops(vm)[op]):
            return
        dialogs.show(state, kind, vm=spec["vm"], vif=spec["vif"], errors={}, network=nic["network_ref"] or "")
    return handler


def nic_words(state, spec):
    vm, nic = nic_of(state, spec)
    vif = (nic or {}).get("vif") or {}
    network = (nic or {}).get("network") or {}
    return vm, nic, {"device": vif.get("device") or "", "mac": vif.get("MAC") or "", "vm": vm_name(vm),
                     "network": network.get("name_label") or ""}


def move_render(state, spec):
    t = state.t
    _vm, _nic, words = nic_words(state, spec)
    return (t("dev.move.title"), [dialogs.description(t("dev.move.text", **words)),
                                  select(state, spec, "network", t("dev.nic_network"), network_options(state))],
            buttons(state, spec, t("dev.move.submit")))


def move_submit(state, spec, form):
    _vm, nic, words = nic_words(state, spec)
    network = state.cache.get("network", form.get("network") or "")
    if nic is None:
        return gone(state, spec)
    if network is None:
        spec["errors"] = {"network": ("newvm.err.network", {})}
        return None
    words["to"] = network.get("name_label") or ""
    return start(state, spec, state.t("dev.job.move", **words), vm_devices.plan_move(spec["vif"], form["network"]))


def remove_render(state, spec):
    t = state.t
    vm, _nic, words = nic_words(state, spec)
    lines = [dialogs.description(t("dev.remove.text", **words))]
    if (vm or {}).get("power_state") == "Running":
        lines.append(h("p", {"class": "xl-dialog-text"}, t("dev.remove.running", **words)))
    return t("dev.remove.title"), lines, buttons(state, spec, t("dev.remove.submit"), danger=True)


def remove_submit(state, spec, form):
    _vm, nic, words = nic_words(state, spec)
    if nic is None:
        return gone(state, spec)
    return start(state, spec, state.t("dev.job.remove", **words), vm_devices.plan_remove_nic(nic))


dialogs.register("dev.disk_add", disk_add_render, disk_add_submit)
dialogs.register("dev.disk_attach", disk_attach_render, disk_attach_submit)
dialogs.register("dev.disk_rename", rename_render, rename_submit)
dialogs.register("dev.disk_resize", resize_render, resize_submit)
dialogs.register("dev.disk_detach", detach_render, detach_submit)
dialogs.register("dev.disk_delete", delete_render, delete_submit)
dialogs.register("dev.cd_insert", insert_render, insert_submit)
dialogs.register("dev.nic_add", nic_add_render, nic_add_submit)
dialogs.register("dev.nic_network", move_render, move_submit)
dialogs.register("dev.nic_remove", remove_render, remove_submit)

actions = {"dev.disk_add": on_disk_add, "dev.disk_attach": on_disk_attach,
           "dev.disk_rename": open_disk("dev.disk_rename", "rename"),
           "dev.disk_resize": open_disk("dev.disk_resize", "resize"),
           "dev.disk_detach": open_disk("dev.disk_detach", "detach"),
           "dev.disk_delete": open_disk("dev.disk_delete", "delete"),
           "dev.cd_insert": on_cd_insert, "dev.cd_eject": on_cd_eject, "dev.nic_add": on_nic_add,
           "dev.nic_network": open_nic("dev.nic_network", "network"),
           "dev.nic_remove": open_nic("dev.nic_remove", "remove")}
