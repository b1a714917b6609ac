"""Bad input over real sockets: malformed JSON/XML, wrong types, oversize bodies, unknown refs,
invalid UTF-8, garbage bytes. Each gets XAPI's answer (HTML 500 for malformed requests, an API
failure with HTTP 200 otherwise), and the server keeps serving other clients afterwards."""
import asyncio
import json
import xmlrpc.client

import pytest

from xapi_sim.server import MAX_RPC_BODY

HTML_500 = b"<html><body><h1>HTTP 500 internal server error</h1>"


@pytest.fixture
def still_serving(running, http):
    """Assert that a second, independent client still gets answers from the simulator."""
    async def check():
        body = {"jsonrpc": "2.0", "id": "probe", "method": "session.login_with_password",
                "params": ["root", "xcplite"]}
        async with http.post(running.url + "/jsonrpc", json=body) as resp:
            reply = await resp.json(content_type=None)
        assert resp.status == 200 and reply["result"].startswith("OpaqueRef:")
    return check


async def raw_post(running, path, body, content_type):
    """POST on a fresh connection of its own (a client separate from the `http` fixture)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", running.port)
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (path, content_type, len(body))).encode()
    writer.write(head + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    status_line, _, rest = data.partition(b"\r\n")
    headers, _, payload = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), headers.decode("latin-1").lower(), payload


@pytest.mark.parametrize("body", [
    b"{not json", b"", b"[]", b'{"method": "pool.get_all", "params": []}',
    b'{"method": "pool.get_all", "params": [], "id": null}',
    b'{"jsonrpc": "1.0", "method": "pool.get_all", "params": [], "id": 1}',
    b'{"method": 12, "params": [], "id": 1}', b'{"method": "pool.get_all", "params": 5, "id": 1}',
    b'{"method": "x", "params": [99999999999999999999999], "id": 1}',
    b"[" * 100000 + b"]" * 100000,
])
async def test_malformed_json_gets_xapis_html_500(running, still_serving, body):
    status, headers, payload = await raw_post(running, "/jsonrpc", body, "application/json")
    assert status == 500 and "content-type: text/html" in headers
    assert payload.startswith(HTML_500)
    await still_serving()


@pytest.mark.parametrize("body", [
    b"<methodCall><methodName>pool.get_all</methodName></methodCall>",
    b"<methodCall><methodName>pool.get_all</methodName><params>",
    b"not xml at all", b"",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall><methodName>&a;'
    b"</methodName><params/></methodCall>",
    b"<methodCall><methodName>x</methodName><params><param><value><int>nope</int></value>"
    b"</param></params></methodCall>",
])
async def test_malformed_xml_gets_xapis_html_500(running, still_serving, body):
    status, headers, payload = await raw_post(running, "/", body, "text/xml")
    assert status == 500 and payload.startswith(HTML_500)
    await still_serving()


async def test_oversize_body_is_refused_and_the_server_carries_on(running, still_serving):
    padding = "x" * (MAX_RPC_BODY + 10)
    body = json.dumps({"method": "session.login_with_password",
                       "params": ["root", padding], "id": 1}).encode()
    status, _, payload = await raw_post(running, "/jsonrpc", body, "application/json")
    assert status in (413, 500) and payload.startswith(HTML_500)
    status, _, _ = await raw_post(running, "/", xmlrpc.client.dumps((padding,), "x").encode(),
                                  "text/xml")
    assert status in (413, 500)
    await still_serving()


async def test_body_just_under_the_limit_is_served(running, session):
    label = "y" * (MAX_RPC_BODY - 1000)
    vm = sorted(running.sim.db.all("VM"))[0]
    body = json.dumps({"method": "VM.set_name_description", "params": [session, vm, label],
                       "id": 1}).encode()
    assert len(body) <= MAX_RPC_BODY
    status, _, payload = await raw_post(running, "/jsonrpc", body, "application/json")
    assert status == 200 and json.loads(payload)["error"] is None


async def test_wrong_types_and_unknown_refs_are_api_failures(running, session, still_serving):
    vm = sorted(running.sim.db.all("VM"))[0]
    cases = [
        (["VM.set_name_label", [session, vm, 42]], "INTERNAL_ERROR"),
        (["VM.set_is_a_template", [session, vm, "yes"]], "INTERNAL_ERROR"),
        (["VM.get_record", [session, {"a": 1}]], "INTERNAL_ERROR"),
        (["VM.get_record", [session, "OpaqueRef:no-such"]], "HANDLE_INVALID"),
        (["host.get_record", [session, vm]], "HANDLE_INVALID"),
        (["VM.get_all", [None]], "INTERNAL_ERROR"),
    ]
    for (method, params), code in cases:
        body = json.dumps({"method": method, "params": params, "id": 3}).encode()
        status, headers, payload = await raw_post(running, "/jsonrpc", body, "application/json")
        assert status == 200 and "content-type: application/json" in headers
        assert json.loads(payload)["error"][0] == code, (method, params)
    await still_serving()


async def test_invalid_utf8_in_a_json_string(running, session, still_serving):
    vm = sorted(running.sim.db.all("VM"))[0]
    body = ('{"method":"VM.set_name_label","params":["%s","%s","bad\xff\xfe"],"id":1}'
            % (session, vm)).encode("latin-1")
    status, _, payload = await raw_post(running, "/jsonrpc", body, "application/json")
    assert status == 200
    error = json.loads(payload.decode("utf-8", "replace"))["error"]
    assert error[:2] == ["INVALID_VALUE", "Invalid UTF-8 string in parameter"]
    assert running.sim.db.get("VM", vm)["name_label"] != "bad"
    await still_serving()


async def test_invalid_utf8_in_an_xml_string(running, session, still_serving):
    vm = sorted(running.sim.db.all("VM"))[0]
    body = xmlrpc.client.dumps((session, vm, "PLACEHOLDER"), "VM.set_name_label").encode()
    body = body.replace(b"PLACEHOLDER", b"bad\xff")
    status, _, payload = await raw_post(running, "/", body, "text/xml")
    assert status in (200, 500)
    if status == 200:         # parsed: then the API must refuse the bytes
        reply = xmlrpc.client.loads(payload.decode("utf-8", "replace"))[0][0]
        assert reply["ErrorDescription"][0] == "INVALID_VALUE"
    await still_serving()


async def test_garbage_bytes_and_dropped_connections(running, still_serving):
    reader, writer = await asyncio.open_connection("127.0.0.1", running.port)
    writer.write(b"\x16\x03\x01\x02\x00garbage that is not HTTP\r\n\r\n")
    await writer.drain()
    await asyncio.wait_for(reader.read(), 5.0)      # answered (400) or closed, never hung
    writer.close()
    reader, writer = await asyncio.open_connection("127.0.0.1", running.port)
    writer.write(b"POST /jsonrpc HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"meth")
    await writer.drain()
    writer.close()                                  # body cut short: the handler must not wedge
    await asyncio.sleep(0.05)
    await still_serving()


async def test_many_bad_clients_at_once_do_not_stop_good_ones(running, still_serving):
    bad = [raw_post(running, "/jsonrpc", b"{oops", "application/json") for _ in range(30)]
    results = await asyncio.gather(*bad, still_serving(), still_serving())
    assert all(r[0] == 500 for r in results[:30])
