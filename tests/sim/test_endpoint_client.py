"""The browser app's own XAPI client against the real simulator, in process and without sockets.

xapi_sim/endpoint.py is the server's sans-IO RPC entry (request bytes in, reply bytes out); here it is
the app's transport, so the app's codec, client, event sync and error triage meet the simulator's
dispatch, codecs and event log exactly as over HTTP, minus the network.
"""
import json

import pytest

from lite_app.xapi.cache import Cache
from lite_app.xapi.client import Client
from lite_app.xapi.errors import TransportError, XapiError
from lite_app.xapi.sync import load_all, poll
from xapi_sim import endpoint, inventory
from xapi_sim.sim import Config, Simulator

PASSWORD = "xcplite"


@pytest.fixture
def sim():
    simulator = Simulator(Config(hosts=2, vms=6, op_time=0.01, password=PASSWORD))
    inventory.build(simulator)
    yield simulator
    simulator.close()


def transport_to(sim, address="127.0.0.1"):
    """The app's transport contract (text in, parsed reply out) over the endpoint."""
    async def transport(text):
        status, content_type, body = await endpoint.answer(sim, "/jsonrpc", text.encode("utf-8"), address)
        if status != 200:
            raise TransportError("http", status, body.decode("utf-8", "replace"))
        assert content_type.startswith("application/json")
        return json.loads(body)
    return transport


async def test_login_calls_and_logout_through_the_app_client(sim):
    client = Client(transport_to(sim))
    session = await client.login("root", PASSWORD)
    assert sim.session_valid(session)
    hosts = await client.call("host.get_all")
    assert len(hosts) == 2
    names = sorted(r["name_label"] for r in (await client.get_all_records("VM")).values()
                   if not r["is_a_template"] and not r["is_control_domain"] and not r["is_a_snapshot"])
    assert len(names) == 6
    await client.logout()
    assert not sim.session_valid(session)


async def test_failures_arrive_as_xapi_errors(sim):
    client = Client(transport_to(sim))
    try:
        await client.login("root", "wrong")
        assert False, "a wrong password must fail"
    except XapiError as error:
        assert error.code == "SESSION_AUTHENTICATION_FAILED"
    seen = []
    stale = Client(transport_to(sim), session="OpaqueRef:not-a-session")
    stale.on_session_invalid = seen.append
    try:
        await stale.call("VM.get_all")
        assert False, "a stale session must fail"
    except XapiError as error:
        assert error.code == "SESSION_INVALID"
    assert len(seen) == 1 and stale.session_invalid


async def test_a_member_answers_host_is_slave_with_the_master_address(sim):
    member = sim.config.addresses[1]
    try:
        await Client(transport_to(sim, member)).login("root", PASSWORD)
        assert False, "a member refuses logins"
    except XapiError as error:
        assert error.code == "HOST_IS_SLAVE" and error.params == [sim.config.addresses[0]]


async def test_the_apps_first_load_and_events_follow_a_change(sim):
    client = Client(transport_to(sim))
    await client.login("root", PASSWORD)
    cache = Cache()
    token, changes = await load_all(client, cache, ["pool", "host", "VM"])
    assert len(cache.all("host")) == 2 and changes
    ref = next(r for r, vm in cache.all("VM").items() if vm["name_label"] and not vm["is_a_template"]
               and not vm["is_control_domain"])
    await client.call("VM.set_name_label", ref, "renamed by the app")
    token, changes = await poll(client, cache, ["VM"], token, 1.0)
    assert ("VM", ref) in changes and cache.get("VM", ref)["name_label"] == "renamed by the app"



