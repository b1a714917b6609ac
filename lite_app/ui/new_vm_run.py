"""Creating the VM: one XAPI task standing for the whole creation, its steps shown as they run.

Create checks the form again against the pool as it is now; nothing starts while a field is wrong.
The plan (lite_app/logic/vm_create.py) runs through lite_app/logic/vm_create_run.py with the
shell's calls (`state.run_call` follows `Async.*` calls to the end of their task; `state.upload`
puts the cloud-init drive) while a task made with `task.create` carries the progress, so the
Tasks panel — and any other client of the pool — shows one entry for the creation. When a step
fails, everything made so far is removed and the page says which step failed and why; the form
stays as it was, to correct and try again.
"""
from lite_app.logic import vm_create, vm_create_run
from lite_app.logic.model import namer
from lite_app.text.errors import describe
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

RUN = "newvm.creation"
STATUS_KEYS = {"waiting": "newvm.st.waiting", "running": "newvm.st.running", "done": "newvm.st.done",
               "failed": "newvm.st.failed"}


def current(state):
    return state.ui.get(RUN)


class StateIO:
    """The runner's calls through the shell; the creation's task follows its progress."""

    def __init__(self, state, creation):
        self.state, self.creation = state, creation

    async def call(self, method, params):
        return await self.state.run_call(method, params)

    async def upload(self, vdi, data):
        await self.state.upload(vdi, data)

    def changed(self):
        pass  # every call brings events, and the shell renders after each batch of them

    async def progress(self, fraction):
        if self.creation.task:
            try:
                await self.state.client.call("task.set_progress", self.creation.task, fraction)
            except Exception:  # the creation matters, not its progress bar
                pass


def start(state, form, template):
    """The coroutine creating the VM (the shell awaits it); the form must have passed its checks."""
    creation = vm_create_run.Creation(vm_create.plan(state.cache, form, template), form["name"].strip())
    state.ui[RUN] = creation
    return create(state, creation)


async def create(state, creation):
    t = state.t
    client = state.client
    try:
        creation.task = await client.call("task.create", t("newvm.task", name=creation.name),
                                          t("newvm.task_text", steps=len(creation.steps)))
    except Exception:
        creation.task = None  # the creation goes on without its panel entry
    ok = await vm_create_run.run(creation, StateIO(state, creation))
    await finish_task(state, creation, ok)
    if ok:
        state.notify(t("newvm.created", name=creation.name))
    return ok


async def finish_task(state, creation, ok):
    if not creation.task:
        return
    client = state.client
    try:
        if ok:
            await client.call("task.set_result", creation.task, creation.vm or "")
            await client.call("task.set_status", creation.task, "success")
        else:
            code = getattr(creation.error, "code", "INTERNAL_ERROR")
            params = [str(p) for p in getattr(creation.error, "params", None) or [repr(creation.error)]]
            await client.call("task.set_error_info", creation.task, [code] + params)
            await client.call("task.set_status", creation.task, "failure")
    except Exception:
        pass


# ---- the view ---------------------------------------------------------------------------------------
def progress(state, creation):
    t = state.t
    done = len([s for s in creation.steps if s["status"] == "done"])
    percent = int(100 * done / float(len(creation.steps) or 1))
    items = [h("li", {"class": "xl-newvm-step xl-step-" + step["status"], "key": "step-%d" % i},
               h("span", {"class": "xl-newvm-step-name"}, step_label(t, step)),
               h("span", {"class": "xl-newvm-step-state"}, t(STATUS_KEYS[step["status"]])))
             for i, step in enumerate(creation.steps)]
    body = [w.progress_bar(percent, t("newvm.progress", name=creation.name)) if not creation.finished else None,
            h("ol", {"class": "xl-newvm-steps", "aria-label": t("newvm.steps")}, items)]
    body += outcome(state, creation)
    return w.card("newvm-run", t("newvm.run_title", name=creation.name), body,
                  cls="xl-newvm-run", icon="vm")


def step_label(t, step):
    key = vm_create_run.STEP_KEYS[step["name"]]
    data = step["data"]
    if step["name"] == "disk":
        return t(key, name=data["name"])
    return t(key)


def outcome(state, creation):
    t = state.t
    if not creation.finished:
        return [h("p", {"role": "status", "class": "xl-field-hint"}, t("newvm.working"))]
    if creation.ok():
        vm = state.cache.get("VM", creation.vm) or {}
        return [h("p", {"role": "status"}, t("newvm.created", name=creation.name)),
                h("div", {"class": "xl-actions"},
                  h("a", {"class": "xl-button xl-primary", "href": state.href("vm", {"uuid": vm.get("uuid") or creation.vm_uuid})},
                    t("newvm.open", name=creation.name)),
                  h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "newvm.again"},
                    t("newvm.again")))]
    step = creation.steps[creation.failed]
    reason = describe(creation.error, namer(state.cache), t)["text"]
    out = [h("p", {"class": "xl-field-error", "role": "alert"},
             t("newvm.failed", step=step_label(t, step), reason=reason))]
    if creation.undo_error is not None:
        left = describe(creation.undo_error, namer(state.cache), t)["text"]
        out.append(h("p", {"class": "xl-field-error"}, t("newvm.undo_failed", reason=left)))
    else:
        out.append(h("p", {"class": "xl-field-hint"}, t("newvm.undone")))
    return out
