"""The disks of an SR as its page lists them, and what may be done to each (pure: CPython and MicroPython).

`disk_tree(vdis)` turns an SR's VDIs into rows: every disk XAPI manages (`managed`: the hidden
"base copy" parents that snapshots and clones leave in a VHD chain are not disks anyone can use),
each with, grouped under it, its snapshots (`snapshot_of`), newest first (`users` names the VMs using
a disk, from its VBDs); a
snapshot whose disk is gone is a row of its own. A disk is an orphan when no VM or snapshot uses it,
it is the base of no snapshot, and it is a plain disk (not an ISO image, a suspend image or other
XAPI-owned kinds): storage nobody can reach from a VM.

Refusals are `(catalog key, params)`, shown before anything is sent: a disk a VM or a snapshot uses
is not deleted (deleting it would pull it out of that VM), a disk attached to a running VM is not
resized (no SM driver here resizes online), and XAPI's `allowed_operations` has the last word. Calls
are `(method, params)` without the session.
"""
from lite_app.logic import limits, model
from lite_app.text import fmt
from lite_app.xapi.cache import NULL_REF

# VDI types a person creates and may lose track of; the others (suspend, crashdump, metadata, rrd,
# ha_statefile, redo_log, pvs_cache, cbt_metadata) belong to XAPI's own features.
PLAIN_TYPES = ("user", "system")
MIB = 1024 * 1024
MIN_DISK = MIB


def users(cache, vdi):
    """[(vm ref, VM record, attached)] of the VMs (and snapshots) whose VBDs hold this disk (those whose
    VBD records are in the cache: see users_known)."""
    out = []
    for vbd_ref in vdi.get("VBDs") or ():
        vbd = cache.get("VBD", vbd_ref)
        vm = cache.get("VM", vbd.get("VM")) if vbd else None
        if vm is not None:
            out.append((vbd["VM"], vm, bool(vbd.get("currently_attached"))))
    return out


def users_known(cache, vdi):
    """Whether the cache holds every VBD of this disk, so `users` is the whole list (an SR's page
    watches the VBDs of the disks it shows rather than loading every VBD of the pool)."""
    return model.all_in(cache, "VBD", vdi.get("VBDs") or ())


def is_snapshot_vm(vm):
    return bool(vm.get("is_a_snapshot"))


def snapshot_bases(vdis):
    """{vdi ref: True} of the disks some listed snapshot was taken of."""
    out = {}
    for ref, vdi in vdis:
        base = vdi.get("snapshot_of") or NULL_REF
        if vdi.get("is_a_snapshot") and base != NULL_REF:
            out[base] = True
    return out


def is_orphan(vdi, used, is_base, iso_sr=False):
    return bool(vdi.get("managed", True) and not used and not is_base and not iso_sr
                and not vdi.get("is_tools_iso") and (vdi.get("type") or "user") in PLAIN_TYPES)


def _row(ref, vdi, bases, iso_sr):
    # Used or not is the disk's own VBD list (every VBD belongs to a VM or a snapshot): known before
    # the VBD records are, which only the rows shown need (`users`).
    return {"ref": ref, "vdi": vdi, "orphan": is_orphan(vdi, vdi.get("VBDs"), ref in bases, iso_sr),
            "snapshots": []}


def disk_tree(vdis, iso_sr=False):
    """Rows for the listed VDIs ([(ref, record)] of one SR): {"ref", "vdi", "orphan", "snapshots": [rows]},
    by name; hidden base copies are left out. Read from the VDI records alone (an SR of a 10,000-VM
    pool has over 10,000 of them: the tree is not made again when a user's VBD changes)."""
    managed = [(ref, vdi) for ref, vdi in vdis if vdi.get("managed", True)]
    bases = snapshot_bases(managed)
    rows, by_ref = [], {}
    for ref, vdi in managed:
        by_ref[ref] = _row(ref, vdi, bases, iso_sr)
    for ref, vdi in managed:
        base = vdi.get("snapshot_of") or NULL_REF
        if vdi.get("is_a_snapshot") and base in by_ref and base != ref:
            by_ref[base]["snapshots"].append(by_ref[ref])
        else:
            rows.append(by_ref[ref])
    for row in by_ref.values():
        if len(row["snapshots"]) > 1:
            row["snapshots"].sort(key=lambda r: (r["vdi"].get("snapshot_time") or "", r["ref"]), reverse=True)
    return by_name(rows)


def by_name(rows):
    """Rows sorted by name, uuid, ref: keys made once (MicroPython calls a sort's key= at every
    comparison: ~150,000 calls for an SR of 11,000 disks), each key unique so no row is compared."""
    keyed = [((row["vdi"].get("name_label") or "").lower(), row["vdi"].get("uuid") or "", row["ref"], i)
             for i, row in enumerate(rows)]
    keyed.sort()
    return [rows[key[3]] for key in keyed]


