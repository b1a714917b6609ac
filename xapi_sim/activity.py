"""--activity RATE: believable background changes, RATE per second on average.

VMs started and stopped (through Async calls, so tasks with progress appear), alarms and other
messages, guest metrics refreshed, and standalone tasks such as an SR scan. It drives the public API
like a second administrator would, so everything it does shows in events.
"""
import asyncio
import random

from .errors import XapiFailure

MAX_MESSAGES = 60
ALARMS = [("ALARM", 3, "CPU usage is above 90%% on VM '%s'"),
          ("ALARM", 3, "Memory usage is above 95%% on VM '%s'"),
          ("VM_SNAPSHOTTED", 5, "VM '%s' snapshotted by schedule"),
          ("HA_POOL_OVERCOMMITTED", 2, "Pool would be overcommitted if VM '%s' restarted")]


# Random guests looked at to pick one (or to tell how many run) before falling back to a scan of them all:
# a scan of 10,000 VMs per change was half of what the simulator did under --activity 50.
SAMPLES = 40
# The guests' refs, gathered again when the number of VMs changes: {id(db): (count, [ref, ...])}.
_GUESTS = {}


def is_guest(vm):
    return not vm["is_a_template"] and not vm["is_control_domain"]


def user_vms(db, state):
    return [r for r, v in db.tables["VM"].items()
            if v["power_state"] == state and is_guest(v) and not v["current_operations"]]


def guests(db):
    table = db.tables["VM"]
    kept = _GUESTS.get(id(db))
    if kept is None or kept[0] != len(table):
        kept = _GUESTS[id(db)] = (len(table), [r for r, v in table.items() if is_guest(v)])
    return kept[1]


def pick_vm(db, state, rng):
    """A random guest in `state` with no operation running, or None."""
    table, refs = db.tables["VM"], guests(db)
    for _ in range(SAMPLES if refs else 0):
        ref = rng.choice(refs)
        vm = table.get(ref)
        if vm is not None and vm["power_state"] == state and is_guest(vm) and not vm["current_operations"]:
            return ref
    found = user_vms(db, state)
    return rng.choice(found) if found else None


async def power_change(sim, session, rng):
    """Start a halted guest while fewer than 60% of a sample of guests run, else shut one down."""
    db, refs = sim.db, guests(sim.db)
    if not refs:
        return
    states = [db.tables["VM"].get(rng.choice(refs), {}).get("power_state") for _ in range(SAMPLES)]
    running, halted = states.count("Running"), states.count("Halted")
    if halted and (not running or running / (running + halted) < 0.6):
        vm = pick_vm(db, "Halted", rng)
        if vm is not None:
            await sim.call("Async.VM.start", [session, vm, False, False])
            return
    vm = pick_vm(db, "Running", rng)
    if vm is not None:
        await sim.call("Async.VM.clean_shutdown", [session, vm])


async def message(sim, session, rng):
    ref = pick_vm(sim.db, "Running", rng)
    if ref is None:
        return
    vm = sim.db.get("VM", ref)
    name, priority, text = rng.choice(ALARMS)
    sim.messages.create(name, priority, "VM", vm["uuid"], text % vm["name_label"])
    if len(sim.messages.records) > MAX_MESSAGES:
        oldest = min(sim.messages.records, key=lambda r: sim.messages.records[r]["timestamp"])
        sim.messages.destroy(oldest)


async def guest_metrics(sim, session, rng):
    db = sim.db
    ref = pick_vm(db, "Running", rng)
    if ref is None:
        return
    vm = db.get("VM", ref)
    if db.exists("VM_metrics", vm["metrics"]):
        jitter = rng.choice([-1, 1]) * 16 * 1024 ** 2
        actual = max(256 * 1024 ** 2, vm["memory_dynamic_max"] + jitter)
        db.set("VM_metrics", vm["metrics"], "memory_actual", actual)


async def background_task(sim, session, rng):
    """Start a task that advances on its own for about a second (the loop goes on meanwhile)."""
    srs = [r for r, s in sim.db.tables["SR"].items() if s["content_type"] != "iso"]
    if not srs:
        return
    label = "SR.scan %s" % sim.db.get("SR", rng.choice(srs))["name_label"]
    task = sim.tasks.create(label, "Background scan", session=session)
    job = asyncio.ensure_future(_advance(sim, task))
    sim.tasks.running.add(job)
    job.add_done_callback(sim.tasks.running.discard)


async def _advance(sim, task):
    for step in range(1, 5):
        await asyncio.sleep(0.25)
        sim.tasks.set_progress(task, step / 5)
    sim.tasks.succeed(task, None)


ACTIONS = [(power_change, 4), (message, 2), (guest_metrics, 3), (background_task, 1)]


async def run(sim, rate, rng=None):
    rng = rng or random.Random(sim.config.seed + 1)
    session = None
    actions = [a for a, weight in ACTIONS for _ in range(weight)]
    while True:
        await asyncio.sleep(rng.expovariate(rate))
        if session is None or not sim.sessions.valid(session):
            session = sim.sessions.login("root", "xapi_sim activity", sim.master_ref())
        try:
            await rng.choice(actions)(sim, session, rng)
        except XapiFailure:
            pass  # a VM busy or in another state meanwhile: skip, as a person would
