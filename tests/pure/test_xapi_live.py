"""live: the transport policy, the parallel first load and the event loop's recovery (backoff, banner, resync)."""
from shellfakes import SESSION, TOKEN, FakeEnv, PoolXapi

from lite_app.shell.transport import make_transport, method_of
from lite_app.xapi.sync import Live, load_all
from lite_app.xapi.cache import Cache
from lite_app.xapi.client import Client
from lite_app.xapi.errors import TransportError, XapiError

CLASSES = ["pool", "host", "VM"]


def make(events=()):
    xapi = PoolXapi()
    xapi.sessions.append(SESSION)
    xapi.events = list(events)
    env = FakeEnv(xapi)
    client = Client(make_transport(env, {"VM": '["uuid","name_label"]'}), SESSION)
    return xapi, env, client


def event(op, ref, snapshot=None, cls="vm"):
    found = {"class": cls, "ref": ref, "operation": op, "id": 1}
    if snapshot is not None:
        found["snapshot"] = snapshot
    return found


def batch(*events):
    return {"events": list(events), "token": "t%d" % len(events), "valid_ref_counts": {}}


class Recorder:
    def __init__(self):
        self.changes, self.status, self.errors = [], [], []

    def callbacks(self):
        return (lambda c: self.changes.append(sorted(c)), self.status.append, self.errors.append)


def loop(xapi, env, client, cache, recorder):
    live = Live(client, cache, CLASSES, recorder.callbacks(), env.sleep, env.random)
    xapi.on_idle = live.stop
    return live


def test_method_of_reads_compact_and_spaced_requests():
    assert method_of('{"jsonrpc":"2.0","method":"VM.get_all_records","params":[],"id":3}') == "VM.get_all_records"
    assert method_of('{"method": "event.from", "id": 1}') == "event.from"
    assert method_of("{}") == ""


async def test_transport_parses_replies_and_reports_non_json_as_protocol_errors():
    xapi, env, client = make()
    assert await client.call("pool.get_all") == ["OpaqueRef:pool"]

    async def garbage(text, timeout, fields):
        return "<html>502</html>"
    env.rpc = garbage
    try:
        await client.call("pool.get_all")
        assert False, "expected a TransportError"
    except TransportError as error:
        assert error.kind == "protocol"


async def test_load_all_takes_the_token_first_and_tolerates_missing_classes():
    xapi, env, client = make()

    def missing(session):
        raise XapiError("MESSAGE_METHOD_UNKNOWN", ["VTPM.get_all_records"])
    xapi.handlers["VTPM.get_all_records"] = missing
    cache = Cache()
    token, changes = await load_all(client, cache, ["VM", "VTPM", "host"])
    methods = env.methods()
    assert methods[:2] == ["pool.get_all", "event.inject"] and token == TOKEN
    assert sorted(methods[2:]) == ["VM.get_all_records", "VTPM.get_all_records", "host.get_all_records"]
    assert cache.all("VTPM") == {} and len(cache.all("VM")) == 5
    assert ("VM", "OpaqueRef:v1") in changes
    assert [c for c in env.calls if c[0] == "VM.get_all_records"][0][2] == '["uuid","name_label"]'


async def test_events_are_applied_back_to_back_without_sleeping():
    renamed = dict(PoolXapi().records["VM"]["OpaqueRef:v1"], name_label="web-renamed")
    xapi, env, client = make([batch(event("mod", "OpaqueRef:v1", renamed)), batch(event("del", "OpaqueRef:v3"))])
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    recorder = Recorder()
    live = loop(xapi, env, client, cache, recorder)
    await live.run(token)
    assert recorder.changes == [[("VM", "OpaqueRef:v1")], [("VM", "OpaqueRef:v3")]]
    assert cache.get("VM", "OpaqueRef:v1")["name_label"] == "web-renamed" and cache.get("VM", "OpaqueRef:v3") is None
    assert env.sleeps == [] and recorder.status == [] and live.polls == 3
    tokens = [r["params"][2] for r in xapi.requests if r["method"] == "event.from"]
    assert tokens == [TOKEN, "t1", "t1"]


