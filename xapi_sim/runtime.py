"""Start and stop a whole simulated pool: simulator, inventory or saved state, HTTP listeners.

Used by the CLI and by tests that run the simulator in-process on free loopback ports.
"""
import asyncio

from . import inventory, persist, server
from .sim import Simulator


class Running:
    def __init__(self, sim, runner, port, url, tasks):
        self.sim = sim
        self.runner = runner
        self.port = port
        self.url = url
        self._tasks = tasks

    async def stop(self):
        for task in self._tasks:
            task.cancel()
        await self.runner.cleanup()
        self.sim.close()


async def start(config, state_file=None, stub=None, local_bundle=None, ssl_context=None):
    sim = Simulator(config)
    app = server.make_app(sim, stub=stub, local_bundle=local_bundle)
    runner, port = await server.start(app, config.addresses, config.port, ssl_context)
    config.port = port
    if not (state_file and persist.load(sim, state_file)):
        inventory.build(sim)
    if state_file:
        persist.attach(sim, state_file)
    tasks = [asyncio.ensure_future(session_gc(sim))]
    url = config.origin(config.addresses[0])
    if ":%d" % port not in url:
        url = "%s:%d" % (url, port)
    return Running(sim, runner, port, url, tasks)


async def session_gc(sim, period=None):
    """End idle sessions every 30 s (sooner when the idle timeout is short), as XAPI's GC does."""
    period = period or min(30.0, max(0.2, sim.config.session_timeout / 4))
    while True:
        await asyncio.sleep(period)
        sim.sessions.gc()
