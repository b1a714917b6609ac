"""Faults for reliability tests: make the simulated pool fail the way a real one does.

Python API (on `Running.faults`), also reachable over HTTP through handlers/control.py:
- latency(seconds): every RPC and handler request waits that long first (0 turns it off);
- hang(seconds): requests are accepted but not answered until the time is up;
- reset_connections(): abort every open connection (clients see ECONNRESET);
- expire_sessions(ref=None): end one session or all (blocked event.from gets SESSION_INVALID);
- restart(down=0.5): stop listening, drop connections and sessions, listen again (inventory kept);
- move_master(host): make another member the pool master; the old one answers HOST_IS_SLAVE;
- storage_unreachable(server, host=None, on=True): a storage server (backends.py: a name or
  address such as nfs.lab.local) cannot be reached from one host (ref, uuid, name, address or
  index) or from every host: PBD.plug, SR.probe and SR.create there fail as the SM driver does
  (SR_BACKEND_FAILURE_108 for NFS and NFS ISO libraries, _111 for SMB, _222 for SMB ISO
  libraries); on=False restores it.
- events_lost(session=None): the next (or blocked) event.from / event.next of that session, or of
  every session now open, fails with EVENTS_LOST, so a client's resync path can be exercised.
- updates_unreachable(host=None, on=True): one host (or every host) cannot reach XCP-ng's yum
  repositories: the updater plugin's check_update and update fail as they do then.
- plugin_missing(plugin, host=None, on=True): a host plugin (e.g. "lsblk.py") is not installed on
  one host (or any): host.call_plugin fails with XENAPI_MISSING_PLUGIN [plugin], as on XenServer
  or an XCP-ng release without it.
"""
import asyncio
import time

from aiohttp import web

CONTROL_PREFIX = "/_sim/"


class Faults:
    def __init__(self, sim):
        self.sim = sim
        self.delay = 0.0
        self.hang_until = 0.0
        self.running = None          # set by runtime.start: gives access to the listeners

    def latency(self, seconds):
        self.delay = max(0.0, float(seconds))

    def hang(self, seconds):
        self.hang_until = time.monotonic() + max(0.0, float(seconds))

    def reset_connections(self, keep=None):
        """Abort open connections; `keep` spares one transport (the control request's own)."""
        return self.running.reset_connections(keep)

    def expire_sessions(self, ref=None):
        if ref:
            self.sim.sessions.end(ref)
        else:
            self.sim.sessions.end_all()

    async def restart(self, down=0.5, keep=None):
        """What a toolstack restart looks like from outside: refused, then back without sessions
        (a host that is down meanwhile stays silent)."""
        answering = [a for a in self.running.config.addresses if self.running.listening(a)]
        await self.running.stop_listening()
        self.reset_connections(keep)
        self.sim.sessions.end_all()
        await asyncio.sleep(max(0.0, float(down)))
        if answering:
            await self.running.listen(answering)

    def events_lost(self, session=None):
        """Make one session's (or every open session's) next event.from / event.next fail with
        EVENTS_LOST; a blocked call fails at once. Returns how many sessions are affected."""
        sessions = [session] if session else list(self.sim.sessions.records)
        self.sim.lose_events(sessions)
        return len(sessions)

    def move_master(self, host):
        """Make `host` (a ref, uuid, name or index) the master; sessions do not survive it."""
        db = self.sim.db
        ref = resolve_host(db, host)
        db.set("pool", self.sim.pool_ref(), "master", ref)
        self.sim.sessions.end_all()
        return ref

    def storage_unreachable(self, server, host=None, on=True):
        address = None
        if host is not None:
            address = self.sim.db.get("host", resolve_host(self.sim.db, host))["address"]
        self.sim.storage.set_unreachable(server, address, bool(on))

    def updates_unreachable(self, host=None, on=True):
        key = "*" if host is None else resolve_host(self.sim.db, host)
        if on:
            self.sim.updates_unreachable.add(key)
        else:
            self.sim.updates_unreachable.discard(key)

    def plugin_missing(self, plugin, host=None, on=True):
        key = ("*" if host is None else resolve_host(self.sim.db, host), plugin)
        (self.sim.missing_plugins.add if on else self.sim.missing_plugins.discard)(key)

    async def before_request(self, request):
        if request.path.startswith(CONTROL_PREFIX):
            return
        wait = self.hang_until - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if self.delay:
            await asyncio.sleep(self.delay)


def resolve_host(db, host):
    hosts = sorted(db.all("host"), key=lambda r: db.get("host", r)["name_label"])
    if isinstance(host, int) or (isinstance(host, str) and host.isdigit()):
        return hosts[int(host)]
    for ref in hosts:
        rec = db.get("host", ref)
        if host in (ref, rec["uuid"], rec["name_label"], rec["address"]):
            return ref
    raise KeyError("no host %r" % (host,))


@web.middleware
async def fault_middleware(request, handler):
    faults = request.app.get("faults")
    if faults is not None:
        await faults.before_request(request)
    return await handler(request)
