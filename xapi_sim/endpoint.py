"""XAPI's RPC endpoint without sockets: request bytes in, (status, content type, reply bytes) out.

`answer(sim, path, body, address)` is what the server does with one POST: `/jsonrpc` is JSON-RPC 1.0/2.0,
any other path XML-RPC; a body over MAX_RPC_BODY gets XAPI's 413 page, a malformed one its HTML 500, and
an API failure is a normal reply (HTTP 200) in the protocol's own form. `address` is the local address
the request arrived on (which pool member it reached). xapi_sim/server.py calls it for every RPC, and
tests drive the real simulator through it in-process, as h11's ConnectionPair drives a protocol without
a network (tests/sim/test_endpoint_client.py: the browser app's own Client against the simulator).
"""
from .codecs import JSON_CONTENT_TYPE, XML_CONTENT_TYPE, MalformedRequest, http_500_body, jsonrpc, xmlrpc
from .errors import XapiFailure

MAX_RPC_BODY = 300 * 1024
HTML = "text/html"


def too_large():
    return 413, HTML, http_500_body("Request body larger than 300 KiB")


def malformed(detail):
    return 500, HTML, http_500_body(detail)


async def answer(sim, path, body, address=None):
    """(HTTP status, content type, reply bytes) for one RPC POST of `body` (bytes) to `path`."""
    if len(body) > MAX_RPC_BODY:
        return too_large()
    if path == "/jsonrpc":
        return await answer_json(sim, body, address)
    return await answer_xml(sim, body, address)


async def answer_json(sim, body, address):
    try:
        call = jsonrpc.parse_request(body)
    except MalformedRequest as err:
        return malformed(str(err))
    try:
        result = await sim.call(call.method, call.params, address)
        reply = jsonrpc.format_success(call, result)
    except XapiFailure as err:
        if call.method == "system.listMethods":
            reply = jsonrpc.format_untranslated_failure(call, err.description)
        else:
            reply = jsonrpc.format_failure(call, err.description)
    return 200, JSON_CONTENT_TYPE, reply


async def answer_xml(sim, body, address):
    try:
        method, params = xmlrpc.parse_request(body)
    except MalformedRequest as err:
        return malformed(str(err))
    try:
        result = await sim.call(method, params, address)
    except XapiFailure as err:
        return 200, XML_CONTENT_TYPE, xmlrpc.format_failure(err.description)
    if method == "system.listMethods":
        return 200, XML_CONTENT_TYPE, xmlrpc.format_bare(result)
    return 200, XML_CONTENT_TYPE, xmlrpc.format_success(result)
