"""Uploading an ISO image from the browser into an ISO library (pure: CPython and MicroPython).

The upload is VDI.create in the SR (an ISO library's driver makes an empty image file named after
`sm_config:path`, ISOSR.py) then XAPI's PUT /import_raw_vdi streaming the file into it, run as a task
the app created so it can be followed and cancelled; a failed or cancelled upload destroys the
partial image. This module says which SRs take uploads and why not, what the image file will be
called (ISOSR accepts names of letters, digits, dots and dashes ending in .iso or .img), whether a
chosen file fits, and how fast it goes.
"""
from lite_app.logic import space
from lite_app.text import fmt

EXTENSIONS = (".iso", ".img")
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
SPEED_WINDOW = 3.0   # seconds of progress the speed is measured over


def plugged(cache, sr):
    for ref in sr.get("PBDs") or ():
        pbd = cache.get("PBD", ref)
        if pbd is not None and pbd.get("currently_attached"):
            return True
    return False


def sr_refusal(cache, sr):
    """Why this SR takes no ISO upload (None when it does)."""
    if sr.get("content_type") != "iso" and sr.get("type") != "iso":
        return ("upload.refuse.not_iso", {})
    if sr.get("is_tools_sr"):
        return ("upload.refuse.tools", {})
    if "vdi_create" not in (sr.get("allowed_operations") or ()):
        return ("upload.refuse.no_create", {})
    if not plugged(cache, sr):
        return ("upload.refuse.unplugged", {})
    return None


def image_name(filename):
    """The image file's name in the library: the file's own name with every other character made a
    dash ("SERVER_EVAL x64.iso" -> "SERVER-EVAL-x64.iso"); None when it is not an .iso or .img."""
    base = (filename or "").replace("\\", "/").split("/")[-1].strip()
    if not base.lower().endswith(EXTENSIONS):
        return None
    out = []
    for char in base:
        char = char if char in NAME_CHARS else "-"
        if not (char == "-" and out and out[-1] == "-"):
            out.append(char)
    name = "".join(out).lstrip(".-")
    return name if name.lower().endswith(EXTENSIONS) and len(name) > 4 else None


def file_refusal(name, size, sr, taken):
    """Why the chosen file cannot go there: `name` from image_name, `size` in bytes, `taken` the
    names of the library's images."""
    if name is None:
        return ("upload.not_iso", {})
    if size <= 0:
        return ("upload.empty", {})
    free = space.sr_space(sr)["free"]
    if space.sr_space(sr)["known"] and size > free:
        return ("upload.no_room", {"free": fmt.size(free)})
    if name in taken:
        return ("upload.exists", {"name": name})
    return None


def create_call(sr_ref, name, size):
    """The empty image the upload fills (VDI.create in the ISO library)."""
    return ("VDI.create", [{"name_label": name, "name_description": "", "SR": sr_ref, "virtual_size": size,
                            "type": "user", "sharable": False, "read_only": False, "other_config": {},
                            "xenstore_data": {}, "sm_config": {"path": name}, "tags": []}])


class Meter:
    """Bytes sent over time (the browser's clock, seconds): the speed over the last SPEED_WINDOW
    seconds and the time left at that speed."""

    def __init__(self):
        self.samples = []

    def add(self, seconds, sent):
        self.samples.append((seconds, sent))
        while len(self.samples) > 2 and self.samples[-1][0] - self.samples[1][0] >= SPEED_WINDOW:
            self.samples.pop(0)

    def speed(self):
        """Bytes per second, or None before two samples a moment apart."""
        if len(self.samples) < 2:
            return None
        (t0, b0), (t1, b1) = self.samples[0], self.samples[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else None

    def left(self, total):
        """Seconds left at the current speed, or None."""
        speed = self.speed()
        if not speed or not self.samples:
            return None
        return max(0, int((total - self.samples[-1][1]) / speed + 0.5))
