"""Bundle files of the Python console, loaded on its first visit, not at start-up.

    pyconsole-<hash>.js      lite_app/static/pyconsole.js with the schema's [path, sha384] baked in
    pyschema-<hash>.json     lite_app/static/pyschema.json (scripts/gen_pyschema.py): the datamodel's
                             classes, fields and messages for help() and Tab completion

boot.js carries one [path, sha384] pair for pyconsole.js (`X.lazy.pyconsole`; the app adds it as a
script with that integrity); pyconsole.js fetches the schema with the sha384 it carries, so every file is
still pinned and the login download does not grow with either.
"""
from devserver import lazyassets
from devserver.lazyassets import fill_marker

TABLE_MARK = "/*XL_PYCONSOLE_ASSETS*/null"
SCHEMA = "pyschema.json"


def lazy_files(static, short_hash, sha384):
    """({bundle path: bytes}, {"pyconsole": [path, sha384]}) like devserver.lazyassets.lazy_files."""
    data = (static / SCHEMA).read_bytes()
    schema_path = "pyschema-%s.json" % short_hash([(SCHEMA, data)])
    source = (static / "pyconsole.js").read_text(encoding="utf-8")
    script = fill_marker(source, TABLE_MARK, {"schema": [schema_path, sha384(data)]}, "pyconsole.js")
    return lazyassets.entry("pyconsole", script, {schema_path: data}, short_hash, sha384)
