"""The New VM form: its defaults from a template, every check before any call, and the plan of calls.

Pure (CPython and MicroPython). A form is a dict of what the user chose (see `defaults`); `check`
answers `(errors, warnings)`, each `{field: (catalog key, params)}` where a field is a form key or
`disk.<i>.<key>` / `nic.<i>.<key>`; nothing is created while there is an error. `plan` turns a
checked form into the steps XAPI's own tools take (lite_app/logic/vm_create_run.py runs them,
undoing everything when one fails):

    clone the template -> rewrite its provision spec (sr="" is not a default SR to XAPI) ->
    provision its disks -> settings (description, tags, affinity, vCPUs and topology, memory,
    firmware and boot order) -> added disks -> CD drive -> network cards -> cloud-init drive -> start
"""
from lite_app.logic import cloudinit, infra, limits, model, space, vm_templates
from lite_app.logic.vm_edit import parse_count, parse_size
from lite_app.text import fmt
from lite_app.xapi.cache import NULL_REF

GiB = 1024 ** 3
MiB = 1024 ** 2
MIN_DISK = MiB
MAX_VHD = 2040 * GiB       # the largest VHD SM creates (vhdutil MAX_VHD_SIZE)
MIN_MEMORY = 64 * MiB
MAX_NICS = 7               # the templates' number-of-vifs restriction
THICK_TYPES = space.THICK_TYPES  # one list: lite_app.logic.space says which SRs are thick
MEDIA = ("iso", "pxe", "template", "none")
HEX = "0123456789abcdef"


# ---- what the pool offers ---------------------------------------------------------------------
def templates(cache):
    """{ref: record} of the pool's templates (snapshots are not templates to pick)."""
    vms = cache.all("VM")
    return {ref: vms[ref] for ref in vms if vm_templates.is_template(vms[ref])}


def disk_srs(cache):
    """[(ref, SR)] where new disks can go: not ISO libraries, with capacity, allowing vdi_create."""
    srs = cache.all("SR")
    out = []
    for ref in srs:
        sr = srs[ref]
        if sr.get("content_type") == "iso" or not space.has_capacity(sr):
            continue
        if "vdi_create" not in (sr.get("allowed_operations") or ["vdi_create"]):
            continue
        out.append((ref, sr))
    out.sort(key=lambda pair: (infra.sr_label(cache, pair[1]).lower(), pair[0]))
    return out


def sr_free(sr):
    return space.sr_space(sr)["free"]


def isos(cache):
    """[(ref, VDI)] of the ISO images in ISO libraries, by name."""
    srs, vdis = cache.all("SR"), cache.all("VDI")
    out = [(ref, vdis[ref]) for ref in vdis
           if (srs.get(vdis[ref].get("SR")) or {}).get("content_type") == "iso"]
    out.sort(key=lambda pair: ((pair[1].get("name_label") or "").lower(), pair[0]))
    return out


def networks(cache):
    """[(ref, network)] a VM can be connected to (not XAPI's host-internal management network)."""
    nets = cache.all("network")
    out = [(ref, nets[ref]) for ref in nets
           if (nets[ref].get("other_config") or {}).get("is_host_internal_management_network") != "true"]
    out.sort(key=lambda pair: ((pair[1].get("name_label") or "").lower(), pair[0]))
    return out


def default_network(cache):
    """The network of the master's management interface, else the first one."""
    pool = cache.first("pool")[1] or {}
    pifs = cache.all("PIF")
    for ref in pifs:
        pif = pifs[ref]
        if pif.get("management") and pif.get("host") == pool.get("master"):
            return pif.get("network")
    found = networks(cache)
    return found[0][0] if found else ""


def default_sr(cache):
    """The pool's default SR when new disks can go there, else the roomiest such SR."""
    usable = disk_srs(cache)
    pool = cache.first("pool")[1] or {}
    for ref, _sr in usable:
        if ref == pool.get("default_SR"):
            return ref
    usable.sort(key=lambda pair: -sr_free(pair[1]))
    return usable[0][0] if usable else ""


