"""Uploading an ISO image from this computer into an ISO library: the dialog and the transfer.

The person picks a file (the bridge reports only its name and size); the dialog says what the image
will be called and whether it fits (lite_app.logic.iso_upload). Upload then runs as one task the
person sees: the app creates an XAPI task, makes the empty image (VDI.create), and has the browser
stream the file to PUT /import_raw_vdi as that task (state.upload_port(): lite_app/static/upload.js;
the session goes in the cookie, never the URL). The dialog shows the bytes sent, the speed and the
time left; Cancel cancels the task, stops the transfer and removes the partial image, as does any
failure, so no half-written image stays in the library.
"""
import json

from lite_app.logic import iso_upload, sr_plans, tasks
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h
from lite_app.xapi import urls
from lite_app.xapi.errors import TransportError, XapiError

INPUT_ID = "xl-upload-file"
POLL_SECONDS = 0.2
# The task's outcome once the transfer failed: how long to wait for XAPI to end it (polls).
GIVE_UP_POLLS = 50
CHECK_EVERY = 25  # polls between direct task.get_record checks (events may be late)
ENDED = ("success", "failure", "cancelled")


def open_upload(state, ref, sr):
    dialogs.show(state, "sr.upload", sr=ref, name=sr.get("name_label") or "", file=None, image=None, phase="choose",
                 size="wide")


def taken_names(state, sr_ref):
    return [vdi.get("name_label") for _ref, vdi in sr_plans.sr_vdis(state.cache, sr_ref)]


def file_refusal(state, spec):
    sr = state.cache.get("SR", spec["sr"]) or {}
    found = spec.get("file")
    if found is None:
        return ("upload.need_file", {})
    return iso_upload.file_refusal(spec["image"], int(found.get("size") or 0), sr, taken_names(state, spec["sr"]))


def chosen(state, spec):
    """What was picked: the file, its size, the image's name in the library, or why it cannot go."""
    t = state.t
    found = spec.get("file")
    if found is None:
        return None
    why = file_refusal(state, spec)
    pairs = [(t("upload.file"), found.get("name") or ""), (t("col.size"), fmt.size(found.get("size") or 0))]
    if spec.get("image"):
        pairs.append((t("upload.saved_as"), h("code", None, spec["image"])))
    return [w.kv(pairs), h("p", {"class": "xl-field-error", "role": "alert"}, t(why[0], **why[1])) if why else None]


def picker(state, spec):
    """The file input. It stays in the page (hidden) while the file is sent: upload.js reads the File
    from it when the transfer starts."""
    t = state.t
    return h("div", {"class": "xl-field", "key": "picker", "hidden": spec["phase"] != "choose"},
             h("label", {"class": "xl-field-label", "for": INPUT_ID}, t("upload.pick")),
             h("input", {"type": "file", "id": INPUT_ID, "accept": ".iso,.img", "data-action": "upload.pick",
                         "data-autofocus": "1", "aria-describedby": "upload-hint"}),
             h("span", {"id": "upload-hint", "class": "xl-field-hint"}, t("upload.hint")))


def progress(state, spec):
    """The transfer's bar (bytes the browser sent) and its figures."""
    t = state.t
    sent, total = int(spec.get("sent") or 0), int(spec.get("total") or (spec.get("file") or {}).get("size") or 0)
    percent = fmt.percent(sent, total)
    meter = spec.get("meter")
    speed = meter.speed() if meter is not None else None
    left = meter.left(total) if meter is not None else None
    figures = t("usage.of", used=fmt.size(sent), total=fmt.size(total))
    if speed:
        figures += " \u00b7 " + t("upload.speed", speed=fmt.size(speed))
    if left is not None:
        figures += " \u00b7 " + t("task.eta", time=fmt.duration(left, t))
    label = t("upload.progress", name=spec.get("image") or "")
    status = t("upload.cancelling") if spec.get("phase") == "cancelling" else figures
    return h("div", {"class": "xl-dialog-progress", "key": "progress"},
             h("div", {"class": "xl-bar", "role": "progressbar", "aria-label": label, "aria-valuemin": "0",
                       "aria-valuemax": "100", "aria-valuenow": str(percent), "aria-valuetext": figures},
               h("div", {"class": "xl-bar-fill", "style": "width:%d%%" % percent})),
             h("span", {"class": "xu-muted", "role": "status"}, status))


