"""Task results: XAPI stores a task's `result` as an XML-RPC `<value>` fragment, even for JSON clients.

MicroPython has no xml module, so `parse_value` is a small hand-written parser for the value forms
XAPI writes (xapi-protocol.md §1.4, §4): bare text (a string; XAPI's int64 too), `<string>`, `<i4>`,
`<int>`, `<i8>`, `<boolean>`, `<double>`, `<dateTime.iso8601>` (kept as its text), `<nil/>`,
`<array><data>`, `<struct><member>`, and entities (`&lt;` ... and `&#NN;`/`&#xHH;`). Whitespace
between elements is tolerated although XAPI writes none.
"""
from lite_app.xapi.errors import XapiError

ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def unescape(text):
    """Replace XML entities in `text`."""
    if "&" not in text:
        return text
    out = []
    pos = 0
    while True:
        amp = text.find("&", pos)
        semi = text.find(";", amp) if amp >= 0 else -1
        if amp < 0 or semi < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:amp])
        out.append(_entity(text[amp + 1:semi]))
        pos = semi + 1


def _entity(name):
    if name in ENTITIES:
        return ENTITIES[name]
    if name.startswith("#x") or name.startswith("#X"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    raise ValueError("unknown XML entity &" + name + ";")


def _bool(text):
    if text not in ("0", "1"):
        raise ValueError("bad boolean " + text)
    return text == "1"


# Scalar element -> conversion of its (unescaped) text.
SCALARS = {
    "string": str,
    "i4": int,
    "i8": int,
    "int": int,
    "double": float,
    "boolean": _bool,
    "dateTime.iso8601": str,
    "base64": str,
}


class _Reader:
    """A cursor over the fragment; every method returns a value and moves past it."""

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def fail(self, what):
        raise ValueError("bad XML-RPC value: %s at %d in %r" % (what, self.pos, self.text[:200]))

    def skip_space(self):
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\r\n":
            self.pos += 1

    def tag(self):
        """The next tag's name (with "/" first for a closing tag, "/" last for an empty one)."""
        self.skip_space()
        if not self.text.startswith("<", self.pos):
            self.fail("expected a tag")
        end = self.text.find(">", self.pos)
        if end < 0:
            self.fail("unterminated tag")
        name = self.text[self.pos + 1:end].strip()
        self.pos = end + 1
        return name

    def expect(self, name):
        got = self.tag()
        if got != name:
            self.fail("expected <%s>, got <%s>" % (name, got))

    def peek_tag(self):
        pos = self.pos
        name = self.tag()
        self.pos = pos
        return name

    def text_until(self, closing):
        """The unescaped text up to `</closing>`, consuming the closing tag."""
        end = self.text.find("</" + closing + ">", self.pos)
        if end < 0:
            self.fail("missing </%s>" % closing)
        raw = self.text[self.pos:end]
        self.pos = end + len(closing) + 3
        return unescape(raw)

    def value(self):
        """Parse `<value>...</value>` (or `<value/>`)."""
        name = self.tag()
        if name == "value/":
            return ""
        if name != "value":
            self.fail("expected <value>, got <%s>" % name)
        lt = self.text.find("<", self.pos)
        if lt < 0:
            self.fail("unterminated <value>")
        if self.text.startswith("</value>", lt):
            return self.text_until("value")
        if self.text[self.pos:lt].strip():
            self.fail("text before a typed element")
        result = self.typed(self.tag())
        self.expect("/value")
        return result

    def typed(self, name):
        if name == "nil/":
            return None
        if name == "array":
            return self.array()
        if name == "struct":
            return self.struct()
        if name == "string/":
            return ""
        if name in SCALARS:
            return SCALARS[name](self.text_until(name))
        return self.fail("unknown element <%s>" % name)

    def array(self):
        items = []
        name = self.tag()
        if name == "data/":
            self.expect("/array")
            return items
        if name != "data":
            self.fail("expected <data>")
        while self.peek_tag() != "/data":
            items.append(self.value())
        self.expect("/data")
        self.expect("/array")
        return items

    def struct(self):
        members = {}
        while self.peek_tag() == "member":
            self.expect("member")
            self.expect("name")
            key = self.text_until("name")
            members[key] = self.value()
            self.expect("/member")
        self.expect("/struct")
        return members


def parse_value(text):
    """The Python value of an XML-RPC `<value>` fragment; "" for an empty result. ValueError if bad."""
    if not text or not text.strip():
        return ""
    reader = _Reader(text)
    result = reader.value()
    reader.skip_space()
    if reader.pos != len(text):
        reader.fail("trailing text")
    return result


def task_outcome(task):
    """(status, value) for a task record.

    - ("pending", None) while it runs (its `progress` field says how far)
    - ("success", parsed result)
    - ("failure", XapiError from error_info) and ("cancelled", XapiError TASK_CANCELLED ...)
    - (status, None) for anything else (e.g. "cancelling")
    """
    status = task.get("status")
    if status == "success":
        return status, parse_value(task.get("result", ""))
    if status in ("failure", "cancelled"):
        info = task.get("error_info") or []
        if not info:
            info = ["TASK_CANCELLED"] if status == "cancelled" else ["INTERNAL_ERROR", "task failed without error_info"]
        return status, XapiError.from_wire(list(info))
    return status, None
