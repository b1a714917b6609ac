"""The New VM page (`#/new-vm`, `?host=<uuid>` preselects an affinity): one form in sections.

Template, identity, install media, CPU and memory, disks, network cards, firmware, cloud-init,
then a summary and Create. What the user chooses lives in state.ui["newvm.form"] (kept across
re-renders and page visits); lite_app/logic/vm_create.py fills it from the template, checks it
(errors shown once Create was pressed, warnings always) and plans the calls; the creation itself
and its progress are lite_app/ui/new_vm_run.py. Templates' full records (limits, provision spec)
are asked for when the page opens: the VM list only carries a few fields of each.
"""
from lite_app.logic import infra, vm_create, vm_templates
from lite_app.text import fmt
from lite_app.ui import new_vm_run
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

# The ISO images to install from and the template's disks' VDIs; a custom template's own VBDs and VIFs
# are watched once its full record names them (at 10,000 VMs the VBD and VIF classes are ~20,000 records).
CLASSES = ("VDI",)
FORM = "newvm.form"
TRIED = "newvm.tried"
TEMPLATE_FIELDS = ("recommendations", "other_config", "HVM_boot_params", "platform", "memory_static_min")
MEDIA_KEYS = (("iso", "newvm.media.iso"), ("pxe", "newvm.media.pxe"), ("template", "newvm.media.template"),
              ("none", "newvm.media.none"))


def title(state):
    return state.t("newvm.title")


def full(record):
    return record is not None and all(f in record for f in TEMPLATE_FIELDS)


def templates(state):
    """{ref: record} of the templates; their full records are asked for (once each)."""
    found = vm_create.templates(state.cache)
    for ref in found:
        if not full(found[ref]):
            state.request_record("VM", ref)
    return found


def form_of(state):
    """The form, (re)filled from its template once that template's full record and its own VBDs and
    VIFs (watched) are here."""
    form = state.ui.get(FORM)
    if form is None:
        return form
    template = state.cache.get("VM", form.get("template"))
    if full(template):
        watch_devices(state, template)
    if form.get("_filled"):
        return form
    if ready(state, template):
        filled = vm_create.defaults(state.cache, form["template"], template)
        for key in ("name", "affinity"):
            if form.get(key):
                filled[key] = form[key]
        filled["_filled"] = True
        state.ui[FORM] = form = filled
    return form


def ready(state, template):
    """Whether the template's full record and its own VBDs and VIFs are here: the checks read them (a
    resync after a reconnect brings the templates back trimmed, until their full records are asked again)."""
    return full(template) and vm_create.devices_in(state.cache, template)


def watch_devices(state, template):
    """Keep the template's own VBDs and VIFs in the cache (asked at every render: the watches stay
    current); its disks' VDIs come with the VDI class."""
    for ref in template.get("VBDs") or ():
        state.watch("VBD", ref)
    for ref in template.get("VIFs") or ():
        state.watch("VIF", ref)


def choose_template(state, ref):
    form = state.ui.get(FORM) or {}
    name = form.get("name") if form.get("_named") and (form.get("name") or "").strip() else ""
    state.ui[FORM] = {"template": ref, "name": name, "_named": bool(name),
                      "affinity": form.get("affinity") or preset_host(state)}
    state.ui[TRIED] = False


def preset_host(state):
    uuid = state.route[1].get("host") or ""
    if not uuid:
        return ""
    for ref, host in state.cache.all("host").items():
        if host.get("uuid") == uuid:
            return ref
    return ""


# ---- the page ------------------------------------------------------------------------------------
def render(state):
    t = state.t
    creation = new_vm_run.current(state)
    body = [w.page_header("vm", t("newvm.title"), t("newvm.subtitle"))]
    if creation is not None:
        body.append(new_vm_run.progress(state, creation))
    if creation is None or creation.finished and not creation.ok():
        body.append(form_view(state))
    return [h("div", {"class": "xl-page xl-page-new-vm", "key": "new-vm"}, body)]


