"""XML-RPC codec: XAPI's exact output bytes, the request forms real clients send, and the 500 cases."""
import math
import re
import xmlrpc.client

import pytest
from XenAPI.XenAPI import Failure, _parse_result, _RECONNECT_AND_RETRY

from xapi_sim.codecs import MalformedRequest
from xapi_sim.codecs import xmlrpc as codec
from xapi_sim.xtypes import DateTime, Int32

HEAD = b'<?xml version="1.0"?><methodResponse><params><param>'
TAIL = b"</param></params></methodResponse>"


class Label(str):
    pass


class Count(int):
    pass


VALUES = [
    ("abc", "<value>abc</value>"),
    ("", "<value></value>"),
    ("OpaqueRef:0b5c1a7e-2f4e-4d5a-9b0c-1f2e3d4c5b6a", "<value>OpaqueRef:0b5c1a7e-2f4e-4d5a-9b0c-1f2e3d4c5b6a</value>"),
    ('a&b<c>d"e\'f', "<value>a&amp;b&lt;c&gt;d&quot;e'f</value>"),
    ("x\x00\x01\x08\x0b\x0c\x1fy\t\n\r", "<value>xy\t\n\r</value>"),
    ("caf\u00e9 \u20ac", "<value>caf\u00e9 \u20ac</value>"),
    (True, "<value><boolean>1</boolean></value>"),
    (False, "<value><boolean>0</boolean></value>"),
    (Int32(7), "<value><i4>7</i4></value>"),
    (123, "<value>123</value>"),
    (-5, "<value>-5</value>"),
    (2 ** 63 - 1, "<value>9223372036854775807</value>"),
    (1.0, "<value><double>1</double></value>"),
    (0.25, "<value><double>0.25</double></value>"),
    (1e20, "<value><double>1e+20</double></value>"),
    (1326210000.25, "<value><double>1326210000.25</double></value>"),
    (float("nan"), "<value><double>nan</double></value>"),
    (float("inf"), "<value><double>inf</double></value>"),
    (float("-inf"), "<value><double>-inf</double></value>"),
    (DateTime("20240131T12:34:56Z"), "<value><dateTime.iso8601>20240131T12:34:56Z</dateTime.iso8601></value>"),
    (None, "<value><nil/></value>"),
    (b"hi", "<value><base64>aGk=</base64></value>"),
    ([], "<value><array><data></data></array></value>"),
    (["a", 1], "<value><array><data><value>a</value><value>1</value></data></array></value>"),
    (("a",), "<value><array><data><value>a</value></data></array></value>"),
    ({}, "<value><struct></struct></value>"),
    ({"k": "v"}, "<value><struct><member><name>k</name><value>v</value></member></struct></value>"),
    ({"a<b&c": "<"}, "<value><struct><member><name>a&lt;b&amp;c</name><value>&lt;</value></member></struct></value>"),
    ("x\ufffey\uffffz\x01", "<value>xyz</value>"),
    ({0: "x"}, "<value><struct><member><name>0</name><value>x</value></member></struct></value>"),
    (Label("lbl&"), "<value>lbl&amp;</value>"),
    (Count(3), "<value>3</value>"),
]


@pytest.mark.parametrize("value, expected", VALUES)
def test_value_fragment_is_exactly_what_xapi_writes(value, expected):
    assert codec.value_fragment(value) == expected


def test_unknown_type_is_refused():
    with pytest.raises(TypeError):
        codec.value_fragment(object())


ENVELOPES = [
    (codec.format_success("OpaqueRef:a"),
     b"<value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>"
     b"<value>OpaqueRef:a</value></member></struct></value>"),
    (codec.format_success(""),
     b"<value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>"
     b"<value></value></member></struct></value>"),
    (codec.format_failure(["SESSION_INVALID", "OpaqueRef:x"]),
     b"<value><struct><member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription"
     b"</name><value><array><data><value>SESSION_INVALID</value><value>OpaqueRef:x</value></data></array>"
     b"</value></member></struct></value>"),
    (codec.format_failure(["EVENTS_LOST"]),
     b"<value><struct><member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription"
     b"</name><value><array><data><value>EVENTS_LOST</value></data></array></value></member></struct></value>"),
    (codec.format_bare(["VM.start", "VM.get_all"]),
     b"<value><array><data><value>VM.start</value><value>VM.get_all</value></data></array></value>"),
]


@pytest.mark.parametrize("produced, inner", ENVELOPES)
def test_envelopes_are_byte_exact(produced, inner):
    assert produced == HEAD + inner + TAIL


RECORD = {
    "uuid": "5e1e6c2f-0000-4000-8000-000000000001",
    "name_label": "web <1> & \"db\"",
    "power_state": "Running",
    "memory_static_max": 4294967296,
    "VCPUs_max": 2,
    "is_a_template": False,
    "start_time": DateTime("20240131T12:34:56Z"),
    "valid_ref_counts": {"VM": Int32(3)},
    "progress": 0.5,
    "VBDs": ["OpaqueRef:v1", "OpaqueRef:v2"],
    "other_config": {"a": "1", "é": "ü"},
    "snapshot_of": "OpaqueRef:NULL",
    "blocked_operations": {},
}


