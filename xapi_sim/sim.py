"""The Simulator: one simulated pool — database, sessions, tasks, messages — and its configuration."""
import asyncio
import time

from . import methods
from .backends import Storage
from .db import Database
from .dispatch import dispatch
from .messages import MessageStore
from .sessions import Sessions
from .tasks import TaskManager
from .vdi_content import ContentStore

# Simulated duration of operations, as multiples of Config.op_time (seconds).
OP_FACTORS = {"default": 1.0, "start": 1.2, "shutdown": 1.0, "reboot": 1.5, "migrate": 1.8,
              "copy": 2.0, "clone": 0.5, "snapshot": 0.8, "suspend": 1.2, "resume": 1.0,
              "quick": 0.2, "update": 3.0}


class Config:
    def __init__(self, hosts=2, vms=12, seed=0, password="xcplite", session_timeout=86400.0,
                 op_time=1.0, addresses=None, scheme="http", port=80):
        self.hosts = hosts
        self.vms = vms
        self.seed = seed
        self.password = password
        self.session_timeout = session_timeout
        self.base_op_time = op_time
        self.addresses = addresses or ["127.0.0.%d" % (i + 1) for i in range(hosts)]
        self.scheme = scheme
        self.port = port

    def fit_addresses(self, hosts):
        """Serve `hosts` members: keep the addresses given, add loopback ones (127.0.0.2, ...)."""
        self.hosts = hosts
        taken, n = set(self.addresses[:hosts]), 2
        self.addresses = self.addresses[:hosts]
        while len(self.addresses) < hosts:
            address = "127.0.0.%d" % n
            if address not in taken:
                self.addresses.append(address)
            n += 1

    def op_time(self, kind="default"):
        return self.base_op_time * OP_FACTORS.get(kind, 1.0)

    def origin(self, address):
        """The URL origin of a host address, as clients reach it."""
        default = {"http": 80, "https": 443}[self.scheme]
        host = "[%s]" % address if ":" in address else address
        port = "" if self.port in (default, 0) else ":%d" % self.port
        return "%s://%s%s" % (self.scheme, host, port)


class Simulator:
    def __init__(self, config, clock=time.time):
        methods.load_all()
        self.config = config
        self.clock = clock
        self.db = Database(config.seed)
        self.db.clock = clock
        self.sessions = Sessions(config.session_timeout, clock, busy=lambda ref: self.tasks.pending_for(ref))
        self.messages = MessageStore(self.db.new_ref, self.db.new_uuid, self.notify)
        self.tasks = TaskManager(self)
        self.storage = Storage(config)      # the NFS/SMB servers and block devices SRs use
        self.content = ContentStore()       # bytes written into disks (raw VDI transfers)
        self.legacy_events = {}
        self.messages_listeners = []
        self.on_close = []
        self._waiters = set()
        self.lost_events = set()      # sessions whose next event.from / event.next fails: EVENTS_LOST
        self._host_at = {}            # address -> host ref (host_by_address)
        self.served = {}              # listening address -> the host it serves (see below)
        self.listeners = None         # runtime.Running once started: down/up/move a host's address
        self.jobs = set()             # background work of hosts (boots, updates): cancelled on close
        self.yum = {}                 # host uuid -> its packages (methods/updater.py)
        self.applied_syslog = {}      # host -> the syslog destination it last applied
        self.updates_unreachable = set()   # hosts ("*": all) without XCP-ng's repositories
        self.missing_plugins = set()       # (host ref or "*", plugin file) not installed
        self.db.listeners.append(self.notify)
        self.sessions.on_invalidated.append(self._session_ended)

    def close(self):
        for callback in self.on_close:
            callback()
        for job in list(self.jobs):
            job.cancel()
        for job in list(self.tasks.running):
            job.cancel()
        self.content.close()

    # ---- change notification (wakes blocked event.from / event.next) --------------------
    def notify(self):
        for listener in self.messages_listeners:
            listener()
        if self._waiters:
            for fut in self._waiters:
                if not fut.done():
                    fut.set_result(None)
            self._waiters.clear()

    def _session_ended(self, ref):
        self.legacy_events.pop(ref, None)
        self.notify()

    def lose_events(self, sessions):
        """The events_lost fault: the next (or blocked) event.from / event.next of each session
        fails with EVENTS_LOST."""
        self.lost_events.update(sessions)
        self.notify()

    def take_lost_events(self, session):
        if session in self.lost_events:
            self.lost_events.discard(session)
            return True
        return False

    def blocked(self):
        """How many calls (event.from, event.next) are blocked waiting for a change right now."""
        return len(self._waiters)

    async def wait_for_change(self, timeout):
        fut = asyncio.get_running_loop().create_future()
        self._waiters.add(fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            self._waiters.discard(fut)

    # ---- calls ----------------------------------------------------------------------------
    async def call(self, method, params, address=None):
        """Dispatch one call as received on `address` (a host's address; None = the master)."""
        return await dispatch(self, method, params, host=self.host_by_address(address))

    def session_valid(self, ref):
        return self.sessions.valid(ref)

    # ---- pool topology --------------------------------------------------------------------
    def pool_ref(self):
        return self.db.all("pool")[0]

    def master_ref(self):
        pools = self.db.all("pool")
        return self.db.get("pool", pools[0])["master"] if pools else "OpaqueRef:NULL"

    def master_address(self):
        return self.db.get("host", self.master_ref())["address"]

    def background(self, coro):
        """Run `coro` after the current call (a host rebooting, an update installing); it is
        cancelled if the simulator closes first."""
        job = asyncio.ensure_future(coro)
        self.jobs.add(job)
        job.add_done_callback(self.jobs.discard)
        return job

    def remember_listen_addresses(self):
        """Each host keeps the address it was first served on, even if its management address
        later moves somewhere the simulator cannot listen (only loopback addresses are served)."""
        self.served = {self.db.get("host", h)["address"]: h for h in self.db.all("host")}

    def host_by_address(self, address):
        """The host serving `address` (every call asks: remembered, checked, looked up on a miss)."""
        if address is not None and address in self.served and self.db.exists(
                "host", self.served[address]):
            return self.served[address]
        if address is not None:
            ref = self._host_at.get(address)
            rec = self.db.get("host", ref) if ref else None
            if rec is not None and rec["address"] == address:
                return ref
            for ref in self.db.find("host", address=address):
                self._host_at[address] = ref
                return ref
        return self.master_ref()
