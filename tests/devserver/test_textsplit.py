"""The catalog split by page group (devserver/textsplit.py): no string is lost, and every key a module
names — literally, or as a prefix it completes with data — is in the start-up catalog or in the
catalog of the group the module ships in."""
import ast

import pytest

from devserver import bundle, splitting, textsplit
from lite_app.shell import pages
from lite_app.text.en import STRINGS

SOURCES = bundle.app_sources()


@pytest.fixture(scope="module")
def parts():
    core, members, _ = splitting.split(SOURCES, pages.PAGES, pages.GROUPS)
    start, grouped = textsplit.split(STRINGS, SOURCES, core, members)
    return core, members, start, grouped


def named(path):
    """Keys `path` names: string constants that are keys, and keys starting with a constant that
    ends with a dot (a key made from data: "state." + power)."""
    found = set()
    for node in ast.walk(ast.parse(SOURCES[path])):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if text in STRINGS:
                found.add(text)
            elif text.endswith(".") and " " not in text and len(text) > 2:
                found.update(key for key in STRINGS if key.startswith(text))
    return found


def test_no_string_is_lost(parts):
    _core, _members, start, grouped = parts
    union = dict(start)
    for group in grouped:
        union.update(grouped[group])
    assert union == STRINGS
    assert len(start) < len(STRINGS) / 2  # most strings wait for their pages


def test_start_up_code_finds_its_strings(parts):
    core, _members, start, _grouped = parts
    missing = {(path, key) for path in core if path != textsplit.CATALOG for key in named(path) - set(start)}
    assert missing == set()


def test_each_groups_code_finds_its_strings(parts):
    _core, members, start, grouped = parts
    missing = set()
    for group in members:
        have = set(start) | set(grouped.get(group, {}))
        missing |= {(group, path, key) for path in members[group] for key in named(path) - have}
    assert missing == set()


def test_the_catalog_modules_hold_exactly_their_strings(parts):
    _core, _members, start, grouped = parts
    for strings in [start] + list(grouped.values()):
        space = {}
        exec(compile(textsplit.module_text(strings), "catalog", "exec"), space)
        assert space["STRINGS"] == strings


def test_the_bundle_ships_each_groups_strings_with_it():
    sources, members = bundle.split_strings(SOURCES, *splitting.split(SOURCES, pages.PAGES, pages.GROUPS)[:2])
    assert "newvm.sec.template" not in sources[textsplit.CATALOG]
    assert textsplit.group_module("create") in members["create"]
    assert "newvm.sec.template" in sources[textsplit.group_module("create")]
