"""Dispatch in XAPI's check order: every generic error with its exact params, aliases, Async, defaults.

Calls go through `Simulator.call` (the same path the HTTP server uses); the wire shapes of the
transport (routing, envelopes, headers) is tested over real loopback sockets at the end.
"""
import json
import xmlrpc.client

import pytest

from xapi_sim import dispatch, schema
from xapi_sim.errors import XapiFailure

NULL = "OpaqueRef:NULL"


async def failure(sim, method, params):
    with pytest.raises(XapiFailure) as info:
        await sim.call(method, params)
    return info.value.description


def guest(sim):
    """A plain (non-template, non-dom0) VM of the inventory."""
    db = sim.db
    for ref in sorted(db.all("VM")):
        rec = db.get("VM", ref)
        if not (rec["is_a_template"] or rec["is_control_domain"] or rec["is_a_snapshot"]):
            return ref
    raise AssertionError("inventory has no guest VM")


# ---- 2. name and count, before the session ----------------------------------------------------
@pytest.mark.parametrize("method, params, expected", [
    ("VM.get_all", [], ["VM.get_all", "0", "-1"]),
    ("VM.get_record", ["not-a-session"], ["VM.get_record", "1", "0"]),
    ("VM.get_record", ["s", "a", "b"], ["VM.get_record", "1", "2"]),
    ("Async.VM.get_record", [], ["VM.get_record", "1", "-1"]),
    ("session.login_with_password", ["root"], ["session.login_with_password", "2", "1"]),
    ("session.login_with_password", ["root", "x", "1.0", "o", "extra"],
     ["session.login_with_password", "2", "5"]),
    ("event_from", ["s"], ["event.from", "3", "0"]),
])
async def test_parameter_count_mismatch_comes_before_the_session_check(sim, method, params,
                                                                     expected):
    assert await failure(sim, method, params) == ["MESSAGE_PARAMETER_COUNT_MISMATCH"] + expected


# ---- 4. session -------------------------------------------------------------------------------
async def test_session_invalid_carries_the_ref_as_sent(sim):
    assert await failure(sim, "VM.get_all", ["OpaqueRef:nope"]) == ["SESSION_INVALID",
                                                                    "OpaqueRef:nope"]


async def test_logged_out_session_is_invalid(sim, session):
    await sim.call("session.logout", [session])
    assert await failure(sim, "pool.get_all", [session]) == ["SESSION_INVALID", session]


async def test_type_mismatch_of_the_session_param_is_internal_error(sim):
    code = (await failure(sim, "pool.get_all", [42]))[0]
    assert code == "INTERNAL_ERROR"


# ---- 6./7. Async and unknown methods ----------------------------------------------------------
@pytest.mark.parametrize("method", ["Async.VM.get_record", "Async.VM.set_name_label",
                                    "Async.VM.get_all_records", "Async.VM.add_tags"])
async def test_async_of_a_non_async_message_is_a_fault(sim, session, method):
    args = {"Async.VM.get_record": [guest(sim)], "Async.VM.set_name_label": [guest(sim), "x"],
            "Async.VM.get_all_records": [], "Async.VM.add_tags": [guest(sim), "t"]}[method]
    assert await failure(sim, method, [session] + args) == [
        "Fault", "No async mode for this operation (rpc: %s)" % method]


async def test_unknown_method_without_params_needs_no_session(sim):
    assert await failure(sim, "VM.frobnicate", []) == ["MESSAGE_METHOD_UNKNOWN", "VM.frobnicate"]


async def test_unknown_method_with_params_checks_the_session_first(sim, session):
    assert await failure(sim, "VM.frobnicate", ["bad"]) == ["SESSION_INVALID", "bad"]
    assert await failure(sim, "VM.frobnicate", [session, 1]) == ["MESSAGE_METHOD_UNKNOWN",
                                                                 "VM.frobnicate"]
    assert await failure(sim, "Nope.get_all", [session]) == ["MESSAGE_METHOD_UNKNOWN",
                                                             "Nope.get_all"]


async def test_read_only_fields_have_no_setter(sim, session):
    vm = guest(sim)
    assert await failure(sim, "VM.set_power_state", [session, vm, "Halted"]) == [
        "MESSAGE_METHOD_UNKNOWN", "VM.set_power_state"]


# ---- refs and uuids ---------------------------------------------------------------------------
async def test_handle_invalid_names_the_class_and_ref(sim, session):
    host = sim.db.all("host")[0]
    for ref in ("OpaqueRef:00000000-0000-0000-0000-000000000000", NULL, host):
        assert await failure(sim, "VM.get_record", [session, ref]) == ["HANDLE_INVALID", "VM", ref]
    assert await failure(sim, "VM.get_name_label", [session, NULL]) == ["HANDLE_INVALID", "VM",
                                                                        NULL]
    assert await failure(sim, "SR.set_name_label", [session, host, "x"]) == [
        "HANDLE_INVALID", "SR", host]


