"""build.py build / stub: deterministic, complete manifest, integrity values that match the files."""
import base64
import gzip
import hashlib
import json
import re
import subprocess
import sys

import brotli

from devserver import bundle as bundler
from devserver import release, stub
from lite_app.shell import loading, pages
from harness import ROOT


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_cli_build_is_deterministic_apart_from_the_build_time(tmp_path):
    outs = []
    for name in ("a", "b"):
        subprocess.run([sys.executable, "build.py", "build", "--out", str(tmp_path / name), "--base-url",
                        "https://cdn.example/xcplite/"], cwd=ROOT, check=True, capture_output=True, timeout=60)
        outs.append(files_of(tmp_path / name))
    a, b = outs
    assert a.keys() == b.keys()
    differing = sorted(p for p in a if a[p] != b[p])
    assert set(differing) <= {"manifest.json", "manifest.json.br", "manifest.json.gz"}
    ma, mb = json.loads(a["manifest.json"]), json.loads(b["manifest.json"])
    ma.pop("build_time"), mb.pop("build_time")
    assert ma == mb and ma["base_url"] == "https://cdn.example/xcplite/"


def test_manifest_lists_every_file_with_size_and_sha384(bundle):
    folder, manifest = bundle["dir"], bundle["manifest"]
    signed = {"manifest.json", "release.json", "release.sig"}  # written after it; the statement lists it
    on_disk = {p: d for p, d in files_of(folder).items() if not p.endswith((".br", ".gz")) and p not in signed}
    assert set(manifest["files"]) == set(on_disk)
    for path, data in on_disk.items():
        assert manifest["files"][path] == {"size": len(data), "sha384": sri(data)}
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", manifest["revision"])
    assert manifest["version"]


def test_bundle_vendors_only_what_the_app_uses(bundle):
    paths = list(bundle["manifest"]["files"])
    assert not [p for p in paths if p.endswith(".map")]
    assert not [p for p in paths if re.search(r"(codemirror|xterm|py-editor|py-terminal|py-game|donkey|pyodide)", p)]
    assert not [p for p in paths if p.endswith(".mjs")], "XAPI's file server only knows .js as JavaScript"
    assert [p for p in paths if p.endswith("/micropython.wasm")]


def test_app_sources_include_every_lite_app_module_once(bundle):
    folder, manifest = bundle["dir"], bundle["manifest"]
    boot = json.loads(re.search(r"var B = (\{.*\});\n", (folder / "boot.js").read_text()).group(1))
    start = json.loads((folder / boot["app"]).read_text())
    shipped = list(start)
    for name, (path, sri) in boot["groups"].items():
        assert sri == manifest["files"][path]["sha384"], name
        files = json.loads((folder / path).read_text())
        # beside its modules, the order they are compiled in ahead of a first visit (lite_app/shell/loading.py)
        order = files.pop(loading.WARM_ORDER % name).split("\n")
        assert sorted(order) == sorted(p[:-3].replace("/__init__", "").replace("/", ".") for p in files), name
        shipped += list(files)
    catalogs = {"lite_app/text/%s.py" % code for code in boot["langs"]}
    expected = {p.relative_to(ROOT).as_posix() for p in (ROOT / "lite_app").rglob("*.py")
                if "__pycache__" not in p.parts} - catalogs
    assert sorted(shipped) == sorted(expected)  # the code files carry no strings
    # each language's strings come apart: its start-up file, then one per page group (devserver/textsplit.py)
    for code, (path, sri) in boot["texts"].items():
        assert sri == manifest["files"][path]["sha384"], code
        doc = json.loads((folder / path).read_text())
        strings = list(doc["files"])
        for group, (group_path, group_sri) in doc["groups"].items():
            assert group_sri == manifest["files"][group_path]["sha384"], (code, group)
            strings += list(json.loads((folder / group_path).read_text()))
        assert sorted(strings) == sorted(["lite_app/text/%s.json" % code] +
                                         ["lite_app/text/%s_%s.json" % (code, group) for group in doc["groups"]])
    assert "lite_app/main.py" in start and "lite_app/browser.py" in start
    assert "lite_app/ui/vm.py" not in start  # pages arrive on first use
    assert set(boot["pageGroups"]) == set(pages.PAGES)
    assert all(set(groups) <= set(boot["groups"]) for groups in boot["pageGroups"].values())


def test_boot_js_pins_every_file_it_loads(bundle):
    folder, manifest = bundle["dir"], bundle["manifest"]
    boot = (folder / "boot.js").read_text()
    data = json.loads(re.search(r"var B = (\{.*\});\n", boot).group(1))
    pinned = dict(data["modules"], **data["sri"])
    for path in [data["core"], data["interpreter"], data["wasm"], data["app"], *data["preload"]]:
        assert pinned[path] == manifest["files"][path]["sha384"], path
    assert data["version"] == manifest["version"] and data["revision"] == manifest["revision"][:12]
    # Files loaded on first use (the console, charts) are pinned by the loader boot.js pins, not by boot.js.
    lazy = set()
    for path, sri in data["lazy"].values():
        assert sri == manifest["files"][path]["sha384"], path
        text = (folder / path).read_text()
        lazy |= {p for p in manifest["files"] if p.endswith(".js") and (p == path or '"%s"' % p in text)}
    assert not lazy & set(data["modules"]) and not lazy & set(data["preload"])
    assert set(data["modules"]) | lazy == {p for p in manifest["files"] if p.endswith(".js") and p != "boot.js"}
    assert "build_time" not in boot


