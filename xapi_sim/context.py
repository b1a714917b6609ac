"""The per-call context handed to method handlers."""
import asyncio

from .errors import XapiFailure


class Context:
    def __init__(self, sim, session, wire_name, task=None, host=None):
        self.sim = sim
        self.host = host          # the host whose address received the call
        self.db = sim.db
        self.session = session
        self.wire_name = wire_name
        self.task = task

    def check_cancel(self):
        if self.task and self.sim.tasks.is_cancelling(self.task):
            raise XapiFailure("TASK_CANCELLED", self.task)

    async def work(self, seconds, steps=5):
        """Spend `seconds` of simulated work in steps, reporting progress and honouring cancel."""
        steps = max(1, steps)
        for i in range(steps):
            self.check_cancel()
            if seconds > 0:
                await asyncio.sleep(seconds / steps)
            self.check_cancel()
            if self.task:
                self.sim.tasks.set_progress(self.task, round((i + 1) / (steps + 1), 3))

    def op_seconds(self, kind="default"):
        return self.sim.config.op_time(kind)