async def test_destroyed_object_is_handle_invalid(sim, session, call):
    net = await call("network.create", {"name_label": "gone", "other_config": {}})
    await call("network.destroy", net)
    assert await failure(sim, "network.get_record", [session, net]) == ["HANDLE_INVALID",
                                                                        "network", net]


async def test_setting_a_ref_field_to_a_missing_object_is_handle_invalid(sim, session):
    pool = sim.pool_ref()
    missing = "OpaqueRef:11111111-1111-1111-1111-111111111111"
    description = await failure(sim, "pool.set_default_SR", [session, pool, missing])
    assert description == ["HANDLE_INVALID", "SR", missing]


async def test_uuid_invalid_and_name_label_miss(sim, session, call):
    assert await failure(sim, "VM.get_by_uuid", [session, "no-such-uuid"]) == [
        "UUID_INVALID", "VM", "no-such-uuid"]
    assert await call("VM.get_by_name_label", "no such VM") == []


# ---- maps and sets ----------------------------------------------------------------------------
async def test_map_duplicate_key_and_silent_remove(sim, session, call):
    vm = guest(sim)
    await call("VM.add_to_other_config", vm, "k", "v1")
    assert await failure(sim, "VM.add_to_other_config", [session, vm, "k", "v2"]) == [
        "MAP_DUPLICATE_KEY", "VM", "other_config", vm, "k"]
    assert (await call("VM.get_other_config", vm))["k"] == "v1"
    assert await call("VM.remove_from_other_config", vm, "never-there") == ""
    await call("VM.remove_from_other_config", vm, "k")
    assert "k" not in await call("VM.get_other_config", vm)


# ---- 3. unmarshalling -------------------------------------------------------------------------
@pytest.mark.parametrize("method, bad_args, expected_type", [
    ("VM.set_name_label", [5], "string"),
    ("VM.set_VCPUs_max", ["four"], "int"),
    ("VM.set_is_a_template", ["false"], "bool"),
    ("VM.set_HVM_shadow_multiplier", [True], "float"),
    ("VM.set_other_config", [["not", "a", "map"]], "map"),
    ("VM.set_tags", ["not-a-set"], "set"),
])
async def test_type_mismatch_is_internal_error(sim, session, method, bad_args, expected_type):
    description = await failure(sim, method, [session, guest(sim)] + bad_args)
    assert description[0] == "INTERNAL_ERROR" and len(description) == 2
    assert expected_type in description[1]


async def test_xapi_coercions_are_accepted(sim, call):
    vm = guest(sim)
    await call("VM.set_user_version", vm, "7")              # int64 as a decimal string
    assert await call("VM.get_user_version", vm) == 7
    await call("VM.set_HVM_shadow_multiplier", vm, 2)        # float from an int
    assert await call("VM.get_HVM_shadow_multiplier", vm) == 2.0
    await call("VM.set_HVM_shadow_multiplier", vm, "1.5")    # float from a string
    assert await call("VM.get_HVM_shadow_multiplier", vm) == 1.5


async def test_enum_value_outside_the_enum_is_internal_error(sim, session):
    description = await failure(sim, "VM.set_actions_after_crash", [session, guest(sim), "explode"])
    assert description[0] == "INTERNAL_ERROR"


# ---- aliases and defaults ---------------------------------------------------------------------
async def test_class_method_aliases(sim, call):
    vm = guest(sim)
    assert await call("VM_get_name_label", vm) == sim.db.get("VM", vm)["name_label"]
    batch = await call("event_from", ["pool"], "", 0.0)
    assert [e["class"] for e in batch["events"]] == ["pool"]


@pytest.mark.parametrize("extra", [[], ["1.0"], ["1.0", "my-tool"]])
async def test_login_takes_two_to_four_params(sim, extra):
    ref = await sim.call("session.login_with_password", ["root", "xcplite"] + extra)
    record = await sim.call("session.get_record", [ref, ref])
    assert record["originator"] == (extra[1] if len(extra) == 2 else "")


# ---- transport over real sockets --------------------------------------------------------------
async def post(http, url, body, content_type="text/xml"):
    async with http.post(url, data=body, headers={"Content-Type": content_type}) as resp:
        return resp.status, resp.headers, await resp.read()


