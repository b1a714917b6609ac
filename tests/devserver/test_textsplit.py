"""The catalog split by page group (devserver/textsplit.py): no string is lost, and every key a module
names — literally, or as a prefix it completes with data — is in the start-up catalog or in the
catalog of the group the module ships in."""
import ast
import json
from pathlib import Path

import pytest

from devserver import bundle, splitting, textsplit
from lite_app.shell import pages
from lite_app.text import catalog
from lite_app.text.en import STRINGS

ROOT = Path(__file__).resolve().parents[2]

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


def test_the_shipped_tables_hold_exactly_their_strings(parts):
    _core, _members, start, grouped = parts
    for strings in [start] + list(grouped.values()):
        assert json.loads(textsplit.data_text(strings)) == strings


def test_each_language_ships_its_start_up_strings_and_each_groups_with_the_group(parts):
    core, members, _start, _grouped = parts
    files, texts = bundle.text_files(SOURCES, core, members)
    assert sorted(texts) == sorted(catalog.LANGUAGES)
    for code, (path, sri) in texts.items():
        doc = json.loads(files[path])
        assert sri == bundle.sha384(files[path])
        start = json.loads(doc["files"][textsplit.language_data(code)])
        assert "newvm.sec.template" not in start and start["login.username"] == catalog.strings_of(code)["login.username"]
        group_path, group_sri = doc["groups"]["create"]
        assert group_sri == bundle.sha384(files[group_path])
        group = json.loads(json.loads(files[group_path])[textsplit.group_data("create", code)])
        assert group["newvm.sec.template"] == catalog.strings_of(code)["newvm.sec.template"]
        assert all(textsplit.language_data(other) not in files[path].decode()
                   for other in catalog.LANGUAGES if other != code)


def test_the_catalog_reads_a_shipped_table_beside_it_before_the_repositorys_module(tmp_path):
    """In the browser the tables arrive as JSON files in lite_app/text/ (json.loads is ~15x faster than
    compiling the literal); the catalog reads them there, and a group's table adds its strings."""
    folder = tmp_path / "lite_app" / "text"
    folder.mkdir(parents=True)
    source = (ROOT / "lite_app" / "text" / "catalog.py").read_text(encoding="utf-8")
    (folder / "catalog.py").write_text(source, encoding="utf-8")
    (folder / "en.json").write_text(textsplit.data_text({"login.username": "Name (shipped)"}), encoding="utf-8")
    (folder / "en_create.json").write_text(textsplit.data_text({"newvm.x": "From the group"}), encoding="utf-8")
    space = {"__file__": str(folder / "catalog.py"), "__name__": "shipped_catalog"}
    exec(compile(source, str(folder / "catalog.py"), "exec"), space)
    assert space["strings_of"]("en") == {"login.username": "Name (shipped)"}
    space["use"]("en")
    assert space["add_group"]("create") and space["translate"]("newvm.x") == "From the group"


def test_the_code_files_carry_no_strings():
    files, _groups, _pages, _texts = bundle.app_files(bundle.app_sources())
    for path, data in files.items():
        if path.startswith("app"):
            assert not any(module in json.loads(data) for module in textsplit.CATALOGS), path