def form_view(state):
    t = state.t
    found = templates(state)
    form = form_of(state)
    sections = [template_section(state, found, form)]
    template = state.cache.get("VM", form.get("template")) if form else None
    if form is not None and form.get("_filled") and ready(state, template):
        errors, warnings = vm_create.check(state.cache, form, template)
        shown = errors if state.ui.get(TRIED) else {}
        sections += [identity_section(state, form, shown),
                     media_section(state, form, template, shown),
                     cpu_section(state, form, shown, warnings),
                     disks_section(state, form, shown, warnings),
                     nics_section(state, form, shown),
                     firmware_section(state, form, template, shown),
                     cloud_section(state, form, shown),
                     summary_section(state, form, template, errors if state.ui.get(TRIED) else {})]
    elif form is not None:
        sections.append(h("p", {"class": "xl-empty", "aria-busy": "true"}, t("view.loading")))
    return h("form", {"class": "xl-newvm", "data-action": "newvm.create", "aria-label": t("newvm.title"),
                      "key": "newvm-form"}, sections)


def section(key, title, *body):
    return h("fieldset", {"class": "xl-card xl-newvm-section", "key": key},
             h("legend", {"class": "xl-card-title"}, title), list(body))


def message(field, errors, warnings=None):
    """The error (or warning) of a field as its description, with the id it is referred to by."""
    error = errors.get(field)
    warning = (warnings or {}).get(field) if error is None else None
    return error, warning


def note(state, field_id, error, warning):
    if error is not None:
        return h("span", {"id": field_id + "-msg", "class": "xl-field-error"}, state.t(error[0], **error[1]))
    if warning is not None:
        return h("span", {"id": field_id + "-msg", "class": "xl-field-warning", "role": "status"},
                 state.t(warning[0], **warning[1]))
    return None


def field(state, name, label, value, errors, warnings=None, kind="text", hint=None, **extra):
    """A labelled input bound to form key `name` (data-field), its hint and its message."""
    error, warning = message(name, errors, warnings)
    field_id = "newvm-" + name.replace(".", "-")
    hint_id = field_id + "-hint" if hint else None
    described = " ".join(i for i in (field_id + "-msg" if error or warning else None, hint_id) if i) or None
    attrs = {"type": kind, "id": field_id, "name": name, "value": value or "", "autocomplete": "off",
             "spellcheck": "false", "data-action": "newvm.input", "data-field": name,
             "aria-invalid": "true" if error else None, "aria-describedby": described}
    attrs.update(extra)
    return h("div", {"class": "xl-field"},
             h("label", {"class": "xl-field-label", "for": field_id}, label),
             h("input", attrs),
             h("span", {"id": hint_id, "class": "xl-field-hint"}, hint) if hint else None,
             note(state, field_id, error, warning))


def select(state, name, label, value, options, errors, warnings=None, hint=None):
    """A labelled select bound to form key `name`; options are (value, text) pairs."""
    error, warning = message(name, errors, warnings)
    field_id = "newvm-" + name.replace(".", "-")
    hint_id = field_id + "-hint" if hint else None
    described = " ".join(i for i in (field_id + "-msg" if error or warning else None, hint_id) if i) or None
    return h("div", {"class": "xl-field"},
             h("label", {"class": "xl-field-label", "for": field_id}, label),
             h("select", {"id": field_id, "name": name, "data-action": "newvm.input", "data-field": name,
                          "aria-invalid": "true" if error else None, "aria-describedby": described},
               [h("option", {"value": v, "selected": v == value}, text) for v, text in options]),
             h("span", {"id": hint_id, "class": "xl-field-hint"}, hint) if hint else None,
             note(state, field_id, error, warning))