async def test_objects_watched_one_by_one_are_loaded_and_followed_alone(sim):
    """A VM page watches its devices ("VBD/<ref>" in event.from selects that object alone, per XAPI's
    xapi_event.ml, cited in ../shared/reference/xapi-protocol.md section 3.1) instead of loading their classes."""
    client = Client(transport_to(sim))
    await client.login("root", PASSWORD)
    cache = Cache()
    token, _changes = await load_all(client, cache, ["VM"])
    vm = next(v for v in cache.all("VM").values() if not v["is_a_template"] and not v["is_control_domain"]
              and len(v["VBDs"]) >= 1)
    vbd_ref = vm["VBDs"][0]
    vdi_ref = await client.call("VBD.get_VDI", vbd_ref)
    others = [r for r in await client.call("VDI.get_all") if r != vdi_ref]
    watched = ["VBD/" + vbd_ref, "VDI/" + vdi_ref, "VDI/OpaqueRef:gone"]
    token, changes = await load_all(client, cache, ["VM"], objects=watched)
    assert list(cache.all("VBD")) == [vbd_ref] and list(cache.all("VDI")) == [vdi_ref]
    assert not cache.is_loaded("VBD") and not cache.is_loaded("VDI") and cache.is_loaded("VM")
    await client.call("VDI.set_name_label", vdi_ref, "watched disk renamed")
    await client.call("VDI.set_name_label", others[0], "unwatched disk renamed")
    token, changes = await poll(client, cache, ["VM"] + watched, token, 1.0)
    assert ("VDI", vdi_ref) in changes and cache.get("VDI", vdi_ref)["name_label"] == "watched disk renamed"
    assert cache.get("VDI", others[0]) is None, "an object nobody watches stays out of the cache"
    token, changes = await load_all(client, cache, ["VM"], objects=watched)  # a resync brings them again
    assert cache.get("VBD", vbd_ref) is not None and cache.get("VDI", "OpaqueRef:gone") is None

async def test_malformed_and_oversized_requests_get_xapis_http_errors(sim):
    status, content_type, body = await endpoint.answer(sim, "/jsonrpc", b"{not json", "127.0.0.1")
    assert status == 500 and content_type == "text/html" and b"<html>" in body.lower()
    status, _type, _body = await endpoint.answer(sim, "/jsonrpc", b" " * (endpoint.MAX_RPC_BODY + 1))
    assert status == 413
    status, content_type, body = await endpoint.answer(
        sim, "/", b"<?xml version='1.0'?><methodCall><methodName>system.listMethods</methodName>"
                  b"<params></params></methodCall>")
    assert status == 200 and content_type.startswith("text/xml") and b"session.login_with_password" in body


async def test_a_resync_loads_the_classes_and_objects_it_was_given_while_the_lists_grow(sim):
    """The app's class and object lists grow while a resync waits (a page loads a class, a page watches
    an object): the resync loads what it was asked for, each reply where it belongs."""
    client = Client(transport_to(sim))
    await client.login("root", PASSWORD)
    cache = Cache()
    await load_all(client, cache, ["VM"])
    vm = next(v for v in cache.all("VM").values() if not v["is_a_template"] and v["VBDs"])
    classes, objects = ["VM"], ["VBD/" + vm["VBDs"][0]]
    call = client.call

    async def growing(method, *args):
        if method == "event.inject":
            classes.append("SR")
            objects.append("VIF/OpaqueRef:later")
        return await call(method, *args)
    client.call = growing
    await load_all(client, cache, classes, objects=objects)
    assert cache.is_loaded("VM") and not cache.is_loaded("SR") and not cache.is_loaded("VBD")
    assert list(cache.all("VBD")) == [vm["VBDs"][0]] and "uuid" in cache.get("VBD", vm["VBDs"][0])


async def test_live_fetches_objects_added_since_the_last_poll_before_following_them(sim):
    """An object watched while a poll was in flight is fetched again before the first poll that follows
    it, so a change to it between the app's first fetch and that poll is not skipped."""
    from lite_app.xapi.sync import Live
    client = Client(transport_to(sim))
    await client.login("root", PASSWORD)
    cache, seen = Cache(), []
    token, _changes = await load_all(client, cache, ["VM"])
    vdi_ref = (await client.call("VDI.get_all"))[0]
    live = Live(client, cache, ["VM"], (seen.append, None, None), None, None, [])
    cache.apply([{"class": "VDI", "ref": vdi_ref, "operation": "mod",
                  "snapshot": await client.call("VDI.get_record", vdi_ref)}])  # the app's own first fetch
    live.objects.append("VDI/" + vdi_ref)
    live.added("VDI/" + vdi_ref)
    await client.call("VDI.set_name_label", vdi_ref, "changed before the first poll following it")
    await live.catch_up()
    assert cache.get("VDI", vdi_ref)["name_label"] == "changed before the first poll following it"
    assert live.fresh == [] and len(seen) == 1
    live.added("VDI/" + vdi_ref)
    live.objects.remove("VDI/" + vdi_ref)  # let go meanwhile: its record is not brought back
    cache.apply([{"class": "VDI", "ref": vdi_ref, "operation": "del"}])
    await live.catch_up()
    assert cache.get("VDI", vdi_ref) is None
