"""The layout's rules, enforced on the source (CPython only; see docs/architecture.md, "Layout").

- Layers: xapi < text < logic < ui < shell. A module imports lite_app modules of its own layer or of
  the layers before it; main.py and browser.py (the entry and the browser edge) may import any.
- Only browser.py imports the browser (js, pyscript, jsffi, pyodide); every other module imports in a
  plain CPython where those modules cannot be imported at all.
- The shell's test fake of the page (tests/pure/shellfakes.FakeEnv) offers exactly the calls of
  browser.Env (plus its named test helpers), and the fake stats port those of browser.StatsPort.
- The renderer's attribute allow-list is the same in lite_app/ui/vdom.py and lite_app/static/bridge.js.
- Views write no user-facing English themselves: every word goes through the catalog (text/catalog.py),
  and every catalog key a module names literally exists.
"""
import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "lite_app"
LAYERS = ("xapi", "text", "logic", "ui", "shell")
EDGE = ("main", "browser")
BROWSER_MODULES = ("js", "pyscript", "jsffi", "pyodide")
sys.path.insert(0, str(ROOT))


def modules():
    """{dotted name: path} of every lite_app module."""
    out = {}
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def layer_of(name):
    """The layer index of a lite_app module name; None for the package itself and the edge."""
    parts = name.split(".")
    if len(parts) < 2 or parts[1] in EDGE:
        return None
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def imported(path):
    """[(dotted module name, line)] of every import in a file, wherever it stands (functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno))
            found.extend((node.module + "." + alias.name, node.lineno) for alias in node.names)
    return found


def test_every_module_is_in_a_layer_or_the_edge():
    for name in modules():
        parts = name.split(".")
        assert name == "lite_app" or parts[1] in LAYERS + EDGE, name


def test_layers_import_only_their_own_and_earlier_layers():
    known = modules()
    broken = []
    for name, path in known.items():
        mine = layer_of(name)
        if mine is None:
            continue
        for target, line in imported(path):
            if target.startswith("lite_app.") and target in known:
                theirs = layer_of(target)
                if theirs is None or theirs > mine:
                    broken.append("%s:%d imports %s" % (path.relative_to(ROOT), line, target))
    assert broken == [], "\n".join(broken)


def test_only_the_browser_edge_imports_the_browser():
    broken = []
    for name, path in modules().items():
        for target, line in imported(path):
            if target.split(".")[0] in BROWSER_MODULES and name != "lite_app.browser":
                broken.append("%s:%d imports %s" % (path.relative_to(ROOT), line, target))
    assert broken == [], "\n".join(broken)


BLOCKER = """
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in %r:
            raise ImportError("no browser here: " + name)
sys.meta_path.insert(0, Refuse())
for name in %r:
    __import__(name)
