"""The catalog split by page group (devserver/textsplit.py): no string is lost, and every key a module
names — literally, or as a prefix it completes with data — is in the start-up catalog or in the
catalog of the group the module ships in."""
import ast
import json

import pytest

from devserver import bundle, splitting, textsplit
from lite_app.shell import pages
from lite_app.text import catalog
from lite_app.text.en import STRINGS

SOURCES = {p: s for p, s in bundle.app_sources().items() if p not in textsplit.CATALOGS}


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
    missing = {(path, key) for path in core for key in named(path) - set(start)}
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


def test_each_language_ships_its_start_up_strings_and_each_groups_with_the_group(parts):
    core, members, _start, _grouped = parts
    files, texts = bundle.text_files(SOURCES, core, members)
    assert sorted(texts) == sorted(catalog.LANGUAGES)
    for code, (path, sri) in texts.items():
        doc = json.loads(files[path])
        assert sri == bundle.sha384(files[path])
        start = doc["files"][textsplit.language_module(code)]
        assert "newvm.sec.template" not in start and "login.username" in start
        group_path, group_sri = doc["groups"]["create"]
        assert group_sri == bundle.sha384(files[group_path])
        group = json.loads(files[group_path])[textsplit.group_module("create", code)]
        space = {}
        exec(compile(group, "catalog", "exec"), space)
        assert space["STRINGS"]["newvm.sec.template"] == catalog.strings_of(code)["newvm.sec.template"]
        assert all(textsplit.language_module(other) not in files[path].decode()
                   for other in catalog.LANGUAGES if other != code)


def test_the_code_files_carry_no_strings():
    files, _groups, _pages, _texts = bundle.app_files(bundle.app_sources())
    for path, data in files.items():
        if path.startswith("app"):
            assert not any(module in json.loads(data) for module in textsplit.CATALOGS), path
