"""The stats poller: after each render it starts the requests the page needs that are due, files the
replies for the views, asks for renders, wakes the shell when the next request falls due (on the env's
clock), and starts nothing once the page needs nothing or the session changed."""
from stats_fixture import PAGE, WEB, reply, state_at

from lite_app.logic import stats_jobs
from lite_app.shell import stats_poller


class Port:
    def __init__(self, env, replies):
        self.env, self.replies = env, replies

    async def fetch(self, job, timeout):
        self.env.asked.append(job["url"])
        return self.replies(job)

    def abort(self):
        self.env.aborted += 1


class Env:
    """The page as the poller sees it: a clock its sleeps advance; spawned coroutines wait in `tasks`
    until the test awaits them, one at a time, in order."""

    def __init__(self, replies):
        self.clock, self.asked, self.tasks, self.replies, self.aborted = 1000.0, [], [], replies, 0

    def origin(self):
        return PAGE

    def now(self):
        return self.clock

    async def sleep(self, seconds):
        self.clock += seconds

    def spawn(self, coroutine):
        self.tasks.append(coroutine)
        return coroutine

    def stats_port(self):
        return Port(self, self.replies)


class Controller:
    """Renders at once when asked (the real one waits for the next frame), then runs the poller's hook."""

    def __init__(self, state, env):
        self.state, self.env, self.shown, self.renders = state, env, "app", 0
        self.stats_poller = stats_poller.Poller(self)

    def invalidate(self):
        self.renders += 1
        self.stats_poller.sync()


async def settle(env):
    """Run every spawned task (and those they spawn) to its end."""
    while env.tasks:
        await env.tasks.pop(0)


async def test_polls_at_the_step_files_replies_and_stops_when_the_page_needs_nothing():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    env = Env(lambda job: "1" + reply(WEB))
    controller = Controller(state, env)
    controller.stats_poller.sync()
    controller.stats_poller.sync()  # a second render starts nothing more: the request is in flight
    assert len(env.tasks) == 1
    while len(env.asked) < 3:
        await env.tasks.pop(0)
    assert env.clock == 1010.0      # t=1000, 1005, 1010: every 5 s of the env's clock
    key = stats_jobs.jobs(state, PAGE)[0]["key"]
    assert stats_jobs.result(state, key)["updates"] is not None and controller.renders >= 3
    stats_jobs.set_range(state, "2h")
    controller.stats_poller.sync()   # the new range's job is due at once
    while len(env.asked) < 4:
        await env.tasks.pop(0)
    assert "interval=60" in env.asked[-1]
    state.route = ("vms", {})
    await settle(env)               # the pending timer fires, the page needs nothing: it all ends
    assert len(env.asked) == 4


async def test_nothing_starts_without_stats_on_the_page_or_without_a_session():
    env = Env(lambda job: "1" + reply(WEB))
    controller = Controller(state_at("vms"), env)
    controller.stats_poller.sync()
    controller.state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    controller.state.client = None
    controller.stats_poller.sync()
    controller.shown = "login"
    controller.stats_poller.sync()
    assert env.tasks == []


async def test_a_new_session_ends_the_old_loop_and_drops_its_replies():
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    env = Env(lambda job: "1" + reply(WEB))
    controller = Controller(state, env)
    controller.stats_poller.sync()
    state.client = None  # signed out while the first fetch is in flight
    await settle(env)
    assert "stats.data" not in state.ui and controller.renders == 0


async def test_the_end_of_the_session_stops_the_downloads_on_their_way():
    """The shell ends the session (and syncs the poller) before it logs out: a download still on its way
    would be refused by XAPI once it forgets the session, and the browser would log the refusal."""
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    env = Env(lambda job: "1" + reply(WEB))
    controller = Controller(state, env)
    controller.stats_poller.sync()
    assert len(env.tasks) == 1 and env.aborted == 0  # one request on its way
    controller.shown = "login"
    controller.stats_poller.sync()
    assert env.aborted == 1
    controller.stats_poller.sync()
    assert env.aborted == 1  # nothing more to stop
    await settle(env)
    assert "stats.data" not in state.ui


async def test_nothing_is_stopped_when_nothing_is_on_its_way():
    env = Env(lambda job: "1" + reply(WEB))
    controller = Controller(state_at("vms"), env)
    controller.stats_poller.sync()
    controller.state.client = None
    controller.stats_poller.sync()
    assert env.aborted == 0


async def test_a_failing_port_is_filed_as_an_error_and_polling_goes_on():
    def broken(job):
        raise RuntimeError("charts.js exploded")
    state = state_at("vm", {"uuid": WEB, "tab": "stats"})
    env = Env(broken)
    controller = Controller(state, env)
    controller.stats_poller.sync()
    await env.tasks.pop(0)
    key = stats_jobs.jobs(state, PAGE)[0]["key"]
    assert stats_jobs.result(state, key)["error"] == "error" and controller.renders == 1
    assert controller.stats_poller.wake_at == 1000.0 + stats_jobs.RETRY_AFTER  # retried later
    state.route = ("vms", {})
    await settle(env)
    assert len(env.asked) == 1
