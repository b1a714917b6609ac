"""A tiny virtual DOM: views describe the page as nested lists, the browser edge renders them.

A node is `[tag, attrs, children]`; a text node is a plain str. `h("a", {"href": "#/vm/x"}, "web-01")`.
The renderer (lite_app/static/bridge.js) creates elements and sets text with textContent, never innerHTML, and
only sets attributes from ATTRIBUTES (plus aria-*, data-*), so nothing that comes from XAPI can be
interpreted as markup or script. Views stay pure: they return nodes, tests inspect them in CPython and
MicroPython.

Events are delegated: an element with `data-action="vm.start"` (and any `data-*` arguments) triggers
the app's handler for that action when clicked (or submitted, for forms). `key` attributes let the
renderer keep an element (and its focus or scroll position) across renders.
"""

ATTRIBUTES = ("id", "class", "href", "title", "role", "type", "name", "value", "placeholder", "accept",
              "for", "tabindex", "disabled", "checked", "selected", "hidden", "min", "max",
              "step", "colspan", "rowspan", "scope", "autocomplete", "spellcheck", "key",
              "style", "width", "height", "open", "target", "rel", "multiple", "required",
              "viewBox", "d", "fill", "stroke", "cx", "cy", "r", "x", "y", "points", "rows", "lang")
VOID = ("input", "br", "hr", "img", "meta", "link")


# Membership by hash, not a scan of ATTRIBUTES: h() runs for every element of every render.
_ALLOWED = dict.fromkeys(ATTRIBUTES, True)
_PREFIXES = ("aria-", "data-")


def h(tag, attrs=None, *children):
    """An element node. Children may be nodes, strings, numbers, None (skipped) or lists."""
    return [tag, clean_attrs(attrs) if attrs else {}, flatten(children) if children else []]


def clean_attrs(attrs):
    out = {}
    for name in attrs:
        value = attrs[name]
        if value is None or value is False:
            continue
        if name not in _ALLOWED and not name.startswith(_PREFIXES):
            raise ValueError("attribute not allowed: %s" % name)
        if type(value) is not str:
            value = "" if value is True else str(value)
        if name == "href" and not safe_href(value):
            raise ValueError("unsafe href: %s" % value)
        out[name] = value
    return out


def allowed_attr(name):
    return name in _ALLOWED or name.startswith(_PREFIXES)


def safe_href(value):
    low = value.strip().lower()
    return low.startswith(("#", "/", "http://", "https://", "mailto:")) or ":" not in low


def flatten(children):
    """Children as one flat list: strings and nodes kept, numbers as text, None and False skipped,
    nested lists and tuples (not nodes) spliced in. Dispatches on the exact type first: this runs for
    every element of every render."""
    out = []
    for child in children:
        kind = type(child)
        if kind is str:
            out.append(child)
        elif kind is list:
            if is_node(child):
                out.append(child)
            else:
                out.extend(flatten(child))
        elif child is None or child is False:
            continue
        elif kind is tuple:
            out.extend(flatten(child))
        elif kind is int or kind is float:
            out.append(str(child))
        elif isinstance(child, (list, tuple)) and not is_node(child):
            out.extend(flatten(child))
        elif isinstance(child, (int, float)) and not isinstance(child, bool):
            out.append(str(child))
        else:
            out.append(child)
    return out


def is_node(value):
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[1], dict) and isinstance(value[2], list))


def text_of(node):
    """All the text under a node, concatenated (for tests and accessible names)."""
    if isinstance(node, str):
        return node
    return "".join(text_of(child) for child in node[2])


def find_all(node, predicate):
    """Every element node under `node` (itself included) for which predicate(node) is true."""
    found = []
    if isinstance(node, str):
        return found
    if predicate(node):
        found.append(node)
    for child in node[2]:
        found.extend(find_all(child, predicate))
    return found


def by_attr(node, name, value=None):
    return find_all(node, lambda n: name in n[1] and (value is None or n[1][name] == value))