def check(state, name, label, on, disabled=False, hint=None):
    field_id = "newvm-" + name
    return h("div", {"class": "xl-field"},
             h("label", {"class": "xl-check", "for": field_id},
               h("input", {"type": "checkbox", "id": field_id, "name": name, "checked": bool(on),
                           "disabled": disabled, "data-action": "newvm.check", "data-field": name,
                           "aria-describedby": field_id + "-hint" if hint else None}), label),
             h("span", {"id": field_id + "-hint", "class": "xl-field-hint"}, hint) if hint else None)


def radios(state, name, legend, value, options, errors):
    error = errors.get(name)
    return h("fieldset", {"class": "xl-choices", "aria-describedby": "newvm-" + name + "-msg" if error else None},
             h("legend", None, legend),
             [h("label", {"class": "xl-check", "key": v},
                h("input", {"type": "radio", "name": name, "value": v, "checked": v == value,
                            "disabled": disabled, "data-action": "newvm.input", "data-field": name}), text)
              for v, text, disabled in options],
             note(state, "newvm-" + name, error, None))


# ---- sections --------------------------------------------------------------------------------------
def template_line(t, record):
    """"2 vCPUs, 4 GiB, 1 disk of 10 GiB" from a full template record ("" until it is here)."""
    if not full(record):
        return ""
    disks = vm_templates.provision_disks(record)
    parts = [t("newvm.tpl.vcpus", count=record.get("VCPUs_at_startup") or 1),
             fmt.size(record.get("memory_dynamic_max") or 0)]
    if disks:
        parts.append(t("newvm.tpl.disks", count=len(disks), size=fmt.size(sum(d["size"] for d in disks))))
    elif vm_templates.is_custom(record):
        parts.append(t("newvm.tpl.own"))
    return ", ".join(parts)


def template_section(state, found, form):
    t = state.t
    query = (state.ui.get("newvm.search") or "").strip().lower()
    chosen = (form or {}).get("template")
    groups = {}
    for ref in found:
        record = found[ref]
        if query and query not in (record.get("name_label") or "").lower():
            continue
        groups.setdefault(vm_templates.family(record), []).append((record.get("name_label") or "", ref))
    blocks = []
    for family in vm_templates.families():
        items = sorted(groups.get(family) or [])
        if not items:
            continue
        blocks.append(h("fieldset", {"class": "xl-newvm-family", "key": "family-" + family},
                        h("legend", None, family),
                        [h("label", {"class": "xl-newvm-template", "key": ref},
                           h("input", {"type": "radio", "name": "template", "value": ref, "checked": ref == chosen,
                                       "data-action": "newvm.template"}),
                           h("span", {"class": "xl-newvm-template-name"}, name),
                           h("span", {"class": "xl-field-hint"}, template_line(t, found[ref])))
                         for name, ref in items]))
    error = state.ui.get(TRIED) and not chosen
    return section("template", t("newvm.sec.template"),
                   field(state, "search", t("newvm.template_search"), state.ui.get("newvm.search") or "", {},
                         kind="search", **{"data-action": "newvm.search"}),
                   blocks or w.empty(t("newvm.no_template")),
                   note(state, "newvm-template", ("newvm.err.template", {}) if error else None, None))


def identity_section(state, form, errors):
    t = state.t
    hosts = state.cache.all("host")
    options = [("", t("newvm.affinity_none"))] + sorted(
        [(ref, hosts[ref].get("name_label") or ref) for ref in hosts], key=lambda pair: pair[1].lower())
    return section("identity", t("newvm.sec.identity"),
                   w.required_note(state),
                   w.required(field(state, "name", t("newvm.name"), form.get("name"), errors)),
                   field(state, "description", t("newvm.description"), form.get("description"), errors),
                   field(state, "tags", t("newvm.tags"), ", ".join(form.get("tags") or []), errors,
                         hint=t("newvm.tags_hint")),
                   select(state, "affinity", t("newvm.affinity"), form.get("affinity") or "", options, errors,
                          hint=t("newvm.affinity_hint")))