def test_output_is_one_line_without_layout_whitespace():
    reply = codec.format_success([RECORD, RECORD])
    assert b"\n" not in reply
    assert re.search(rb">\s+<", reply) is None


def test_output_is_utf8():
    assert codec.format_success("\u00e9\u20ac") == HEAD + (
        "<value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>"
        "<value>\u00e9\u20ac</value></member></struct></value>").encode("utf-8") + TAIL


def test_xenapi_reads_success_as_xapi_types():
    (reply,), _ = xmlrpc.client.loads(codec.format_success(RECORD))
    value = _parse_result(reply)
    assert value["memory_static_max"] == "4294967296"  # int64 arrives as a string
    assert value["VCPUs_max"] == "2"
    assert value["valid_ref_counts"] == {"VM": 3}  # <i4> arrives as an int
    assert value["is_a_template"] is False
    assert value["progress"] == 0.5
    assert isinstance(value["start_time"], xmlrpc.client.DateTime)
    assert value["start_time"].value == "20240131T12:34:56Z"
    assert value["name_label"] == RECORD["name_label"]
    assert value["other_config"] == {"a": "1", "é": "ü"}
    assert value["VBDs"] == ["OpaqueRef:v1", "OpaqueRef:v2"]


def test_xenapi_reads_failures_and_session_invalid():
    (reply,), _ = xmlrpc.client.loads(codec.format_failure(["HANDLE_INVALID", "VM", "OpaqueRef:x"]))
    with pytest.raises(Failure) as caught:
        _parse_result(reply)
    assert caught.value.details == ["HANDLE_INVALID", "VM", "OpaqueRef:x"]
    (reply,), _ = xmlrpc.client.loads(codec.format_failure(["SESSION_INVALID", "OpaqueRef:s"]))
    assert _parse_result(reply) is _RECONNECT_AND_RETRY


def test_bare_list_methods_reads_as_a_plain_list():
    (reply,), _ = xmlrpc.client.loads(codec.format_bare(["VM.get_all_records", "host.get_all_records"]))
    assert reply == ["VM.get_all_records", "host.get_all_records"]


def test_nan_and_infinities_read_back_in_python():
    (reply,), _ = xmlrpc.client.loads(codec.format_success([float("nan"), float("inf"), float("-inf")]))
    nan, inf, minus_inf = reply["Value"]
    assert math.isnan(nan) and inf == math.inf and minus_inf == -math.inf


# ---------------------------------------------------------------- requests

PYTHON_PARAMS = [
    ((1, -7, 2 ** 31 - 1), [1, -7, 2 ** 31 - 1]),
    (("s", "", "a&b<c", "\u00e9"), ["s", "", "a&b<c", "\u00e9"]),
    ((None,), [None]),
    ((True, False), [True, False]),
    ((60.1, 1.0), [60.1, 1.0]),
    (({"k": [1.5, True], "e": {}},), [{"k": [1.5, True], "e": {}}]),
    (([], ["OpaqueRef:a"]), [[], ["OpaqueRef:a"]]),
    ((xmlrpc.client.DateTime("20240131T12:34:56"),), [DateTime("20240131T12:34:56Z")]),
    ((b"\x00\xffbytes",), [b"\x00\xffbytes"]),
    ((), []),
]


@pytest.mark.parametrize("sent, expected", PYTHON_PARAMS)
def test_python_xmlrpc_client_requests_parse(sent, expected):
    body = xmlrpc.client.dumps(sent, methodname="VM.set_other_config", allow_none=True)
    assert body.startswith("<?xml version='1.0'?>\n")
    method, params = codec.parse_request(body.encode("utf-8"))
    assert method == "VM.set_other_config"
    assert params == expected
    assert [type(p) for p in params] == [type(e) for e in expected]


def test_python_datetime_parses_to_canonical_datetime():
    _, (value,) = codec.parse_request(xmlrpc.client.dumps((xmlrpc.client.DateTime(0),), "m").encode())
    assert isinstance(value, DateTime)


def call(*values):
    params = "".join("<param>%s</param>" % v for v in values)
    return ("<methodCall><methodName>m</methodName><params>%s</params></methodCall>" % params).encode("utf-8")


