"""Maintenance mode, reboot and shutdown of a host: the plan shown before anything runs, then each VM's
progress while it runs, and what is left when it fails.

On opening, XAPI is asked which VMs cannot leave the host and why (host.get_vms_which_prevent_evacuation);
the others are listed with the host they are expected to go to (lite_app.logic.evacuation.plan). VMs that
cannot move are only shut down when the user ticks the box naming them. The job
(lite_app/logic/jobs.py) disables the host, shuts those down, evacuates, then reboots or shuts it down;
each VM's line follows where it really is. A failure leaves the host in maintenance mode (disabled)
and the dialog lists the VMs still on it. Rebooting the pool master ends every session: the dialog
says so before, and the shell says it while the master is away (lite_app/logic/hoststate.py).
"""
from lite_app.logic import evacuation, hostpower, model
from lite_app.logic.jobs import Job
from lite_app.ui import admin_forms as form
from lite_app.ui import dialogs
from lite_app.ui.vdom import h
from lite_app.xapi.errors import TransportError, XapiError

KIND = "adm.power"
SUBMIT = {"maintenance": "adm.power.submit.maintenance", "reboot": "adm.power.submit.reboot",
          "shutdown": "adm.power.submit.shutdown"}


def open_power(state, ref, host, op):
    spec = dialogs.show(state, KIND, ref=ref, op=op, name=host.get("name_label") or "", stop=False, blockers=None,
                        master=hostpower.is_master(state.cache, ref), size="wide")
    guests = evacuation.guests_on(state.cache, ref, host)
    if not guests:
        spec["blockers"] = {}
        return None
    for vm_ref, _vm in guests:  # their memory bounds, for the plan (the list loads only what it shows)
        state.request_record("VM", vm_ref)
    return fetch_blockers(state, spec)


async def fetch_blockers(state, spec):
    try:
        found = await state.client.call("host.get_vms_which_prevent_evacuation", spec["ref"])
    except (XapiError, TransportError) as error:
        spec["plan_error"] = dialogs.failure(state, error)
        return
    spec["blockers"] = dict(found or {})


def rows(state, spec):
    """The plan: frozen once submitted, else from the cache and XAPI's answer."""
    if spec.get("rows") is not None:
        return spec["rows"]
    host = state.cache.get("host", spec["ref"]) or {}
    return evacuation.plan(state.cache, spec["ref"], host, spec["blockers"])


def reason_text(state, reason):
    return dialogs.failure(state, list(reason))["text"]


def row_text(state, spec, row):
    """"web-01 – to xcp-ng-02 (expected)" or "… – cannot move: <why>"."""
    t = state.t
    if row["reason"] is not None:
        return t("adm.power.cannot", vm=row["name"], reason=reason_text(state, row["reason"]))
    target = model.name_of(state.cache, "host", row["target"]) if row["target"] else t("adm.power.another_host")
    return t("adm.power.goes", vm=row["name"], host=target)


def status_text(state, spec, row):
    """Where the VM is now, once the job started."""
    if not (spec.get("busy") or spec.get("ran")):
        return None
    status, where = evacuation.vm_status(state.cache, spec["ref"], row["vm"])
    text = state.t("adm.power.vm." + status, host=model.name_of(state.cache, "host", where) if where else "")
    return h("span", {"class": "xl-badge xl-flag-" + ("ok" if status in ("moved", "stopped") else "neutral")}, text)


def plan_nodes(state, spec):
    t = state.t
    if spec.get("plan_error"):
        return [h("div", {"class": "xl-dialog-error", "role": "alert"}, h("p", None, spec["plan_error"]["text"]))]
    if spec["blockers"] is None:
        return [h("p", {"class": "xl-empty", "aria-busy": "true"}, t("adm.power.planning"))]
    plan = rows(state, spec)
    if not plan:
        return [h("p", {"class": "xl-note"}, t("adm.power.empty"))]
    items = [h("li", {"key": row["vm"], "class": "xl-plan-row"}, h("span", None, row_text(state, spec, row)),
               status_text(state, spec, row)) for row in plan]
    nodes = [h("p", {"class": "xl-dialog-text"}, t("adm.power.plan")),
             h("ul", {"class": "xu-plain xl-dialog-list xl-plan", "aria-label": t("adm.power.plan")}, items)]
    stuck = evacuation.blocked(plan)
    if stuck:
        names = ", ".join([row["name"] for row in stuck])
        error = (spec.get("errors") or {}).get("stop")
        nodes.append(h("label", {"class": "xl-check"},
                       h("input", {"type": "checkbox", "checked": spec["stop"], "data-action": "hostpower.stop",
                                   "aria-invalid": "true" if error else None,
                                   "aria-describedby": "err-stop" if error else None}),
                       h("span", None, t("adm.power.stop", count=len(stuck), vms=names))))
        nodes.append(form.notes("stop", error, None))
    return nodes