def upload_render(state, spec):
    t = state.t
    body = [dialogs.description(t("upload.text", sr=spec["name"])), picker(state, spec)]
    if spec["phase"] == "choose":
        body.append(chosen(state, spec))
        ready = spec.get("file") is not None and file_refusal(state, spec) is None
        buttons = [dialogs.submit_button(state, spec, t("upload.submit")) if ready else None,
                   dialogs.cancel_button(state)]
    else:
        body.extend([h("p", {"class": "xl-dialog-text"}, t("upload.sending", name=spec["image"])), progress(state, spec)])
        stopping = spec["phase"] == "cancelling"
        buttons = [h("button", {"type": "button", "class": "xl-button xl-danger-button", "data-action": "upload.cancel",
                                "data-dialog-cancel": "1", "key": "cancel-upload", "disabled": stopping,
                                "aria-busy": "true" if stopping else None}, t("upload.cancel"))]
    return t("upload.title"), body, buttons


def upload_submit(state, spec, form):
    if spec["phase"] != "choose" or spec.get("file") is None:
        return None
    why = file_refusal(state, spec)
    if why is not None:
        spec["error"] = {"text": t_of(state, why), "code": None, "params": []}
        return None
    spec.update(phase="sending", error=None, sent=0, total=int(spec["file"].get("size") or 0),
                meter=iso_upload.Meter(), task=None, vdi=None, port=None)
    return transfer(state, spec)


def t_of(state, refusal):
    return state.t(refusal[0], **refusal[1])


def heard(state, spec, text):
    """A progress event of the transfer."""
    try:
        data = json.loads(text)
    except ValueError:
        return
    spec["sent"], spec["total"] = int(data.get("sent") or 0), int(data.get("total") or spec["total"])
    spec["meter"].add(float(data.get("at") or 0), spec["sent"])
    state.redraw()


async def transfer(state, spec):
    """Task, image, transfer, outcome; whatever fails, the partial image goes again."""
    label = state.t("job.upload", name=spec["image"], sr=spec["name"])
    try:
        task = await state.client.call("task.create", label, "")
        spec["upload_task"] = task
        tasks.panel(state).note(task, "SR", spec["sr"])
        method, params = iso_upload.create_call(spec["sr"], spec["image"], spec["total"])
        spec["vdi"] = await state.run_call(method, params)
    except (XapiError, TransportError) as error:
        return await finished(state, spec, error)
    if spec["phase"] == "cancelling":
        return await finished(state, spec, XapiError("TASK_CANCELLED", [task]))
    spec["port"] = state.upload_port()
    text = await spec["port"].send(INPUT_ID, urls.import_raw_vdi_path(spec["vdi"], task),
                                   lambda text: heard(state, spec, text))
    return await settle(state, spec, task, text)


async def settle(state, spec, task, text):
    """The task's outcome once the browser is done sending (XAPI ends it; a transfer that never
    reached the host leaves it to us)."""
    try:
        outcome = json.loads(text)
    except ValueError:
        outcome = {"outcome": "failed", "status": 0}
    record = await wait_task(state, task, None if outcome.get("outcome") == "done" else GIVE_UP_POLLS)
    if record is not None and record.get("status") == "success":
        return await finished(state, spec, None)
    if spec["phase"] == "cancelling":
        # The person cancelled: the host saw the body end early (VDI_IO_ERROR) or the task cancelled.
        return await finished(state, spec, XapiError("TASK_CANCELLED", [task]))
    if record is not None and record.get("status") in ("failure", "cancelled"):
        return await finished(state, spec, list(record.get("error_info") or ["INTERNAL_ERROR"]))
    if outcome.get("outcome") == "aborted":
        return await finished(state, spec, XapiError("TASK_CANCELLED", [task]))
    return await finished(state, spec, TransportError("http" if outcome.get("status") else "unreachable",
                                                      outcome.get("status") or None, "upload"))


