"""What SR and VDI operations share: storage drivers, allowed-operation tables, space accounting.

XAPI derives SR and VDI operations from the SM driver's capabilities (xapi_sr_operations,
xapi_vdi): `sr_check` / `vdi_check` return the failure XAPI raises for an operation, in its check
order, or None; `update_sr` / `update_vdi` recompute `allowed_operations` from them. `Marked` puts
`{task: op}` in `current_operations` while an operation runs, as XAPI's `with_*_marked` do.
"""
from ..errors import XapiFailure

NULL = "OpaqueRef:NULL"
GiB = 1024 ** 3
TiB = 1024 ** 4
VHD_CAPS = frozenset("vdi_create vdi_destroy vdi_resize vdi_introduce vdi_mirror vdi_enable_cbt "
                     "vdi_disable_cbt vdi_data_destroy vdi_list_changed_blocks vdi_set_on_boot "
                     "update vdi_snapshot vdi_clone".split())


class Driver:
    """An SM driver: its capabilities, whether it allocates lazily, defaults for new SRs."""

    def __init__(self, caps, thin, size, content):
        self.caps, self.thin, self.size, self.content = caps, thin, size, content


DRIVERS = {
    "ext": Driver(VHD_CAPS, True, 900 * GiB, "user"),
    "lvm": Driver(VHD_CAPS, False, 900 * GiB, "user"),
    "nfs": Driver(VHD_CAPS, True, 4 * TiB, ""),
    "iso": Driver(frozenset({"vdi_create", "vdi_destroy", "vdi_introduce"}), True, 500 * GiB,
                  "iso"),
    "udev": Driver(frozenset({"vdi_introduce"}), False, 0, "disk"),
}
# SR operations gated by a driver capability (xapi_sr_operations.sm_cap_table; clone is faked).
SM_GATED = VHD_CAPS - {"vdi_clone"}
SR_OPS = ("scan", "destroy", "forget", "plug", "unplug", "update", "vdi_create", "vdi_introduce",
          "vdi_destroy", "vdi_resize", "vdi_clone", "vdi_snapshot", "vdi_mirror",
          "vdi_enable_cbt", "vdi_disable_cbt", "vdi_data_destroy", "vdi_list_changed_blocks",
          "vdi_set_on_boot", "pbd_create", "pbd_destroy")
VDI_OPS = ("clone", "copy", "destroy", "forget", "resize", "snapshot", "update")
# VDI operations that work while a VBD is attached (xapi_vdi.check_operation_error).
LIVE_VDI_OPS = {"snapshot", "clone", "resize_online", "blocked", "mirror"}
VDI_NEEDS_CAP = {"destroy": "vdi_destroy", "resize": "vdi_resize", "update": "update",
                 "snapshot": "vdi_snapshot", "clone": "vdi_clone"}


def driver(db, sr):
    return DRIVERS.get(db.get("SR", sr)["type"])


def caps(db, sr):
    rec = db.get("SR", sr)
    found = DRIVERS.get(rec["type"])
    have = found.caps if found else frozenset()
    if rec["is_tools_sr"]:
        have = have - {"vdi_create", "vdi_destroy"}
    return have


def plugged_pbds(db, sr):
    return sorted(p for p in db.referrers("SR", "PBDs", sr) if db.get("PBD", p)["currently_attached"])


def any_plugged_pbd(db, sr):
    return any(db.get("PBD", p)["currently_attached"] for p in db.referrers("SR", "PBDs", sr))


def managed_vdis(db, sr):
    return [v for v in db.referrers("SR", "VDIs", sr) if db.get("VDI", v)["managed"]]


def sr_check(db, sr, op):
    """XAPI's failure for SR operation `op`, or None (xapi_sr_operations.valid_operations)."""
    rec = db.get("SR", sr)
    if op in SM_GATED and op not in caps(db, sr):
        return XapiFailure("SR_OPERATION_NOT_SUPPORTED", sr)
    if op in ("destroy", "forget") and plugged_pbds(db, sr):
        return XapiFailure("SR_HAS_PBD", sr)
    if op == "destroy" and not db.referrers("SR", "PBDs", sr):
        return XapiFailure("SR_HAS_NO_PBDS", sr)
    if op == "destroy" and managed_vdis(db, sr):
        return XapiFailure("SR_NOT_EMPTY")
    return _busy("SR", sr, rec)


