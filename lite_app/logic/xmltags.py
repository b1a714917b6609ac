"""Reads the small XML documents XAPI keeps in string fields (pure: CPython and MicroPython).

A template's `other_config:disks` (`<provision><disk size="…" sr="" …/></provision>`) and its
`recommendations` (`<restrictions><restriction field="vcpus-max" max="64"/>…`) are flat lists of
elements with attributes. MicroPython has no XML parser, and these need none: `elements(text, tag)`
returns each `<tag …>`'s attributes as a dict, entities decoded. Anything malformed is skipped, never
raised: a template with a damaged document still shows, with fewer recommendations.
"""

ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def unescape(text):
    for entity, char in ENTITIES:
        text = text.replace(entity, char)
    return text


def escape(text):
    """Text safe inside a double-quoted attribute value."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def elements(text, tag):
    """[{attribute: value}] of every `<tag …>` (or `<tag …/>`) element in `text`, in order."""
    out = []
    text = text or ""
    opening = "<" + tag
    start = text.find(opening)
    while start >= 0:
        after = start + len(opening)
        end = text.find(">", after)
        if end < 0:
            break
        if after == end or text[after] in " \t\r\n/":
            attrs = attributes(text[after:end].rstrip("/"))
            if attrs is not None:
                out.append(attrs)
        start = text.find(opening, end)
    return out


def attributes(text):
    """{name: value} of `name="value"` pairs (single or double quotes); None if malformed."""
    out = {}
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return out
        eq = text.find("=", i)
        if eq < 0:
            return None
        name = text[i:eq].strip()
        j = eq + 1
        while j < n and text[j] in " \t\r\n":
            j += 1
        if j >= n or text[j] not in "\"'" or not name:
            return None
        close = text.find(text[j], j + 1)
        if close < 0:
            return None
        out[name] = unescape(text[j + 1:close])
        i = close + 1


def element(tag, attrs):
    """`<tag a="v" …/>` with the attributes in the given order ((name, value) pairs)."""
    return "<%s %s/>" % (tag, " ".join('%s="%s"' % (k, escape(v)) for k, v in attrs))
