"""The New SR form: which kinds are offered, the device config each needs, the checks, the calls.

Pure (CPython and MicroPython). A form is a dict of what the person typed (`kind`, `server`, `path`,
`nfs_version`, `share`, `username`, `password`, `device`, `host`, `scope`, `name`, `description`).
`device_config(kind, form)` is what SM's driver reads (github.com/xcp-ng/sm: NFSSR, SMBSR, ISOSR,
EXTSR, LVHDSR CONFIGURATION); `create_call` is the SR.create the confirmation shows before it runs,
and `shown_config` hides every secret (a key naming a password) so the page never echoes one back.

Kinds offered are those whose driver the pool lists (SR.get_supported_types) among KINDS. iSCSI
(lvmoiscsi) and HBA (lvmohba) SRs are created from what their probe discovers (targets, LUNs);
the console does not offer them, and says whether the pool has their drivers at all.
"""
from lite_app.logic import limits

# kind -> (SR type, content_type, probe with, local to a host)
KINDS = {
    "nfs": ("nfs", "user", "nfs", False),
    "smb": ("smb", "user", "smb", False),
    "iso_nfs": ("iso", "iso", None, False),
    "iso_smb": ("iso", "iso", None, False),
    "ext": ("ext", "user", "ext", True),
    "lvm": ("lvm", "user", "lvm", True),
}
ORDER = ("nfs", "smb", "iso_nfs", "iso_smb", "ext", "lvm")
NOT_OFFERED = ("lvmoiscsi", "lvmohba")
NFS_VERSIONS = ("3", "4", "4.1")
SECRET_WORDS = ("password", "secret")


def offered(supported):
    """The kinds whose SR type is in `supported` (SR.get_supported_types), in ORDER."""
    return [kind for kind in ORDER if KINDS[kind][0] in (supported or ())]


def missing_drivers(supported):
    """Of iSCSI and HBA, the drivers the pool does not list."""
    return [name for name in NOT_OFFERED if name not in (supported or ())]


def sr_type(kind):
    return KINDS[kind][0]


def is_local(kind):
    return KINDS[kind][3]


def is_iso(kind):
    return KINDS[kind][1] == "iso"


def can_probe(kind):
    return KINDS[kind][2] is not None


def _value(form, key):
    return (form.get(key) or "").strip()


def unc(text):
    """A share as SMB names it: \\\\server\\share (forward slashes accepted)."""
    text = text.strip().replace("/", "\\")
    return "\\\\" + text.lstrip("\\") if text else ""


def device_config(kind, form):
    """What the driver reads for this kind; empty values are left out (a probe sends what it has)."""
    if kind in ("nfs", "iso_nfs"):
        server, path = _value(form, "server"), _value(form, "path")
        version = _value(form, "nfs_version") or NFS_VERSIONS[0]
        if kind == "nfs":
            pairs = (("server", server), ("serverpath", path), ("nfsversion", version))
        else:
            pairs = (("location", server + ":" + path if server and path else ""), ("type", "nfs_iso"),
                     ("nfsversion", version))
    elif kind in ("smb", "iso_smb"):
        share = unc(_value(form, "share"))
        secret = "password" if kind == "smb" else "cifspassword"
        location = "server" if kind == "smb" else "location"
        pairs = ((location, share), ("type", "cifs" if kind == "iso_smb" else ""),
                 ("username", _value(form, "username")), (secret, form.get("password") or ""))
    else:
        pairs = (("device", _value(form, "device")),)
    out = {}
    for key, value in pairs:
        if value:
            out[key] = value
    return out


def is_secret(key):
    key = key.lower()
    for word in SECRET_WORDS:
        if word in key:
            return True
    return False


def shown_config(config):
    """[(key, value or None when secret)] sorted by key: what the page may show of a device config."""
    return [(key, None if is_secret(key) else config[key]) for key in sorted(config)]


def location_error(kind, form):
    """(field, (catalog key, params)) of the first missing or malformed location field, or None."""
    if kind in ("nfs", "iso_nfs"):
        if not _value(form, "server"):
            return "server", ("newsr.need_server", {})
        if not _value(form, "path").startswith("/"):
            return "path", ("newsr.need_path", {})
        if _value(form, "nfs_version") not in ("",) + NFS_VERSIONS:
            return "nfs_version", ("newsr.need_version", {})
    elif kind in ("smb", "iso_smb"):
        parts = [p for p in unc(_value(form, "share")).split("\\") if p]
        if len(parts) < 2:
            return "share", ("newsr.need_share", {})
    elif not _value(form, "device").startswith("/dev/"):
        return "device", ("newsr.need_device", {})
    return None


