"""An SR's space, one derivation for every page that shows it (pure: CPython and MicroPython).

The dashboard's storage meters, the storage list and the SR page all read `sr_space(sr)`, so the
figures agree wherever they are shown:
- size: `physical_size`, what the storage offers;
- used: `physical_utilisation`, the bytes taken there (disks as written so far, hidden base copies
  of snapshot chains, the file system's own structures);
- allocated: `virtual_allocation`, XAPI's sum of the virtual sizes of the SR's disks: what they
  could grow to;
- free: size less used.
How the three relate depends on the provisioning: thin (VHD files on ext, NFS, SMB) lets disks grow
as they are written, so allocated may exceed the size; thick (VHD on LVM) reserves each disk's
full size when it is made; an ISO library holds image files, and XAPI reports its size as its
allocation, so nothing is "allocated" there. `provisioning(sr)` names the case for the one-line
explanation the views give.
"""

# SR types whose disks reserve their whole size at creation (SM's LVM-based drivers).
THICK_TYPES = ("lvm", "lvmoiscsi", "lvmohba", "lvmofcoe")
# SR types that are not storage capacity (removable drives).
NO_CAPACITY_TYPES = ("udev",)


def provisioning(sr):
    """"thin", "thick", "images" (an ISO library) or None (removable drives: no capacity)."""
    sr_type = sr.get("type") or ""
    if sr_type in NO_CAPACITY_TYPES:
        return None
    if sr.get("content_type") == "iso" or sr_type == "iso":
        return "images"
    if sr_type in THICK_TYPES or (sr.get("sm_config") or {}).get("allocation") == "thick":
        return "thick"
    return "thin"


def _bytes(value):
    """XAPI's int64 (a number, or a string over XML-RPC); negative (unknown until a plug) as 0."""
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def sr_space(sr):
    """{"size", "used", "allocated" (None for ISO libraries), "free", "provisioning", "known",
    "overcommitted"}: bytes; `known` is False until XAPI has measured the SR (a plug or a scan)."""
    size, used = _bytes(sr.get("physical_size")), _bytes(sr.get("physical_utilisation"))
    kind = provisioning(sr)
    allocated = None if kind in ("images", None) else _bytes(sr.get("virtual_allocation"))
    return {"size": size, "used": used, "allocated": allocated,
            "free": max(0, size - used), "provisioning": kind, "known": size > 0,
            "overcommitted": bool(allocated is not None and allocated > size > 0)}


def has_capacity(sr):
    """Whether the SR stores data with a size to show (not a removable drive, measured)."""
    return provisioning(sr) is not None and sr_space(sr)["known"]
