"""Builds the browser bundle that the CDN and the host-local copy (/xcplite/) serve.

Output layout (all paths relative to the bundle root):

    boot.js                          fixed name: the entry the host stub loads (short caching)
    manifest.json                    fixed name: version, git revision, size and sha384 of every file
    release.json, release.sig        fixed names, with --sign-key: the signed release statement the stub
                                     checks before it runs boot.js from a CDN (devserver/release.py)
    interp-<hash>.js                 PyScript's interpreter entry: MicroPython on the checked wasm
    app-<hash>.json                  the lite_app/**.py the login screen and the shell import, {path: source}
    app-<group>-<hash>.json          each page group's sources (devserver/splitting.py), loaded on first use
    text-<lang>-<hash>.json          a language's start-up strings (and its groups' pins): the chosen one only
    text-<lang>-<group>-<hash>.json  a language's strings of one page group, loaded with the group
    vendor/<pkg>-<hash>/...          vendored npm files; the folder hash keeps rollup's relative imports valid
    console-<hash>.js, vendor/novnc-<hash>/...   loaded on first console open (devserver/lazyassets.py)
    charts-<hash>.js, vendor/uplot-<hash>/...    loaded on the first chart (devserver/chartassets.py)
    pyconsole-<hash>.js, pyschema-<hash>.json    loaded on the Python console's first visit (devserver/pyassets.py)
    upload-<hash>.js                  loaded on the first file upload (lite_app/static/upload.js)
    *.br, *.gz                       precompressed siblings of the text and wasm files (not in the manifest)

Module files are always named .js (never .mjs): XAPI's file server maps only .js to a JavaScript MIME
type, and browsers refuse module scripts served as application/octet-stream.
"""
import base64
import fnmatch
import hashlib
import json
import re
import shutil
from pathlib import Path

import jinja2

from devserver import (chartassets, cssmin, lazyassets, precompress, project, pyassets, pystrip, release,
                       splitting, textsplit)
from lite_app.shell import loading, pages
from lite_app.text import catalog

TEMPLATES = project.ROOT / "lite_app" / "templates"
STATIC = project.ROOT / "lite_app" / "static"

# What the app uses from each npm package (globs, since rollup names chunks with a hash) and how files are
# renamed. PyScript's plugins (editor, terminal, game, donkey...) are left out and switched off in the config.
VENDOR = (
    ("pyscript", "@pyscript/core/dist", ("core.js", "core-*.js", "error-*.js"), {}),
    ("micropython", "@micropython/micropython-webassembly-pyscript", ("micropython.mjs", "micropython.wasm"),
     {"micropython.mjs": "micropython.js"}),
)
# Exact edits to vendored files: (bundle file name glob, old text, new text). Each must match exactly once, so an
# npm upgrade that changes the text fails the build instead of silently shipping unpatched code.
PATCHES = (
    # Before the first script runs, PyScript writes its own Python package into the interpreter's file system
    # by running Python that holds all ~130 KB of its source as literals (~40 ms of the load), then imports it
    # (~150 ms more). The app never imports `pyscript` (MicroPython's `js` and `jsffi` are its FFI): neither runs.
    ("core-*.js", 'const Ao=ho.join("\\n")', 'const Ao=""'),
    # PyScript compiles the hooks it would hand to a worker from source with Function() whenever it reads
    # them, even for a main-thread script: the stub's Content-Security-Policy has no 'unsafe-eval' and the
    # app starts no worker, so there are no worker hooks.
    ("core-*.js", 'return Function(`return(w,x)=>(${r})(w,x,...[${s}])`)()', 'return void 0'),
    # The interpreter's wasm, compiled by boot.js while PyScript starts (WebAssembly.compile of the checked
    # bytes), is instantiated as it is: MicroPython's loader would compile it again from a URL.
    ("micropython.mjs", 'let Module={locateFile:(path,scriptDirectory)=>url||scriptDirectory+path};',
     'let Module={locateFile:(path,scriptDirectory)=>url||scriptDirectory+path};options.wasmModule&&'
     '(Module.instantiateWasm=(i,c)=>(WebAssembly.instantiate(options.wasmModule,i).then(x=>c(x,options.wasmModule)),{}));'),
    # A big string handed to Python (a get_all_records reply: megabytes) is measured and copied into wasm by
    # JS loops, character by character; the browser's TextEncoder does it natively: the length asked first
    # keeps the encoded bytes, which the copy that follows writes as they are (~50 ms less at 20,000 VMs).
    ("micropython.mjs", 'Module.stringToUTF8=stringToUTF8,Module.lengthBytesUTF8=lengthBytesUTF8,',
     'Module.stringToUTF8=(s,p,n)=>{var c=Module._utf8Last;return c&&c[0]===s&&c[1].length<n?(HEAPU8.set(c[1],p),'
     'HEAPU8[p+c[1].length]=0,Module._utf8Last=null,c[1].length):stringToUTF8(s,p,n)},'
     'Module.lengthBytesUTF8=s=>{if(s.length<=4096)return lengthBytesUTF8(s);'
     'var u=(Module._utf8||(Module._utf8=new TextEncoder)).encode(s);Module._utf8Last=[s,u];return u.length},'),
)
PLUGINS_OFF = ("codemirror", "deprecations-manager", "donkey", "error", "py-editor", "py-game", "py-terminal")


