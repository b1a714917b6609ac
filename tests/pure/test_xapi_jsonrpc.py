"""XapiError / TransportError and the JSON-RPC envelope."""
import json

from lite_app.xapi.errors import TransportError, XapiError
from lite_app.xapi.jsonrpc import Codec, decode_response, encode_request


def raised(fn, *args):
    """The exception `fn(*args)` raises, or None."""
    try:
        fn(*args)
    except Exception as error:  # noqa: BLE001 - the tests inspect whatever comes out
        return error
    return None


def test_error_from_v2_object():
    error = XapiError.from_wire({"code": 1, "message": "HANDLE_INVALID", "data": ["VM", "OpaqueRef:x"]})
    assert error.code == "HANDLE_INVALID"
    assert error.params == ["VM", "OpaqueRef:x"]
    assert "HANDLE_INVALID" in str(error) and "OpaqueRef:x" in str(error)


def test_error_from_v1_array_and_task_error_info():
    error = XapiError.from_wire(["VM_BAD_POWER_STATE", "OpaqueRef:v", "halted", "running"])
    assert error.code == "VM_BAD_POWER_STATE"
    assert error.params == ["OpaqueRef:v", "halted", "running"]
    assert XapiError.from_wire(["EVENTS_LOST"]).params == []


def test_error_from_odd_shapes():
    assert XapiError.from_wire({"message": "X", "data": None}).params == []
    assert XapiError.from_wire({"message": "X", "data": "detail"}).params == ["detail"]
    odd = XapiError.from_wire("boom")
    assert odd.code == "INTERNAL_ERROR" and odd.params == ["boom"]


def test_transport_error_kinds():
    error = TransportError("http", 500, "Internal error")
    assert error.kind == "http" and error.status == 500
    assert "500" in str(error)
    assert TransportError("timeout").status is None
    assert isinstance(raised(TransportError, "bogus"), ValueError)


def test_encode_request_is_compact_v2():
    text = encode_request(7, "VM.start", ["OpaqueRef:s", "OpaqueRef:v", False, False])
    assert ", " not in text and ": " not in text, text
    request = json.loads(text)
    assert request["jsonrpc"] == "2.0"
    assert request["method"] == "VM.start"
    assert request["params"] == ["OpaqueRef:s", "OpaqueRef:v", False, False]
    assert request["id"] == 7


def test_codec_ids_increment():
    codec = Codec()
    first, text1 = codec.encode("a", [])
    second, text2 = codec.encode("b", [])
    assert second == first + 1
    assert json.loads(text1)["id"] == first and json.loads(text2)["id"] == second


def test_decode_v2_success_and_void():
    assert decode_response({"jsonrpc": "2.0", "result": ["OpaqueRef:a"], "id": 3}, 3) == ["OpaqueRef:a"]
    assert decode_response({"jsonrpc": "2.0", "result": "", "id": 3}, 3) == ""
    assert decode_response({"jsonrpc": "2.0", "result": None, "id": 3}, 3) is None


def test_decode_v2_failure():
    reply = {"jsonrpc": "2.0", "error": {"code": 1, "message": "SESSION_INVALID", "data": ["OpaqueRef:s"]}, "id": 4}
    error = raised(decode_response, reply, 4)
    assert isinstance(error, XapiError)
    assert error.code == "SESSION_INVALID" and error.params == ["OpaqueRef:s"]


def test_decode_v1_failure():
    reply = {"result": None, "error": ["HOST_IS_SLAVE", "10.0.0.1"], "id": 5}
    error = raised(decode_response, reply, 5)
    assert isinstance(error, XapiError)
    assert error.code == "HOST_IS_SLAVE" and error.params == ["10.0.0.1"]


def test_decode_v1_success_with_null_error():
    assert decode_response({"result": "OpaqueRef:s", "error": None, "id": 6}, 6) == "OpaqueRef:s"


def test_decode_out_of_dispatch_quirk_keeps_the_error():
    # XAPI sends errors raised outside dispatch with id 0 whatever the request id was.
    error = raised(decode_response, {"jsonrpc": "2.0", "error": ["HOST_STILL_BOOTING"], "id": 0}, 9)
    assert isinstance(error, XapiError) and error.code == "HOST_STILL_BOOTING"


def test_decode_id_mismatch_is_a_protocol_error():
    error = raised(decode_response, {"jsonrpc": "2.0", "result": "x", "id": 2}, 1)
    assert isinstance(error, TransportError) and error.kind == "protocol"
    error = raised(decode_response, {"jsonrpc": "2.0", "error": {"message": "X", "data": []}, "id": 2}, 1)
    assert isinstance(error, TransportError) and error.kind == "protocol"


def test_decode_non_reply_is_a_protocol_error():
    for reply in (["x"], "text", None, {"jsonrpc": "2.0", "id": 1}):
        error = raised(decode_response, reply, 1)
        assert isinstance(error, TransportError) and error.kind == "protocol", reply