def form_error(kind, form, hosts):
    """(field, error) of the first problem in the form, or None; `hosts` are the pool's host refs."""
    if kind not in KINDS:
        return "kind", ("newsr.need_kind", {})
    found = location_error(kind, form)
    if found is not None:
        return found
    if (is_local(kind) or form.get("scope") == "host") and form.get("host") not in hosts:
        return "host", ("newsr.need_host", {})
    error = limits.name_error(form.get("name"))
    if error is not None:
        return "name", error
    error = limits.text_error(form.get("description"), limits.MAX_DESCRIPTION)
    return ("description", error) if error is not None else None


def shared(kind, form):
    return not is_local(kind) and form.get("scope") != "host"


def target_host(kind, form, master):
    """The host SR.create runs on: the master for a shared SR, else the chosen host."""
    return master if shared(kind, form) else form.get("host")


def create_call(kind, form, master):
    """The SR.create of the form (checked with form_error first)."""
    return ("Async.SR.create", [target_host(kind, form, master), device_config(kind, form), 0,
                                _value(form, "name"), _value(form, "description"), sr_type(kind),
                                KINDS[kind][1], shared(kind, form), {}])


def probe_call(kind, form, host):
    """SR.probe on `host` with what the form has so far (SMAPIv1 drivers: SR.probe, not probe_ext)."""
    return ("Async.SR.probe", [host, device_config(kind, form), KINDS[kind][2], {}])


def exports_call(form, host):
    """An NFS probe with the server only: it fails, listing the server's exports."""
    return ("Async.SR.probe", [host, {"server": _value(form, "server")}, "nfs", {}])


def location_text(kind, form):
    """Where the SR will be, as the person typed it ("nfs.lab.local:/export/new", a share, a device), or ""."""
    if kind in ("nfs", "iso_nfs") and _value(form, "server") and _value(form, "path"):
        return _value(form, "server") + ":" + _value(form, "path")
    if kind in ("smb", "iso_smb"):
        return unc(_value(form, "share"))
    return _value(form, "device") if kind in ("ext", "lvm") else ""


def _pbd_step(index, host, config):
    key = "pbd%d" % index
    return {"call": lambda results: ("PBD.create", [{"host": host, "SR": results["sr"], "device_config": config,
                                                      "other_config": {}}]),
            "key": key, "undo": lambda pbd, results: ("PBD.destroy", [pbd])}


def _plug_step(index):
    key = "pbd%d" % index
    return {"call": lambda results: ("Async.PBD.plug", [results[key]]), "weight": 2,
            "undo": lambda _none, results: ("Async.PBD.unplug", [results[key]])}


def introduce_steps(kind, form, uuid, hosts, master):
    """Attach an SR the probe found on the storage (a forgotten one) as lite_app.logic.jobs steps:
    SR.introduce, a PBD per host (every host when shared, the master's first), plug them, scan for
    its disks. Should a step fail, the job undoes the others in reverse: unplug, destroy the PBDs,
    forget the record (the storage is never touched: SR.introduce and SR.forget only write XAPI's
    database, xapi_sr.ml)."""
    config, is_shared = device_config(kind, form), shared(kind, form)
    on = [master] + sorted(h for h in hosts if h != master) if is_shared else [form.get("host")]
    steps = [{"call": ("SR.introduce", [uuid, _value(form, "name"), _value(form, "description"), sr_type(kind),
                                        KINDS[kind][1], is_shared, {}]),
              "key": "sr", "undo": lambda sr, results: ("SR.forget", [sr])}]
    steps.extend(_pbd_step(index, on[index], config) for index in range(len(on)))
    steps.extend(_plug_step(index) for index in range(len(on)))
    steps.append({"call": lambda results: ("Async.SR.scan", [results["sr"]]), "weight": 2})
    return steps


def create_steps(kind, form, master):
    """SR.create as a job's one step: XAPI makes the PBDs (every host of a shared SR) and plugs them
    itself, and takes everything back when the driver refuses (xapi_sr.ml create)."""
    return [{"call": create_call(kind, form, master), "key": "sr"}]