def orphans(rows):
    """The orphan rows of a tree, snapshots included, in the tree's order."""
    out = []
    for row in rows:
        if row["orphan"]:
            out.append(row)
        out.extend(orphans(row["snapshots"]))
    return out


def user_names(found, snapshots):
    """Names of the VMs (snapshots=False) or snapshots (True) among a disk's users."""
    return [vm.get("name_label") or vm.get("uuid") or ref for ref, vm, _a in found if is_snapshot_vm(vm) == snapshots]


def _busy(vdi):
    return bool(vdi.get("current_operations"))


def delete_refusal(cache, vdi):
    """Why a disk cannot be deleted from the SR page (None when it can); while its users are not known
    (their VBD records on their way), "Loading"."""
    if not users_known(cache, vdi):
        return ("view.loading", {})
    found = users(cache, vdi)
    if vdi.get("is_tools_iso"):
        return ("disk.refuse.tools", {})
    if (vdi.get("type") or "user") not in PLAIN_TYPES:
        return ("disk.refuse.system", {"type": vdi.get("type") or ""})
    if user_names(found, False):
        return ("disk.refuse.used", {"vms": ", ".join(sorted(user_names(found, False)))})
    if user_names(found, True):
        return ("disk.refuse.snapshot", {"snapshots": ", ".join(sorted(user_names(found, True)))})
    if _busy(vdi):
        return ("disk.refuse.busy", {})
    if "destroy" not in (vdi.get("allowed_operations") or ()):
        return ("disk.refuse.not_allowed", {})
    return None


def resize_refusal(cache, vdi, iso_sr=False):
    """Why a disk cannot be resized (None when it can)."""
    if iso_sr or vdi.get("is_tools_iso"):
        return ("disk.refuse.iso_resize", {})
    if not users_known(cache, vdi):
        return ("view.loading", {})
    running = [vm.get("name_label") or ref for ref, vm, attached in users(cache, vdi) if attached]
    if running:
        return ("disk.refuse.attached", {"vms": ", ".join(sorted(running))})
    if _busy(vdi):
        return ("disk.refuse.busy", {})
    if "resize" not in (vdi.get("allowed_operations") or ()):
        return ("disk.refuse.not_allowed", {})
    return None


def disk_size(text):
    """Bytes from what a person typed for a disk ("20 GiB", "512 MiB", "1.5T"; a bare number is GiB)."""
    text = (text or "").strip()
    return limits.parse_size(text + " GiB" if text.replace(".", "", 1).isdigit() else text)


def size_refusal(size, minimum=MIN_DISK):
    """Why `size` (bytes or None) is no size for a disk."""
    if size is None:
        return ("valid.disk_size", {})
    return limits.size_error(size, minimum)


def create_checks(sr, name, size_text):
    """(error or None, size): the name and size of a new disk; a thick SR must have the room now."""
    error = limits.name_error(name)
    if error is not None:
        return ("name", error), None
    size = disk_size(size_text)
    error = size_refusal(size)
    if error is not None:
        return ("size", error), None
    return None, size


def create_call(sr_ref, name, description, size):
    """VDI.create's record: a plain read-write disk of `size` bytes (the SR's driver rounds it)."""
    return ("Async.VDI.create", [{"name_label": name.strip(), "name_description": (description or "").strip(),
                                  "SR": sr_ref, "virtual_size": size, "type": "user", "sharable": False,
                                  "read_only": False, "other_config": {}, "xenstore_data": {}, "sm_config": {},
                                  "tags": []}])


def resize_checks(vdi, size_text):
    """(error or None, size): a disk only grows (SM refuses to shrink one)."""
    size = disk_size(size_text)
    error = size_refusal(size)
    if error is not None:
        return error, None
    current = int(vdi.get("virtual_size") or 0)
    if size <= current:
        return ("valid.grow_only", {"size": fmt.size(current)}), None
    return None, size


def resize_call(vdi_ref, size):
    return ("Async.VDI.resize", [vdi_ref, size])


def rename_calls(vdi_ref, vdi, name, description):
    """The setters for what changed; (error, None) when the name cannot be one."""
    error = limits.name_error(name) or limits.text_error(description, limits.MAX_DESCRIPTION)
    if error is not None:
        return error, None
    calls = []
    if name.strip() != (vdi.get("name_label") or ""):
        calls.append(("VDI.set_name_label", [vdi_ref, name.strip()]))
    if (description or "").strip() != (vdi.get("name_description") or ""):
        calls.append(("VDI.set_name_description", [vdi_ref, (description or "").strip()]))
    return None, calls


def destroy_call(vdi_ref):
    return ("Async.VDI.destroy", [vdi_ref])
