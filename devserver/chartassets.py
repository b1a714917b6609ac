"""Bundle files of the stats charts, loaded on the first chart, not at start-up.

    charts-<hash>.js                     lite_app/static/charts.js with the uPlot table baked in
    vendor/uplot-<hash>/uPlot.iife.min.js, uPlot.min.css     uPlot from npm, unchanged

boot.js carries one [path, sha384] pair for charts.js (`X.lazy.charts`; the app adds it as a script
with that integrity); charts.js carries the path and sha384 of uPlot's script and stylesheet and
checks them when it loads them, so every file is still pinned.
"""

from devserver import project
from devserver import lazyassets
from devserver.lazyassets import fill_marker

UPLOT = project.NODE_MODULES / "uplot" / "dist"
FILES = {"uplot": "uPlot.iife.min.js", "css": "uPlot.min.css"}
TABLE_MARK = "/*XL_CHART_ASSETS*/null"


def uplot_files(short_hash):
    """{bundle path: bytes} of uPlot's script and stylesheet under one content-hashed folder."""
    picked = {}
    for name in FILES.values():
        path = UPLOT / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `npm ci`")
        picked[name] = path.read_bytes()
    folder = f"vendor/uplot-{short_hash(picked.items())}"
    return {f"{folder}/{name}": data for name, data in picked.items()}


def charts_file(source, uplot, sha384):
    """charts.js with {"uplot": [path, sha384], "css": [path, sha384]} in place of its marker."""
    table = {}
    for key, name in FILES.items():
        path = next(p for p in uplot if p.endswith("/" + name))
        table[key] = [path, sha384(uplot[path])]
    return fill_marker(source, TABLE_MARK, table, "charts.js")


def lazy_files(static, short_hash, sha384):
    """({bundle path: bytes}, {"charts": [path, sha384]}) like devserver.lazyassets.lazy_files."""
    uplot = uplot_files(short_hash)
    data = charts_file((static / "charts.js").read_text(encoding="utf-8"), uplot, sha384)
    return lazyassets.entry("charts", data, uplot, short_hash, sha384)
