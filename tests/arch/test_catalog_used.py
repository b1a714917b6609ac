"""No string of the catalog is left unused: each key is named by the app's code — literally, or through
a literal prefix it completes with data ("state." + power) — or by the templates of the first screen.
(The other direction, every key named exists, is tests/arch/test_layout.py; every language holding every
key is tests/pure/test_text_languages.py.)"""
import ast
import re
from pathlib import Path

from lite_app.text.en import STRINGS

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "lite_app"
CATALOGS = {"en.py", "fr.py", "de.py", "es.py"}


def constants():
    """Every string constant of the app's Python code, and the keys its templates name."""
    found = set()
    for path in APP.rglob("*.py"):
        if path.parent.name == "text" and path.name in CATALOGS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    for path in list((APP / "templates").iterdir()) + [ROOT / "devserver" / "bundle.py"]:
        found.update(re.findall(r"""t\(["']([a-z0-9_.\-]+)["']\)|\["([a-z0-9_.]+)"\]""", path.read_text()) and
                     [a or b for a, b in re.findall(r"""t\(["']([a-z0-9_.\-]+)["']\)|\["([a-z0-9_.]+)"\]""",
                                                    path.read_text())])
    return found


def used(key, named, prefixes):
    """A key is used when it is named, completes a literal prefix ("state." + power), or extends a key
    stem the code names (`verb + ".text"` with verb = "dlg.migrate")."""
    if key in named or any(key.startswith(prefix) for prefix in prefixes):
        return True
    parts = key.split(".")
    return any(".".join(parts[:i]) in named for i in range(2, len(parts)))


def test_every_key_is_used():
    named = constants()
    prefixes = [text for text in named if text.endswith(".") and " " not in text and len(text) > 2]
    assert sorted(key for key in STRINGS if not used(key, named, prefixes)) == []