async def test_jsonrpc_v1_and_v2_shapes_echo_the_id(http, running, session):
    url = running.url + "/jsonrpc"
    for ident in (7, "seven"):
        v1 = {"method": "VM.get_all", "params": [], "id": ident}
        status, headers, body = await post(http, url, json.dumps(v1), "application/json")
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(body) == {"result": None, "id": ident, "error": [
            "MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.get_all", "0", "-1"]}
        v2 = dict(v1, jsonrpc="2.0", params=["bad"])
        _, _, body = await post(http, url, json.dumps(v2), "application/json")
        assert json.loads(body) == {"jsonrpc": "2.0", "id": ident, "error": {
            "code": 1, "message": "SESSION_INVALID", "data": ["bad"]}}
    ok = {"jsonrpc": "2.0", "method": "pool.get_all", "params": [session], "id": 1}
    _, _, body = await post(http, url, json.dumps(ok), "application/json")
    assert b" " not in body and json.loads(body)["result"] == [running.sim.pool_ref()]


@pytest.mark.parametrize("path", ["/", "/RPC2", "/xmlrpc", "/json", "/anything/else"])
async def test_every_other_post_path_is_xmlrpc(http, running, session, path):
    request = xmlrpc.client.dumps((session,), "host.get_all")
    status, headers, body = await post(http, running.url + path, request, "application/json")
    assert status == 200 and headers["Content-Type"] == "text/xml"
    text = body.decode()
    assert "\n" not in text.strip() and "> <" not in text
    assert text.startswith('<?xml version="1.0"?><methodResponse><params><param><value><struct>')
    reply = xmlrpc.client.loads(body)[0][0]
    assert reply["Status"] == "Success" and sorted(reply["Value"]) == sorted(running.sim.db.all("host"))


async def test_xmlrpc_failure_is_an_envelope_not_a_fault(http, running):
    request = xmlrpc.client.dumps(("OpaqueRef:bad",), "pool.get_all")
    status, _, body = await post(http, running.url + "/", request)
    assert status == 200 and b"<fault>" not in body
    assert xmlrpc.client.loads(body)[0][0] == {"Status": "Failure",
                                               "ErrorDescription": ["SESSION_INVALID",
                                                                    "OpaqueRef:bad"]}


async def test_xmlrpc_values_are_bare_strings_and_untyped_ints(http, running, session):
    host = running.sim.master_ref()
    request = xmlrpc.client.dumps((session, host), "host.get_API_version_major")
    _, _, body = await post(http, running.url + "/", request)
    assert b"<member><name>Value</name><value>2</value></member>" in body
    request = xmlrpc.client.dumps((session, host), "host.get_name_label")
    _, _, body = await post(http, running.url + "/", request)
    assert b"<value>xcp-ng-01</value>" in body and b"<string>" not in body


async def test_list_methods_is_bare_over_xmlrpc(http, running):
    _, _, body = await post(http, running.url + "/", xmlrpc.client.dumps((), "system.listMethods"))
    names = xmlrpc.client.loads(body)[0][0]
    assert isinstance(names, list) and "VM.get_all_records" in names
    assert not any(n.startswith("Async.") for n in names)


async def test_options_preflight_and_cors_on_replies(http, running, session):
    headers = {"Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type"}
    async with http.options(running.url + "/jsonrpc", headers=headers) as resp:
        assert resp.status == 200 and await resp.read() == b""
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert resp.headers["Access-Control-Allow-Headers"] == "content-type, X-Requested-With"
        assert resp.headers["Access-Control-Allow-Methods"] == "PUT"
    body = json.dumps({"jsonrpc": "2.0", "method": "pool.get_all", "params": [session], "id": 0})
    _, reply_headers, _ = await post(http, running.url + "/jsonrpc", body, "application/json")
    assert reply_headers["Access-Control-Allow-Origin"] == "*"
    assert reply_headers["Cache-Control"] == "no-cache, no-store"


@pytest.mark.parametrize("name", sorted(dispatch.PARAM_DEFAULTS))
def test_trailing_defaulted_params_may_be_omitted(name):
    cls, _, msg = name.partition(".")
    entry = schema.message(cls, msg)
    defaults = dispatch.PARAM_DEFAULTS[name]
    full = ["p%d" % i for i in range(len(entry["params"]))]
    short = full[:len(full) - len(defaults)]
    assert dispatch.check_count(name, entry, short) == short + defaults
    assert dispatch.check_count(name, entry, full) == full
    with pytest.raises(XapiFailure) as info:
        dispatch.check_count(name, entry, short[:-1])
    assert info.value.code == "MESSAGE_PARAMETER_COUNT_MISMATCH"
