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


def user_vms(db, state):
    return [r for r, v in db.tables["VM"].items()
            if v["power_state"] == state and not v["is_a_template"]
            and not v["is_control_domain"] and not v["current_operations"]]


async def power_change(sim, session, rng):
    db = sim.db
    running, halted = user_vms(db, "Running"), user_vms(db, "Halted")
    total = len(running) + len(halted)
    if not total:
        return
    if halted and (not running or len(running) / total < 0.6):
        await sim.call("Async.VM.start", [session, rng.choice(halted), False, False])
    elif running:
        await sim.call("Async.VM.clean_shutdown", [session, rng.choice(running)])


async def message(sim, session, rng):
    vms = user_vms(sim.db, "Running")
    if not vms:
        return
    vm = sim.db.get("VM", rng.choice(vms))
    name, priority, text = rng.choice(ALARMS)
    sim.messages.create(name, priority, "VM", vm["uuid"], text % vm["name_label"])
    if len(sim.messages.records) > MAX_MESSAGES:
        oldest = min(sim.messages.records, key=lambda r: sim.messages.records[r]["timestamp"])
        sim.messages.destroy(oldest)


async def guest_metrics(sim, session, rng):
    db = sim.db
    vms = user_vms(db, "Running")
    if not vms:
        return
    vm = db.get("VM", rng.choice(vms))
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
