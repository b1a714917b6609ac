"""Polls `/rrd_updates` for the stats views; the shell runs it after every render, like the console driver.

Pure (CPython and MicroPython): the page is reached through the controller's `env`, whose
`stats_port()` (lite_app/browser.py) drives lite_app/static/charts.js:
    fetch(job, timeout) -> awaitable tagged text: "1" + reply, or "0" + JSON {kind, status, detail}
    abort() -> stop the fetches on their way (each answers "0" + {"kind": "aborted"})
The controller calls its Poller's `sync()` after each render and when the session ends. `sync` asks
lite_app.logic.stats_jobs which requests the current page needs and starts the due ones on its
Schedule (at most 3 in flight, again after each range's step). A reply is filed in state.ui for the
views and asks the controller for a render, whose sync starts what fell due meanwhile; when nothing is
in flight, one timer on the env's clock wakes the shell when the next request falls due. Nothing loops:
leaving the page, or the session, simply stops starting requests.
"""
import json

from lite_app.logic.stats_jobs import Schedule, jobs, store

FETCH_TIMEOUT = 20.0


class Poller:
    """Starts what the page's stats need now (`sync`, after each render)."""

    def __init__(self, controller):
        self.controller = controller
        self.client = None     # the session the schedule belongs to
        self.schedule = Schedule()
        self.port = None
        self.wake_at = None    # when the pending timer fires, if one is pending
        self.fetches = 0

    def sync(self):
        controller = self.controller
        state, env = controller.state, controller.env
        if controller.shown != "app" or state.client is None:
            self.end()
            return
        if self.client is not state.client:
            self.client, self.schedule, self.wake_at = state.client, Schedule(), None
        wanted = jobs(state, env.origin())
        if not wanted:
            return
        now = env.now()
        for job in self.schedule.due(wanted, now):
            if self.port is None:
                self.port = env.stats_port()
            self.schedule.start(job, now)
            env.spawn(self.fetch(job, self.client))
        self.plan_wake(self.schedule.next_time(wanted, now), now)

    def end(self):
        """The session ended: its downloads on their way are stopped before XAPI forgets it (the shell
        ends the session here first, then logs out), so none is refused and logged by the browser."""
        if self.client is not None and self.port is not None and self.schedule.flying:
            self.port.abort()
        self.client = None

    def plan_wake(self, at, now):
        """One timer for the next due time (an earlier one already pending covers it)."""
        if at is None or (self.wake_at is not None and now < self.wake_at <= at):
            return
        self.wake_at = at
        self.controller.env.spawn(self.wake(at - now, at, self.client))

    async def wake(self, delay, at, client):
        await self.controller.env.sleep(delay)
        if self.wake_at == at:
            self.wake_at = None
        if self.alive(client):
            self.controller.invalidate()

    def alive(self, client):
        return self.client is client and self.controller.state.client is client

    async def fetch(self, job, client):
        env = self.controller.env
        try:
            tagged = await self.port.fetch(job, FETCH_TIMEOUT)
        except Exception as error:  # the port should not raise; a bug there must not stop polling
            tagged = "0" + json.dumps({"kind": "error", "detail": repr(error)})
        self.fetches += 1
        if not self.alive(client):
            return
        now = env.now()
        self.schedule.done(job, now, store(self.controller.state, job, tagged, now))
        self.controller.invalidate()
