"""How every action runs an XAPI call: `Async.*` calls are followed to the end of their task.

`run_call(state, method, params, spec=None)` calls the method; for an `Async.*` one it notes which
object the task acts on (the panel of lite_app.logic.tasks), hands the task ref to `spec` (a dialog's,
so it can show the progress and cancel), then waits for the task through the live cache (the `task`
class comes with event.from), asking XAPI directly now and then in case events are late. It returns
the task's result or raises its error. Waiting sleeps on the state's injected clock (`state.sleep`), so
tests control time. Views reach it as `state.run_call(...)`; they never import the shell.
"""
from lite_app.logic import tasks
from lite_app.logic.model import namer
from lite_app.xapi.errors import XapiError
from lite_app.xapi.tasks import task_outcome
from lite_app.xapi.urls import percent_encode

POLL_SECONDS = 0.2
# Polls between direct task.get_record checks (the event loop may be reconnecting).
CHECK_EVERY = 25
# Polls before the first direct check of a task the cache has not seen yet.
FIRST_CHECK = 5
ENDED = ("success", "failure", "cancelled")


async def run_call(state, method, params, spec=None):
    """Run one call; an Async one is followed to its end. `spec` (a dialog's) gets the task ref. A call
    the session's end refused is noted (state.unsaved) under a label made before the call, since the
    expiry clears the cache: the user hears about it after signing in again."""
    label = tasks.call_label(method, params, namer(state.cache), state.t)
    client = state.client
    try:
        return await follow(state, method, params, spec)
    except XapiError as error:
        if error.code == "SESSION_INVALID":
            state.note_unsaved(label)
            if state.client is not client:  # the user signed in again before this answer came back
                state.report_unsaved()
        raise


async def follow(state, method, params, spec):
    if not method.startswith("Async."):
        return await state.client.call(method, *params)
    task_ref = await state.client.call(method, *params)
    if params and isinstance(params[0], str) and params[0].startswith("OpaqueRef:"):
        tasks.panel(state).note(task_ref, tasks.class_of(method), params[0])
    if spec is not None:
        spec["task"] = task_ref
    status, value = await wait(state, task_ref)
    if status != "success":
        raise value
    return value


async def wait(state, task_ref):
    """(status, value) of the task once it ended (lite_app.xapi.tasks.task_outcome)."""
    polls = 0
    while True:
        record = state.cache.get("task", task_ref) or tasks.panel(state).history.get(task_ref)
        due = record is None and polls >= FIRST_CHECK or (polls and polls % CHECK_EVERY == 0)
        if due:
            record = await state.client.call("task.get_record", task_ref)
        if record is not None and record.get("status") in ENDED:
            return task_outcome(record)
        polls += 1
        await state.sleep(POLL_SECONDS)


async def upload(state, put, vdi, data, label="Import disk content"):
    """Put `data` into `vdi` through PUT /import_raw_vdi (XAPI's raw import) as a task of ours,
    followed to its end; `put(path, data)` is the page's (same origin: the session is the cookie).
    Raises the task's error; the task is destroyed afterwards."""
    task = await state.client.call("task.create", label, "")
    try:
        query = "vdi=%s&format=raw&task_id=%s" % (percent_encode(vdi), percent_encode(task))
        await put("/import_raw_vdi?" + query, data)
        status, value = await wait(state, task)
        if status != "success":
            raise value
    finally:
        try:
            await state.client.call("task.destroy", task)
        except Exception:  # the upload's outcome is what matters
            pass
