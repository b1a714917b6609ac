"""--db FILE: start the simulated pool from a real pool's database (dbdump.py reads the file).

The records are kept as they are, with two things a real pool's database cannot give the simulator:
- its members' addresses: each host the simulator serves gets a loopback address of its own (the
  master the first, `--bind`), and the consoles of running VMs point at their host's new origin; a
  dump the simulator wrote already has them, and is left untouched;
- tasks, which XAPI does not persist: `current_operations` are not persisted either (XAPI blanks them
  when it loads its database, dbsync_master.ml), so operations a dump shows in progress are gone and
  those objects' allowed_operations are recomputed (cancel_tasks.ml; XAPI recomputes every object's,
  the simulator only where an operation was cancelled, so that its own dumps replay unchanged).
New refs come from a fresh random generator, never from the seeded inventory's.
"""
import random

from . import dbdump, inventory, schema, vmrules, vmstate

NULL = "OpaqueRef:NULL"


def load(sim, path):
    """Fill `sim` from the dump at `path` and fit its host addresses; returns what was skipped."""
    with open(path, "rb") as fh:
        skipped = dbdump.load(sim.db, fh.read())
    sim.db.rng = random.Random()
    sim.config.fit_addresses(len(sim.db.all("host")))
    return skipped


def adapt(sim):
    """Once the listening port is known: addresses and console locations, stale operations."""
    moved = _assign_addresses(sim)
    _point_consoles(sim, moved)
    _cancel_stale_operations(sim.db)


def _hosts_master_first(sim):
    master = sim.master_ref()
    return [master] + sorted(h for h in sim.db.all("host") if h != master)


def _assign_addresses(sim):
    db, wanted = sim.db, list(sim.config.addresses)
    hosts = _hosts_master_first(sim)
    plan = {hosts[0]: wanted[0]}
    free = [a for a in wanted[1:] if a not in {db.get("host", h)["address"] for h in hosts[1:]}]
    for host in hosts[1:]:
        address = db.get("host", host)["address"]
        plan[host] = address if address in wanted[1:] else free.pop(0)
    moved = set()
    for host, address in plan.items():
        if db.get("host", host)["address"] != address:
            db.set("host", host, "address", address)
            moved.add(host)
    return moved


def _point_consoles(sim, moved):
    db = sim.db
    for console in sorted(db.all("console")):
        vm = db.get("VM", db.get("console", console)["VM"])
        if vm is None or vm["power_state"] not in ("Running", "Paused") or vm["resident_on"] not in moved:
            continue
        key = "ref" if vm["is_control_domain"] else "uuid"
        template = vmstate.console_location(sim.config, db, vm["resident_on"], key)
        rec = db.get("console", console)
        db.set("console", console, "location",
               template.replace("{uuid}", rec["uuid"]).replace("{ref}", console))


def _cancel_stale_operations(db):
    cancelled = False
    for cls in schema.TABLES:
        if "current_operations" not in schema.fields(cls):
            continue
        for ref in db.all(cls):
            if db.get(cls, ref)["current_operations"]:
                db.set(cls, ref, "current_operations", {})
                cancelled = True
                if cls == "VM":
                    vmrules.update(db, ref)
    if cancelled:
        inventory.refresh_allowed_operations(db)
