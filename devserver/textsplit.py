"""Splits the string catalogs like the code: only the chosen language arrives, each page group's strings
with the group.

The repository keeps one catalog per language (lite_app/text/<code>.py, every key in each). The
bundle keeps them out of the code files: for each language, a start-up file `text-<code>-<hash>.json`
holding lite_app/text/<code>.json with only the strings the start-up code may show (and the pins of the
language's group files), and per page group `text-<code>-<group>-<hash>.json` holding
lite_app/text/<code>_<group>.json with the strings only that group's pages show. Shipped as JSON, not as
the repository's Python modules: MicroPython's json.loads reads a table ~15x faster than its compiler
compiles the same dict literal (the start-up table: ~2 against ~32 ms, before the login form is ready). boot.js fetches the
chosen language's start-up file beside the start-up code, and a group's strings file beside its
code; lite_app/text/catalog.py adds a group's strings when the group is installed
(lite_app/shell/loading.py), before any of its pages renders.

Which strings a module may show is decided per key prefix (the part before the first dot: "newvm",
"dev", "col"), because views build keys from a literal prefix and data ("state." + power): a prefix
no start-up module mentions (as `"prefix.` or `'prefix.`) goes to every group whose modules mention
it (a copy each); everything else, keys without a dot or mentioned nowhere included, stays in the
start-up catalog, so a string can be missing nowhere. Every language splits along the same keys.
"""
import json

from lite_app.text import catalog


def language_module(code):
    return "lite_app/text/%s.py" % code


CATALOGS = tuple(language_module(code) for code in catalog.LANGUAGES)
CATALOG = language_module(catalog.DEFAULT_LANGUAGE)


def prefix_of(key):
    return key.split(".")[0] if "." in key else None


def mentions(text, prefix):
    return ('"%s.' % prefix) in text or ("'%s." % prefix) in text


def owners(prefix, sources, core, members):
    """The groups whose modules mention `prefix`; [] when a start-up module does, or none does (the
    start-up catalog keeps it)."""
    if prefix is None or any(mentions(sources[p], prefix) for p in core if p not in CATALOGS):
        return []
    return [name for name in sorted(members) if any(mentions(sources[p], prefix) for p in members[name])]


def split(strings, sources, core, members):
    """({key: text} of the start-up catalog, {group: {key: text}}) of the catalog `strings`."""
    found = {}
    start, grouped = {}, {}
    for key in strings:
        prefix = prefix_of(key)
        if prefix not in found:
            found[prefix] = owners(prefix, sources, core, members)
        if not found[prefix]:
            start[key] = strings[key]
        for group in found[prefix]:
            grouped.setdefault(group, {})[key] = strings[key]
    return start, grouped


def data_text(strings):
    """A shipped table: `strings` as compact JSON (lite_app/text/catalog.py reads it)."""
    return json.dumps(strings, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def language_data(code):
    return "lite_app/text/%s.json" % code


def group_data(group, code=catalog.DEFAULT_LANGUAGE):
    return "lite_app/text/%s_%s.json" % (code, group)
