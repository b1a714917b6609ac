"""Disks as the SM drivers lay them out on an SR, and the SR's space accounting.

Every VDI record is created, resized and removed through here so that the SR's
`virtual_allocation` (the virtual sizes of its visible disks) and `physical_utilisation` (what
its disks occupy, hidden ones included, plus what else uses the storage) always add up.

VHD SRs (xcp-ng/sm FileSR.py, LVHDSR.py, vhdutil.py): sizes are rounded up to 2 MiB blocks; a
file-based (thin) disk starts at its VHD metadata and grows as it is written; an LVM (thick) leaf
takes its whole size at once. A snapshot or clone turns the disk's data into a hidden read-only
"base copy" (managed=false) and makes the disk and the new one empty leaves on it
(`sm_config:vhd-parent`); removing a leaf lets the garbage collector delete or coalesce what no
longer needs its own base (cleanup.py), which happens here at once.
"""
from . import sm

NULL = "OpaqueRef:NULL"
PARENT = "vhd-parent"
BASE_LABEL = "base copy"
# Fields a new VDI never takes from the one it is made from.
FRESH = {"uuid", "allowed_operations", "current_operations", "is_a_snapshot", "snapshot_of",
         "snapshot_time", "location", "SR", "physical_utilisation", "cbt_enabled"}


def driver(db, sr):
    rec = db.get("SR", sr)
    return sm.DRIVERS.get(rec["type"]) if rec else None


def is_vhd(db, sr):
    found = driver(db, sr)
    return found is not None and found.vhd


def is_thin(db, sr):
    found = driver(db, sr)
    return found is None or found.thin


def account(db, sr, virtual=0, physical=0):
    """Add to an SR's totals (an ISO SR's virtual_allocation is its size: ISOSR.scan)."""
    rec = db.get("SR", sr)
    if rec is None or (virtual == 0 and physical == 0):
        return
    changes = {"physical_utilisation": max(0, rec["physical_utilisation"] + physical)}
    if rec["type"] != "iso":
        changes["virtual_allocation"] = max(0, rec["virtual_allocation"] + virtual)
    db.update("SR", sr, changes)


def _counted(rec):
    return rec["virtual_size"] if rec["managed"] else 0


def adopt(db, vdi):
    """Count a VDI record made elsewhere (an import) in its SR's totals."""
    rec = db.get("VDI", vdi)
    account(db, rec["SR"], _counted(rec), rec["physical_utilisation"])


def fresh_usage(db, sr, size):
    """What a new empty disk of `size` occupies: its VHD metadata (thin), all of it (thick)."""
    if not is_vhd(db, sr):
        return 0
    return sm.vhd_metadata(size) if is_thin(db, sr) else size


def assert_space(db, sr, extra):
    """LVM SRs allocate at once: what does not fit fails as LVHDSR._ensureSpaceAvailable does."""
    rec = db.get("SR", sr)
    if not is_thin(db, sr) and rec["physical_utilisation"] + extra > rec["physical_size"]:
        raise sm.failure("SRNoSpace")


def create(db, sr, fields, physical=None):
    """A new VDI on `sr` from `fields` (virtual size rounded as its driver does)."""
    size = max(0, fields.get("virtual_size", 0))
    if is_vhd(db, sr):
        size = sm.vhd_size(size)
    used = fresh_usage(db, sr, size) if physical is None else physical
    assert_space(db, sr, used)
    record = dict({"managed": True, "location": db.new_uuid()}, **fields)
    record.update(SR=sr, virtual_size=size, physical_utilisation=used)
    if is_vhd(db, sr) and "vdi_type" not in record.get("sm_config", {}):
        record["sm_config"] = dict(record.get("sm_config", {}), vdi_type="vhd")
    vdi = db.create("VDI", record)
    adopt(db, vdi)
    return vdi


def set_usage(db, vdi, virtual_size=None, physical=None):
    rec = db.get("VDI", vdi)
    changes = {}
    if virtual_size is not None:
        changes["virtual_size"] = virtual_size
    if physical is not None:
        changes["physical_utilisation"] = physical
    old_virtual, old_physical = _counted(rec), rec["physical_utilisation"]
    db.update("VDI", vdi, changes)
    rec = db.get("VDI", vdi)
    account(db, rec["SR"], _counted(rec) - old_virtual, rec["physical_utilisation"] - old_physical)


def resize(db, vdi, size):
    """Grow a disk (the caller refused shrinking): thick leaves take the new space at once."""
    rec = db.get("VDI", vdi)
    sr = rec["SR"]
    if is_vhd(db, sr):
        size = sm.vhd_size(size)
    grow = size - rec["virtual_size"]
    if is_thin(db, sr):
        extra = fresh_usage(db, sr, size) - fresh_usage(db, sr, rec["virtual_size"])
    else:
        extra = grow
    assert_space(db, sr, max(0, extra))
    set_usage(db, vdi, size, rec["physical_utilisation"] + max(0, extra))


