"""The string catalog: one table of keys per language and the one helper that fills a string in.

`translate(key, **params)` returns the current language's string for `key` with each `{name}`
placeholder replaced by `str(params[name])`: `translate("vm.disk_total", size="20 GiB")`. Views call it as
`state.t(...)`; pure modules take a `t` argument that defaults to it. A missing key reads as the key
itself (tests fail on any key used but not in the catalog, and on any language lacking a key).

Plurals: a string whose text counts something (`{count}`) is a dict of CLDR plural forms,
`{"one": "{count} task running", "other": "{count} tasks running"}`; `translate` picks the form for
`params["count"]` by the language's rule (`plural_form`). English, German and Spanish say "one" for
1 only, French for 0 and 1; every other count (and any fraction) is "other".

Languages: lite_app/text/<code>.py, one per code of LANGUAGES, each holding every key. `use(code)` makes
one current (main.py, from the language boot.js chose: the stored choice, else the browser's). In the
bundle only the chosen language arrives (devserver/textsplit.py), as JSON tables beside this module: its
start-up strings with the start-up code, each page group's strings with its code, added by `add_group`
when the group is installed. From the repository the whole table is there and `add_group` finds nothing
to add.
Pure: runs under CPython and MicroPython.
"""
import json

DEFAULT_LANGUAGE = "en"
# Codes in the order the language menu lists them; each names itself (the same in every language).
LANGUAGES = ("en", "fr", "de", "es")
AUTONYMS = {"en": "English", "fr": "Fran\u00e7ais", "de": "Deutsch", "es": "Espa\u00f1ol"}
# Languages whose "one" form also covers 0 (CLDR: French i = 0,1).
ONE_INCLUDES_ZERO = ("fr",)

CURRENT = {"language": None, "strings": {}}


def _module(name):
    """The module lite_app.text.<name>, or None when it is not there (a group without strings)."""
    full = "lite_app.text." + name
    try:
        return __import__(full, None, None, ["STRINGS"])
    except ImportError as error:
        if name not in str(error):
            raise
        return None


def _table(name):
    """The table lite_app/text/<name>: the bundle's JSON file beside this module (json.loads reads it ~15x
    faster than MicroPython compiles the same literal), else the repository's module; None when neither
    is there (a group without strings)."""
    try:
        with open(__file__[:__file__.rfind("/") + 1] + name + ".json") as found:
            return json.loads(found.read())
    except OSError:
        module = _module(name)
        return None if module is None else module.STRINGS


def strings_of(language):
    """The whole table of `language` (the repository's, for tests and the build; the bundle's in the browser)."""
    table_found = _table(language)
    if table_found is None:
        raise ValueError("no catalog for language %r" % language)
    return table_found


def use(language):
    """Make `language` current (an unknown code means English); returns the code in use."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    if CURRENT["language"] != language:
        CURRENT["strings"] = dict(strings_of(language))
        CURRENT["language"] = language
    return language


def language():
    """The current language's code."""
    if CURRENT["language"] is None:
        use(DEFAULT_LANGUAGE)
    return CURRENT["language"]


def table():
    """The current language's {key: text or plural dict}."""
    language()
    return CURRENT["strings"]


def choose(wanted, stored=None):
    """The language to use: `stored` (the user's choice) when it is offered, else the first of the
    browser's `wanted` languages ("fr-CA", "de") whose primary code is offered, else English."""
    if stored in LANGUAGES:
        return stored
    for tag in wanted or ():
        code = str(tag).split("-")[0].split("_")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def plural_form(count, language_code=None):
    """CLDR's form ("one" or "other") of `count` in the language (the current one by default)."""
    code = language_code or language()
    try:
        number = float(count)
    except (TypeError, ValueError):
        return "other"
    if number != int(number):
        return "other"
    if number == 1 or (number == 0 and code in ONE_INCLUDES_ZERO):
        return "one"
    return "other"


def template(key, count=None):
    """The unfilled string for `key` in the current language (the form for `count` when it counts), or
    the key itself."""
    found = table().get(key)
    if found is None:
        return key
    if isinstance(found, dict):
        return found.get(plural_form(count)) or found.get("other") or key
    return found


# Code points that can reorder the text around them: right-to-left scripts and the bidi controls
# (a name with U+202E RIGHT-TO-LEFT OVERRIDE would reverse the rest of a sentence).
BIDI_RANGES = ((0x0590, 0x08FF), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069), (0xFB1D, 0xFDFF),
               (0xFE70, 0xFEFF))
FSI, PDI = "\u2068", "\u2069"


def isolate(text):
    """`text` inside a first-strong isolate (FSI ... PDI) when it holds anything bidirectional, so a
    value from XAPI cannot reorder the sentence it is put into; plain text is returned as it is."""
    if len(text.encode()) == len(text):  # ASCII (checked in C; the loop costs MicroPython ~1 us a character)
        return text
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
    text = template(key, params.get("count"))
    return fill(text, params) if params else text


def add_group(group):
    """Add the current language's strings of page group `group` (lite_app/text/<code>_<group>.py,
    written by the build) to the table; nothing when the group brought none. True when strings were
    added."""
    found = _table(language() + "_" + group)
    if found is None:
        return False
    CURRENT["strings"].update(found)
    return True


def has(key):
    """Whether the catalog has a string for `key` (for keys built from data, e.g. a task's method)."""
    return key in table()
