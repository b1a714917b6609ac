"""Sessions as XAPI keeps them: secret refs, and the caps of db_gc_util.ml `timeout_sessions`.

A session ref must not be computable from the inventory's seed (xapi_session.ml: Ref.make_secret).
Every GC pass keeps, per group, the most recently active sessions up to the cap and ends the rest,
oldest first (xapi_globs.ml: 400 anonymous or intra-pool, 500 per originator or user name); a session
with a pending task is not disposable.
"""
import asyncio
import copy
import uuid

import pytest

from support.waiting import until
from xapi_sim import inventory
from xapi_sim.errors import XapiFailure
from xapi_sim.sessions import MAX_PER_ORIGINATOR, MAX_PER_USER_NAME, MAX_SESSIONS
from xapi_sim.sim import Config, Simulator


class Clock:
    def __init__(self, now=1_700_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def timed():
    clock = Clock()
    sim = Simulator(Config(hosts=1, vms=0), clock=clock)
    inventory.build(sim)
    yield sim, clock
    sim.close()


def seeded_ref(rng):
    return "OpaqueRef:" + str(uuid.UUID(int=rng.getrandbits(128), version=4))


async def test_a_session_ref_is_not_computable_from_the_seed():
    refs = []
    for _ in range(2):
        sim = Simulator(Config(hosts=1, vms=0, seed=7))
        inventory.build(sim)
        predicted = seeded_ref(copy.deepcopy(sim.db.rng))
        ref = await sim.call("session.login_with_password", ["root", "xcplite"])
        assert ref != predicted, "the next ref of the seeded generator"
        assert seeded_ref(copy.deepcopy(sim.db.rng)) == predicted, "login does not draw from it"
        uuid.UUID(ref[len("OpaqueRef:"):])
        refs.append(ref)
        sim.close()
    assert refs[0] != refs[1], "same seed, different sessions"


def login_many(sim, clock, count, originator="", uname="root"):
    refs = []
    for _ in range(count):
        clock.now += 1
        refs.append(sim.sessions.login(uname, originator, sim.master_ref()))
    return refs


@pytest.mark.parametrize("originator, uname, cap", [
    ("", "root", MAX_SESSIONS), ("xcplite", "root", MAX_PER_ORIGINATOR),
    ("", "alice", MAX_PER_USER_NAME)])
def test_each_group_keeps_its_most_recent_sessions(timed, originator, uname, cap):
    sim, clock = timed
    others = login_many(sim, clock, 3, "another-client")
    refs = login_many(sim, clock, cap + 2, originator, uname)
    sim.sessions.valid(refs[0])          # a use: now the most recently active of its group
    sim.sessions.gc()
    kept = [r for r in refs if r in sim.sessions.records]
    assert len(kept) == cap
    assert refs[0] in kept and refs[1] not in kept and refs[2] not in kept
    assert all(r in sim.sessions.records for r in others), "other groups are counted apart"


def test_caps_are_xapis():
    assert (MAX_SESSIONS, MAX_PER_ORIGINATOR, MAX_PER_USER_NAME) == (400, 500, 500)


async def test_a_session_with_a_pending_task_is_kept(timed):
    sim, clock = timed
    refs = login_many(sim, clock, MAX_SESSIONS + 2)
    task = sim.tasks.create("upload", session=refs[0])     # as task.create does, without a use
    sim.sessions.gc()
    assert refs[0] in sim.sessions.records, "busy: not disposable"
    assert refs[1] not in sim.sessions.records and refs[2] in sim.sessions.records
    sim.tasks.succeed(task)
    sim.sessions.gc()
    assert refs[0] not in sim.sessions.records, "idle again, and the oldest"


async def test_an_evicted_session_wakes_its_blocked_event_from(timed):
    sim, clock = timed
    victim = login_many(sim, clock, 1)[0]
    token = (await sim.call("event.from", [victim, ["vm"], "", 0.0]))["token"]
    blocked = asyncio.ensure_future(sim.call("event.from", [victim, ["vm"], token, 30.0]))
    await until(lambda: sim.blocked() == 1, what="event.from blocked")
    login_many(sim, clock, MAX_SESSIONS)
    sim.sessions.gc()
    with pytest.raises(XapiFailure) as info:
        await asyncio.wait_for(blocked, 2.0)
    assert info.value.description == ["SESSION_INVALID", victim]
