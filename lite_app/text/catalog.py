"""The string catalog: one table of keys per language and the one helper that fills a string in.

`translate(key, **params)` returns the current language's string for `key` with each `{name}`
placeholder replaced by `str(params[name])`: `translate("vm.disk_total", size="20 GiB")`. Views call it as
`state.t(...)`; pure modules take a `t` argument that defaults to it. A missing key reads as the key
itself (a test fails on any key used but not in the catalog). The build renders the first screen (static
HTML shown before Python starts) from the same table, so a string is written once.
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


def fill(text, params):
    """`text` with each `{name}` of `params` replaced (names it does not use are ignored)."""
    for name in params:
        text = text.replace("{" + name + "}", str(params[name]))
    return text


def translate(key, **params):
    """The string for `key`, filled with `params` (see the module docstring)."""
    text = template(key)
    return fill(text, params) if params else text


def has(key):
    """Whether the catalog has a string for `key` (for keys built from data, e.g. a task's method)."""
    return key in ENGLISH