def media_section(state, form, template, errors):
    t = state.t
    own = bool(vm_create.own_disks(state.cache, form["template"]))
    options = [(v, t(key), v == "template" and not own) for v, key in MEDIA_KEYS]
    body = [radios(state, "media", t("newvm.media"), form.get("media"), options, errors)]
    if form.get("media") == "iso":
        query = (state.ui.get("newvm.iso_search") or "").strip().lower()
        isos = [(ref, vdi) for ref, vdi in vm_create.isos(state.cache)
                if not query or query in (vdi.get("name_label") or "").lower() or ref == form.get("iso")]
        srs = state.cache.all("SR")
        options = [("", t("newvm.iso_pick"))] + [
            (ref, "%s (%s)" % (vdi.get("name_label") or ref, (srs.get(vdi.get("SR")) or {}).get("name_label") or ""))
            for ref, vdi in isos]
        body += [field(state, "iso_search", t("newvm.iso_search"), state.ui.get("newvm.iso_search") or "", {},
                       kind="search", **{"data-action": "newvm.iso_search"}),
                 select(state, "iso", t("newvm.iso"), form.get("iso") or "", options, errors)]
    return section("media", t("newvm.sec.media"), body)


def cpu_section(state, form, errors, warnings):
    t = state.t
    vcpus = vm_create.parse_count(form.get("vcpus")) or 1
    most = vm_create.max_cores_per_socket(state.cache)
    choices = vm_create.topologies(vcpus, most) or [1]
    current = form.get("cps") or "1"
    options = [(str(n), t("newvm.topology", sockets=vcpus // n, cores=n)) for n in choices]
    if current not in [v for v, _text in options]:
        options.append((current, current))
    return section("cpu", t("newvm.sec.cpu"),
                   h("div", {"class": "xl-field-row"},
                     w.required(field(state, "vcpus", t("newvm.vcpus"), form.get("vcpus"), errors, kind="number",
                                      step="1")),
                     select(state, "cps", t("newvm.cps"), current, options, errors,
                            hint=t("newvm.cps_hint", most=most))),
                   w.required(field(state, "memory", t("newvm.memory"), form.get("memory"), errors, warnings,
                                    hint=t("edit.memory_hint"))))


def sr_options(state):
    return [(ref, t_sr(state, sr)) for ref, sr in vm_create.disk_srs(state.cache)]


def t_sr(state, sr):
    return state.t("newvm.sr_option", sr=infra.sr_label(state.cache, sr), free=fmt.size(vm_create.sr_free(sr)))


def disks_section(state, form, errors, warnings):
    t = state.t
    options = sr_options(state)
    rows = []
    for i, disk in enumerate(form.get("disks") or []):
        prefix = "disk.%d." % i
        rows.append(h("div", {"class": "xl-newvm-row", "key": "disk-%d" % i, "role": "group",
                              "aria-label": t("newvm.disk_n", n=i + 1)},
                      field(state, prefix + "name", t("newvm.disk_name"), disk.get("name"), errors,
                            placeholder=vm_create.disk_name(form, disk, i)),
                      field(state, prefix + "size", t("newvm.disk_size"), disk.get("size"), errors),
                      select(state, prefix + "sr", t("newvm.disk_sr"), disk.get("sr"), options, errors, warnings),
                      h("span", {"class": "xl-field-hint"}, t("newvm.from_template")) if disk.get("template") else None,
                      h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "newvm.disk_remove",
                                   "data-index": str(i), "aria-label": t("newvm.disk_remove", n=i + 1)},
                        t("newvm.remove"))))
    return section("disks", t("newvm.sec.disks"), rows or w.empty(t("newvm.no_disks")),
                   h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "newvm.disk_add"},
                     t("newvm.disk_add")))


