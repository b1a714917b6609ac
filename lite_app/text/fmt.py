"""Formatting for the views: numbers, sizes, percentages, durations, relative times, XAPI dates.

Pure (CPython and MicroPython): no strftime, locale or datetime formatting, just arithmetic. The few
rules that differ per language are catalog entries (`fmt.decimal`, `fmt.group`, `fmt.percent`,
`fmt.date`, `fmt.datetime`, `fmt.month.N`), so a language is complete when its catalog is, and the
formats follow the language the user chose (MicroPython has no `locale`; the browser's `Intl` would
cost a call through the edge per figure, and the rules needed are these few). Words come from the
catalog through `t` (a `translate`-like function), so the views stay translatable.
"""
from lite_app.text import catalog
from lite_app.text.catalog import translate

BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")

# Duration units, largest first: (seconds, catalog key of the short unit).
DURATION_UNITS = ((86400, "unit.days"), (3600, "unit.hours"), (60, "unit.minutes"), (1, "unit.seconds"))


# Sizes written already, by (value, language): a screenful of VM rows shows a few memory sizes many times.
_SIZES = {}


def size(value):
    """Bytes as binary units: 0 -> "0 B", 1536 -> "1.5 KiB", 16 GiB -> "16 GiB"."""
    if type(value) is int or type(value) is str:
        key = (value, catalog.language())
        found = _SIZES.get(key)
        if found is None:
            if len(_SIZES) > 1000:
                _SIZES.clear()
            found = _SIZES[key] = _size(value)
        return found
    return _size(value)


def _size(value):
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return "\u2014"
    unit = 0
    while abs(amount) >= 1024 and unit < len(BYTE_UNITS) - 1:
        amount /= 1024.0
        unit += 1
    return number(amount) + " " + BYTE_UNITS[unit]


def number(amount, t=translate):
    """A figure with at most one decimal, none when it is whole or large, in the language's way:
    1.5, 16, 123 (English), 1,5 (French, German, Spanish); thousands grouped (see `integer`)."""
    if unit_free_whole(amount) or abs(amount) >= 100:
        return integer(int(amount + 0.5) if amount >= 0 else -int(-amount + 0.5), t)
    text = "%.1f" % amount
    if text.endswith(".0"):
        return text[:-2]
    return text.replace(".", t("fmt.decimal"))


def integer(value, t=translate):
    """A whole number with the language's thousands separator from 10,000 up: 9999, 10,000
    (English), 10 000 (French), 10.000 (German, Spanish). Four digits stay ungrouped, as CLDR's
    Spanish needs and the others allow, so a figure keeps one look in every language."""
    text = str(abs(int(value)))
    if len(text) > 4:
        groups = []
        while len(text) > 3:
            groups.insert(0, text[-3:])
            text = text[:-3]
        groups.insert(0, text)
        text = t("fmt.group").join(groups)
    return ("-" + text) if int(value) < 0 else text


def percent_text(value, t=translate):
    """A percentage as the language writes it: "42%" (English), "42 %" (French, German, Spanish)."""
    return t("fmt.percent", value=number(value, t) if not isinstance(value, int) else integer(value, t))


def unit_free_whole(amount):
    return amount == int(amount)


def percent(part, whole):
    """part / whole as an int percentage in 0..100 (0 when whole is 0)."""
    try:
        part, whole = float(part), float(whole)
    except (TypeError, ValueError):
        return 0
    if whole <= 0:
        return 0
    # Half up, the same in every runtime (round() halves to even).
    return max(0, min(100, int(100.0 * part / whole + 0.5)))


def duration(seconds, t=translate):
    """A duration in its two largest units: "3 d 4 h", "5 h 12 min", "42 s"."""
    seconds = int(seconds)
    if seconds < 1:
        return "0 " + t("unit.seconds")
    parts = []
    for span, key in DURATION_UNITS:
        count = seconds // span
        if count or parts:
            parts.append("%d %s" % (count, t(key)))
            seconds -= count * span
        if len(parts) == 2:
            break
    if len(parts) == 2 and parts[1].startswith("0 "):
        parts.pop()
    return " ".join(parts)


def relative(then, now, t=translate):
    """How long ago `then` was (epoch seconds): "just now", "5 min ago", "3 d ago"."""
    if then is None or now is None:
        return "\u2014"
    delta = int(now - then)
    if delta < 45:
        return t("time.just_now")
    for span, key in DURATION_UNITS:
        if delta >= span:
            return t("time.ago", time="%d %s" % (delta // span, t(key)))
    return t("time.just_now")


def days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_time(text):
    """Epoch seconds of an XAPI DateTime ("20250605T12:34:56Z", dashes, a +hh:mm offset); None if invalid."""
    if not isinstance(text, str) or "T" not in text:
        return None
    date, clock = text.strip().split("T", 1)
    date = date.replace("-", "")
    offset = 0
    for sign in ("+", "-"):
        if sign in clock:
            clock, zone = clock.split(sign, 1)
            zone = zone.replace(":", "")
            if not (len(zone) == 4 and zone.isdigit()):
                return None
            offset = (int(zone[:2]) * 3600 + int(zone[2:]) * 60) * (1 if sign == "+" else -1)
    clock = clock.rstrip("Z").split(".")[0].replace(":", "")
    if len(date) != 8 or len(clock) != 6 or not (date.isdigit() and clock.isdigit()):
        return None
    days = days_from_civil(int(date[:4]), int(date[4:6]), int(date[6:]))
    return days * 86400 + int(clock[:2]) * 3600 + int(clock[2:4]) * 60 + int(clock[4:]) - offset


def parse_epoch(text):
    """A float from an epoch string as XAPI stores it in other_config ("1712345678."); None if invalid."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def date_text(epoch, t=translate):
    """An epoch as the language writes a date and time, in UTC: "5 Jun 2025, 12:34 UTC" (English),
    "5 juin 2025 à 12:34 UTC" (French)… (no strftime under MicroPython)."""
    if epoch is None:
        return "\u2014"
    days, rest = divmod(int(epoch), 86400)
    year, month, day = civil_from_days(days)
    date = t("fmt.date", day=day, month=t("fmt.month." + str(month)), year=year)
    return t("fmt.datetime", date=date, time="%02d:%02d" % (rest // 3600, rest % 3600 // 60))


def stamp(epoch):
    """An epoch as "2025-06-05 12:34" in UTC, the same in every language (for names the app makes,
    which should sort and read alike for everyone)."""
    days, rest = divmod(int(epoch), 86400)
    year, month, day = civil_from_days(days)
    return "%04d-%02d-%02d %02d:%02d" % (year, month, day, rest // 3600, rest % 3600 // 60)


def civil_from_days(days):
    """(year, month, day) of a day count since 1970-01-01 (inverse of days_from_civil)."""
    days += 719468
    era = (days if days >= 0 else days - 146096) // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day
