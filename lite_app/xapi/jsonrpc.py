"""The JSON-RPC 2.0 envelope as XAPI's `/jsonrpc` speaks it.

Requests are compact JSON with an incrementing integer id. Replies are decoded from an already
parsed object (the transport chooses the parser, see DESIGN §4) into the result, or raise XapiError
for an API failure and TransportError("protocol") for anything that is not an answer to the request.

One XAPI quirk is accepted: an error raised outside dispatch comes back as
`{"jsonrpc":"2.0","error":["CODE",...],"id":0}` whatever the request id was.
"""
import json

from lite_app.xapi.errors import TransportError, XapiError


def dumps_compact(value):
    """JSON text without spaces; MicroPython builds without `separators` write spaces, still valid."""
    try:
        return json.dumps(value, separators=(",", ":"))
    except TypeError:
        return json.dumps(value)


def encode_request(request_id, method, params):
    """The V2 request text for `method(*params)`."""
    return dumps_compact({"jsonrpc": "2.0", "method": method, "params": list(params), "id": request_id})


def decode_response(reply, expected_id):
    """The `result` of a parsed reply to request `expected_id`, or raise."""
    if not isinstance(reply, dict):
        raise TransportError("protocol", None, "reply is not a JSON object")
    error = reply.get("error")
    reply_id = reply.get("id")
    if error is not None:
        if reply_id != expected_id and not (reply_id == 0 and isinstance(error, list)):
            raise TransportError("protocol", None, "reply id %r for request %r" % (reply_id, expected_id))
        raise XapiError.from_wire(error)
    if reply_id != expected_id:
        raise TransportError("protocol", None, "reply id %r for request %r" % (reply_id, expected_id))
    if "result" not in reply:
        raise TransportError("protocol", None, "reply has neither result nor error")
    return reply["result"]


class Codec:
    """Numbers requests so each reply can be matched to its request."""

    def __init__(self, first_id=1):
        self.next_id = first_id

    def encode(self, method, params):
        """(id, request text) for a new request."""
        request_id = self.next_id
        self.next_id += 1
        return request_id, encode_request(request_id, method, params)

    def decode(self, reply, request_id):
        return decode_response(reply, request_id)
