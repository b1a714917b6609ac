"""How the Python console shows values: records compactly, long results cut, tracebacks trimmed.

Pure (CPython and MicroPython). Everything here returns plain text; the page shows it as text nodes,
so a VM named `<img src=x onerror=...>` is printed as those characters and nothing else.

- A record (a dict with a `uuid`) shows a few key fields of its class (flags only when set) and how
  many others it has; the class is guessed from a field only its records have.
- A mapping of refs to records (`get_all_records`, `pool.VM`) shows one line per record: the ref and
  the key fields, at most LIST_LIMIT lines.
- Any other value is its repr, cut at VALUE_LIMIT characters.
- The session id is replaced by MASK wherever it appears (`mask(text, secret)`).
"""

# Fields shown for a record of each class (after name_label); others show name_label and uuid.
KEY_FIELDS = {
    "VM": ("power_state", "is_a_template", "is_a_snapshot"),
    "host": ("address", "enabled"),
    "SR": ("type", "physical_size", "physical_utilisation"),
    "VDI": ("virtual_size", "SR", "type"),
    "network": ("bridge", "MTU"),
    "PIF": ("device", "IP", "host"),
    "VIF": ("device", "VM", "MAC"),
    "VBD": ("device", "VM", "VDI", "type"),
    "task": ("status", "progress"),
    "message": ("name", "priority", "obj_uuid"),
    "pool": ("master",),
}
GENERIC = ("power_state", "status", "type")
# A field only records of one class have: the class of a record printed without one.
MARKERS = (("is_a_template", "VM"), ("hostname", "host"), ("virtual_size", "VDI"), ("physical_size", "SR"),
           ("bridge", "network"), ("progress", "task"), ("userdevice", "VBD"), ("obj_uuid", "message"))
LIST_LIMIT = 50
VALUE_LIMIT = 4000
REF_PREFIX = "OpaqueRef:"
MASK = "OpaqueRef:********"
CONSOLE_FILE = '"<console>"'


def short_repr(value, limit=60):
    """repr(value), cut to `limit` characters with an ellipsis."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def short_ref(ref):
    """"OpaqueRef:1f2e…9a0b": enough of a ref to tell it apart on screen."""
    if not isinstance(ref, str) or not ref.startswith(REF_PREFIX) or len(ref) <= len(REF_PREFIX) + 12:
        return str(ref)
    tail = ref[len(REF_PREFIX):]
    return REF_PREFIX + tail[:4] + "\u2026" + tail[-4:]


def is_record(value):
    return isinstance(value, dict) and "uuid" in value and isinstance(value.get("uuid"), str)


def is_record_map(value):
    if not isinstance(value, dict) or not value:
        return False
    for key in value:
        if not (isinstance(key, str) and key.startswith(REF_PREFIX) and is_record(value[key])):
            return False
    return True


def key_fields(record, cls=None):
    """The fields worth a glance for a record of `cls` (guessed from its fields when None)."""
    cls = cls or guess_class(record)
    fields = KEY_FIELDS.get(cls) if cls else None
    if fields is None:
        fields = tuple(f for f in GENERIC if f in record)
    return ("name_label",) + fields if "name_label" in record else fields


def guess_class(record):
    for field, cls in MARKERS:
        if field in record:
            return cls
    return None


def record_line(record, cls=None, ref=None):
    """`OpaqueRef:1f2e…9a0b  'web-01'  power_state='Running' ...` (ref first when given)."""
    parts = [short_ref(ref)] if ref else []
    for field in key_fields(record, cls):
        if field not in record:
            continue
        value = record[field]
        if field == "name_label":
            parts.append(short_repr(value, 60))
        elif isinstance(value, bool):  # a flag shows only when it is set
            if value:
                parts.append(field)
        else:
            parts.append("%s=%s" % (field, short_repr(short_ref(value) if isinstance(value, str) else value, 40)))
    if not ref or "name_label" not in record:
        parts.append("uuid=" + str(record.get("uuid")))
    return "  ".join(parts)


def show_record(record, cls=None):
    shown = key_fields(record, cls)
    others = len(record) - len([f for f in shown if f in record]) - 1
    line = "{" + record_line(record, cls) + "}"
    if others > 0:
        line += "  (+%d fields: print(x) or x[\"field\"])" % others
    return line


def show_record_map(records, cls=None):
    refs = sorted(records, key=lambda ref: str(records[ref].get("name_label") or ref).lower())
    lines = [record_line(records[ref], cls, ref) for ref in refs[:LIST_LIMIT]]
    if len(refs) > LIST_LIMIT:
        lines.append("\u2026 %d more (%d records)" % (len(refs) - LIST_LIMIT, len(refs)))
    return "\n".join(lines)


def show(value, cls=None):
    """The text the console shows for an expression's value (None shows nothing: returns None)."""
    if value is None:
        return None
    if is_record_map(value):
        return show_record_map(value, cls)
    if is_record(value):
        return show_record(value, cls)
    return cut(repr(value))


def cut(text, limit=VALUE_LIMIT):
    if len(text) <= limit:
        return text
    return text[:limit] + "\u2026 (%d characters in all)" % len(text)


def mask(text, secret):
    """`text` with the session id `secret` replaced by MASK (nothing to do without a secret)."""
    if not secret or secret not in text:
        return text
    return text.replace(secret, MASK)


def trim_traceback(text, line_offset=0):
    """A MicroPython/CPython traceback with the console's own frames left out (only frames of the
    user's code, "<console>", and what they called remain) and "<console>" line numbers moved back by
    `line_offset` (the lines a wrapper added before the user's first line)."""
    lines = text.rstrip("\n").split("\n")
    if not lines or not lines[0].startswith("Traceback"):
        return text.rstrip("\n")
    out, started = [lines[0]], False
    i = 1
    while i < len(lines):
        line = lines[i]
        if line.startswith("  File "):
            started = started or CONSOLE_FILE in line
            if started:
                out.append(shift_line(line, line_offset) if CONSOLE_FILE in line else line)
            i += 1
            if i < len(lines) and lines[i].startswith("    "):  # CPython's source line under a frame
                if started:
                    out.append(lines[i])
                i += 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def shift_line(line, offset):
    """'  File "<console>", line 7, in f' with the line number less `offset` (never below 1)."""
    if not offset:
        return line
    mark = line.find(", line ")
    if mark < 0:
        return line
    start = mark + len(", line ")
    end = start
    while end < len(line) and line[end].isdigit():
        end += 1
    if end == start:
        return line
    number = max(1, int(line[start:end]) - offset)
    return line[:start] + str(number) + line[end:]
