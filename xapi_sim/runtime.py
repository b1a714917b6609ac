"""Start and stop a whole simulated pool: simulator, inventory or saved state, HTTP listeners.

Used by the CLI and by tests that run the simulator in-process on free loopback ports.
"""
import asyncio
import gc
import secrets

from . import inventory, memtune, persist, replay, server, tls
from .faults import Faults
from .sim import Simulator


class Running:
    """A started pool: `.sim`, `.url`, `.port`, `.faults`, `.control_token`, `.cert_pem` (with TLS),
    `.skipped` (what a --db file held that this datamodel lacks)."""

    def __init__(self, sim, runner, config, ssl_context):
        self.sim = sim
        self.runner = runner
        self.config = config
        self.port = config.port
        self.ssl_context = ssl_context
        self.url = config.origin(config.addresses[0])
        if ":%d" % self.port not in self.url:
            self.url = "%s:%d" % (self.url, self.port)
        self.faults = None
        self.control_token = None
        self.cert_pem = None
        self.tasks = []

    def reset_connections(self, keep=None, addresses=None):
        return server.reset_connections(self.runner, keep, addresses)

    async def stop_listening(self, addresses=None):
        await server.stop_listening(self.runner, addresses)

    def listening(self, address=None):
        """Whether the pool's addresses (or `address`) accept connections (False during a
        restart fault, or while that host is down)."""
        return server.is_listening(self.runner, address)

    async def listen(self, addresses=None):
        await server.listen(self.runner, addresses or self.config.addresses, self.port,
                            self.ssl_context)

    # ---- what the simulated hosts ask of their listeners (Simulator.listeners) --------------
    async def down(self, address, keep=None):
        """A host stops answering: no new connections, open ones dropped."""
        await self.stop_listening([address])
        self.reset_connections(keep, [address])

    async def up(self, address):
        await self.listen([address])

    async def move(self, old, new):
        """A host's management address changed to another loopback address: serve that one
        instead (connections already open stay, as a real interface change would not keep
        them for long but the reply of the call that moved it is still written)."""
        if old == new:
            return
        self.config.addresses = [new if a == old else a for a in self.config.addresses]
        if self.listening(old):
            await self.stop_listening([old])
            await self.listen([new])

    async def stop(self):
        for task in self.tasks:
            task.cancel()
        self.reset_connections()
        await self.runner.cleanup()
        self.sim.close()
        gc.unfreeze()


async def start(config, state_file=None, stub=None, local_bundle=None, tls_enabled=False,
                control_token=None, activity=0.0, vnc_backend=None, db_file=None):
    """A running pool: from `state_file` if it exists, else from the XAPI database `db_file`
    (replay.py), else the seeded inventory."""
    memtune.keep_large_buffers()
    sim = Simulator(config)
    collecting = gc.isenabled()
    # Loading creates millions of objects that all live on: collecting cycles meanwhile only
    # rescans them (a third of a 20,000-VM start). Collection resumes once they are frozen.
    gc.disable()
    try:
        restored = bool(state_file) and persist.load(sim, state_file)
        replayed = not restored and db_file is not None
        skipped = replay.load(sim, db_file) if replayed else []
        faults = Faults(sim)
        token = control_token or secrets.token_hex(16)
        ssl_context, cert_pem = None, None
        if tls_enabled:
            config.scheme = "https"
            cert_pem, key_pem = tls.make_certificate(config.addresses)
            ssl_context = tls.server_context(cert_pem, key_pem)
        app = server.make_app(sim, stub=stub, local_bundle=local_bundle, faults=faults,
                              control_token=token, vnc_backend=vnc_backend)
        runner, config.port = await server.start(app, config.addresses, config.port, ssl_context)
        if replayed:
            replay.adapt(sim)
        elif not restored:
            inventory.build(sim)
    finally:
        # The inventory lives as long as the process: keep the cyclic GC from rescanning its
        # millions of objects on every full collection (VM.get_all_records at 10,000 VMs: 3x faster).
        gc.freeze()
        if collecting:
            gc.enable()
    if state_file:
        persist.attach(sim, state_file)
    running = Running(sim, runner, config, ssl_context)
    running.faults, running.control_token, running.cert_pem = faults, token, cert_pem
    sim.listeners = running
    sim.remember_listen_addresses()
    running.skipped = skipped
    faults.running = running
    running.tasks.append(asyncio.ensure_future(session_gc(sim)))
    if activity:
        from . import activity as activity_mod
        running.tasks.append(asyncio.ensure_future(activity_mod.run(sim, activity)))
    return running


async def session_gc(sim, period=None):
    """End idle sessions every 30 s (sooner when the idle timeout is short), as XAPI's GC does."""
    period = period or min(30.0, max(0.2, sim.config.session_timeout / 4))
    while True:
        await asyncio.sleep(period)
        sim.sessions.gc()
