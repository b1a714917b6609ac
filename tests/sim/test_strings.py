"""Strings XAPI refuses, and replies that stay well-formed whatever was stored.

XAPI (gen_server.ml) refuses any param that is not valid UTF-8: a JSON `\\udc00` escape (Yojson makes it
3 bytes of invalid UTF-8) is INVALID_VALUE, and a high surrogate escape without its low half is a
malformed request. Its database (db_cache_impl.ml, Utf8.XML) refuses a setter's control character
(INTERNAL_ERROR Db_exn.Invalid_value) and cuts created rows and map entries at the first one. U+FFFE
and U+FFFF are valid UTF-8 and stored; XML-RPC replies leave them out rather than be ill-formed.
"""
import json
import xmlrpc.client

from support.xapi import guest_refs

HTML_500 = b"<html><body><h1>HTTP 500 internal server error</h1>"


async def post(http, running, path, body, content_type):
    async with http.post(running.url + path, data=body, headers={"Content-Type": content_type}) as resp:
        return resp.status, await resp.read()


async def json_call(http, running, method, params_json):
    """A JSON-RPC call whose params are given as JSON text (to send escapes as they are)."""
    body = ('{"jsonrpc":"2.0","id":1,"method":"%s","params":%s}' % (method, params_json)).encode()
    status, payload = await post(http, running, "/jsonrpc", body, "application/json")
    return status, payload


async def xml_all_records(http, running, session, cls):
    body = xmlrpc.client.dumps((session,), cls + ".get_all_records").encode()
    status, payload = await post(http, running, "/", body, "text/xml")
    assert status == 200
    payload.decode("utf-8")                             # valid UTF-8
    reply = xmlrpc.client.loads(payload.decode("utf-8"))[0][0]   # expat: well-formed XML
    assert reply["Status"] == "Success", reply
    return reply["Value"]


async def test_a_lone_low_surrogate_escape_is_refused(running, session, http):
    vm = guest_refs(running.sim.db)[0]
    before = running.sim.db.get("VM", vm)["name_label"]
    status, payload = await json_call(http, running, "VM.set_name_label",
                                      '["%s","%s","bad\\udc00name"]' % (session, vm))
    assert status == 200
    error = json.loads(payload.decode("utf-8"))["error"]
    assert [error["message"]] + error["data"][:1] == ["INVALID_VALUE", "Invalid UTF-8 string in parameter"]
    assert running.sim.db.get("VM", vm)["name_label"] == before
    records = await xml_all_records(http, running, session, "VM")
    assert records[vm]["name_label"] == before


async def test_a_high_surrogate_escape_alone_is_a_malformed_request(running, session, http):
    vm = guest_refs(running.sim.db)[0]
    status, payload = await json_call(http, running, "VM.set_name_label",
                                      '["%s","%s","bad\\ud800"]' % (session, vm))
    assert status == 500 and payload.startswith(HTML_500)


async def test_noncharacters_are_stored_but_never_break_xml(running, session, http, rpc):
    vm = guest_refs(running.sim.db)[0]
    status, payload = await json_call(http, running, "VM.set_name_label",
                                      '["%s","%s","a\\ufffeb\\uffffc"]' % (session, vm))
    assert status == 200 and json.loads(payload)["result"] == ""
    assert await rpc("VM.get_name_label", vm) == "a\ufffeb\uffffc"
    await rpc("VM.add_to_other_config", vm, "a&<b>", "x\"y")
    records = await xml_all_records(http, running, session, "VM")
    assert records[vm]["name_label"] == "abc"
    assert records[vm]["other_config"]["a&<b>"] == 'x"y'


async def test_a_setter_refuses_control_characters(running, session, rpc, http):
    vm = guest_refs(running.sim.db)[0]
    before = running.sim.db.get("VM", vm)["name_label"]
    for params in ('"%s","%s","bell\\u0007"', '"%s","%s",{"k":"\\u0001"}'):
        method = "VM.set_name_label" if "bell" in params else "VM.set_other_config"
        status, payload = await json_call(http, running, method, "[" + params % (session, vm) + "]")
        error = json.loads(payload)["error"]
        assert [error["message"]] + error["data"] == ["INTERNAL_ERROR", "Db_exn.Invalid_value"]
    assert running.sim.db.get("VM", vm)["name_label"] == before
    await rpc("VM.set_name_label", vm, "tab\tnew\nline\rok")      # the three XML allows
    assert await rpc("VM.get_name_label", vm) == "tab\tnew\nline\rok"


async def test_creates_and_map_entries_are_cut_at_a_control_character(running, session, rpc, http):
    net = await rpc("network.create", {"name_label": "lab\x01net", "other_config": {"k\x02": "v"}})
    record = await rpc("network.get_record", net)
    assert record["name_label"] == "lab" and record["other_config"] == {"k": "v"}
    await rpc("network.add_to_other_config", net, "key\x03tail", "val\x04tail")
    assert (await rpc("network.get_other_config", net))["key"] == "val"
    await rpc("network.add_tags", net, "tag\x05x")
    assert await rpc("network.get_tags", net) == ["tag"]
    for cls in ("network", "VM", "host", "pool", "SR", "VDI", "message"):
        await xml_all_records(http, running, session, cls)
