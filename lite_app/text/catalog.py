"""The string catalog: one table of keys per language and the one helper that fills a string in.

`translate(key, **params)` returns the current language's string for `key` with each `{name}`
placeholder replaced by `str(params[name])`: `translate("vm.disk_total", size="20 GiB")`. Views call it as
`state.t(...)`; pure modules take a `t` argument that defaults to it. A missing key reads as the key
itself (a test fails on any key used but not in the catalog). The build renders the first screen (static
HTML shown before Python starts) from the same table, so a string is written once.
In the bundle the table arrives in parts (devserver/textsplit.py): the start-up strings with the
start-up code, each page group's strings with its code, added by `add_group` when the group is
installed. From the repository the whole table is there and `add_group` finds nothing to add.
Pure: runs under CPython and MicroPython.
"""
from lite_app.text.en import STRINGS as ENGLISH

DEFAULT_LANGUAGE = "en"
CATALOGS = {"en": ENGLISH}


def template(key, language=DEFAULT_LANGUAGE):
    """The unfilled string for `key` in `language` (English when that language lacks it), or the key."""
    catalog = CATALOGS.get(language) or ENGLISH
    found = catalog.get(key)
    if found is None:
        found = ENGLISH.get(key, key)
    return found


# Code points that can reorder the text around them: right-to-left scripts and the bidi controls
# (a name with U+202E RIGHT-TO-LEFT OVERRIDE would reverse the rest of a sentence).
BIDI_RANGES = ((0x0590, 0x08FF), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069), (0xFB1D, 0xFDFF),
               (0xFE70, 0xFEFF))
FSI, PDI = "\u2068", "\u2069"


def isolate(text):
    """`text` inside a first-strong isolate (FSI ... PDI) when it holds anything bidirectional, so a
    value from XAPI cannot reorder the sentence it is put into; plain text is returned as it is."""
    for char in text:
        code = ord(char)
        if code >= 0x0590:
            for low, high in BIDI_RANGES:
                if low <= code <= high:
                    return FSI + text + PDI
    return text


def fill(text, params):
    """`text` with each `{name}` of `params` replaced (names it does not use are ignored); each value is
    isolated (see `isolate`)."""
    for name in params:
        text = text.replace("{" + name + "}", isolate(str(params[name])))
    return text


def translate(key, **params):
    """The string for `key`, filled with `params` (see the module docstring)."""
    text = template(key)
    return fill(text, params) if params else text


def add_group(group):
    """Add the strings of page group `group` (lite_app/text/en_<group>.py, written by the build) to the
    table; nothing when the group brought none. True when strings were added."""
    name = "lite_app.text.en_" + group
    try:
        module = __import__(name, None, None, ["STRINGS"])
    except ImportError as error:
        if name.split(".")[-1] not in str(error):
            raise
        return False
    ENGLISH.update(module.STRINGS)
    return True


def has(key):
    """Whether the catalog has a string for `key` (for keys built from data, e.g. a task's method)."""
    return key in ENGLISH
