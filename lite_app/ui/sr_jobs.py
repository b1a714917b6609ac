"""Running a storage job (lite_app.logic.jobs) from one of the storage dialogs.

The job's own XAPI task is the dialog's progress bar (jobs.run hands it to the spec). On success
`done(results)` runs and the dialog closes; on failure the dialog stays open with the step's error as
a sentence, plus what could not be taken back when an undo failed too, so the person knows exactly
what is left. A session that ended sends the shell back to its login form: nothing to show here.
"""
from lite_app.logic import jobs
from lite_app.ui import dialogs


def in_dialog(state, spec, job, done=None):
    """Run `job` for the dialog `spec` (busy from now on). Returns the coroutine, True on success."""
    spec["busy"], spec["error"] = True, None
    return _run(state, spec, job, done)


def failure_info(state, failed):
    """The dialog's error for a jobs.Failed: the step's sentence, and any undo that failed."""
    info = dialogs.failure(state, failed.error)
    if failed.undo_errors:
        left = "; ".join([dialogs.failure(state, error)["text"] for error in failed.undo_errors])
        info = dict(info, text=info["text"] + " " + state.t("job.undo_failed", errors=left))
    return info


async def _run(state, spec, job, done):
    try:
        results = await jobs.run(state, job, spec)
    except jobs.Failed as failed:
        spec["busy"] = False
        if failed.code == "SESSION_INVALID":
            return False
        info = failure_info(state, failed)
        if dialogs.is_open(state, spec):
            spec["error"] = info
        else:
            state.notify(info["text"], "error")
        return False
    spec["busy"] = False
    if done is not None:
        done(results)
    dialogs.close_if_open(state, spec)
    return True
