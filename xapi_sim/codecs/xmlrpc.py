"""XML-RPC as XAPI reads and writes it on POST / (ocaml-rpc `Xmlrpc`, non-strict output).

Output is one line with no whitespace between elements (the npm client's parser needs that), strings
as bare `<value>text</value>`, int64 untyped, `<i4>` only for Int32, and the `Status` wrapper around
every reply except `system.listMethods`. Two departures keep every reply well-formed XML where XAPI's
would not be: U+FFFE and U+FFFF (valid UTF-8 that XAPI stores, but no XML Char) are left out like the
control characters XAPI drops, and struct member names (map keys, written verbatim by XAPI) are
escaped like values. Input accepts what XenAPI.py (`xmlrpc.client`) and the npm
client send: typed or bare strings, `<int>/<i4>/<i8>`, `<nil/>`, pretty-printed layout, a header.
"""
import base64
import re
from xml.parsers import expat

from xapi_sim.codecs import MalformedRequest, utf8_bytes
from xapi_sim.records import Records
from xapi_sim.xtypes import DateTime, Int32, parse_datetime

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
_BLANK = " \t\n\r"

# ---------------------------------------------------------------- request parsing


class _Node:
    """An element: its tag, the text before its first child, and whether real text follows a child."""

    __slots__ = ("tag", "text", "children", "stray")

    def __init__(self, tag):
        self.tag = tag
        self.text = ""
        self.children = []
        self.stray = False


def _refuse_dtd(*_args):
    # DTDs buy nothing for XML-RPC and open the door to entity expansion
    raise MalformedRequest('Xmlrpc.Parse_error("dtd", "open_tag(methodCall)")')


def _tree(body):
    stack, top = [], []

    def start(tag, _attrs):
        node = _Node(tag)
        (stack[-1].children if stack else top).append(node)
        stack.append(node)

    def chars(data):
        node = stack[-1]
        if not node.children:
            node.text += data
        elif data.strip(_BLANK):
            node.stray = True

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _tag: stack.pop()
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = _refuse_dtd
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise MalformedRequest('Xmlm.Error("%s")' % exc)
    return top[0]


def _fail(got, expected):
    return MalformedRequest('Xmlrpc.Parse_error("%s", "%s")' % (got, expected))


def _children(node, tag=None):
    """The child elements of a structural node, all named `tag` when given; text there is layout only."""
    if node.stray or node.text.strip(_BLANK):
        raise _fail("data", "close_tag(%s)" % node.tag)
    for child in node.children:
        if tag is not None and child.tag != tag:
            raise _fail("open_tag(%s)" % child.tag, "open_tag(%s)" % tag)
    return node.children


def _text(node):
    if node.children:
        raise _fail("open_tag(%s)" % node.children[0].tag, "data")
    return node.text


def _only(node, tag):
    kids = _children(node)
    if len(kids) != 1 or kids[0].tag != tag:
        raise _fail(node.tag, "one %s" % tag)
    return kids[0]


def _int64(text):
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("int64 out of range")
    return value


def _scalar(convert, what):
    """A reader for a leaf element whose text `convert` turns into a value (ValueError = bad request)."""
    def read(node):
        text = _text(node)
        try:
            return convert(text)
        except ValueError:  # binascii.Error is one too
            raise _fail("data(%s)" % text, what)
    return read


def _nil(node):
    if node.children or node.text.strip(_BLANK):
        raise _fail("data", "close_tag(nil)")
    return None


def _array(node):
    if not _children(node):
        return []
    return [_value(child) for child in _children(_only(node, "data"), "value")]


def _struct(node):
    result = {}
    for member in _children(node, "member"):
        kids = _children(member)
        if len(kids) != 2 or kids[0].tag != "name":
            raise _fail("member", "name, value")
        name = _text(kids[0])
        value = _value(kids[1])
        if name not in result:  # XAPI looks members up with List.assoc: the first one wins
            result[name] = value
    return result


_READERS = {
    "int": _scalar(_int64, "int"), "i4": _scalar(_int64, "i4"), "i8": _scalar(_int64, "i8"),
    "boolean": lambda node: _text(node) == "1",  # ocaml-rpc: "1" is true, anything else false
    "double": _scalar(float, "double"),
    "string": _text,
    "dateTime.iso8601": _scalar(parse_datetime, "dateTime.iso8601"),
    "base64": _scalar(base64.b64decode, "base64"),
    "array": _array,
    "struct": _struct,
    "nil": _nil,
}
# ocaml-rpc reads an immediately closed element by its tag alone
_EMPTY = {"string": str, "value": str, "array": list, "struct": dict, "nil": lambda: None}


def _typed(node):
    if not node.children and node.text == "":
        make = _EMPTY.get(node.tag)
        if make is None:
            raise _fail("empty_" + node.tag, node.tag)
        return make()
    reader = _READERS.get(node.tag)
    if reader is None:
        raise _fail("open_tag(%s)" % node.tag, "open_tag(int/i8/i4/boolean/double/string/...)")
    return reader(node)


def _value(node):
    if node.tag != "value":
        raise _fail("open_tag(%s)" % node.tag, "open_tag(value)")
    if not node.children:
        return node.text  # bare text is a string, whitespace included
    return _typed(_only(node, node.children[0].tag))


