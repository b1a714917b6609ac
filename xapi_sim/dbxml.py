"""XAPI's database file format, byte for byte: the XML `xe pool-dump-database` writes (`xapi-db.xml`
in a status report, /var/lib/xcp/state.db on a host). Pure code; dbdump.py maps it to the simulator.

Written by ocaml/database/db_xml.ml through Xmlm with no layout:
    <?xml version="1.0" encoding="UTF-8"?>\\n<database><manifest><pair key=".." value=".."/>...
    </manifest><table name="T"><row ref=".." __ctime=".." __mtime=".." col=".." .../></table>...
    </database>
(no newline at the end). Tables and columns are in String.compare order (OCaml maps); a table that
is not persisted is written with no rows. Each value is the field's string form (Schema.Value):
sets and maps as S-expressions (sExpr.ml: `('a' 'b')`, `(('k' 'v'))`, `\\` and `'` escaped by a
backslash), then protected by xml_spaces.ml (space %. tab %t LF %n CR %r, % as %%) so attribute
normalisation cannot change it, then escaped by Xmlm (`< > & "`; other control characters would
become U+FFFD). Reading undoes each step (expat for the XML).
"""
from xml.parsers import expat

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
_PROTECT = {" ": "%.", "\t": "%t", "\n": "%n", "\r": "%r", "%": "%%"}
_UNPROTECT = {".": " ", "t": "\t", "n": "\n", "r": "\r", "%": "%"}
_XML_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}


class FormatError(Exception):
    """The file is not a XAPI database."""


# ---------------------------------------------------------------- value strings
def protect(text):
    if not any(ch in text for ch in " \t\n\r%"):
        return text
    return "".join(_PROTECT.get(ch, ch) for ch in text)


def unprotect(text):
    if "%" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else None
        if ch == "%" and nxt == "_":              # xml_spaces.ml: kept for backward compatibility
            out.append("  ")
            i += 2
        elif ch == "%" and nxt in _UNPROTECT:
            out.append(_UNPROTECT[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _quote(text):
    if "\\" in text or "'" in text:
        text = text.replace("\\", "\\\\").replace("'", "\\'")
    return "'" + text + "'"


def sexpr_set(items):
    return "(" + " ".join(_quote(item) for item in items) + ")"


def sexpr_map(pairs):
    return "(" + " ".join("(" + _quote(k) + " " + _quote(v) + ")" for k, v in pairs) + ")"


def parse_sexpr(text):
    """An S-expression of strings: a str, or nested lists of them."""
    value, end = _sexpr(text, _skip(text, 0))
    if _skip(text, end) != len(text):
        raise FormatError("junk after S-expression: %r" % text)
    return value


def _skip(text, i):
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _sexpr(text, i):
    if i >= len(text):
        raise FormatError("truncated S-expression")
    ch = text[i]
    if ch == "(":
        items, i = [], _skip(text, i + 1)
        while i < len(text) and text[i] != ")":
            item, i = _sexpr(text, i)
            items.append(item)
            i = _skip(text, i)
        if i >= len(text):
            raise FormatError("unclosed S-expression")
        return items, i + 1
    if ch in "'\"":
        out, i = [], i + 1
        while i < len(text) and text[i] != ch:
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            out.append(text[i])
            i += 1
        if i >= len(text):
            raise FormatError("unclosed string in S-expression")
        return "".join(out), i + 1
    j = i
    while j < len(text) and text[j] not in " \t\r\n()\"":
        j += 1
    return text[i:j], j


# ---------------------------------------------------------------- the document
def _attr(value):
    if not any(ch in value for ch in '<>&"'):
        return value
    return "".join(_XML_ESCAPES.get(ch, ch) for ch in value)


def write(manifest, tables):
    """The file's bytes. manifest: [(key, value)]; tables: [(name, rows)], each row a list of
    (attribute, already marshalled value) in order, or None for a table that is not persisted."""
    out = [HEADER, "<database><manifest>"]
    out.extend('<pair key="%s" value="%s"/>' % (_attr(k), _attr(v)) for k, v in manifest)
    out.append("</manifest>")
    for name, rows in tables:
        if not rows:
            out.append('<table name="%s"/>' % _attr(name))
            continue
        out.append('<table name="%s">' % _attr(name))
        for row in rows:
            out.append("<row" + "".join(' %s="%s"' % (k, _attr(protect(v))) for k, v in row) + "/>")
        out.append("</table>")
    out.append("</database>")
    return "".join(out).encode("utf-8")


def read(data):
    """(manifest {key: value}, {table: [{attribute: unprotected value}]}) of a file's bytes."""
    manifest, tables, current = {}, {}, [None]

    def start(tag, attrs):
        if tag == "pair":
            manifest[attrs.get("key", "")] = attrs.get("value", "")
        elif tag == "table":
            current[0] = tables.setdefault(attrs.get("name", ""), [])
        elif tag == "row":
            if current[0] is None or "ref" not in attrs:
                raise FormatError("a row outside a table, or without a ref")
            current[0].append({k: unprotect(v) for k, v in attrs.items()})
        elif tag not in ("database", "manifest"):
            raise FormatError("unexpected tag: %s" % tag)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = lambda *_args: _refuse_dtd()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise FormatError(str(err))
    if "generation_count" not in manifest:
        raise FormatError("no generation_count in the manifest")
    return manifest, tables


def _refuse_dtd():
    raise FormatError("a DTD has no place in a XAPI database")