def vdi_check(db, vdi, op, in_use=None):
    """XAPI's failure for VDI operation `op`, or None (xapi_vdi.check_operation_error).

    `in_use` may be passed when known: an ISO can sit in thousands of CD drives."""
    rec = db.get("VDI", vdi)
    sr = rec["SR"]
    if any(o != "copy" for o in rec["current_operations"].values()):
        return XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VDI", vdi)
    if op == "resize" and not any_plugged_pbd(db, sr):
        return XapiFailure("SR_HAS_NO_PBDS", sr)
    if op not in LIVE_VDI_OPS and (vdi_in_use(db, vdi) if in_use is None else in_use):
        return XapiFailure("VDI_IN_USE", vdi, op)
    return _vdi_kind_check(db, vdi, rec, op)


def _vdi_kind_check(db, vdi, rec, op):
    sr = rec["SR"]
    if op == "destroy" and db.get("SR", sr)["type"] == "udev":
        return XapiFailure("VDI_IS_A_PHYSICAL_DEVICE", vdi)
    if op == "snapshot" and rec["sharable"]:
        return XapiFailure("VDI_IS_SHARABLE", vdi)
    if op in VDI_NEEDS_CAP and VDI_NEEDS_CAP[op] not in caps(db, sr):
        return XapiFailure("SR_OPERATION_NOT_SUPPORTED", sr)
    return None


def vdi_in_use(db, vdi):
    return any(db.get("VBD", v)["currently_attached"] for v in db.referrers("VDI", "VBDs", vdi))


def active_vbds(db, vdi):
    return [v for v in db.referrers("VDI", "VBDs", vdi) if db.get("VBD", v)["currently_attached"]]


def _busy(cls, ref, rec):
    ops = sorted(rec["current_operations"].values())
    if ops:
        return XapiFailure("OTHER_OPERATION_IN_PROGRESS", cls, ref, ops[0])
    return None


def require(failure):
    if failure is not None:
        raise failure


def update_sr(db, sr):
    _set_ops(db, "SR", sr, [op for op in SR_OPS if sr_check(db, sr, op) is None])


def update_vdi(db, vdi, memo=None):
    """Recompute the VDI's allowed_operations; with `memo` (one bulk refresh's), VDIs of the same
    SR, use and sharability that run no operation share the result."""
    in_use = vdi_in_use(db, vdi)
    rec = db.get("VDI", vdi)
    key = None
    if memo is not None and not rec["current_operations"]:
        key = (rec["SR"], in_use, rec["sharable"])
    ops = memo.get(key) if key is not None else None
    if ops is None:
        ops = [op for op in VDI_OPS if vdi_check(db, vdi, op, in_use) is None]
        if key is not None:
            memo[key] = ops
    _set_ops(db, "VDI", vdi, ops)


def _set_ops(db, cls, ref, ops):
    if db.exists(cls, ref) and sorted(ops) != sorted(db.get(cls, ref)["allowed_operations"]):
        db.set(cls, ref, "allowed_operations", sorted(ops))


class Marked:
    """`with Marked(db, "VDI", ref, task, "clone", update_vdi):` - current_operations while it runs."""

    def __init__(self, db, cls, ref, task, op, update):
        self.db, self.cls, self.ref, self.task, self.op, self.update = db, cls, ref, task, op, update

    def __enter__(self):
        if self.task:
            self.db.add_to(self.cls, self.ref, "current_operations", self.task, self.op)
            self.update(self.db, self.ref)
        return self

    def __exit__(self, *exc):
        if self.task and self.db.exists(self.cls, self.ref):
            self.db.remove_from(self.cls, self.ref, "current_operations", self.task)
            self.update(self.db, self.ref)
        return False


def account(db, sr, virtual=0, physical=0):
    """Add to an SR's virtual_allocation and physical_utilisation (never below zero)."""
    rec = db.get("SR", sr)
    if rec is None or (virtual == 0 and physical == 0):
        return
    db.update("SR", sr, {"virtual_allocation": max(0, rec["virtual_allocation"] + virtual),
                         "physical_utilisation": max(0, rec["physical_utilisation"] + physical)})


def assert_space(db, sr, extra):
    """Thick (LVM) SRs allocate at once: refuse what does not fit, as the SM driver does."""
    rec = db.get("SR", sr)
    found = DRIVERS.get(rec["type"])
    if found and not found.thin and rec["physical_utilisation"] + extra > rec["physical_size"]:
        raise XapiFailure("SR_BACKEND_FAILURE_44", "", "There is insufficient space", "")