def nics_section(state, form, errors):
    t = state.t
    options = [(ref, net.get("name_label") or ref) for ref, net in vm_create.networks(state.cache)]
    rows = []
    for i, nic in enumerate(form.get("nics") or []):
        prefix = "nic.%d." % i
        rows.append(h("div", {"class": "xl-newvm-row", "key": "nic-%d" % i, "role": "group",
                              "aria-label": t("newvm.nic_n", n=i + 1)},
                      select(state, prefix + "network", t("newvm.nic_network"), nic.get("network"), options, errors),
                      field(state, prefix + "mac", t("newvm.nic_mac"), nic.get("mac"), errors,
                            placeholder=t("newvm.mac_auto")),
                      h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "newvm.nic_remove",
                                   "data-index": str(i), "aria-label": t("newvm.nic_remove", n=i + 1)},
                        t("newvm.remove"))))
    return section("nics", t("newvm.sec.nics"), rows or w.empty(t("newvm.no_nics")),
                   note(state, "newvm-nics", errors.get("nics"), None),
                   h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "newvm.nic_add"},
                     t("newvm.nic_add")))


def firmware_section(state, form, template, errors):
    t = state.t
    options, secure = vm_templates.firmware_options(template)
    choices = [(v, t("newvm.fw." + v), v not in options) for v in ("bios", "uefi")]
    uefi = form.get("firmware") == "uefi"
    vtpm_ok = vm_create.vtpm_supported(state.cache)
    return section("firmware", t("newvm.sec.firmware"),
                   radios(state, "firmware", t("newvm.firmware"), form.get("firmware"), choices, errors),
                   check(state, "secure_boot", t("newvm.secure_boot"), form.get("secure_boot") and uefi,
                         disabled=not (uefi and secure),
                         hint=None if uefi and secure else t("newvm.secure_boot_off")),
                   note(state, "newvm-secure_boot", errors.get("secure_boot"), None),
                   check(state, "vtpm", t("newvm.vtpm"), form.get("vtpm") and uefi and vtpm_ok,
                         disabled=not (uefi and vtpm_ok),
                         hint=t("newvm.vtpm_hint") if uefi and vtpm_ok else t(
                             "newvm.vtpm_off" if vtpm_ok else "newvm.vtpm_pool")),
                   note(state, "newvm-vtpm", errors.get("vtpm"), None))


def cloud_section(state, form, errors):
    t = state.t
    body = [check(state, "cloud", t("newvm.cloud"), form.get("cloud"), hint=t("newvm.cloud_hint"))]
    if form.get("cloud"):
        body += [note(state, "newvm-cloud", errors.get("cloud"), None),
                 field(state, "hostname", t("newvm.hostname"), form.get("hostname"), errors),
                 area(state, "ssh_keys", t("newvm.ssh_keys"), form.get("ssh_keys"), errors, 3,
                      t("newvm.ssh_keys_hint")),
                 area(state, "user_data", t("newvm.user_data"), form.get("user_data"), errors, 8),
                 area(state, "network_config", t("newvm.network_config"), form.get("network_config"), errors, 4,
                      t("newvm.network_config_hint")),
                 field(state, "password", t("newvm.password"), form.get("password"), errors, kind="password",
                       hint=t("newvm.password_hint"), autocomplete="new-password")]
    return section("cloud", t("newvm.sec.cloud"), body)


def area(state, name, label, value, errors, rows, hint=None):
    error, _ = message(name, errors)
    field_id = "newvm-" + name
    described = " ".join(i for i in (field_id + "-msg" if error else None, field_id + "-hint" if hint else None)
                         if i) or None
    return h("div", {"class": "xl-field"},
             h("label", {"class": "xl-field-label", "for": field_id}, label),
             h("textarea", {"id": field_id, "name": name, "rows": str(rows), "spellcheck": "false",
                            "data-action": "newvm.input", "data-field": name, "value": value or "",
                            "aria-invalid": "true" if error else None, "aria-describedby": described}),
             h("span", {"id": field_id + "-hint", "class": "xl-field-hint"}, hint) if hint else None,
             note(state, field_id, error, None))