def sha384(data):
    """The Subresource Integrity form of a sha384 digest."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def short_hash(chunks):
    """A 10-hex content hash over (name, bytes) pairs, used in file and folder names."""
    h = hashlib.sha256()
    for name, data in sorted(chunks):
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:10]


def patched(name, data):
    for pattern, old, new in PATCHES:
        if fnmatch.fnmatch(name, pattern):
            count = data.count(old.encode())
            if count != 1:
                raise RuntimeError(f"patch for {name} expects {old!r} once, found it {count} times")
            data = data.replace(old.encode(), new.encode())
    return data


def vendor_files():
    """{bundle path: bytes} for the vendored npm files."""
    out = {}
    for name, folder, globs, renames in VENDOR:
        src = project.NODE_MODULES / folder
        picked = {}
        for pattern in globs:
            matches = sorted(src.glob(pattern))
            if not matches:
                raise FileNotFoundError(f"{src}/{pattern} is missing: run `npm ci`")
            for path in matches:
                picked[renames.get(path.name, path.name)] = patched(path.name, path.read_bytes())
        folder_name = f"vendor/{name}-{short_hash(picked.items())}"
        for file_name, data in picked.items():
            out[f"{folder_name}/{file_name}"] = data
    return out


def app_sources():
    """Every lite_app/**.py (subpackages included) as {path: source text}."""
    root = project.ROOT
    files = {}
    for path in sorted((root / "lite_app").rglob("*.py")):
        if "__pycache__" not in path.parts:
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def source_json(sources, paths, extra=None):
    """{path: source} of `paths` as compact JSON, docstrings and comments stripped
    (devserver/pystrip.py: fewer bytes to download and for MicroPython to compile), with `extra`
    ({path: text}) files as they are."""
    picked = {p: pystrip.strip(sources[p]) for p in sorted(paths)}
    picked.update(extra or {})
    return json.dumps(picked, sort_keys=True, separators=(",", ":")).encode()


def app_files(sources):
    """({bundle path: bytes} of the start-up file, the page groups' files and every language's text
    files, {group: [path, sha384]}, {page: [group, ...]}, {language: [path, sha384]} of the languages'
    start-up text files)."""
    code_sources = {p: s for p, s in sources.items() if p not in textsplit.CATALOGS}
    core, members, page_groups = splitting.split(code_sources, pages.PAGES, pages.GROUPS)
    app = source_json(code_sources, core)
    files = {hashed("app", ".json", app): app}
    groups = {}
    for name in sorted(members):
        # the order its modules are compiled in ahead of the first visit (lite_app/shell/loading.py)
        order = "\n".join(splitting.warm_order(members[name], code_sources))
        data = source_json(code_sources, members[name], {loading.WARM_ORDER % name: order})
        path = hashed("app-" + name, ".json", data)
        files[path] = data
        groups[name] = [path, sha384(data)]
    text, texts = text_files(code_sources, core, members)
    files.update(text)
    return files, groups, page_groups, texts


def text_files(sources, core, members):
    """Every language's strings split like the code (devserver/textsplit.py): ({bundle path: bytes},
    {language: [path, sha384]} of each start-up text file). A start-up text file is
    {"files": {lite_app/text/<code>.py: source}, "groups": {group: [path, sha384]}}; a group's is
    {lite_app/text/<code>_<group>.py: source}, like the code files."""
    start, grouped = textsplit.split(catalog.strings_of(catalog.DEFAULT_LANGUAGE), sources, core, members)
    files, texts = {}, {}
    for code in catalog.LANGUAGES:
        strings = catalog.strings_of(code)
        pins = {}
        for group in sorted(grouped):
            table = textsplit.data_text({key: strings[key] for key in grouped[group]})
            data = json.dumps({textsplit.group_data(group, code): table}, separators=(",", ":")).encode()
            path = hashed("text-%s-%s" % (code, group), ".json", data)
            files[path] = data
            pins[group] = [path, sha384(data)]
        table = textsplit.data_text({key: strings[key] for key in start})
        doc = {"files": {textsplit.language_data(code): table}, "groups": pins}
        data = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        path = hashed("text-" + code, ".json", data)
        files[path] = data
        texts[code] = [path, sha384(data)]
    return files, texts


# A comment on lines of its own (`/* ... */` with nothing else on its first and last lines): boot.js is in
# the first download, and its comments were a third of it. Comments after code stay (a "/*" inside a string
# or a regex can only be there).
FULL_LINE_COMMENT = re.compile(r"^[ \t]*/\*(?:(?!\*/).)*\*/[ \t]*\n", re.S | re.M)


def strip_js_comments(text):
    """`text` (JavaScript) without its full-line block comments."""
    return FULL_LINE_COMMENT.sub("", text)


def render(name, **context):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(TEMPLATES), str(project.ROOT / "host_stub")]),
                             autoescape=name.endswith(".html"), keep_trailing_newline=True)
    return env.get_template(name).render(**context)


def find(files, prefix, suffix):
    """The one bundle path that starts with prefix and ends with suffix."""
    hits = [p for p in files if p.startswith(prefix) and p.endswith(suffix)]
    if len(hits) != 1:
        raise RuntimeError(f"expected one {prefix}*{suffix} in the bundle, found {hits}")
    return hits[0]


def hashed(stem, ext, data):
    return f"{stem}-{short_hash([(stem, data)])}{ext}"


def boot_data(files, info, lazy=None, groups=None, page_groups=None, texts=None):
    """Everything boot.js needs, baked in at build time; `lazy` ({name: [path, sha384]}) is loaded on
    use, as are the Python page `groups` ({group: [path, sha384]}; `page_groups` {page: [group, ...]}).
    `texts` ({language: [path, sha384]}) are the languages' start-up strings: boot.js fetches the chosen
    one's, and shows the first screen in that language (rendered here in each)."""
    core = find(files, "vendor/pyscript-", "/core.js")
    interp = find(files, "interp-", ".js")
    modules = {p: sha384(d) for p, d in files.items() if p.endswith(".js")}
    html, failed = {}, {}
    for code in catalog.LANGUAGES:
        strings = catalog.strings_of(code)
        html[code] = render("login.html", t=strings.get, version=info["version"], revision=info["revision"][:12],
                            lang=code, languages=[(c, catalog.AUTONYMS[c]) for c in catalog.LANGUAGES])
        failed[code] = strings["boot.failed"]
    return {
        "version": info["version"], "revision": info["revision"][:12],
        "langs": list(catalog.LANGUAGES), "lang": catalog.DEFAULT_LANGUAGE,
        "title": catalog.strings_of(catalog.DEFAULT_LANGUAGE)["app.name"], "failed": failed,
        "css": cssmin.squeeze((STATIC / "app.css").read_text(encoding="utf-8")),
        "icon": "data:image/svg+xml;base64," + base64.b64encode((STATIC / "logo.svg").read_bytes()).decode(),
        "html": html,
        "loader": render("loader.py.j2"),
        "modules": modules,
        # every module but core.js (loaded right away): PyScript imports them one after another otherwise
        "preload": sorted(p for p in modules if p != core),
        "core": core, "interpreter": interp,
        "wasm": find(files, "vendor/micropython-", ".wasm"), "app": app_path(files),
        "sri": {p: sha384(d) for p, d in files.items() if p.endswith((".wasm", ".json"))},
        "texts": texts or {},
        "plugins": ["!" + name for name in PLUGINS_OFF],
        "lazy": lazy or {},
        "groups": groups or {}, "pageGroups": page_groups or {},
    }


def app_path(files):
    """The start-up sources' file: app-<hash>.json (page groups are app-<group>-<hash>.json)."""
    hits = [p for p in files if p.startswith("app-") and p.endswith(".json") and p.count("-") == 1]
    if len(hits) != 1:
        raise RuntimeError(f"expected one app-<hash>.json in the bundle, found {hits}")
    return hits[0]


def assemble(info):
    """{bundle path: bytes} for the whole bundle except manifest.json."""
    files = vendor_files()
    # Built first but added last: boot.js pins and preloads only what the first screen needs.
    lazy_files, lazy = lazyassets.lazy_files(STATIC, short_hash, sha384)
    chart_files, chart_lazy = chartassets.lazy_files(STATIC, short_hash, sha384)
    lazy_files.update(chart_files)
    lazy.update(chart_lazy)
    python_files, python_lazy = pyassets.lazy_files(STATIC, short_hash, sha384)
    lazy_files.update(python_files)
    lazy.update(python_lazy)
    upload_files, upload_lazy = lazyassets.entry("upload", (STATIC / "upload.js").read_bytes(), {}, short_hash, sha384)
    lazy_files.update(upload_files)
    lazy.update(upload_lazy)
    micropython = find(files, "vendor/micropython-", "/micropython.js")
    interp = render("interpreter.js.j2", micropython=micropython).encode()
    files[hashed("interp", ".js", interp)] = interp
    start, groups, page_groups, texts = app_files(app_sources())
    files.update({p: d for p, d in start.items() if p == app_path(start)})
    bridge = (STATIC / "bridge.js").read_text(encoding="utf-8")
    boot = boot_data(files, info, lazy, groups, page_groups, texts)
    files["boot.js"] = strip_js_comments(render("boot.js.j2", boot=boot, bridge=bridge)).encode()
    files.update(lazy_files)
    files.update(start)
    return files


def manifest(files, info, build_time):
    entries = {}
    for path, data in sorted(files.items()):
        entries[path] = {"size": len(data), "sha384": sha384(data)}
    doc = dict(info, build_time=build_time, files=entries)
    return (json.dumps(doc, sort_keys=True, indent=1) + "\n").encode()


def write(out, files):
    """Replace `out` with exactly these files plus their precompressed siblings."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    for path, data in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    precompress.siblings(out, files)


def build(out, base_url, build_time, sign_key=None, expires_days=release.EXPIRES_DAYS, version=None):
    """Build the bundle into `out`; returns the manifest as a dict. With `sign_key` (a private key file)
    the release statement and its signature are written too (devserver/release.py): a CDN copy needs
    them, a host-local copy does not."""
    info = project.build_info(base_url)
    if version:
        info["version"] = version
    files = assemble(info)
    files["manifest.json"] = manifest(files, info, build_time)
    write(out, files)
    if sign_key:
        release.write_signed(out, info, files, sign_key, expires_days=expires_days)
    return json.loads(files["manifest.json"])
