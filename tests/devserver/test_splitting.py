"""The split of the app's sources into the start-up file and page groups (devserver/splitting.py):
every module ships exactly once, the login screen's file holds no page, and each page imports with
nothing but the start-up file and its own groups installed."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from devserver import bundle, splitting
from lite_app.shell import loading, pages

ROOT = Path(__file__).resolve().parents[2]
SOURCES = bundle.app_sources()


@pytest.fixture(scope="module")
def split():
    return splitting.split(SOURCES, pages.PAGES, pages.GROUPS)


def test_every_module_ships_once(split):
    core, members, _ = split
    files = [core] + list(members.values())
    assert set().union(*files) == set(SOURCES)
    assert sum(len(f) for f in files) == len(SOURCES)


def test_the_start_up_file_holds_the_shell_and_no_page(split):
    core, _, _ = split
    assert {"lite_app/main.py", "lite_app/browser.py", "lite_app/shell/controller.py",
            "lite_app/ui/login.py", "lite_app/text/catalog.py"} <= core
    page_files = {splitting.module_file(m, SOURCES) for m in pages.PAGES.values()}
    assert not page_files & core


def test_a_module_imported_inside_a_function_counts():
    sources = {"lite_app/__init__.py": "", "lite_app/main.py": "def f():\n    from lite_app import x\n",
               "lite_app/browser.py": "", "lite_app/x.py": "import lite_app.y\n", "lite_app/y.py": "",
               "lite_app/p.py": "from lite_app.q import thing\n", "lite_app/q.py": "thing = 1\n",
               "lite_app/stray.py": ""}
    core, members, page_groups = splitting.split(sources, {"a": "lite_app.p"}, (("g", ("a",)),))
    assert core == {"lite_app/__init__.py", "lite_app/main.py", "lite_app/browser.py",
                    "lite_app/x.py", "lite_app/y.py"}
    assert members == {"g": {"lite_app/p.py", "lite_app/q.py", "lite_app/stray.py"}}
    assert page_groups == {"a": ["g"]}


def test_a_page_in_no_group_stops_the_build():
    sources = {"lite_app/__init__.py": "", "lite_app/main.py": "", "lite_app/browser.py": "",
               "lite_app/p.py": ""}
    with pytest.raises(ValueError, match="in no group: a"):
        splitting.split(sources, {"a": "lite_app.p"}, (("g", ()),))


@pytest.mark.parametrize("page", sorted(pages.PAGES))
def test_each_page_imports_with_only_its_groups_installed(split, page, tmp_path):
    core, members, page_groups = split
    installed = set(core)
    for group in page_groups[page]:
        installed |= members[group]
    for path in installed:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(SOURCES[path], encoding="utf-8")
    # what the page may import, inside functions too (it runs them): its closure and the shell's
    needed = core | splitting.closure([splitting.module_file(pages.PAGES[page], SOURCES)], SOURCES)
    modules = sorted(p[:-3].replace("/__init__", "").replace("/", ".") for p in needed
                     if p != "lite_app/browser.py")  # the browser edge needs `js`
    script = ("import sys, json\nsys.path.insert(0, %r)\nfor m in json.loads(sys.argv[1]): __import__(m)\n"
              "from lite_app.shell import pages\nassert pages.module_for(%r) is not None\n"
              % (str(tmp_path), page))
    done = subprocess.run([sys.executable, "-I", "-c", script, json.dumps(modules)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_groups_modules_are_compiled_each_after_what_it_imports():
    sources = {"lite_app/a.py": "from lite_app import b\nimport lite_app.c\n", "lite_app/b.py": "import lite_app.c\n",
               "lite_app/c.py": "import json\n", "lite_app/d/__init__.py": "from lite_app import a\n",
               "lite_app/__init__.py": ""}
    order = splitting.warm_order({"lite_app/a.py", "lite_app/b.py", "lite_app/c.py", "lite_app/d/__init__.py"},
                                 sources)
    assert order == ["lite_app.c", "lite_app.b", "lite_app.a", "lite_app.d"]


def test_each_group_file_lists_its_modules_in_an_order_that_imports_one_at_a_time():
    """Each module of a group's file, imported in the listed order, finds every other module of the group
    it imports already imported (so the idle prefetch compiles one module per piece), but for modules
    importing each other (inside functions: one of them has to come first)."""
    files, groups, _, _ = bundle.app_files(SOURCES)
    for group, (path, _) in groups.items():
        shipped = json.loads(files[path])
        order = shipped.pop(loading.WARM_ORDER % group).split("\n")
        assert sorted(order) == sorted(splitting.module_name(p) for p in shipped)
        done = set()
        for name in order:
            path_of = splitting.module_file(name, SOURCES)
            for dependency in splitting.imports(path_of, SOURCES) & set(shipped):
                if path_of not in splitting.closure([dependency], SOURCES):
                    assert splitting.module_name(dependency) in done, (name, dependency)
            done.add(name)