def written(db, vdi, nbytes):
    """A disk received `nbytes` from its start (an upload): thin disks now hold those blocks."""
    rec = db.get("VDI", vdi)
    sr = rec["SR"]
    if not is_thin(db, sr):
        return
    if is_vhd(db, sr):
        blocks = -(-nbytes // sm.VHD_BLOCK)
        used = sm.vhd_metadata(rec["virtual_size"]) + blocks * (sm.VHD_BLOCK + sm.SECTOR)
    else:
        used = nbytes
    if used > rec["physical_utilisation"]:
        set_usage(db, vdi, physical=used)


# ---- chains -------------------------------------------------------------------------------
def parent_of(db, vdi):
    uuid = db.get("VDI", vdi)["sm_config"].get(PARENT)
    return db.find_by_uuid("VDI", uuid) if uuid else None


def children(db, base):
    uuid = db.get("VDI", base)["uuid"]
    sr = db.get("VDI", base)["SR"]
    return sorted(v for v in db.referrers("SR", "VDIs", sr)
                  if db.get("VDI", v)["sm_config"].get(PARENT) == uuid)


def data_size(db, vdi):
    """The bytes of data a disk holds, its chain included (what a full copy writes); a thick
    disk shows no more than its size, so all of it is counted."""
    if not is_thin(db, db.get("VDI", vdi)["SR"]):
        return db.get("VDI", vdi)["virtual_size"]
    total, seen = 0, 0
    current = vdi
    while current is not None and seen < 64:
        rec = db.get("VDI", current)
        total += max(0, rec["physical_utilisation"] - fresh_usage(db, rec["SR"],
                                                                   rec["virtual_size"]))
        current = parent_of(db, current)
        seen += 1
    return min(total, db.get("VDI", vdi)["virtual_size"])


def _set_parent(db, vdi, uuid):
    sm_config = dict(db.get("VDI", vdi)["sm_config"])
    if uuid:
        sm_config[PARENT] = uuid
    else:
        sm_config.pop(PARENT, None)
    db.set("VDI", vdi, "sm_config", sm_config)


def branch(db, vdi, fields, leaf_is_snapshot):
    """Snapshot or clone `vdi` on its SR; returns the new leaf made from `fields`.

    The disk's data moves to a hidden base copy; the disk and the new leaf start empty on it."""
    rec = db.get("VDI", vdi)
    sr, size = rec["SR"], rec["virtual_size"]
    thin = is_thin(db, sr)
    empty = sm.vhd_metadata(size)
    new_leaf = empty if (thin or leaf_is_snapshot) else size
    assert_space(db, sr, (0 if thin else size) + new_leaf)
    base = db.create("VDI", {
        "name_label": BASE_LABEL, "SR": sr, "virtual_size": size, "type": rec["type"],
        "physical_utilisation": rec["physical_utilisation"], "managed": False, "read_only": True,
        "sharable": False, "location": db.new_uuid(),
        "sm_config": {k: v for k, v in rec["sm_config"].items() if k in ("vdi_type", PARENT)}})
    adopt(db, base)
    base_uuid = db.get("VDI", base)["uuid"]
    _set_parent(db, vdi, base_uuid)
    set_usage(db, vdi, physical=empty if thin else size)
    sm_config = dict(fields.get("sm_config", rec["sm_config"]), **{PARENT: base_uuid})
    leaf = db.create("VDI", dict(fields, SR=sr, virtual_size=size, sm_config=sm_config,
                                 physical_utilisation=new_leaf, location=db.new_uuid()))
    adopt(db, leaf)
    return leaf


def unlink(db, vdi, suspended=None):
    """Before a VDI record goes: CD drives holding it become empty, its other VBDs go, a VM
    suspended onto it forgets its image (`suspended`: {vdi: [vm]} when known)."""
    for vbd in sorted(db.referrers("VDI", "VBDs", vdi)):
        if db.get("VBD", vbd)["type"] == "CD":
            db.update("VBD", vbd, {"VDI": NULL, "empty": True})
        else:
            db.destroy("VBD", vbd)
    vms = suspended.get(vdi, ()) if suspended is not None else db.find("VM", suspend_VDI=vdi)
    for vm in vms:
        db.set("VM", vm, "suspend_VDI", NULL)


def remove(db, vdi):
    """Delete a VDI record and its space; the garbage collector then tidies its chain."""
    rec = db.get("VDI", vdi)
    parent = parent_of(db, vdi)
    unlink(db, vdi)
    db.destroy("VDI", vdi)
    account(db, rec["SR"], -_counted(rec), -rec["physical_utilisation"])
    if parent is not None:
        collect(db, parent)


def collect(db, base):
    """cleanup.py: a hidden base without children goes; with one child it is coalesced into it."""
    rec = db.get("VDI", base)
    if rec is None or rec["managed"]:
        return
    kids = children(db, base)
    if len(kids) > 1:
        return
    parent = parent_of(db, base)
    if kids:
        child = db.get("VDI", kids[0])
        merged = child["physical_utilisation"]
        if is_thin(db, rec["SR"]):
            merged = min(child["physical_utilisation"] + rec["physical_utilisation"]
                         - sm.vhd_metadata(rec["virtual_size"]),
                         sm.vhd_metadata(child["virtual_size"]) + child["virtual_size"])
        _set_parent(db, kids[0], rec["sm_config"].get(PARENT))
        set_usage(db, kids[0], physical=max(child["physical_utilisation"], merged))
    db.destroy("VDI", base)
    account(db, rec["SR"], 0, -rec["physical_utilisation"])
    if parent is not None:
        collect(db, parent)


def metadata(db, vdi):
    """What a copy of `vdi` takes from it (no identity, place, usage or chain)."""
    src = db.get("VDI", vdi)
    fields = {k: v for k, v in src.items() if k not in FRESH}
    fields.update(is_a_snapshot=False, snapshot_of=NULL, managed=True, read_only=False,
                  sm_config={k: v for k, v in src["sm_config"].items() if k != PARENT})
    return fields


def full_copy(db, vdi, sr, changes=None):
    """A new independent VDI on `sr` holding `vdi`'s data (sparse on thin SRs)."""
    fields = dict(metadata(db, vdi), **(changes or {}))
    size = db.get("VDI", vdi)["virtual_size"]
    physical = None
    if is_thin(db, sr):
        physical = fresh_usage(db, sr, size) + data_size(db, vdi)
    return create(db, sr, dict(fields, virtual_size=size), physical=physical)