def max_cores_per_socket(cache):
    """The most cores one socket has on every host (a topology must fit any host it may run on)."""
    found = []
    hosts = cache.all("host")
    for ref in hosts:
        info = hosts[ref].get("cpu_info") or {}
        cpus, sockets = parse_count(info.get("cpu_count") or 0), parse_count(info.get("socket_count") or 0)
        if cpus and sockets:
            found.append(max(1, cpus // sockets))
    return min(found) if found else 1


def topologies(vcpus, limit):
    """Cores-per-socket values for `vcpus` vCPUs: divisors of it up to `limit`."""
    return [n for n in range(1, max(1, vcpus) + 1) if vcpus % n == 0 and n <= limit]


# ---- defaults ------------------------------------------------------------------------------------
def defaults(cache, ref, template):
    """A form filled from the (full) template record."""
    platform = template.get("platform") or {}
    vcpus = int(template.get("VCPUs_at_startup") or 1)
    options, _secure = vm_templates.firmware_options(template)
    firmware = vm_templates.firmware(template)
    sr = default_sr(cache)
    disks = [{"name": "", "size": fmt.size(d["size"]), "sr": sr, "template": True, "device": d["device"],
              "bootable": d["bootable"]} for d in vm_templates.provision_disks(template)]
    custom = vm_templates.is_custom(template)
    return {
        "template": ref, "name": template.get("name_label") or "", "description": "", "tags": [],
        "affinity": "", "media": "template" if custom and own_disks(cache, ref) else "iso", "iso": "",
        "vcpus": str(vcpus), "cps": platform.get("cores-per-socket") or "1",
        "memory": fmt.size(template.get("memory_dynamic_max") or template.get("memory_static_max") or GiB),
        "disks": disks,
        "nics": [{"network": net, "mac": ""} for net in template_networks(cache, ref)] or
                [{"network": default_network(cache), "mac": ""}],
        "firmware": firmware if firmware in options else options[0],
        "secure_boot": vm_templates.secure_boot(template) and firmware == "uefi",
        "vtpm": vm_templates.wants_vtpm(template) and firmware == "uefi" and vtpm_supported(cache),
        "cloud": False, "user_data": cloudinit.USER_DATA, "network_config": "", "hostname": "",
        "ssh_keys": "", "password": "", "start": True,
    }


def own_devices(cache, ref, field, cls, device_field):
    """[(device, ref, record)] of the template's own devices of class `cls`, by device: from its full
    record's `field` list (the page watches them: at 10,000 VMs the VBD and VIF classes are ~20,000
    records); those not in the cache are left out (see devices_in)."""
    found = []
    for item in (cache.get("VM", ref) or {}).get(field) or ():
        record = cache.get(cls, item)
        if record is not None:
            found.append((record.get(device_field) or "", item, record))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return found


def own_disks(cache, ref):
    """The template's own disk VBDs (a custom template's), by device."""
    return [vbd_ref for _device, vbd_ref, vbd in own_devices(cache, ref, "VBDs", "VBD", "userdevice")
            if vbd.get("type") == "Disk"]


def template_networks(cache, ref):
    """The networks of the template's own VIFs, by device."""
    return [vif.get("network") for _device, _ref, vif in own_devices(cache, ref, "VIFs", "VIF", "device")
            if vif.get("network")]


def devices_in(cache, template):
    """Whether the cache holds every VBD and VIF the (full) template record names: the form is
    filled from them (its install disks, its network cards)."""
    return (model.all_in(cache, "VBD", template.get("VBDs") or ())
            and model.all_in(cache, "VIF", template.get("VIFs") or ()))


# ---- checks --------------------------------------------------------------------------------------
def check(cache, form, template):
    """(errors, warnings) of the form against the pool as it is now."""
    errors, warnings = {}, {}
    if template is None:
        errors["template"] = ("newvm.err.template", {})
        return errors, warnings
    _identity(cache, form, errors)
    _media(cache, form, errors)
    _cpus(cache, form, template, errors)
    _memory(cache, form, template, errors, warnings)
    _disks(cache, form, errors, warnings)
    _nics(cache, form, errors)
    _firmware(form, template, errors)
    if form.get("vtpm") and (form.get("firmware") != "uefi" or not vtpm_supported(cache)):
        errors["vtpm"] = ("newvm.err.vtpm", {})
    if form.get("cloud"):
        errors.update(cloudinit.check(form))
        if not config_drive_sr(cache, form):
            errors["cloud"] = ("newvm.err.no_drive_sr", {})
    return errors, warnings


def _identity(cache, form, errors):
    for field, error in (("name", limits.name_error(form.get("name"))),
                         ("description", limits.text_error(form.get("description"), limits.MAX_DESCRIPTION))):
        if error is not None:
            errors[field] = error
    for tag in form.get("tags") or []:
        if not tag.strip() or len(tag) > limits.MAX_TAG:
            errors["tags"] = ("valid.tag_empty", {}) if not tag.strip() else ("valid.too_long", {"limit": limits.MAX_TAG})
    affinity = form.get("affinity")
    if affinity and cache.get("host", affinity) is None:
        errors["affinity"] = ("newvm.err.gone", {})


def _media(cache, form, errors):
    media = form.get("media")
    if media not in MEDIA:
        errors["media"] = ("newvm.err.media", {})
    elif media == "iso":
        if not form.get("iso"):
            errors["iso"] = ("newvm.err.iso", {})
        elif cache.get("VDI", form["iso"]) is None:
            errors["iso"] = ("newvm.err.gone", {})
    elif media == "template" and not own_disks(cache, form.get("template")):
        errors["media"] = ("newvm.err.no_own_disks", {})


def _cpus(cache, form, template, errors):
    recs = vm_templates.recommendations(template)
    top = min(limits.MAX_VCPUS, vm_templates.limit(recs, "vcpus-max", limits.MAX_VCPUS))
    low = max(1, vm_templates.limit(recs, "vcpus-min", 1))
    vcpus = parse_count(form.get("vcpus"))
    if vcpus is None:
        errors["vcpus"] = ("valid.vcpus_number", {})
        return
    if not low <= vcpus <= top:
        errors["vcpus"] = ("valid.count_range", {"low": low, "high": top})
        return
    cps = parse_count(form.get("cps"))
    most = max_cores_per_socket(cache)
    if cps is None or cps < 1:
        errors["cps"] = ("valid.vcpus_number", {})
    elif vcpus % cps:
        errors["cps"] = ("newvm.err.cps_divide", {"vcpus": vcpus, "cps": cps})
    elif cps > most:
        errors["cps"] = ("newvm.err.cps_host", {"most": most})


def memory_limits(form, template):
    """(static_min, dynamic_min, dynamic_max, static_max) the VM gets, or None when unparsable."""
    size = parse_size(form.get("memory") or "")
    if size is None:
        return None
    static_min = min(int(template.get("memory_static_min") or size), size)
    return static_min, size, size, size


def _memory(cache, form, template, errors, warnings):
    values = memory_limits(form, template)
    if values is None:
        errors["memory"] = ("valid.memory_size", {"field": "memory"})
        return
    size = values[2]
    top = vm_templates.limit(vm_templates.recommendations(template), "memory-static-max", limits.INT64_MAX)
    if size < MIN_MEMORY:
        errors["memory"] = ("valid.memory_small", {"size": fmt.size(MIN_MEMORY)})
    elif size > top:
        errors["memory"] = ("newvm.err.memory_max", {"size": fmt.size(top)})
    elif limits.size_error(size) is not None:
        errors["memory"] = limits.size_error(size)
    else:
        warning = free_memory_warning(cache, size)
        if warning is not None:
            warnings["memory"] = warning


def free_memory_warning(cache, size):
    """Advice when no live host has `size` free now (the VM will not start until one has)."""
    hosts = cache.all("host")
    free = [infra.host_memory(cache, hosts[r], ref=r)[1] - infra.host_memory(cache, hosts[r], ref=r)[0]
            for r in hosts if infra.host_live(cache, hosts[r])]
    if free and size > max(free):
        return ("newvm.warn.memory_free", {"free": fmt.size(max(free))})
    return None


def disk_sizes(form):
    """[bytes or None] of the form's disks."""
    return [parse_size(d.get("size") or "") for d in form.get("disks") or []]


def _disks(cache, form, errors, warnings):
    usable = dict(disk_srs(cache))
    per_sr = {}
    for i, disk in enumerate(form.get("disks") or []):
        size = parse_size(disk.get("size") or "")
        key = "disk.%d." % i
        if size is None:
            errors[key + "size"] = ("newvm.err.disk_size", {})
        elif size < MIN_DISK or size > MAX_VHD:
            errors[key + "size"] = ("newvm.err.disk_range", {"low": fmt.size(MIN_DISK), "high": fmt.size(MAX_VHD)})
        if disk.get("sr") not in usable:
            errors[key + "sr"] = ("newvm.err.disk_sr", {})
        elif size is not None:
            per_sr[disk["sr"]] = per_sr.get(disk["sr"], 0) + size
        if len(disk.get("name") or "") > limits.MAX_NAME:
            errors[key + "name"] = ("valid.too_long", {"limit": limits.MAX_NAME})
    for sr_ref in per_sr:
        sr = usable[sr_ref]
        if per_sr[sr_ref] > sr_free(sr):
            said = ("newvm.err.sr_space" if sr.get("type") in THICK_TYPES else "newvm.warn.sr_thin",
                    {"sr": infra.sr_label(cache, sr), "need": fmt.size(per_sr[sr_ref]), "free": fmt.size(sr_free(sr))})
            target = errors if sr.get("type") in THICK_TYPES else warnings
            for i, disk in enumerate(form.get("disks") or []):
                if disk.get("sr") == sr_ref:
                    target["disk.%d.sr" % i] = said


def mac_error(text):
    """Why `text` is not a MAC a NIC can take ("" = XAPI makes one), else None."""
    mac = (text or "").strip().lower()
    if not mac:
        return None
    parts = mac.replace("-", ":").split(":")
    if len(parts) != 6 or any(len(p) != 2 or p[0] not in HEX or p[1] not in HEX for p in parts):
        return ("newvm.err.mac", {})
    if int(parts[0], 16) & 1:
        return ("newvm.err.mac_multicast", {})
    return None


def _nics(cache, form, errors):
    nics = form.get("nics") or []
    if len(nics) > MAX_NICS:
        errors["nics"] = ("newvm.err.nics", {"most": MAX_NICS})
    seen = {}
    for i, nic in enumerate(nics):
        if cache.get("network", nic.get("network")) is None:
            errors["nic.%d.network" % i] = ("newvm.err.network", {})
        error = mac_error(nic.get("mac"))
        mac = (nic.get("mac") or "").strip().lower().replace("-", ":")
        if error is None and mac and mac in seen:
            error = ("newvm.err.mac_twice", {})
        if error is not None:
            errors["nic.%d.mac" % i] = error
        seen[mac] = True


def _firmware(form, template, errors):
    options, secure = vm_templates.firmware_options(template)
    if form.get("firmware") not in options:
        errors["firmware"] = ("newvm.err.firmware", {})
    elif form.get("secure_boot") and (form.get("firmware") != "uefi" or not secure):
        errors["secure_boot"] = ("newvm.err.secure_boot", {})


def vtpm_supported(cache):
    """The pool lets VMs have a vTPM (XAPI refuses VTPM.create while pool.restrictions keeps
    restrict_vtpm, xapi_vtpm.ml assert_not_restricted)."""
    for ref in cache.all("pool"):
        return ((cache.get("pool", ref) or {}).get("restrictions") or {}).get("restrict_vtpm") == "false"
    return False


def config_drive_sr(cache, form):
    """Where the cloud-init drive goes: the first disk's SR if shared, else the pool's default SR if
    shared, else any shared SR taking disks ("" when none: the upload goes to the pool master, which
    can reach only shared SRs and its own)."""
    usable = disk_srs(cache)
    shared = [ref for ref, sr in usable if sr.get("shared")]
    first = (form.get("disks") or [{}])[0].get("sr")
    for ref in [first, default_sr(cache)] + shared:
        if ref in shared:
            return ref
    return ""


# ---- the plan --------------------------------------------------------------------------------------
def plan(cache, form, template):
    """[(step, data)] of the creation, each step a name lite_app/logic/vm_create_run.py knows."""
    steps = [("clone", {"template": form["template"], "name": form["name"].strip()})]
    if vm_templates.provision_disks(template):
        steps.append(("provision", {"spec": provision_spec(cache, form, template)}))
    steps.append(("settings", settings(form, template)))
    if form.get("vtpm"):
        steps.append(("vtpm", {}))
    for i, disk in enumerate(form.get("disks") or []):
        if not disk.get("template"):
            steps.append(("disk", {"name": disk_name(form, disk, i), "sr": disk["sr"],
                                   "size": parse_size(disk["size"])}))
    steps.append(("cd", {"iso": form.get("iso") if form.get("media") == "iso" else NULL_REF,
                         "hvm": (template.get("HVM_boot_policy") or "") != ""}))
    steps.append(("nics", {"nics": [{"network": n["network"], "mac": normal_mac(n.get("mac"))}
                                    for n in form.get("nics") or []],
                           "mtu": {n["network"]: (cache.get("network", n["network"]) or {}).get("MTU") or 1500
                                   for n in form.get("nics") or []}}))
    if form.get("cloud"):
        steps.append(("cloud", {"sr": config_drive_sr(cache, form), "config": cloudinit.config(form)}))
    if form.get("start"):
        steps.append(("start", {}))
    return steps


def normal_mac(text):
    return (text or "").strip().lower().replace("-", ":")


def disk_name(form, disk, index):
    return (disk.get("name") or "").strip() or "%s %d" % (form["name"].strip(), index)


def provision_spec(cache, form, template):
    """The template's provision spec with each disk's size and SR (uuid) as the form has them."""
    chosen = [d for d in form.get("disks") or [] if d.get("template")]
    out = []
    for spec in vm_templates.provision_disks(template):
        mine = [d for d in chosen if d.get("device") == spec["device"]]
        if not mine:
            continue  # the user removed it
        sr = cache.get("SR", mine[0]["sr"]) or {}
        out.append(dict(spec, size=parse_size(mine[0]["size"]), sr=sr.get("uuid") or ""))
    return vm_templates.provision_xml(out) if out else ""


def boot_order(form):
    media = form.get("media")
    return {"iso": "dc", "pxe": "nc", "template": "cdn", "none": "cd"}.get(media, "cd")


def settings(form, template):
    """Fields the new VM gets once its disks exist (full maps, so one setter each)."""
    smin, dmin, dmax, smax = memory_limits(form, template)
    boot = dict(template.get("HVM_boot_params") or {})
    boot["order"] = boot_order(form)
    boot["firmware"] = form.get("firmware") or "bios"
    platform = dict(template.get("platform") or {})
    platform["cores-per-socket"] = str(parse_count(form.get("cps")) or 1)
    platform["secureboot"] = "true" if form.get("secure_boot") else "false"
    return {"description": (form.get("description") or "").strip(), "tags": list(form.get("tags") or []),
            "affinity": form.get("affinity") or NULL_REF, "vcpus": parse_count(form["vcpus"]),
            "memory": [smin, smax, dmin, dmax], "boot": boot, "platform": platform,
            "pxe": form.get("media") == "pxe"}


def summary(cache, form, template):
    """[(label key, text)] of what will be created, for the form's last section."""
    sizes = disk_sizes(form)
    srs = [infra.sr_label(cache, cache.get("SR", d.get("sr")) or {}) for d in form.get("disks") or []]
    disks = ", ".join("%s (%s)" % (fmt.size(s) if s is not None else "?", srs[i]) for i, s in enumerate(sizes))
    nets = ", ".join((cache.get("network", n.get("network")) or {}).get("name_label") or "?"
                     for n in form.get("nics") or [])
    values = memory_limits(form, template)
    return [("newvm.sum.template", (template or {}).get("name_label") or ""),
            ("newvm.sum.name", (form.get("name") or "").strip()),
            ("newvm.sum.cpus", "%s \u00d7 %s" % (form.get("vcpus"), form.get("cps"))),
            ("newvm.sum.memory", fmt.size(values[2]) if values else "?"),
            ("newvm.sum.disks", disks or "\u2014"), ("newvm.sum.nics", nets or "\u2014"),
            ("newvm.sum.firmware_secure" if form.get("secure_boot") else "newvm.sum.firmware",
             (form.get("firmware") or "").upper())] + ([("newvm.sum.vtpm", "TPM 2.0")] if form.get("vtpm") else [])