def summary_section(state, form, template, errors):
    t = state.t
    rows = [(t(key), value) for key, value in vm_create.summary(state.cache, form, template)]
    count = len(errors)
    return section("summary", t("newvm.sec.summary"), w.kv(rows),
                   check(state, "start", t("newvm.start"), form.get("start")),
                   h("p", {"class": "xl-field-error", "role": "alert"}, t("newvm.fix", count=count)) if count else None,
                   h("button", {"type": "submit", "class": "xl-button xl-primary", "id": "newvm-create"},
                     t("newvm.create")))


# ---- actions ------------------------------------------------------------------------------------------
def set_path(form, path, value):
    """Set `name` or `disk.<i>.<key>` / `nic.<i>.<key>` in the form."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in ("disk", "nic") and parts[1].isdigit():
        rows = form.get(parts[0] + "s") or []
        index = int(parts[1])
        if index < len(rows):
            rows[index][parts[2]] = value
        return
    if path == "tags":
        form["tags"] = [tag.strip() for tag in value.split(",") if tag.strip()]
        return
    if path == "name":
        form["_named"] = True
    form[path] = value


def on_input(state, payload):
    form = form_of(state)
    name = (payload.get("data") or {}).get("field")
    if form is not None and name:
        set_path(form, name, payload.get("value") or "")


def on_check(state, payload):
    form = form_of(state)
    name = (payload.get("data") or {}).get("field")
    if form is not None and name:
        form[name] = bool(payload.get("checked"))


def on_template(state, payload):
    ref = payload.get("value") or ""
    if ref and (state.ui.get(FORM) or {}).get("template") != ref:
        choose_template(state, ref)


def on_search(state, payload):
    state.ui["newvm.search"] = payload.get("value") or ""


def on_iso_search(state, payload):
    state.ui["newvm.iso_search"] = payload.get("value") or ""


def row_index(payload):
    text = (payload.get("data") or {}).get("index") or ""
    return int(text) if text.isdigit() else -1


def on_disk_add(state, payload):
    form = form_of(state)
    if form is not None:
        form.setdefault("disks", []).append({"name": "", "size": "10 GiB", "sr": vm_create.default_sr(state.cache),
                                             "template": False, "device": ""})


def on_disk_remove(state, payload):
    form, index = form_of(state), row_index(payload)
    if form is not None and 0 <= index < len(form.get("disks") or []):
        del form["disks"][index]


def on_nic_add(state, payload):
    form = form_of(state)
    if form is not None:
        form.setdefault("nics", []).append({"network": vm_create.default_network(state.cache), "mac": ""})


def on_nic_remove(state, payload):
    form, index = form_of(state), row_index(payload)
    if form is not None and 0 <= index < len(form.get("nics") or []):
        del form["nics"][index]


def on_create(state, payload):
    """Check everything again; create only when nothing is wrong (errors are then shown)."""
    state.ui[TRIED] = True
    form = form_of(state)
    running = new_vm_run.current(state)
    if form is None or not form.get("_filled") or (running is not None and not running.finished):
        return None
    template = state.cache.get("VM", form["template"])
    if not ready(state, template):
        return None  # its full record is on its way again (after a reconnect): the page says Loading
    errors, _ = vm_create.check(state.cache, form, template)
    if errors:
        return None
    return new_vm_run.start(state, dict(form), template)


def leave(state):
    """A VM created: the next visit starts a new form (a failed or running creation stays)."""
    creation = new_vm_run.current(state)
    if creation is not None and creation.ok():
        on_again(state, None)


def on_again(state, payload):
    state.ui.pop(new_vm_run.RUN, None)
    state.ui.pop(FORM, None)
    state.ui[TRIED] = False


actions = {"newvm.input": on_input, "newvm.check": on_check, "newvm.template": on_template,
           "newvm.search": on_search, "newvm.iso_search": on_iso_search, "newvm.disk_add": on_disk_add,
           "newvm.disk_remove": on_disk_remove, "newvm.nic_add": on_nic_add, "newvm.nic_remove": on_nic_remove,
           "newvm.create": on_create, "newvm.again": on_again}