LITERAL_PARAMS = [
    ("<value>5</value>", "5"),  # the npm client sends integers as strings
    ("<value><double>60.1</double></value>", 60.1),
    ("<value><double>1</double></value>", 1.0),
    ("<value>  </value>", "  "),
    ("<value/>", ""),
    ("<value>\n  <int>5</int>\n</value>", 5),
    ("<value><i4>-3</i4></value>", -3),
    ("<value><i8>4611686018427387904</i8></value>", 2 ** 62),
    ("<value><string/></value>", ""),
    ("<value><string> a </string></value>", " a "),
    ("<value><boolean>1</boolean></value>", True),
    ("<value><boolean>0</boolean></value>", False),
    ("<value><nil/></value>", None),
    ("<value><array/></value>", []),
    ("<value><struct/></value>", {}),
    ("<value><array><data></data></array></value>", []),
    ("<value><array>\n<data>\n<value>a</value>\n<value><int>1</int></value>\n</data>\n</array></value>", ["a", 1]),
    ("<value><dateTime.iso8601>2024-01-31T12:34:56Z</dateTime.iso8601></value>", DateTime("20240131T12:34:56Z")),
    ("<value><dateTime.iso8601>20240131T12:34:56</dateTime.iso8601></value>", DateTime("20240131T12:34:56Z")),
    ("<value><base64>aGk=</base64></value>", b"hi"),
    ("<value>a&amp;b&lt;c&#233;</value>", "a&b<c\u00e9"),
    ("<value><![CDATA[<raw>]]></value>", "<raw>"),
    ("<value><struct><member><name>k</name><value>1</value></member>"
     "<member><name>k</name><value>2</value></member></struct></value>", {"k": "1"}),
    ("<value><value/></value>", ""),
]


@pytest.mark.parametrize("xml, expected", LITERAL_PARAMS)
def test_literal_request_forms(xml, expected):
    method, params = codec.parse_request(call(xml))
    assert method == "m"
    assert params == [expected]
    assert type(params[0]) is type(expected)


def test_pretty_printed_request_with_header():
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
    <methodCall>
      <methodName>event.from</methodName>
      <params>
        <param><value>OpaqueRef:s</value></param>
        <param><value><array><data><value>*</value></data></array></value></param>
        <param><value></value></param>
        <param>
          <value><double>60.1</double></value>
        </param>
      </params>
    </methodCall>
    """
    assert codec.parse_request(body) == ("event.from", ["OpaqueRef:s", ["*"], "", 60.1])


ROUND_TRIP = ["text & <tags>", "", True, False, Int32(9), 0.25, -1e-300, DateTime("20240131T12:34:56Z"), None,
              b"\x01\x02", [], {}, ["a", ["b", {"c": None}]], {"m": {"n": [False, Int32(1)]}}, [RECORD]]


def _expected_after_round_trip(value):
    # int64 goes out untyped, so it comes back as its digits
    if isinstance(value, dict):
        return {k: _expected_after_round_trip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expected_after_round_trip(v) for v in value]
    if isinstance(value, int) and not isinstance(value, (bool, Int32)):
        return str(value)
    return value


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_round_trip_through_value_fragment(value):
    _, params = codec.parse_request(call(codec.value_fragment(value)))
    assert params == [_expected_after_round_trip(value)]


def test_member_names_are_escaped_so_the_reply_stays_well_formed():
    # XAPI writes names verbatim, so a key with '&' makes its reply ill-formed; the simulator escapes
    body = codec.value_fragment({"a&b": "v", "<k>": "w"})
    assert "<name>a&amp;b</name>" in body and "<name>&lt;k&gt;</name>" in body
    assert codec.parse_request(call(body))[1] == [{"a&b": "v", "<k>": "w"}]


MALFORMED = [
    b"",
    b"   ",
    b"not xml",
    b"<methodCall><methodName>m</methodName>",
    b"<methodCall><methodName>m</methodName></methodCall>",
    b"<methodCall><params/></methodCall>",
    b"<methodCall></methodCall>",
    b"<methodResponse><params/></methodResponse>",
    b"<methodCall><methodName>m</methodName><params/><extra/></methodCall>",
    b"<methodCall><methodName>m</methodName><params>junk<param><value/></param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params><value/></params></methodCall>",
    b"<methodCall><methodName>m<b/></methodName><params/></methodCall>",
    call("<value/><value/>"),
    call(""),
    call("<value>abc<int>1</int></value>"),
    call("<value><int>1</int><int>2</int></value>"),
    call("<value><int>1</int>tail</value>"),
    call("<value><foo>1</foo></value>"),
    call("<value><int>abc</int></value>"),
    call("<value><int></int></value>"),
    call("<value><i8>9223372036854775808</i8></value>"),
    call("<value><double>x</double></value>"),
    call("<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>"),
    call("<value><base64>a</base64></value>"),
    call("<value><array><value>1</value></array></value>"),
    call("<value><struct><member><value>1</value></member></struct></value>"),
    call("<value><struct><value>1</value></struct></value>"),
    call("<value><nil>x</nil></value>"),
    call("<value><string><b/></string></value>"),
    call("<notvalue/>"),
    b"<?xml version='1.0'?><!DOCTYPE m [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]>"
    b"<methodCall><methodName>&b;</methodName><params/></methodCall>",
    b"<methodCall><methodName>\xff\xfe</methodName><params/></methodCall>",
]


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_requests_raise(body):
    with pytest.raises(MalformedRequest) as caught:
        codec.parse_request(body)
    assert str(caught.value)
