"""XAPI messages as the app shows them: which count as alarms, what each says, its severity and object.

Pure (CPython and MicroPython). The one derivation behind the dashboard's "Latest alarms" card and the
alarms page, so both name a message the same way. An ALARM's body is the measured value, then the alarm's
configuration as XML (xolite-study.md §1.3), e.g.
    value: 0.954\\nconfig:\\n<variable>\\n<name value="cpu_usage"/>\\n<alarm_trigger_level value="0.9"/>\\n</variable>
MicroPython has no xml module and a minimal `re`, so `parse_alarm_body` reads each `<tag value="…"/>`
with str.find. Priorities are XAPI's 1 (critical) to 5 (information). A message names its object
by class (`VM`, `Host`, `SR`, `Pool`...) and uuid, resolved against the cache. Dismissing is
`message.destroy`; messages are not in the database, so nothing else can change them.
"""
from lite_app.text import fmt
from lite_app.text.catalog import has, translate

SEVERITIES = {1: "critical", 2: "major", 3: "warning", 4: "minor", 5: "info"}
# Message `cls` -> cache class name.
CLASSES = {"VM": "VM", "Host": "host", "SR": "SR", "Pool": "pool", "VDI": "VDI", "VMPP": "VMPP",
           "VMSS": "VMSS", "PVS_proxy": "PVS_proxy", "Certificate": "Certificate"}
# Alarm data sources -> (catalog key, how the value reads). Prefixes end with "_".
SOURCES = {
    "cpu_usage": ("alarm.cpu_usage", "percent"),
    "mem_usage": ("alarm.mem_usage", "percent"),
    "memory_free_kib": ("alarm.memory_free", "kib"),
    "network_usage": ("alarm.network_usage", "rate"),
    "disk_usage": ("alarm.disk_usage", "rate"),
    "fs_usage": ("alarm.fs_usage", "percent"),
    "log_fs_usage": ("alarm.log_fs_usage", "percent"),
    "physical_utilisation": ("alarm.sr_usage", "percent"),
    "sr_io_throughput_total_": ("alarm.sr_io", "rate"),
}
ACRONYMS = ("SR", "VM", "VDI", "VBD", "VIF", "PIF", "PBD", "HA", "CPU", "IP", "NTP", "TLS", "PGPU",
            "VGPU", "VMPP", "VMSS", "PVS", "RRD", "CA")


# Messages at or above this importance (XAPI: 1 most important .. 5) count as alarms on the dashboard.
ALARM_PRIORITY = 3


def is_alarm(message):
    """Whether a message is important enough for the dashboard's alarms card."""
    try:
        return int(message.get("priority") or 99) <= ALARM_PRIORITY
    except (TypeError, ValueError):
        return False


def severity(priority):
    """"critical", "major", "warning", "minor" or "info" (unknown priorities count as info)."""
    try:
        return SEVERITIES.get(int(priority), "info")
    except (TypeError, ValueError):
        return "info"


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _attribute(tag_text):
    """The value="…" (or '…') of an element's text, or None."""
    at = tag_text.find("value=")
    if at < 0 or at + 7 > len(tag_text):
        return None
    quote = tag_text[at + 6]
    end = tag_text.find(quote, at + 7)
    return tag_text[at + 7:end] if quote in "\"'" and end > 0 else None


def parse_alarm_body(body):
    """{"value": float or None, "source": data source or None, "level": float or None,
    "settings": {element: value}} from an ALARM body; unknown pieces are None or absent."""
    settings = {}
    first = (body or "").split("\n", 1)[0].strip()
    value = _number(first[6:]) if first.startswith("value:") else None
    pos = 0
    while True:
        start = body.find("<", pos) if body else -1
        end = body.find(">", start) if start >= 0 else -1
        if end < 0:
            break
        inner = body[start + 1:end].strip()
        pos = end + 1
        if inner.endswith("/"):
            name = inner[:-1].strip().split(" ")[0]
            found = _attribute(inner)
            if name and found is not None:
                settings[name] = found
    return {"value": value, "source": settings.get("name"),
            "level": _number(settings.get("alarm_trigger_level")), "settings": settings}


def _source(name):
    if name in SOURCES:
        return SOURCES[name]
    for prefix in SOURCES:
        if prefix.endswith("_") and name.startswith(prefix):
            return SOURCES[prefix]
    return None


def _reading(value, unit):
    if value is None:
        return "?"
    if unit == "percent":
        return fmt.percent_text(value * 100)
    if unit == "kib":
        return fmt.size(value * 1024)
    if unit == "rate":
        return fmt.size(value) + "/s"
    return fmt.number(value)


def alarm_text(alarm, t=translate):
    """ "CPU usage 95.4% (alarm level 90%)" for a parsed ALARM body."""
    source = alarm["source"] or "?"
    known = _source(source)
    key, unit = known if known else ("alarm.other", "")
    what = t(key, source=source)
    value = _reading(alarm["value"], unit)
    if alarm["level"] is None:
        return t("alarm.reading", what=what, value=value)
    return t("alarm.reading_level", what=what, value=value, level=_reading(alarm["level"], unit))


def message_title(message, t=translate):
    """A message in words: the alarm reading, a catalog title "msg.<NAME>", or the name in words."""
    name = message.get("name") or ""
    if name == "ALARM":
        return alarm_text(parse_alarm_body(message.get("body") or ""), t)
    key = "msg." + name
    if has(key):
        return t(key)
    words = [w if w in ACRONYMS else w.lower() for w in name.split("_") if w]
    said = " ".join(words)
    return said[:1].upper() + said[1:]


def resolve(cache, message):
    """(cache class, ref, record) of the message's object; ref and record None if not loaded."""
    cls = CLASSES.get(message.get("cls"), message.get("cls") or "")
    ref = cache.ref_by_uuid(cls, message.get("obj_uuid")) if cls else None
    return cls, ref, cache.get(cls, ref) if ref else None


def row(cache, ref, message, t=translate):
    """{"ref", "name", "title", "severity", "priority", "cls", "object_ref", "object", "time",
    "body", "alarm" (parsed ALARM body or None)}."""
    cls, obj_ref, record = resolve(cache, message)
    alarm = parse_alarm_body(message.get("body") or "") if message.get("name") == "ALARM" else None
    shown = (record.get("name_label") if record else None) or message.get("obj_uuid") or ""
    return {"ref": ref, "name": message.get("name"), "title": message_title(message, t),
            "severity": severity(message.get("priority")), "priority": message.get("priority"),
            "cls": cls, "object_ref": obj_ref, "object": shown,
            "time": fmt.parse_time(message.get("timestamp")), "body": message.get("body") or "",
            "alarm": alarm}


def rows(cache, messages, t=translate, alarms_only=False, limit=None):
    """Rows of a message table ({ref: record}), newest first (ties by ref)."""
    out = []
    for ref in messages:
        message = messages[ref]
        if not alarms_only or message.get("name") == "ALARM":
            out.append(row(cache, ref, message, t))
    out.sort(key=lambda r: (-(r["time"] or 0), r["ref"]))
    return out if limit is None else out[:limit]


def dismiss_calls(refs):
    """One message.destroy per message (destroy_many is missing from older XAPI versions)."""
    return [("message.destroy", [ref]) for ref in refs]
