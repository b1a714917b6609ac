"""JSON-RPC 1.0 and 2.0 as XAPI reads and writes them on POST /jsonrpc (ocaml-rpc `Jsonrpc`).

Requests are checked in ocaml-rpc's order (method, jsonrpc, params, id); anything it rejects raises
MalformedRequest, which the server answers with the HTML 500. Replies are compact JSON in the shape
of the request's version. Invalid UTF-8 inside strings survives parsing as lone surrogates so the
dispatcher can answer `INVALID_VALUE` the way XAPI does. Escapes follow Yojson (read.mll): a high
surrogate escape must be followed by a low one (else the request is malformed), while a lone low
surrogate escape becomes 3 bytes of invalid UTF-8, which dispatch refuses.
"""
import json
import re

from xapi_sim.codecs import MalformedRequest, utf8_bytes
from xapi_sim.records import Records

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
V2_ERROR_CODE = 1  # XAPI's `error_code_lit`: every V2 error object carries code 1
_HIGH_ESCAPE = re.compile(r"\\u[dD][89abAB]")
_LONE_HIGH = re.compile("[\ud800-\udbff]")

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class JsonCall:
    """One decoded request: method name, positional params, id (echoed as sent) and version 1 or 2."""

    def __init__(self, method, params, id, version):
        self.method = method
        self.params = params
        self.id = id
        self.version = version

    def __repr__(self):
        return "JsonCall(%r, %r, id=%r, version=%d)" % (self.method, self.params, self.id, self.version)


def _malformed(message):
    return MalformedRequest('Jsonrpc.Malformed_method_request("%s")' % message)


def _int64(text):
    # Yojson reads every integer literal as Int64.of_string: a literal out of range fails the request.
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise MalformedRequest('Failure("Int64.of_string")')
    return value


def _decode(body):
    text = body.decode("utf-8", "surrogateescape")
    if not text.strip():
        raise MalformedRequest('Yojson.Json_error("Blank input data")')
    try:
        decoded = json.loads(text, parse_int=_int64)
    except ValueError as exc:
        raise MalformedRequest('Yojson.Json_error("%s")' % exc)
    if _HIGH_ESCAPE.search(text) and _has_lone_high(decoded):
        raise MalformedRequest('Yojson.Json_error("Missing escape sequence representing low '
                               'surrogate for code point beyond U+FFFF")')
    return decoded


def _has_lone_high(value):
    """A string anywhere in `value` with a high surrogate left unpaired by json.loads."""
    if isinstance(value, str):
        return _LONE_HIGH.search(value) is not None
    if isinstance(value, list):
        return any(_has_lone_high(v) for v in value)
    if isinstance(value, dict):
        return any(_has_lone_high(k) or _has_lone_high(v) for k, v in value.items())
    return False


def _version(request):
    if "jsonrpc" not in request:
        return 1
    if request["jsonrpc"] != "2.0":
        raise _malformed("Invalid field 'jsonrpc' in request body")
    return 2


def _params(request, version):
    if version == 1:
        if "params" not in request:
            raise _malformed("Required field params is missing")
        params = request["params"]
    else:
        params = request.get("params")
        if params is None:
            return []
        if isinstance(params, dict):
            return [params]
    if not isinstance(params, list):
        raise _malformed("Invalid field 'params' in request body")
    return params


def _id(request):
    ident = request.get("id")
    if type(ident) is bool or not isinstance(ident, (int, str)):
        # absent or null would be a notification, which XAPI refuses like any other bad id
        raise _malformed("Invalid field 'id' in request body")
    return ident


def parse_request(body):
    """Decode a POST /jsonrpc body into a JsonCall, or raise MalformedRequest."""
    request = _decode(body)
    if not isinstance(request, dict):
        raise _malformed("Invalid request body")
    if "method" not in request:
        raise _malformed("Required field method is missing")
    method = request["method"]
    if not isinstance(method, str):
        raise _malformed("Invalid field 'method' in request body")
    version = _version(request)
    params = _params(request, version)
    return JsonCall(method, params, _id(request), version)


def has_invalid_utf8(s):
    """True when `s` holds bytes that were not valid UTF-8 (kept as lone surrogates)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def find_invalid_utf8(value):
    """The first string (or struct key) inside `value` that has invalid UTF-8, else None."""
    if isinstance(value, str):
        return value if has_invalid_utf8(value) else None
    if isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        items = [item for pair in value.items() for item in pair]
    else:
        return None
    for item in items:
        found = find_invalid_utf8(item)
        if found is not None:
            return found
    return None


def _dump(reply):
    # allow_nan=False: browsers' JSON.parse rejects NaN/Infinity, so a non-finite float is a bug to surface
    return utf8_bytes(_ENCODER.encode(reply))


def format_success(call, result):
    """The reply carrying `result`, in the request's version."""
    if isinstance(result, Records):
        return _records_reply(call, result)
    if call.version == 2:
        return _dump({"jsonrpc": "2.0", "result": result, "id": call.id})
    return _dump({"result": result, "error": None, "id": call.id})


def _encoded(value):
    return utf8_bytes(_ENCODER.encode(value))


def _records_reply(call, records):
    """The same bytes as format_success of the plain mapping, from cached record encodings,
    joined once (a 10,000-VM reply is 28 MB: every extra copy shows)."""
    parts = [b'{"jsonrpc":"2.0","result":{' if call.version == 2 else b'{"result":{']
    for ref in records:
        parts += (_encoded(ref), b":", records.fragment(ref, "json", _encoded), b",")
    if len(parts) > 1:
        parts.pop()
    parts.append(b'},"id":' if call.version == 2 else b'},"error":null,"id":')
    parts += (_encoded(call.id), b"}")
    return b"".join(parts)


def format_failure(call, error):
    """The reply for an API error `[CODE, p1, ...]`: a list in V1, a code/message/data object in V2."""
    if call.version == 2:
        detail = {"code": V2_ERROR_CODE, "message": error[0], "data": list(error[1:])}
        return _dump({"jsonrpc": "2.0", "error": detail, "id": call.id})
    return _dump({"result": None, "error": list(error), "id": call.id})


def format_untranslated_failure(call, error):
    """An error XAPI leaves as a bare `[CODE, ...]` list even in V2.

    That happens for a failing `system.listMethods` (exempt from the V2 translation) and, with a
    JsonCall of id 0 and version 2, for errors raised before dispatch (slave emergency mode).
    """
    if call.version == 2:
        return _dump({"jsonrpc": "2.0", "error": list(error), "id": call.id})
    return format_failure(call, error)


def format_list_methods(call, names):
    """The `system.listMethods` reply, in the normal success form."""
    return format_success(call, list(names))