async def test_a_lost_connection_shows_the_banner_backs_off_and_resyncs():
    xapi, env, client = make()
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    env.failures["event.from"] = [TransportError("unreachable")]
    env.failures["pool.get_all"] = [TransportError("unreachable"), TransportError("timeout")]
    del xapi.records["VM"]["OpaqueRef:v3"]  # deleted while we were away
    recorder = Recorder()
    live = loop(xapi, env, client, cache, recorder)
    await live.run(token)
    assert recorder.status == ["reconnecting", "reconnecting", "reconnecting", "live"]
    # jittered delays: [d/2, d) with random()=0.5 -> 0.75 d, doubling from 0.5 s
    assert env.sleeps == [0.375, 0.75, 1.5], env.sleeps
    assert ("VM", "OpaqueRef:v3") in [pair for changes in recorder.changes for pair in changes]
    assert cache.get("VM", "OpaqueRef:v3") is None
    assert live.backoff.failures == 0


async def test_backoff_is_capped_while_the_host_stays_away():
    xapi, env, client = make()
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    env.failures["event.from"] = [TransportError("unreachable")]
    env.failures["pool.get_all"] = [TransportError("unreachable") for _ in range(8)]
    recorder = Recorder()
    await loop(xapi, env, client, cache, recorder).run(token)
    assert max(env.sleeps) == 6.0 and env.sleeps[-1] == 6.0  # cap 8 s * 0.75
    assert recorder.status[-1] == "live"


async def test_events_lost_resyncs_without_the_banner():
    xapi, env, client = make([XapiError("EVENTS_LOST", [])])
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    recorder = Recorder()
    await loop(xapi, env, client, cache, recorder).run(token)
    assert recorder.status == ["live"] and env.methods().count("event.inject") == 2


async def test_other_xapi_errors_retry_with_the_same_token():
    xapi, env, client = make([XapiError("INTERNAL_ERROR", ["db"])])
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    recorder = Recorder()
    await loop(xapi, env, client, cache, recorder).run(token)
    assert env.methods().count("event.inject") == 1 and len(env.sleeps) == 1
    tokens = [r["params"][2] for r in xapi.requests if r["method"] == "event.from"]
    assert tokens == [TOKEN, TOKEN] and recorder.status == []


async def test_an_invalid_session_ends_the_loop_quietly():
    xapi, env, client = make()
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    xapi.sessions.remove(SESSION)
    recorder = Recorder()
    live = loop(xapi, env, client, cache, recorder)
    await live.run(token)
    assert recorder.status == [] and env.sleeps == [] and client.session_invalid


async def test_an_unexpected_failure_is_reported_and_the_loop_lives_on():
    xapi, env, client = make([{"events": []}])  # no token: a malformed reply
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    recorder = Recorder()
    live = loop(xapi, env, client, cache, recorder)
    await live.run(token)
    assert len(recorder.errors) == 1 and live.polls == 1


async def test_stop_wins_over_a_pending_reply():
    renamed = dict(PoolXapi().records["VM"]["OpaqueRef:v1"], name_label="late")
    xapi, env, client = make([batch(event("mod", "OpaqueRef:v1", renamed))])
    cache = Cache()
    token, _ = await load_all(client, cache, CLASSES)
    recorder = Recorder()
    live = loop(xapi, env, client, cache, recorder)
    xapi.handlers["event.from"] = xapi.checked(lambda *args: (live.stop(), xapi.event_from(*args))[1])
    await live.run(token)
    assert recorder.changes == []


def test_records_in_columns_become_the_records_again():
    from lite_app.shell.transport import expand
    compact = [["uuid", "name_label", "tags"], ["OpaqueRef:a", "OpaqueRef:b"],
               [["u-a", "web", []], ["u-b", "db \"1\"", ["x"]]], {"OpaqueRef:c": {"uuid": "u-c"}}]
    assert expand(compact) == {"OpaqueRef:a": {"uuid": "u-a", "name_label": "web", "tags": []},
                               "OpaqueRef:b": {"uuid": "u-b", "name_label": 'db "1"', "tags": ["x"]},
                               "OpaqueRef:c": {"uuid": "u-c"}}
    assert expand([["uuid"], [], [], {}]) == {}