def parse_request(body):
    """Decode an XML-RPC methodCall into (method, params), or raise MalformedRequest."""
    root = _tree(body)
    if root.tag != "methodCall":
        raise _fail("open_tag(%s)" % root.tag, "open_tag(methodCall)")
    kids = _children(root)
    if not kids or kids[0].tag != "methodName":
        raise _fail("close_tag" if not kids else "open_tag(%s)" % kids[0].tag, "open_tag(methodName)")
    if len(kids) < 2 or kids[1].tag != "params":
        raise _fail("close_tag" if len(kids) < 2 else "open_tag(%s)" % kids[1].tag, "open_tag(params)")
    if len(kids) > 2:
        raise _fail("open_tag(%s)" % kids[2].tag, "close_tag(methodCall)")
    params = [_value(_only(param, "value")) for param in _children(kids[1], "param")]
    return _text(kids[0]), params

# ---------------------------------------------------------------- reply writing


_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;",
            0xFFFE: None, 0xFFFF: None}
_ESCAPES.update((code, None) for code in range(0x20) if code not in (0x09, 0x0A, 0x0D))


def escape(text):
    """XAPI's string escaping: `& < > "` as entities, other control characters (and the two
    non-characters XML forbids) dropped."""
    if _SPECIAL.search(text) is None:
        return text
    return text.translate(_ESCAPES)


_NAMES = {}          # member name -> its escaped form: record field names repeat in every reply


def _member_name(key):
    name = _NAMES.get(key)
    if name is None:
        name = escape(key if isinstance(key, str) else str(key))
        if len(_NAMES) < 100000:
            _NAMES[key] = name
    return name


# Scalars by exact type (the fast path); DateTime, Int32 and bool are told apart from str and int here.
_SCALARS = {
    str: lambda v: "<value>" + escape(v) + "</value>",
    DateTime: lambda v: "<value><dateTime.iso8601>" + v + "</dateTime.iso8601></value>",
    bool: lambda v: "<value><boolean>1</boolean></value>" if v else "<value><boolean>0</boolean></value>",
    Int32: lambda v: "<value><i4>%d</i4></value>" % v,
    int: lambda v: "<value>%d</value>" % v,  # int64 is untyped: clients read a string
    float: lambda v: "<value><double>%.16g</double></value>" % v,  # OCaml's %.16g: 1, 0.25, nan, inf
    type(None): lambda v: "<value><nil/></value>",
    bytes: lambda v: "<value><base64>" + base64.b64encode(v).decode("ascii") + "</base64></value>",
}
# For other subclasses, in the order that keeps DateTime from str and bool/Int32 from int.
_BASES = [DateTime, str, bool, Int32, int, float, bytes]


def _emit_dict(v, out):
    out.append("<value><struct>")
    scalar_of = _SCALARS.get
    for key, item in v.items():
        # int map keys appear as their digits
        name = "<member><name>" + _member_name(key) + "</name>"
        scalar = scalar_of(type(item))
        if scalar is not None:  # most record fields: one append, no recursion (halves big replies' time)
            out.append(name + scalar(item) + "</member>")
        else:
            out.append(name)
            _emit(item, out)
            out.append("</member>")
    out.append("</struct></value>")


def _fragment_bytes(value):
    return utf8_bytes(value_fragment(value))


def _records_value(records):
    """[bytes] of a Records mapping's struct, each record encoded once per change (records.py)."""
    parts = [b"<value><struct>"]
    for ref in records:
        parts += (b"<member><name>", utf8_bytes(_member_name(ref)), b"</name>",
                  records.fragment(ref, "xml", _fragment_bytes), b"</member>")
    parts.append(b"</struct></value>")
    return parts


def _emit(v, out):
    scalar = _SCALARS.get(type(v))
    if scalar is not None:
        out.append(scalar(v))
    elif isinstance(v, dict):
        _emit_dict(v, out)
    elif isinstance(v, Records):
        out.append(b"".join(_records_value(v)).decode("utf-8"))
    elif isinstance(v, (list, tuple)):
        out.append("<value><array><data>")
        for item in v:
            _emit(item, out)
        out.append("</data></array></value>")
    else:
        for base in _BASES:
            if isinstance(v, base):
                out.append(_SCALARS[base](v))
                return
        raise TypeError("no XML-RPC encoding for %s" % type(v).__name__)


def value_fragment(value):
    """Just `<value>...</value>` for `value`; `task.result` holds this text."""
    out = []
    _emit(value, out)
    return "".join(out)


_HEAD = '<?xml version="1.0"?><methodResponse><params><param>'
_TAIL = "</param></params></methodResponse>"
_STATUS = "<value><struct><member><name>Status</name><value>%s</value></member><member><name>%s</name>"
_STATUS_END = "</member></struct></value>"


def format_success(value):
    """A successful reply: `Status`=`Success` and `Value`."""
    head = _HEAD + _STATUS % ("Success", "Value")
    if isinstance(value, Records):         # joined once, from cached records (records.py)
        return b"".join([head.encode()] + _records_value(value) + [(_STATUS_END + _TAIL).encode()])
    return utf8_bytes(head + value_fragment(value) + _STATUS_END + _TAIL)


def format_failure(error):
    """A failed API call: `Status`=`Failure` and `ErrorDescription` = [CODE, p1, ...] (strings)."""
    body = _STATUS % ("Failure", "ErrorDescription") + value_fragment(list(error)) + _STATUS_END
    return utf8_bytes(_HEAD + body + _TAIL)


def format_bare(value):
    """The `system.listMethods` form: the value straight in the param, no Status wrapper."""
    return utf8_bytes(_HEAD + value_fragment(value) + _TAIL)
