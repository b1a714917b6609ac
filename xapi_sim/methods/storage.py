"""What SR and VDI operations share: allowed-operation tables from the SM drivers' capabilities.

XAPI derives SR and VDI operations from the SM driver's capabilities (xapi_sr_operations.ml,
xapi_vdi.ml; the capabilities per type are in xapi_sim/sm.py): `sr_check` / `vdi_check` return
the failure XAPI raises for an operation, in its check order, or None; `update_sr` /
`update_vdi` recompute `allowed_operations` from them. `Marked` puts `{task: op}` in
`current_operations` while an operation runs, as XAPI's `with_*_marked` do. Space accounting
lives in xapi_sim/disks.py.
"""
from .. import sm
from ..errors import XapiFailure

NULL = "OpaqueRef:NULL"
SR_OPS = ("scan", "destroy", "forget", "plug", "unplug", "update", "vdi_create", "vdi_introduce",
          "vdi_destroy", "vdi_resize", "vdi_clone", "vdi_snapshot", "vdi_mirror",
          "vdi_enable_cbt", "vdi_disable_cbt", "vdi_data_destroy", "vdi_list_changed_blocks",
          "vdi_set_on_boot", "pbd_create", "pbd_destroy")
VDI_OPS = ("clone", "copy", "destroy", "forget", "resize", "snapshot", "update")
# VDI operations that work while a VBD is attached (xapi_vdi.check_operation_error).
LIVE_VDI_OPS = {"snapshot", "clone", "resize_online", "blocked", "mirror", "enable_cbt",
                "disable_cbt", "data_destroy", "revert_to"}
RO_ATTACH_OK = {"copy"}
SAFE_SR_OPS = {"plug"}


def caps(db, sr):
    """The SM capabilities of an SR's driver; the tools SR loses VDI create/delete."""
    rec = db.get("SR", sr)
    found = sm.DRIVERS.get(rec["type"])
    have = found.caps if found else frozenset()
    if rec["is_tools_sr"]:
        have = have - {"VDI_CREATE", "VDI_DELETE"}
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
    if op in sm.SR_OP_CAP and sm.SR_OP_CAP[op] not in caps(db, sr):
        return XapiFailure("SR_OPERATION_NOT_SUPPORTED", sr)
    if op in ("destroy", "forget") and plugged_pbds(db, sr):
        return XapiFailure("SR_HAS_PBD", sr)
    if op == "destroy" and not db.referrers("SR", "PBDs", sr):
        return XapiFailure("SR_HAS_NO_PBDS", sr)
    if op == "destroy" and managed_vdis(db, sr):
        return XapiFailure("SR_NOT_EMPTY")
    return _busy("SR", sr, rec, op, SAFE_SR_OPS)


def vdi_check(db, vdi, op, in_use=None):
    """XAPI's failure for VDI operation `op`, or None (xapi_vdi.check_operation_error).

    `in_use` (the VDI's attached VBDs' modes) may be passed when known: an ISO can sit in
    thousands of CD drives."""
    rec = db.get("VDI", vdi)
    sr = rec["SR"]
    busy = sorted((t, o) for t, o in rec["current_operations"].items() if o != "copy")
    if busy:
        return XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VDI", vdi, busy[0][1], busy[0][0])
    if op == "resize" and not any_plugged_pbd(db, sr):
        return XapiFailure("SR_HAS_NO_PBDS", sr)
    modes = attached_modes(db, vdi) if in_use is None else in_use
    if op not in LIVE_VDI_OPS and (("RW" in modes) if op in RO_ATTACH_OK else modes):
        return XapiFailure("VDI_IN_USE", vdi, op)
    return _vdi_kind_check(db, vdi, rec, op)


def _vdi_kind_check(db, vdi, rec, op):
    sr = rec["SR"]
    if op in sm.VDI_OP_CAP and sm.VDI_OP_CAP[op] not in caps(db, sr):
        return XapiFailure("SR_OPERATION_NOT_SUPPORTED", sr)
    if op == "destroy" and db.get("SR", sr)["type"] == "udev":
        return XapiFailure("VDI_IS_A_PHYSICAL_DEVICE", vdi)
    if op == "destroy" and db.get("SR", sr)["is_tools_sr"]:
        return XapiFailure("SR_OPERATION_NOT_SUPPORTED", sr)
    if op == "snapshot" and rec["sharable"]:
        return XapiFailure("VDI_IS_SHARABLE", vdi)
    return None


def attached_modes(db, vdi):
    """Modes ("RW"/"RO") of the VBDs that have this VDI attached (a read-only VDI, such as an
    ISO in many CD drives, can only be attached RO: the first one tells)."""
    read_only = db.get("VDI", vdi)["read_only"]
    modes = set()
    for vbd in db.referrers("VDI", "VBDs", vdi):
        rec = db.get("VBD", vbd)
        if rec["currently_attached"]:
            modes.add(rec["mode"])
            if read_only or "RW" in modes:
                break
    return modes


def vdi_in_use(db, vdi):
    return bool(attached_modes(db, vdi))


def active_vbds(db, vdi):
    return [v for v in db.referrers("VDI", "VBDs", vdi) if db.get("VBD", v)["currently_attached"]]


def _busy(cls, ref, rec, op, safe=()):
    """OTHER_OPERATION_IN_PROGRESS [class, ref, op, task] while another operation runs."""
    current = sorted((o, t) for t, o in rec["current_operations"].items())
    if not current:
        return None
    if op in safe and all(o in safe for o, _t in current):
        return None
    blocking = [(o, t) for o, t in current if o not in safe] or current
    return XapiFailure("OTHER_OPERATION_IN_PROGRESS", cls, ref, blocking[0][0], blocking[0][1])


def require(failure):
    if failure is not None:
        raise failure


def update_sr(db, sr):
    _set_ops(db, "SR", sr, [op for op in SR_OPS if sr_check(db, sr, op) is None])


def update_vdi(db, vdi, memo=None):
    """Recompute the VDI's allowed_operations; with `memo` (one bulk refresh's), VDIs of the same
    SR, attachment modes and sharability that run no operation share the result."""
    if not db.exists("VDI", vdi):
        return
    modes = attached_modes(db, vdi)
    rec = db.get("VDI", vdi)
    key = None
    if memo is not None and not rec["current_operations"]:
        key = (rec["SR"], frozenset(modes), rec["sharable"])
    ops = memo.get(key) if key is not None else None
    if ops is None:
        ops = [op for op in VDI_OPS if vdi_check(db, vdi, op, modes) is None]
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
