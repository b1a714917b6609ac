"""--activity picks its VMs by sampling (xapi_sim/activity.py): always one in the state asked for, a
guest with nothing running on it, found by a scan when a sample misses (a state only one VM is in)."""
import random

from xapi_sim import activity, inventory
from xapi_sim.sim import Config, Simulator


def test_a_sampled_vm_is_a_guest_in_the_state_asked_for_and_a_rare_one_is_found_too():
    sim = Simulator(Config(hosts=2, vms=200, seed=4))
    inventory.build(sim)
    db, rng = sim.db, random.Random(7)
    guests = activity.guests(db)
    assert len(guests) == 200 and all(activity.is_guest(db.get("VM", r)) for r in guests)
    for ref in guests:
        db.set("VM", ref, "power_state", "Running")
    lone = guests[123]
    db.set("VM", lone, "power_state", "Halted")
    busy = guests[7]
    db.set("VM", busy, "current_operations", {"OpaqueRef:task": "start"})
    for _ in range(30):
        ref = activity.pick_vm(db, "Running", rng)
        assert ref != busy and db.get("VM", ref)["power_state"] == "Running"
    assert activity.pick_vm(db, "Halted", rng) == lone  # 1 in 200: the sample misses it, the scan not
    assert activity.pick_vm(db, "Suspended", rng) is None
