"""Operations of several calls shown as one task: a VLAN or a bond on every host, maintenance mode.

Pure (CPython and MicroPython); XAPI is reached through the state's services only (`state.client`,
`state.run_call`, `state.sleep`), so tests drive it with a fake client and clock.

A job is a title, the object it acts on and its steps. `run` creates a task of the app's own
(`task.create`, titled like the job) so the pool's task list, this app's tasks page and other clients
show the whole operation as one task; each step's own `Async.` task is hidden from this app's panel and
its progress is copied into the job's task (`task.set_progress`). When a step fails, the steps already
done are undone in reverse order (those that say how), so nothing is left half-built, then the job's
task ends as failed with the step's error. A step is a dict:
- "call": (method, params), or a function of the results so far returning one
- "key": the name its result is kept under in the results (optional)
- "weight": its share of the job's progress (default 1)
- "check": function(result) raising an error when a result that came back means failure (optional)
- "undo": function(result, results) -> (method, params): how to take the step back (optional)
- "lost_ok": True when the connection dropping before the answer means the step did its work (the
  pool master told to reboot stops answering)
"""
import asyncio

from lite_app.logic import tasks
from lite_app.xapi.errors import TransportError

MIRROR_SECONDS = 0.3
MIN_STEP = 0.02  # progress moves of less than this are not sent to XAPI


class Failed(Exception):
    """A job stopped: `error` is the step's error; `undo_errors` those of undo calls that failed too."""

    def __init__(self, error, undo_errors, done):
        super().__init__(error)
        self.error = error
        self.code = getattr(error, "code", None)
        self.undo_errors = undo_errors
        self.done = done


class Job:
    def __init__(self, title, steps, cls=None, ref=None):
        self.title = title
        self.steps = steps
        self.object = (cls, ref)
        self.task = None      # the job's own XAPI task
        self.reported = 0.0   # the progress last sent to it
        self.results = {}


def resolve(step, results):
    call = step["call"]
    return call(results) if callable(call) else call


async def begin(state, job, spec):
    """Create the job's task; a pool refusing it still gets the job done, only without that task."""
    try:
        job.task = await state.client.call("task.create", job.title, "")
    except Exception:  # a job never depends on its own progress record
        job.task = None
        return
    if job.object[1]:
        tasks.panel(state).note(job.task, job.object[0], job.object[1])
    if spec is not None:
        spec["task"] = job.task


async def report(state, job, progress):
    if job.task is None or progress - job.reported < MIN_STEP:
        return
    job.reported = progress
    try:
        await state.client.call("task.set_progress", job.task, min(1.0, progress))
    except Exception:  # progress is advice; the job goes on without it
        pass


async def mirror(state, job, box, base, weight):
    """While a step runs: hide its task from the panel and copy its progress into the job's task."""
    while box["on"]:
        ref = box["spec"].get("task")
        if ref:
            tasks.panel(state).hide(ref)
            if job.task is None and box.get("outer") is not None:
                box["outer"]["task"] = ref  # no task of our own: the dialog follows the step's
            record = state.cache.get("task", ref) or {}
            await report(state, job, base + weight * float(record.get("progress") or 0.0))
        await state.sleep(MIRROR_SECONDS)


async def step(state, job, method, params, base, weight, outer):
    box = {"on": True, "spec": {}, "outer": outer}
    watcher = asyncio.create_task(mirror(state, job, box, base, weight))
    try:
        return await state.run_call(method, params, box["spec"])
    finally:
        box["on"] = False
        await watcher


async def lost_or(running, lost_ok):
    try:
        return await running
    except TransportError:
        if not lost_ok:
            raise
        return None


async def finish(state, job, status, error=None):
    if job.task is None:
        return
    try:
        if error is not None:
            await state.client.call("task.set_error_info", job.task, error_info(error))
        elif job.reported < 1.0:
            await state.client.call("task.set_progress", job.task, 1.0)
        await state.client.call("task.set_status", job.task, status)
    except Exception:  # the outcome is shown by the caller either way
        pass


def error_info(error):
    code = getattr(error, "code", None)
    return [code] + list(getattr(error, "params", None) or []) if code else ["INTERNAL_ERROR", str(error)]


async def undo(state, job, done):
    """Take back the steps done, last first; the errors of those that could not be undone."""
    failed = []
    for item, result in reversed(done):
        if item.get("undo") is None:
            continue
        try:
            method, params = item["undo"](result, job.results)
            await state.run_call(method, params)
        except Exception as error:  # keep undoing the rest; the caller says what stayed
            failed.append(error)
    return failed


async def run(state, job, spec=None):
    """Run the job's steps in order; returns their results ({key: result}), raises Failed."""
    await begin(state, job, spec)
    total = float(sum([s.get("weight", 1) for s in job.steps]) or 1)
    base, done = 0.0, []
    for item in job.steps:
        weight = item.get("weight", 1) / total
        try:
            method, params = resolve(item, job.results)
            result = await lost_or(step(state, job, method, params, base, weight, spec), item.get("lost_ok"))
            if item.get("check") is not None:
                item["check"](result)
        except Exception as error:  # undo what was done, then report this error
            failed = await undo(state, job, done) if getattr(error, "code", None) != "SESSION_INVALID" else []
            await finish(state, job, "failure", error)
            raise Failed(error, failed, [d[0] for d in done])
        if item.get("key"):
            job.results[item["key"]] = result
        done.append((item, result))
        base += weight
        await report(state, job, base)
    await finish(state, job, "success")
    return job.results
