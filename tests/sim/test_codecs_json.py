"""JSON-RPC codec: request checks in XAPI's order, V1/V2 reply shapes, id echo, invalid UTF-8, the 500 body."""
import json

import pytest

from xapi_sim.codecs import JSON_CONTENT_TYPE, XML_CONTENT_TYPE, MalformedRequest, http_500_body
from xapi_sim.codecs import jsonrpc as codec
from xapi_sim.xtypes import DateTime, Int32


def body(obj):
    return json.dumps(obj).encode("utf-8")


REQUESTS = [
    ({"method": "VM.get_all", "params": ["OpaqueRef:s"], "id": 7}, "VM.get_all", ["OpaqueRef:s"], 7, 1),
    ({"method": "m", "params": [], "id": "abc"}, "m", [], "abc", 1),
    ({"jsonrpc": "2.0", "method": "m", "params": [1, "x"], "id": 0}, "m", [1, "x"], 0, 2),
    ({"jsonrpc": "2.0", "method": "system.listMethods", "id": 0}, "system.listMethods", [], 0, 2),
    ({"jsonrpc": "2.0", "method": "m", "params": None, "id": 1}, "m", [], 1, 2),
    ({"jsonrpc": "2.0", "method": "m", "params": {"a": 1}, "id": 1}, "m", [{"a": 1}], 1, 2),
    ({"jsonrpc": "2.0", "method": "m", "params": [], "id": 2 ** 63 - 1}, "m", [], 2 ** 63 - 1, 2),
    ({"method": "m", "params": [60.1, True, None, {"k": [1]}], "id": -1, "extra": 1},
     "m", [60.1, True, None, {"k": [1]}], -1, 1),
]


@pytest.mark.parametrize("request_obj, method, params, ident, version", REQUESTS)
def test_parse_request(request_obj, method, params, ident, version):
    call = codec.parse_request(body(request_obj))
    assert (call.method, call.params, call.id, call.version) == (method, params, ident, version)
    assert type(call.id) is type(ident)


MALFORMED = [
    (b"", "Blank input data"),
    (b"  \n", "Blank input data"),
    (b"not json", "Json_error"),
    (b'{"method":"m","params":[],"id":1', "Json_error"),
    (b'{"method":"m","params":[],"id":1} trailing', "Json_error"),
    (b"[1]", "Invalid request body"),
    (b'"x"', "Invalid request body"),
    (body({"params": [], "id": 1}), "Required field method is missing"),
    (body({"jsonrpc": "1.0", "params": [], "id": 1}), "Required field method is missing"),
    (body({"method": 5, "params": [], "id": 1}), "Invalid field 'method'"),
    (body({"method": None, "params": [], "id": 1}), "Invalid field 'method'"),
    (body({"jsonrpc": "1.0", "method": "m", "params": [], "id": 1}), "Invalid field 'jsonrpc'"),
    (body({"jsonrpc": 2, "method": "m", "params": [], "id": 1}), "Invalid field 'jsonrpc'"),
    (body({"jsonrpc": None, "method": "m", "params": [], "id": 1}), "Invalid field 'jsonrpc'"),
    (body({"method": "m", "id": 1}), "Required field params is missing"),
    (body({"method": "m", "params": None, "id": 1}), "Invalid field 'params'"),
    (body({"method": "m", "params": {"a": 1}, "id": 1}), "Invalid field 'params'"),
    (body({"jsonrpc": "2.0", "method": "m", "params": "x", "id": 1}), "Invalid field 'params'"),
    (body({"jsonrpc": "2.0", "method": "m", "params": 3, "id": 1}), "Invalid field 'params'"),
    (body({"method": "m", "params": []}), "Invalid field 'id'"),
    (body({"jsonrpc": "2.0", "method": "m"}), "Invalid field 'id'"),
    (body({"jsonrpc": "2.0", "method": "m", "id": None}), "Invalid field 'id'"),
    (body({"method": "m", "params": [], "id": 1.5}), "Invalid field 'id'"),
    (body({"method": "m", "params": [], "id": True}), "Invalid field 'id'"),
    (body({"method": "m", "params": [], "id": [1]}), "Invalid field 'id'"),
    (body({"method": "m", "params": [], "id": {}}), "Invalid field 'id'"),
    (body({"method": "m", "params": [2 ** 63], "id": 1}), "Int64.of_string"),
    (b'{"method":"m",\xff"params":[],"id":1}', "Json_error"),
]