def test_precompressed_siblings_decode_to_the_original(bundle):
    folder = bundle["dir"]
    wasm = next(folder.rglob("*.wasm"))
    assert brotli.decompress(wasm.with_name(wasm.name + ".br").read_bytes()) == wasm.read_bytes()
    assert gzip.decompress(wasm.with_name(wasm.name + ".gz").read_bytes()) == wasm.read_bytes()


def test_the_signed_statement_covers_every_file_of_the_bundle(bundle, release_key):
    folder = bundle["dir"]
    body = (folder / "release.json").read_bytes()
    release.verify(body, (folder / "release.sig").read_bytes(), [release.load_public(release_key)])
    doc = release.parse(body)
    files = release.bundle_files(folder)
    assert set(doc["files"]) == {"boot.js", "manifest.json"} and release.mismatches(doc, files) == []
    assert any(p.startswith("app-home-") for p in files) and any("/novnc-" in p for p in files)
    assert doc["version"] == bundle["manifest"]["version"] and doc["revision"] == bundle["manifest"]["revision"]
    assert doc["expires"] > doc["issued"] > 0
    assert len(body) < 600


def test_stub_is_one_line_pointing_at_the_cdn_with_local_fallback():
    html = stub.render("https://cdn.example/xcplite")
    assert html.count("\n") == 1 and html.endswith("\n")
    assert '"https://cdn.example/xcplite/"' in html and '"/xcplite/"' in html
    assert "T=2500," in html


def test_stub_without_cdn_uses_only_the_local_copy(tmp_path):
    out = tmp_path / "index.html"
    subprocess.run([sys.executable, "build.py", "stub", "--out", str(out)], cwd=ROOT, check=True,
                   capture_output=True, timeout=30)
    html = out.read_text()
    assert 'CDN=""' in html and html.count("\n") == 1


def test_hashed_names_change_with_content():
    a = bundler.hashed("app", ".json", b"one")
    assert a != bundler.hashed("app", ".json", b"two")
    assert re.fullmatch(r"app-[0-9a-f]{10}\.json", a)


def test_vendored_pyscript_is_patched_and_a_stale_patch_fails_the_build(bundle):
    core = next(p for p in bundle["manifest"]["files"] if "/core-" in p)
    text = (bundle["dir"] / core).read_text()
    assert 'const Ao=""' in text and 'const Ao=ho.join(' not in text  # PyScript's own package: not written
    interpreter = next(p for p in bundle["manifest"]["files"] if p.endswith("/micropython.js"))
    assert "Module.instantiateWasm=" in (bundle["dir"] / interpreter).read_text()  # takes boot.js's compiled wasm
    try:
        bundler.patched("core-X.js", b"no such text here")
    except RuntimeError as error:
        assert "found it 0 times" in str(error)
    else:
        raise AssertionError("a patch that no longer applies must fail the build")


# Runs the bundle's patched MicroPython under Node: strings of every size and script, handed to Python and
# back, arrive whole (big ones go through the patched TextEncoder copy; small ones the loader's own loop).
ROUND_TRIP = r"""
const { loadMicroPython } = await import(process.argv[2]);
const mp = await loadMicroPython({ stdout: () => {} });
const words = ["plain", "caf\u00e9", "\u20ac", "\ud83d\ude00", "\u05e9\u05dc\u05d5\u05dd", "<b>&amp;</b>"];
const out = [];
for (const size of [10, 4096, 4097, 50000, 2000000]) {
  let text = "";
  for (let i = 0; text.length < size; i++) text += words[i % words.length] + i;
  globalThis.sample = text;
  mp.runPython("import js\ngot = js.sample\nback = got[:]\nsize = len(got)");
  out.push([size, mp.globals.get("back") === text, mp.globals.get("size"), [...text].length]);
}
console.log(JSON.stringify(out));
"""


def test_the_patched_interpreter_hands_strings_of_every_size_to_python_whole(bundle, tmp_path):
    interpreter = next(p for p in bundle["manifest"]["files"] if p.endswith("/micropython.js"))
    folder = tmp_path / "interp"
    folder.mkdir()
    for name in ("micropython.js", "micropython.wasm"):
        (folder / name.replace(".js", ".mjs")).write_bytes((bundle["dir"] / interpreter).parent.joinpath(name).read_bytes())
    script = tmp_path / "round_trip.mjs"
    script.write_text(ROUND_TRIP, encoding="utf-8")
    done = subprocess.run(["node", str(script), (folder / "micropython.mjs").as_uri()], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    assert [row[0] for row in rows] == [10, 4096, 4097, 50000, 2000000]
    for size, same, length, code_points in rows:
        assert same and length == code_points, size
