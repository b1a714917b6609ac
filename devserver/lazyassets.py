"""Bundle files loaded on first use, not at start-up: the console (console.js) and the noVNC modules it imports.

    console-<hash>.js                    lite_app/static/console.js with the noVNC table baked in
    vendor/novnc-<hash>/core/...         exactly the modules `core/rfb.js` imports, directly or not,
    vendor/novnc-<hash>/vendor/pako/...  keeping noVNC's own layout so its relative imports stay valid

None of them is in boot.js's import map or preload list, so the first screen does not grow with them.
boot.js carries one [path, sha384] pair for console.js (the app adds it as a module script with that
integrity); console.js carries the sha384 of every noVNC module and declares them in an import map of
its own before importing rfb.js, so each file is still checked.
"""
import json
import posixpath
import re

from devserver import project

NOVNC = project.NODE_MODULES / "@novnc" / "novnc"
ENTRY = "core/rfb.js"
# Static `import ... from "x"` / `export ... from "x"` / `import "x"` (noVNC has no dynamic imports).
IMPORTS = re.compile(r"""\b(?:import|export)\s[^;'"]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']""")
TABLE_MARK = "/*NOVNC_TABLE*/null"


def module_closure(root, entry):
    """Paths (relative to root, posix) of `entry` and every module it imports, directly or not."""
    seen, todo = {}, [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        file = root / path
        if not file.is_file():
            raise FileNotFoundError(f"{file} is missing: run `npm ci`")
        seen[path] = True
        for found in IMPORTS.finditer(file.read_text(encoding="utf-8")):
            spec = found.group(1) or found.group(2)
            if spec.startswith("."):
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), spec)))
    return sorted(seen)


def novnc_files(short_hash):
    """{bundle path: bytes} for noVNC's RFB client and what it imports, under one content-hashed folder."""
    picked = {path: (NOVNC / path).read_bytes() for path in module_closure(NOVNC, ENTRY)}
    folder = f"vendor/novnc-{short_hash(picked.items())}"
    return {f"{folder}/{path}": data for path, data in picked.items()}


def fill_marker(source, mark, table, filename):
    """`source` with its one `mark` replaced by `table` as compact JSON, as bytes."""
    if source.count(mark) != 1:
        raise RuntimeError(f"{filename} must contain {mark} once")
    return source.replace(mark, json.dumps(table, sort_keys=True, separators=(",", ":"))).encode()


def console_file(source, novnc, sha384):
    """console.js with the noVNC table: {"entry": path of rfb.js, "integrity": {path: sha384}}."""
    entry = next(path for path in novnc if path.endswith("/" + ENTRY))
    table = {"entry": entry, "integrity": {path: sha384(data) for path, data in sorted(novnc.items())}}
    return fill_marker(source, TABLE_MARK, table, "console.js")


def entry(name, data, vendored, short_hash, sha384):
    """({bundle path: bytes}, {name: [path, sha384]}): a lazily loaded script named by its content hash,
    with the vendored files it loads in turn."""
    path = f"{name}-{short_hash([(name, data)])}.js"
    files = dict(vendored)
    files[path] = data
    return files, {name: [path, sha384(data)]}


def lazy_files(static, short_hash, sha384):
    """({bundle path: bytes} of every lazily loaded file, {name: [path, sha384]} for boot.js)."""
    novnc = novnc_files(short_hash)
    data = console_file((static / "console.js").read_text(encoding="utf-8"), novnc, sha384)
    return entry("console", data, novnc, short_hash, sha384)
