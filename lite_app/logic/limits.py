"""The bounds of what a person may type, in one place, checked before any call reaches XAPI.

Pure (CPython and MicroPython). XAPI stores names as unbounded strings but refuses a request body over
300 KiB (an HTTP 413 page, not an API error), and sizes and counts are int64 on the wire: a value past
those limits used to reach the host and come back as a raw HTTP status. Every form of the app checks
its names, sizes and counts here, so one rule answers for all of them:
- names: not empty after trimming, at most MAX_NAME characters (descriptions MAX_DESCRIPTION, tags MAX_TAG);
- sizes: whole bytes between a minimum and INT64_MAX, typed with binary units (`parse_size`);
- counts: whole numbers in a range.
Errors are `(catalog key, params)` like the rest of the form checks. `memory_warning` is advice, not a
refusal: a VM may be given more memory than any host has (it will not start until one has it).
"""
from lite_app.logic import infra
from lite_app.text import fmt

MAX_NAME = 255
MAX_DESCRIPTION = 1024
MAX_TAG = 64
MAX_VCPUS = 64
INT64_MAX = 2 ** 63 - 1
KIB, MIB, GIB, TIB = 1024, 1024 ** 2, 1024 ** 3, 1024 ** 4
# Units people type, all binary (XAPI sizes are bytes; "4 GB" of RAM means 4 GiB); a bare number is MiB.
UNITS = {"": MIB, "b": 1, "k": KIB, "kb": KIB, "kib": KIB, "m": MIB, "mb": MIB, "mib": MIB,
         "g": GIB, "gb": GIB, "gib": GIB, "t": TIB, "tb": TIB, "tib": TIB}


def parse_size(value):
    """Bytes from "4 GiB", "4096 MiB", "512M", "1.5G" or a bare number of MiB; None if invalid."""
    if isinstance(value, int):
        return value
    text = str(value).strip().lower().replace(" ", "")
    cut = 0
    while cut < len(text) and (text[cut].isdigit() or text[cut] == "."):
        cut += 1
    digits, unit = text[:cut], text[cut:]
    if not digits or digits.count(".") > 1 or digits == "." or unit not in UNITS:
        return None
    amount = float(digits) * UNITS[unit]
    # Absurd sizes stay absurd, not an overflow: size_error refuses anything past int64.
    return INT64_MAX + 1 if amount > INT64_MAX else int(amount + 0.5)


def name_error(value, limit=MAX_NAME):
    """Why `value` cannot be a name (None when it can)."""
    text = (value or "").strip()
    if not text:
        return ("valid.name_empty", {})
    if len(text) > limit:
        return ("valid.too_long", {"limit": limit})
    return None


def text_error(value, limit):
    """Why `value` cannot be a free text of at most `limit` characters (it may be empty)."""
    return ("valid.too_long", {"limit": limit}) if len((value or "").strip()) > limit else None


def size_error(size, minimum=0):
    """Why `size` (bytes, an int) is not a size XAPI can take."""
    if size > INT64_MAX:
        return ("valid.size_huge", {})
    if size < minimum:
        return ("valid.size_small", {"size": fmt.size(minimum)})
    return None


def count_error(count, low, high):
    """Why `count` is out of [low, high] (None when inside)."""
    return None if low <= count <= high else ("valid.count_range", {"low": low, "high": high})


def largest_host_memory(cache):
    """The largest memory_total among the pool's hosts (0 when none is known)."""
    hosts = cache.all("host")
    return max([infra.host_memory(cache, hosts[ref])[1] for ref in hosts] or [0])


def memory_warning(cache, size):
    """Advice when `size` is more than any host of the pool has, else None."""
    largest = largest_host_memory(cache)
    if largest and size > largest:
        return ("valid.memory_over_hosts", {"largest": fmt.size(largest)})
    return None
