"""Client: sessions, the session-first param rule, SESSION_INVALID handling."""
from fakes import FakeXapi, failure, session_check

from lite_app.xapi.client import Client
from lite_app.xapi.errors import TransportError, XapiError

SESSION = "OpaqueRef:session-1"


def login_handler(user, password):
    if (user, password) != ("root", "pw"):
        raise XapiError("SESSION_AUTHENTICATION_FAILED", [user, "Authentication failure"])
    return SESSION


def make_fake(valid=(SESSION,)):
    checked = session_check(list(valid))
    return FakeXapi({
        "session.login_with_password": login_handler,
        "session.logout": checked(lambda: ""),
        "session.get_all_subject_identifiers": checked(lambda: []),
        "system.listMethods": lambda: ["VM.get_all_records"],
        "VM.get_all_records": checked(lambda: {"OpaqueRef:v": {"uuid": "u1"}}),
        "VM.start": checked(lambda vm, paused, force: ""),
        "event.from": checked(lambda classes, token, timeout: {"events": [], "token": token + "1"}),
    })


async def test_login_sends_two_params_and_stores_the_session():
    fake = make_fake()
    client = Client(fake.transport)
    assert await client.login("root", "pw") == SESSION
    assert client.session == SESSION
    assert fake.params("session.login_with_password") == ["root", "pw"]


async def test_login_failure_raises_and_keeps_no_session():
    client = Client(make_fake().transport)
    error = await failure(client.login("root", "wrong"))
    assert error.code == "SESSION_AUTHENTICATION_FAILED"
    assert error.params[0] == "root"
    assert client.session is None


async def test_session_is_prepended_to_calls():
    fake = make_fake()
    client = Client(fake.transport, session=SESSION)
    await client.call("VM.start", "OpaqueRef:v", False, True)
    assert fake.params("VM.start") == [SESSION, "OpaqueRef:v", False, True]
    records = await client.get_all_records("VM")
    assert records == {"OpaqueRef:v": {"uuid": "u1"}}
    assert fake.params("VM.get_all_records") == [SESSION]


async def test_list_methods_takes_no_session():
    fake = make_fake()
    client = Client(fake.transport, session=SESSION)
    assert await client.call("system.listMethods") == ["VM.get_all_records"]
    assert fake.params("system.listMethods") == []


async def test_request_ids_differ():
    fake = make_fake()
    client = Client(fake.transport, session=SESSION)
    await client.call("VM.get_all_records")
    await client.call("VM.get_all_records")
    ids = [request["id"] for request in fake.requests]
    assert ids[0] != ids[1], ids


async def test_session_invalid_fires_the_hook():
    fake = make_fake()
    client = Client(fake.transport, session="OpaqueRef:stale")
    seen = []
    client.on_session_invalid = seen.append
    error = await failure(client.call("VM.get_all_records"))
    assert error.code == "SESSION_INVALID"
    assert client.session_invalid
    assert len(seen) == 1 and seen[0].params == ["OpaqueRef:stale"]


async def test_other_errors_do_not_fire_the_hook():
    def start(session, vm, paused, force):
        raise XapiError("VM_BAD_POWER_STATE", [vm, "halted", "running"])

    fake = make_fake()
    fake.handlers["VM.start"] = start
    client = Client(fake.transport, session=SESSION)
    seen = []
    client.on_session_invalid = seen.append
    error = await failure(client.call("VM.start", "OpaqueRef:v", False, False))
    assert error.code == "VM_BAD_POWER_STATE"
    assert seen == [] and not client.session_invalid


async def test_call_without_session_fails_locally():
    fake = make_fake()
    client = Client(fake.transport)
    seen = []
    client.on_session_invalid = seen.append
    error = await failure(client.call("VM.get_all_records"))
    assert error.code == "SESSION_INVALID"
    assert fake.requests == [] and len(seen) == 1


async def test_logout_clears_the_session_even_when_already_invalid():
    fake = make_fake()
    client = Client(fake.transport, session=SESSION)
    await client.logout()
    assert client.session is None
    assert fake.params("session.logout") == [SESSION]
    stale = Client(fake.transport, session="OpaqueRef:gone")
    await stale.logout()
    assert stale.session is None


async def test_event_from_sends_a_float_timeout():
    fake = make_fake()
    client = Client(fake.transport, session=SESSION)
    batch = await client.event_from(["VM", "host"], "t", 30)
    assert batch["token"] == "t1"
    params = fake.params("event.from")
    assert params[:3] == [SESSION, ["VM", "host"], "t"]
    assert isinstance(params[3], float) and params[3] == 30.0
    assert "30.0" in fake.texts[-1]


async def test_transport_errors_pass_through():
    async def down(text):
        raise TransportError("unreachable", None, "connection refused")

    client = Client(down, session=SESSION)
    error = await failure(client.call("VM.get_all_records"), TransportError)
    assert error.kind == "unreachable"
    assert not client.session_invalid