print("imported", len(%r))
"""


def test_every_module_but_the_edge_imports_without_a_browser():
    names = [n for n in modules() if n.split(".")[-1] not in EDGE]
    script = BLOCKER % (BROWSER_MODULES, names, names)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported %d" % len(names)


def public_methods(path, class_name):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return {f.name for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and not f.name.startswith("_")}
    raise AssertionError("no class %s in %s" % (class_name, path))


def class_constant(path, class_name, constant):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.Assign) and item.targets[0].id == constant:
                    return set(ast.literal_eval(item.value))
    return set()


def test_the_fake_page_offers_exactly_the_browser_edges_calls():
    fakes = ROOT / "tests" / "pure" / "shellfakes.py"
    edge = public_methods(APP / "browser.py", "Env")
    helpers = class_constant(fakes, "FakeEnv", "HELPERS")
    fake = public_methods(fakes, "FakeEnv") - helpers
    assert fake == edge, {"missing from the fake": sorted(edge - fake), "not in browser.Env": sorted(fake - edge)}
    assert public_methods(fakes, "FakeStatsPort") == public_methods(APP / "browser.py", "StatsPort")
    assert public_methods(fakes, "FakeUploadPort") == public_methods(APP / "browser.py", "UploadPort")


def test_the_renderers_attribute_allow_list_is_the_same_in_python_and_js():
    from lite_app.ui.vdom import ATTRIBUTES
    bridge = (APP / "static" / "bridge.js").read_text(encoding="utf-8")
    block = re.search(r'\(("(?:[a-zA-Z-]+ )*"\s*\+\s*)*"[a-zA-Z- ]+"\)\.split\(" "\)', bridge)
    assert block, "the allow-list moved in bridge.js"
    words = " ".join(re.findall(r'"([a-zA-Z- ]*)"', block.group(0))).split()
    assert sorted(words) == sorted(ATTRIBUTES)


# ---- user text ---------------------------------------------------------------------------------
# Attributes a person reads or hears, and widget arguments that are text (function -> argument index).
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-valuetext", "aria-roledescription")
TEXT_ARGS = {"empty": (0,), "flag": (0,), "stat": (0, 2), "page_header": (1, 2), "card": (1,), "link": (1, 2),
             "description": (0,), "submit_button": (2,), "cancel_button": (1,), "table": (0,)}
WORD = re.compile(r"[A-Za-z]{2,}")


def is_english(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and WORD.search(node.value)


def call_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def leaves(node):
    """The string constants an expression yields directly (through +, %, if-else, lists), not those
    inside calls (a call is another widget or the catalog)."""
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) else []
    if isinstance(node, ast.BinOp):
        return leaves(node.left) + leaves(node.right)
    if isinstance(node, ast.IfExp):
        return leaves(node.body) + leaves(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [leaf for value in node.values for leaf in leaves(value)]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [leaf for item in node.elts for leaf in leaves(item)]
    if isinstance(node, ast.JoinedStr):
        return [value for value in node.values if isinstance(value, ast.Constant)]
    return []


def literal_texts(path):
    """[(line, text)] of literal English that a view would put on screen."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node)
        args = list(node.args)
        if name == "h":
            texts = args[2:]
            attrs = args[1] if len(args) > 1 and isinstance(args[1], ast.Dict) else None
            if attrs is not None:
                texts += [v for k, v in zip(attrs.keys, attrs.values)
                          if isinstance(k, ast.Constant) and k.value in READ_ATTRIBUTES]
        else:
            texts = [args[i] for i in TEXT_ARGS.get(name, ()) if i < len(args)]
        for text in texts:
            found.extend((piece.lineno, piece.value) for piece in leaves(text) if is_english(piece))
    return found


def test_views_write_no_english_of_their_own():
    broken = []
    for path in sorted((APP / "ui").glob("*.py")):
        broken.extend("%s:%d %r" % (path.relative_to(ROOT), line, text) for line, text in literal_texts(path))
    assert broken == [], "\n".join(broken)


def catalog_keys_named(path):
    """[(line, key)] of the literal first arguments of t(...), state.t(...) and translate(...)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and call_name(node) in ("t", "translate", "reason_text") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                key = ("reason." if call_name(node) == "reason_text" else "") + first.value
                found.append((node.lineno, key))
    return found


def test_every_literal_catalog_key_exists():
    from lite_app.text.en import STRINGS as ENGLISH
    missing = []
    for path in sorted(APP.rglob("*.py")):
        missing.extend("%s:%d %s" % (path.relative_to(ROOT), line, key)
                       for line, key in catalog_keys_named(path) if key not in ENGLISH)
    assert missing == [], "\n".join(missing)


# ---- style classes -------------------------------------------------------------------------------
def css_rules():
    """[(selector text, body)] of app.css (media queries flattened)."""
    css = (APP / "static" / "app.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return re.findall(r"([^{}]+)\{([^{}]*)\}", css)


def test_utility_classes_have_their_own_prefix_and_pages_theirs():
    """Utilities (`xu-`) cannot collide with a page's class: the SR page once used `xl-sr`, the 1x1 px
    screen-reader utility, and rendered blank. A page's root says `xl-page xl-page-<name>`."""
    for selector, _body in css_rules():
        for part in selector.split(","):
            classes = re.findall(r"\.([\w-]+)", part)
            if any(c.startswith("xu-") for c in classes):
                assert len(classes) == 1, "a utility is styled alone: " + part.strip()
    for path in sorted((APP / "ui").glob("*.py")):
        for root in re.findall(r'"class": "xl-page( [^"]*)?"', path.read_text(encoding="utf-8")):
            extra = root.split()
            assert all(re.fullmatch(r"xl-page-[a-z-]+", c) for c in extra), (path.name, root)


def test_every_utility_a_view_uses_is_defined():
    defined = set()
    for selector, _body in css_rules():
        defined.update(c for c in re.findall(r"\.([\w-]+)", selector) if c.startswith("xu-"))
    for path in sorted((APP / "ui").glob("*.py")):
        for used in re.findall(r"\bxu-[\w-]+", path.read_text(encoding="utf-8")):
            assert used in defined, (path.name, used)