@pytest.mark.parametrize("raw, message", MALFORMED)
def test_malformed_requests_raise(raw, message):
    with pytest.raises(MalformedRequest) as caught:
        codec.parse_request(raw)
    assert message in str(caught.value)


def test_malformed_message_names_the_ocaml_exception():
    with pytest.raises(MalformedRequest) as caught:
        codec.parse_request(body({"method": "m", "params": []}))
    assert str(caught.value) == "Jsonrpc.Malformed_method_request(\"Invalid field 'id' in request body\")"


V1 = codec.JsonCall("m", [], 7, 1)
V2 = codec.JsonCall("m", [], 0, 2)
V2_STR = codec.JsonCall("m", [], "req-1", 2)
V1_STR = codec.JsonCall("m", [], "9", 1)

REPLIES = [
    (codec.format_success(V1, "OpaqueRef:a"), b'{"result":"OpaqueRef:a","error":null,"id":7}'),
    (codec.format_success(V1_STR, ""), b'{"result":"","error":null,"id":"9"}'),
    (codec.format_success(V2, ["a", 1]), b'{"jsonrpc":"2.0","result":["a",1],"id":0}'),
    (codec.format_success(V2_STR, {"k": True}), b'{"jsonrpc":"2.0","result":{"k":true},"id":"req-1"}'),
    (codec.format_failure(V1, ["SESSION_INVALID", "OpaqueRef:s"]),
     b'{"result":null,"error":["SESSION_INVALID","OpaqueRef:s"],"id":7}'),
    (codec.format_failure(V2, ["SESSION_INVALID", "OpaqueRef:s"]),
     b'{"jsonrpc":"2.0","error":{"code":1,"message":"SESSION_INVALID","data":["OpaqueRef:s"]},"id":0}'),
    (codec.format_failure(V2_STR, ["EVENTS_LOST"]),
     b'{"jsonrpc":"2.0","error":{"code":1,"message":"EVENTS_LOST","data":[]},"id":"req-1"}'),
    (codec.format_list_methods(V2, ["VM.start", "VM.get_all_records"]),
     b'{"jsonrpc":"2.0","result":["VM.start","VM.get_all_records"],"id":0}'),
    (codec.format_list_methods(V1, []), b'{"result":[],"error":null,"id":7}'),
    (codec.format_untranslated_failure(V2, ["HOST_IS_SLAVE", "10.0.0.1"]),
     b'{"jsonrpc":"2.0","error":["HOST_IS_SLAVE","10.0.0.1"],"id":0}'),
    (codec.format_untranslated_failure(V1, ["X"]), b'{"result":null,"error":["X"],"id":7}'),
]


@pytest.mark.parametrize("produced, expected", REPLIES)
def test_replies_are_byte_exact(produced, expected):
    assert produced == expected


TYPED = [
    (DateTime("20240131T12:34:56Z"), b'"20240131T12:34:56Z"'),
    (Int32(3), b"3"),
    (2 ** 63 - 1, b"9223372036854775807"),
    (1.0, b"1.0"),
    (0.25, b"0.25"),
    (1e20, b"1e+20"),
    (False, b"false"),
    (None, b"null"),
    ("caf\u00e9 \u20ac", "\"caf\u00e9 \u20ac\"".encode("utf-8")),
    ('q"\\\n\x01', b'"q\\"\\\\\\n\\u0001"'),
    ({"OpaqueRef:a": [], "0": {}}, b'{"OpaqueRef:a":[],"0":{}}'),
]


