"""XAPI messages as the dashboard shows them: which count as alarms, what an ALARM body says, titles.

Pure (CPython and MicroPython). XAPI numbers priorities from 1 (most important) to 5.
"""

# Messages at or above this importance count as alarms.
ALARM_PRIORITY = 3


def is_alarm(message):
    return int(message.get("priority") or 99) <= ALARM_PRIORITY


def alarm_value(message):
    """The measured value an ALARM body starts with ("value: 0.954"), or None."""
    body = message.get("body") or ""
    if message.get("name") == "ALARM" and body.startswith("value:"):
        return body.split("\n", 1)[0][6:].strip()
    return None


def alarm_variable(message):
    """The data source an ALARM is about (`<name value="cpu_usage"/>` in its body), or None."""
    body = message.get("body") or ""
    start = body.find('<name value="')
    if message.get("name") != "ALARM" or start < 0:
        return None
    start += len('<name value="')
    end = body.find('"', start)
    return body[start:end] if end > start else None


# Words XAPI message names spell in capitals that stay so in a sentence.
ACRONYMS = ("SR", "VM", "VDI", "VBD", "VIF", "PIF", "PBD", "HA", "CPU", "IP", "NTP", "TLS", "PGPU", "VGPU")


def message_title(message):
    """A message name in words: HOST_CLOCK_SKEW_DETECTED -> "Host clock skew detected"."""
    words = []
    for word in (message.get("name") or "").split("_"):
        words.append(word if word in ACRONYMS else word.lower())
    text = " ".join([word for word in words if word])
    return text[:1].upper() + text[1:]