async def finished(state, spec, error):
    """Close the upload's task; after a failure or a cancel, remove the partial image first."""
    task = spec.get("upload_task")
    removed = None
    if error is not None and spec.get("vdi"):
        removed = await remove_image(state, spec)
    if task is not None:
        await end_task(state, task, error)
    return report(state, spec, error, removed)


async def _quiet(state, method, *params):
    """A call about the upload's own task: its failure changes nothing for the person."""
    try:
        await state.client.call(method, *params)
    except (XapiError, TransportError):
        pass


async def end_task(state, task, error):
    """Mark the upload's task ended when XAPI did not (the transfer never reached the handler), so
    other clients see its outcome, then destroy it: a task the client made is the client's to remove."""
    if (state.cache.get("task", task) or {}).get("status", "pending") == "pending":
        if error is not None:
            info = dialogs.failure(state, error)
            await _quiet(state, "task.set_error_info", task, [info["code"] or "INTERNAL_ERROR"] + list(info["params"]))
        await _quiet(state, "task.set_status", task, "failure" if error is not None else "success")
    await _quiet(state, "task.destroy", task)


async def wait_task(state, ref, polls=None):
    """The task's record once it ended (from the live cache, asking XAPI now and then), or None after
    `polls` polls without an end."""
    count = 0
    while polls is None or count < polls:
        record = state.cache.get("task", ref)
        if count and count % CHECK_EVERY == 0:
            try:
                record = await state.client.call("task.get_record", ref)
            except (XapiError, TransportError):
                return None
        if record is not None and record.get("status") in ENDED:
            return record
        count += 1
        await state.sleep(POLL_SECONDS)
    return None


async def remove_image(state, spec):
    """VDI.destroy of the partial image; the failure, if it could not be removed."""
    try:
        await state.run_call("Async.VDI.destroy", [spec["vdi"]])
        spec["vdi"] = None
        return None
    except (XapiError, TransportError) as error:
        return dialogs.failure(state, error)


def report(state, spec, error, removed):
    t = state.t
    open_ = dialogs.is_open(state, spec)
    if error is None:
        state.notify(t("upload.done", name=spec["image"], sr=spec["name"]))
        dialogs.close_if_open(state, spec)
        return True
    info = dialogs.failure(state, error)
    if info["code"] == "TASK_CANCELLED" and removed is None:
        state.notify(t("upload.cancelled", name=spec["image"]))
        dialogs.close_if_open(state, spec)
        return False
    text = t("upload.failed", reason=upload_reason(state, info))
    text += " " + (t("upload.kept", reason=removed["text"]) if removed else t("upload.removed"))
    spec.update(phase="choose", error=dict(info, text=text))
    if not open_:
        state.notify(text, "error")
    return False


def upload_reason(state, info):
    """XAPI's sentence; an ISO library that cannot create the file says so plainly."""
    if info["code"] == "SR_BACKEND_FAILURE_78":
        return state.t("upload.no_file", reason=info["text"])
    return info["text"]


def on_pick(state, payload):
    spec = dialogs.current(state, "sr.upload")
    if spec is None or spec["phase"] != "choose":
        return
    files = payload.get("files") or []
    spec["file"] = files[0] if files else None
    spec["image"] = iso_upload.image_name((files[0] or {}).get("name")) if files else None
    spec["error"] = None


def on_cancel(state, payload):
    """Cancel the upload: the browser stops sending, XAPI cancels its task; the transfer's coroutine
    then removes the partial image."""
    spec = dialogs.current(state, "sr.upload")
    if spec is None or spec["phase"] != "sending":
        return None
    spec["phase"] = "cancelling"
    return stop(state, spec)


async def stop(state, spec):
    """Abort the request first (the browser ends it quietly), then cancel the task if XAPI has not
    ended it meanwhile (a task the handler never started is ours to cancel)."""
    if spec.get("port") is not None:
        spec["port"].abort()
    task = spec.get("upload_task")
    record = state.cache.get("task", task or "") or {}
    if task and record.get("status", "pending") == "pending":
        try:
            await state.client.call("task.cancel", task)
        except (XapiError, TransportError):
            pass  # the task ended on its own: the transfer's outcome says how


dialogs.register("sr.upload", upload_render, upload_submit, {"upload.pick": on_pick, "upload.cancel": on_cancel})
