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


def h(tag, attrs=None, *children):
    """An element node. Children may be nodes, strings, numbers, None (skipped) or lists."""
    return [tag, clean_attrs(attrs), flatten(children)]


def clean_attrs(attrs):
    out = {}
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        if not allowed_attr(name):
            raise ValueError("attribute not allowed: %s" % name)
        if name == "href" and not safe_href(str(value)):
            raise ValueError("unsafe href: %s" % value)
        out[name] = "" if value is True else str(value)
    return out


def allowed_attr(name):
    return name in ATTRIBUTES or name.startswith("aria-") or name.startswith("data-")


def safe_href(value):
    low = value.strip().lower()
    return low.startswith(("#", "/", "http://", "https://", "mailto:")) or ":" not in low


def flatten(children):
    out = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, (list, tuple)) and not is_node(child):
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
