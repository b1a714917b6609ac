"""--state FILE: load the inventory from FILE, and save every change to it atomically.

A save is scheduled on the event loop after each burst of changes (one write per loop turn), written
to a temporary file and renamed over FILE, so a crash leaves either the old or the new state.
"""
import asyncio
import json
import os
import random

VERSION = 1


def load(sim, path):
    """Fill `sim` from `path`; False if the file does not exist."""
    if not os.path.exists(path):
        return False
    with open(path) as fh:
        data = json.load(fh)
    sim.db.load(data["db"])
    sim.db.rng = random.Random()          # fresh refs must not repeat the seeded inventory's
    for ref, rec in data.get("messages", {}).items():
        sim.messages.records[ref] = rec
    return True


def save(sim, path):
    data = {"version": VERSION, "db": sim.db.dump(), "messages": sim.messages.records}
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w") as fh:
        json.dump(data, fh, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def attach(sim, path):
    """Save now, then after every change (coalesced per event-loop turn)."""
    state = {"pending": False}
    loop = asyncio.get_running_loop()

    def flush():
        state["pending"] = False
        save(sim, path)

    def changed():
        if not state["pending"]:
            state["pending"] = True
            loop.call_soon(flush)

    save(sim, path)
    sim.db.listeners.append(changed)
    sim.messages_listeners.append(changed)
    sim.on_close.append(lambda: state["pending"] and flush())
