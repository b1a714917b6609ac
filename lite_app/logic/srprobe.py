"""What SR.probe answers, read: SM's small XML documents and the failures that carry one.

Pure (CPython and MicroPython, which has no xml module: `parse` is a tiny tolerant reader written
here). SM's drivers print these documents (github.com/xcp-ng/sm: nfs.py, lvutil.py, util.py):
- `<SRlist><SR><UUID>…</UUID>[<Devlist>…</Devlist><size>…</size>]</SR>…</SRlist>`: the SRs found at
  the place probed (an NFS export, an SMB share, a host's block devices);
- `<nfs-exports><Export><Target>…</Target><Path>…</Path><Accesslist>…</Accesslist></Export>…`: what an
  NFS server exports, which NFSSR prints to stderr when `serverpath` is missing; XAPI passes that on
  as the third parameter of SR_BACKEND_FAILURE_101.
The reader keeps elements, text and attributes, skips the prolog, comments and whitespace between
elements, decodes entities, and never raises on a malformed document: it keeps what it could read.
"""
from lite_app.xapi.tasks import unescape

MISSING_PATH = "SR_BACKEND_FAILURE_101"   # ConfigServerPathMissing: the exports are in params[2]


class Node:
    """An element: `tag`, `attrs` {name: value}, `children` [Node], `text` (its own text, stripped)."""

    def __init__(self, tag, attrs=None):
        self.tag, self.attrs, self.children, self.text = tag, attrs or {}, [], ""

    def find_all(self, tag):
        """Every descendant element named `tag`, in document order."""
        out = []
        for child in self.children:
            if child.tag == tag:
                out.append(child)
            out.extend(child.find_all(tag))
        return out

    def child_text(self, tag):
        """The text of the first direct child named `tag` ("" when there is none)."""
        for child in self.children:
            if child.tag == tag:
                return child.text
        return ""


def _decode(text):
    try:
        return unescape(text)
    except ValueError:  # an unknown entity: keep the text as it came
        return text


def _attrs(inside):
    """{name: value} of `name="value"` pairs in a start tag's text after its name."""
    out, pos = {}, 0
    while True:
        eq = inside.find("=", pos)
        if eq < 0:
            return out
        name = inside[pos:eq].strip()
        rest = inside[eq + 1:].lstrip()
        quote = rest[:1]
        if quote not in ("'", '"'):
            return out
        end = rest.find(quote, 1)
        if end < 0:
            return out
        out[name] = _decode(rest[1:end])
        pos = len(inside) - len(rest) + end + 1


def _tag(inside):
    """(name, attrs, self-closing) of a start tag's text between < and >."""
    closing = inside.endswith("/")
    if closing:
        inside = inside[:-1]
    parts = inside.strip().split(None, 1)
    name = parts[0] if parts else ""
    return name, _attrs(parts[1]) if len(parts) > 1 else {}, closing


def _skip(text, pos):
    """The position after a comment, processing instruction or declaration starting at `pos`."""
    if text.startswith("<!--", pos):
        end = text.find("-->", pos)
        return len(text) if end < 0 else end + 3
    end = text.find(">", pos)
    return len(text) if end < 0 else end + 1


def parse(text):
    """The document's root Node, or None when `text` holds no element."""
    root = Node("")
    stack = [root]
    pos = 0
    text = text or ""
    while pos < len(text):
        lt = text.find("<", pos)
        if lt < 0:
            stack[-1].text += _decode(text[pos:])
            break
        stack[-1].text += _decode(text[pos:lt])
        if text[lt + 1:lt + 2] in ("?", "!"):
            pos = _skip(text, lt)
            continue
        gt = text.find(">", lt)
        if gt < 0:
            break
        _element(text[lt + 1:gt], stack)
        pos = gt + 1
    for node in _walk(root):
        node.text = node.text.strip()
    return root.children[0] if root.children else None


def _element(inside, stack):
    """Open or close an element on the stack (a stray closing tag is ignored)."""
    if inside.startswith("/"):
        name = inside[1:].strip()
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth].tag == name:
                del stack[depth:]
                break
        return
    name, attrs, closed = _tag(inside)
    if not name:
        return
    node = Node(name, attrs)
    stack[-1].children.append(node)
    if not closed:
        stack.append(node)


def _walk(node):
    out = [node]
    for child in node.children:
        out.extend(_walk(child))
    return out


def _int(text):
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def sr_list(text):
    """[{"uuid", "devlist", "size" (int or None)}] of an <SRlist> document (the SRs found)."""
    root = parse(text)
    if root is None:
        return []
    out = []
    for sr in root.find_all("SR"):
        uuid = sr.child_text("UUID")
        if uuid:
            out.append({"uuid": uuid, "devlist": sr.child_text("Devlist"), "size": _int(sr.child_text("size"))})
    return out


def exports(text):
    """[{"target", "path", "access"}] of an <nfs-exports> document, sorted by path."""
    root = parse(text)
    if root is None:
        return []
    found = [{"target": e.child_text("Target"), "path": e.child_text("Path"), "access": e.child_text("Accesslist")}
             for e in root.find_all("Export") if e.child_text("Path")]
    found.sort(key=lambda export: export["path"])
    return found


def exports_of_failure(code, params):
    """The exports an NFS probe without a path listed in its failure ([] for any other failure)."""
    if code != MISSING_PATH or len(params) < 3:
        return []
    return exports(params[2])