def left_nodes(state, spec):
    """After a failure: what is still on the host, and that it stays in maintenance mode."""
    if not spec.get("ran") or spec.get("busy") or not spec.get("error"):
        return []
    left = evacuation.left_on(state.cache, spec["ref"])
    host = state.cache.get("host", spec["ref"]) or {}
    nodes = [h("p", {"class": "xl-note"}, state.t("adm.power.still_disabled", host=spec["name"]))] \
        if not host.get("enabled", True) else []
    if left:
        nodes.append(h("p", {"class": "xl-dialog-text"}, state.t("adm.power.left", host=spec["name"])))
        nodes.append(form.plain_list(left, state.t("adm.power.left", host=spec["name"])))
    return nodes


def notes_before(state, spec):
    t = state.t
    nodes = [dialogs.description(t("adm.power.text." + spec["op"], host=spec["name"]))]
    if spec["master"] and spec["op"] != "maintenance":
        nodes.append(h("p", {"class": "xl-note", "role": "note"}, t("adm.power.master." + spec["op"], host=spec["name"])))
    if spec["master"] and spec["op"] == "reboot":
        nodes.append(password_field(state))
    return nodes


def password_field(state):
    """The user's password, to sign in again after the master's reboot: never kept in the spec (nor in
    the page's markup), read from the submitted form only."""
    t = state.t
    return h("div", {"class": "xl-field"},
             h("label", {"class": "xl-field-label", "for": "f-password"}, t("adm.power.password")),
             h("input", {"type": "password", "id": "f-password", "name": "password", "autocomplete": "current-password",
                         "aria-describedby": "hint-password"}),
             h("span", {"id": "hint-password", "class": "xl-field-hint"}, t("adm.power.password_hint")))


def power_render(state, spec):
    t = state.t
    if state.cache.get("host", spec["ref"]) is None:
        return t(SUBMIT[spec["op"]]), [dialogs.description(t("page.missing"))], [dialogs.cancel_button(state)]
    body = notes_before(state, spec) + plan_nodes(state, spec) + left_nodes(state, spec)
    ready = spec["blockers"] is not None and not spec.get("plan_error")
    submit = dialogs.submit_button(state, spec, t(SUBMIT[spec["op"]]), danger=spec["op"] != "maintenance") if ready else None
    return t("adm.power.title." + spec["op"]), body, [submit, dialogs.cancel_button(state)]


def job_for(state, spec, plan):
    host = state.cache.get("host", spec["ref"]) or {}
    op, ref = spec["op"], spec["ref"]
    if op == "maintenance":
        steps = evacuation.empty_steps(ref, host, plan, spec["stop"])
    else:
        steps = evacuation.power_steps(op, ref, host, plan, spec["stop"], spec["master"])
    return Job(state.t("adm.job." + op, host=spec["name"]), steps, "host", ref)


def power_submit(state, spec, typed):
    if spec["blockers"] is None or state.cache.get("host", spec["ref"]) is None:
        return None
    plan = rows(state, spec)
    stuck = evacuation.blocked(plan)
    if stuck and not spec["stop"]:
        return form.refuse(state, spec, {"stop": ("adm.power.must_stop", {"count": len(stuck)})})
    spec["errors"], spec["rows"], spec["ran"] = {}, plan, True
    if spec["master"] and spec["op"] == "reboot":  # the session ends with the reboot: the shell signs in again
        state.resume = {"host": spec["name"], "user": state.user, "password": typed.get("password") or None}

    def after(ok):
        spec["rows"] = None if not ok else spec["rows"]
        if not ok:
            state.resume = None
        if ok:
            state.notify(state.t("adm.power.done." + spec["op"], host=spec["name"]))
    return form.run_job(state, spec, job_for(state, spec, plan), after)


def on_stop(state, payload):
    spec = dialogs.current(state, KIND)
    if spec is not None:
        spec["stop"] = bool(payload.get("checked"))


dialogs.register(KIND, power_render, power_submit, {"hostpower.stop": on_stop})