@pytest.mark.parametrize("value, encoded", TYPED)
def test_value_encoding(value, encoded):
    assert codec.format_success(V1, value) == b'{"result":' + encoded + b',"error":null,"id":7}'


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), [{"x": float("nan")}]])
def test_non_finite_floats_are_refused(bad):
    with pytest.raises(ValueError):
        codec.format_success(V2, bad)


def test_record_round_trips_through_json():
    record = {"uuid": "u", "start_time": DateTime("20240131T12:34:56Z"), "valid_ref_counts": {"VM": Int32(2)},
              "memory": 4294967296, "tags": ["a"], "other_config": {}, "progress": 0.5}
    reply = json.loads(codec.format_success(V2, record))
    assert reply == {"jsonrpc": "2.0", "result": record, "id": 0}


def test_invalid_utf8_inside_a_string_survives_as_a_flagged_string():
    raw = b'{"jsonrpc":"2.0","method":"VM.set_name_label","params":["OpaqueRef:s","ab\xff\xfecd"],"id":0}'
    call = codec.parse_request(raw)
    label = call.params[1]
    assert codec.has_invalid_utf8(label)
    assert not codec.has_invalid_utf8(call.params[0])
    assert codec.find_invalid_utf8(call.params) == label
    # XAPI echoes the bytes back, an invalid reply; the simulator writes U+FFFD for each
    reply = codec.format_failure(call, ["INVALID_VALUE", "Invalid UTF-8 string in parameter", label])
    assert '"data":["Invalid UTF-8 string in parameter","ab\ufffd\ufffdcd"]'.encode() in reply
    reply.decode("utf-8")


@pytest.mark.parametrize("text, invalid", [
    ("plain", False), ("caf\u00e9 \U0001F600", False), ("x\udcff", True), ("\ud800", True), ("", False),
])
def test_has_invalid_utf8(text, invalid):
    assert codec.has_invalid_utf8(text) is invalid


@pytest.mark.parametrize("value, found", [
    (["ok", {"k": ["deep\udc80"]}], "deep\udc80"),
    ([{"key\udcc3": 1}], "key\udcc3"),
    ([1, None, True, 2.5, {"a": "b"}], None),
])
def test_find_invalid_utf8_searches_nested_params(value, found):
    assert codec.find_invalid_utf8(value) == found


def test_escaped_lone_low_surrogate_is_flagged_and_never_written():
    call = codec.parse_request(b'{"method":"m","params":["\\udc00"],"id":1}')
    assert codec.has_invalid_utf8(call.params[0])
    assert codec.format_success(call, call.params[0]) == '{"result":"\ufffd","error":null,"id":1}'.encode()


@pytest.mark.parametrize("escapes", [r"\ud800", r"\ud800x", r"\udbff\u0041", r"\ud83d\ud83d"])
def test_a_high_surrogate_escape_without_its_low_half_is_malformed(escapes):
    # Yojson (read.mll finish_surrogate_pair): a high surrogate must be followed by \u<low>
    with pytest.raises(MalformedRequest) as info:
        codec.parse_request(('{"method":"m","params":["%s"],"id":1}' % escapes).encode())
    assert "low surrogate" in str(info.value)


def test_a_surrogate_pair_is_one_character():
    call = codec.parse_request(b'{"method":"m","params":["\\ud83d\\ude00"],"id":1}')
    assert call.params == ["\U0001F600"] and not codec.has_invalid_utf8(call.params[0])


def test_http_500_body_is_xapis_html_with_escaped_detail():
    assert http_500_body('Jsonrpc.Malformed_method_request("<id> & more")') == (
        b"<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while"
        b" and try again. If the problem persists, please contact your support representative."
        b"<h1> Additional information </h1>Jsonrpc.Malformed_method_request(\"&lt;id&gt; &amp; more\")"
        b"</body></html>")


def test_content_types_have_no_charset():
    assert (JSON_CONTENT_TYPE, XML_CONTENT_TYPE) == ("application/json", "text/xml")
