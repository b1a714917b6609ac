"""sync: token first then records; poll applies events; backoff; error triage."""
from fakes import FakeXapi

from lite_app.xapi.cache import Cache
from lite_app.xapi.client import Client
from lite_app.xapi.errors import TransportError, XapiError
from lite_app.xapi.sync import Backoff, load_all, next_step, poll

SESSION = "OpaqueRef:s"
POOL = "OpaqueRef:pool"


def pool_fake(vms):
    def missing(session):
        raise XapiError("MESSAGE_METHOD_UNKNOWN", ["VTPM.get_all_records"])

    return FakeXapi({
        "pool.get_all": lambda session: [POOL],
        "event.inject": lambda session, cls, ref: "00000000000000000010,00000000000000000000",
        "pool.get_all_records": lambda session: {POOL: {"uuid": "p", "name_label": "pool"}},
        "VM.get_all_records": lambda session: dict(vms),
        "VTPM.get_all_records": missing,
    })


async def test_load_all_takes_the_token_before_any_records():
    fake = pool_fake({"OpaqueRef:a": {"uuid": "a"}})
    cache = Cache()
    token, changed = await load_all(Client(fake.transport, SESSION), cache, ["pool", "VM"])
    assert token == "00000000000000000010,00000000000000000000"
    methods = fake.methods()
    assert methods.index("event.inject") < methods.index("pool.get_all_records"), methods
    assert methods.index("event.inject") < methods.index("VM.get_all_records"), methods
    assert fake.params("event.inject") == [SESSION, "pool", POOL]
    assert sorted(changed) == sorted([("pool", POOL), ("VM", "OpaqueRef:a")])
    assert cache.get("VM", "OpaqueRef:a") == {"uuid": "a"}


async def test_load_all_skips_classes_this_xapi_lacks():
    fake = pool_fake({})
    cache = Cache()
    token, changed = await load_all(Client(fake.transport, SESSION), cache, ["VTPM", "VM"])
    assert not changed and len(changed) == 0
    assert cache.all("VTPM") == {}


async def test_load_all_raises_other_errors():
    def broken(session):
        raise XapiError("INTERNAL_ERROR", ["db"])

    fake = pool_fake({})
    fake.handlers["VM.get_all_records"] = broken
    try:
        await load_all(Client(fake.transport, SESSION), Cache(), ["VM"])
        assert False, "load_all should fail"
    except XapiError as error:
        assert error.code == "INTERNAL_ERROR"


async def test_no_collection_runs_while_the_records_arrive_and_collecting_resumes_after():
    """Everything a load brings is kept: a collection meanwhile would only mark the growing records again
    (at 20,000 VMs moving them into the interpreter took ~0.8-1.5 s with collections, ~0.5 s without).
    Collecting resumes when the load ends, failed or not, unless it was off before."""
    import gc
    seen = []

    def records(session):
        seen.append(gc.isenabled())
        return {"OpaqueRef:a": {"uuid": "a"}}

    fake = pool_fake({})
    fake.handlers["VM.get_all_records"] = records
    assert gc.isenabled()
    await load_all(Client(fake.transport, SESSION), Cache(), ["VM"])
    assert seen == [False] and gc.isenabled()

    def broken(session):
        raise XapiError("INTERNAL_ERROR", ["db"])
    fake.handlers["VM.get_all_records"] = broken
    try:
        await load_all(Client(fake.transport, SESSION), Cache(), ["VM"])
        assert False, "load_all should fail"
    except XapiError:
        assert gc.isenabled()
    gc.disable()
    try:
        fake.handlers["VM.get_all_records"] = records
        await load_all(Client(fake.transport, SESSION), Cache(), ["VM"])
        assert not gc.isenabled(), "left as it was"
    finally:
        gc.enable()


async def test_resync_reports_what_vanished():
    vms = {"OpaqueRef:a": {"uuid": "a"}, "OpaqueRef:b": {"uuid": "b"}}
    fake = pool_fake(vms)
    cache = Cache()
    client = Client(fake.transport, SESSION)
    await load_all(client, cache, ["VM"])
    del vms["OpaqueRef:b"]
    token, changed = await load_all(client, cache, ["VM"])
    assert sorted(changed) == sorted([("VM", "OpaqueRef:b")])
    assert cache.get("VM", "OpaqueRef:b") is None


async def test_poll_applies_events_and_returns_the_new_token():
    events = [
        {"id": "11", "timestamp": "0.0", "class": "vm", "operation": "mod", "ref": "OpaqueRef:a",
         "snapshot": {"uuid": "a", "power_state": "Running"}},
        {"id": "12", "timestamp": "0.0", "class": "vm", "operation": "del", "ref": "OpaqueRef:b"},
    ]
    fake = FakeXapi({"event.from": lambda s, classes, token, timeout: {
        "events": events, "valid_ref_counts": {"vm": 1}, "token": "00000000000000000012,00000000000000000000"}})
    cache = Cache()
    cache.load("VM", {"OpaqueRef:a": {"uuid": "a", "power_state": "Halted"}, "OpaqueRef:b": {"uuid": "b"}})
    token, changed = await poll(Client(fake.transport, SESSION), cache, ["VM"], "t0", timeout=5.0)
    assert token == "00000000000000000012,00000000000000000000"
    assert sorted(changed) == sorted([("VM", "OpaqueRef:a"), ("VM", "OpaqueRef:b")])
    assert cache.get("VM", "OpaqueRef:a")["power_state"] == "Running"
    assert cache.get("VM", "OpaqueRef:b") is None
    assert fake.params("event.from") == [SESSION, ["VM"], "t0", 5.0]


async def test_poll_timeout_with_no_events():
    fake = FakeXapi({"event.from": lambda s, c, token, t: {"events": [], "valid_ref_counts": {}, "token": token}})
    token, changed = await poll(Client(fake.transport, SESSION), Cache(), ["VM"], "t5")
    assert token == "t5" and not changed
    assert fake.params("event.from")[3] == 30.0


def test_backoff_doubles_up_to_the_cap_and_resets():
    backoff = Backoff(lambda: 0.999999, base=0.5, cap=8.0)
    delays = [backoff.next() for _ in range(7)]
    expected = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    for got, want in zip(delays, expected):
        assert want * 0.99 < got <= want, (delays, expected)
    backoff.reset()
    assert backoff.next() <= 0.5


def test_backoff_jitter_stays_in_the_upper_half():
    low = Backoff(lambda: 0.0, base=0.5, cap=8.0)
    assert [low.next() for _ in range(6)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]


def test_next_step_triage():
    cases = [
        (XapiError("SESSION_INVALID", ["x"]), "login"),
        (XapiError("EVENTS_LOST"), "resync"),
        (XapiError("EVENT_FROM_TOKEN_PARSE_FAILURE", ["t"]), "resync"),
        (XapiError("INTERNAL_ERROR", ["x"]), "retry"),
        (TransportError("unreachable"), "resync"),
        (TransportError("timeout"), "resync"),
        (ValueError("x"), "retry"),
    ]
    for error, step in cases:
        assert next_step(error) == step, (repr(error), next_step(error), step)
