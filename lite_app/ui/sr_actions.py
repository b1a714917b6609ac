"""The SR page's toolbar and lifecycle actions: rescan, repair, edit, set as default, upload, forget,
destroy, and plugging or unplugging one host's connection (its PBD).

Every button is drawn; a refused one is aria-disabled with the reason as its title and description
(lite_app.logic.sr_plans, lite_app.logic.iso_upload). Rescan, set as default and plug/unplug run at once;
a failure stays on the page as a sentence until dismissed. Repair plugs every unplugged PBD, each
host on its own, and lists each one's outcome. Forget and destroy open a confirmation naming what happens to every
disk and the VMs using them (lite_app/ui/sr_dialogs.py); destroy also wants the SR's name typed.
"""
from lite_app.logic import iso_upload, model, sr_plans
from lite_app.ui import dialogs, sr_dialogs, sr_upload
from lite_app.ui.vdom import h

OPS = (("scan", "sr.act.scan"), ("repair", "sr.act.repair"), ("edit", "sr.act.edit"),
       ("default", "sr.act.default"), ("upload", "sr.act.upload"), ("forget", "sr.act.forget"),
       ("destroy", "sr.act.destroy"))
OUTCOMES = "sr.outcomes"   # state.ui: {SR ref: {"title", "error"}} of the last failed quick action
REPAIRS = "sr.repairs"     # state.ui: {SR ref: [(host name, error info or None)]} of the last repair
PENDING = "sr.pending"     # state.ui: {SR ref + "|" + op: True} while a quick action runs


def refusal(state, ref, sr, op):
    """(key, params) of why `op` cannot run on this SR now, or None."""
    cache = state.cache
    if op == "scan":
        if not sr_plans.connections(cache, sr)[0]:
            return ("sr.refuse.unplugged", {})
        return None if "scan" in (sr.get("allowed_operations") or ()) else ("sr.refuse.not_allowed", {})
    if op == "repair":
        return None if sr_plans.repair_targets(cache, sr) else ("sr.refuse.all_plugged", {})
    if op == "default":
        return sr_plans.default_refusal(cache, ref, sr)
    if op == "upload":
        return iso_upload.sr_refusal(cache, sr)
    if op in ("forget", "destroy"):
        blocked = sr_plans.kind_refusal(sr)
        if blocked is None and op == "destroy" and sr.get("content_type") == "iso":
            blocked = ("plan.iso_destroy", {})
        return blocked
    return None


def pending(state, key):
    return key in (state.ui.get(PENDING) or {})


def button(state, ref, sr, op, label_key):
    why = refusal(state, ref, sr, op)
    busy = pending(state, ref + "|" + op)
    reason_id = "sr-why-" + op
    attrs = {"type": "button", "class": "xl-button xl-quiet", "data-action": "sr.act", "data-op": op,
             "data-ref": ref, "key": "act-" + op}
    if busy:
        attrs.update({"aria-disabled": "true", "aria-busy": "true", "title": state.t("act.busy")})
    elif why is not None:
        attrs.update({"aria-disabled": "true", "title": state.t(why[0], **why[1]), "aria-describedby": reason_id})
    return [h("button", attrs, h("span", {"class": "xl-spinner", "aria-hidden": "true"}) if busy else None,
              state.t(label_key)),
            h("span", {"id": reason_id, "class": "xu-sr-only", "key": "why-" + op}, state.t(why[0], **why[1]))
            if why is not None and not busy else None]


def pbd_button(state, sr_ref, pbd_ref, op, label, text):
    """Plug or unplug one host's connection (a small button in the hosts table)."""
    busy = pending(state, pbd_ref + "|" + op)
    attrs = {"type": "button", "class": "xl-button xl-quiet xl-small", "data-action": "sr.pbd", "data-op": op,
             "data-ref": sr_ref, "data-pbd": pbd_ref, "aria-label": label, "key": op}
    if busy:
        attrs.update({"aria-disabled": "true", "aria-busy": "true"})
    return h("button", attrs, h("span", {"class": "xl-spinner", "aria-hidden": "true"}) if busy else None, text)


def toolbar(state, ref, sr):
    return [h("div", {"class": "xl-actions", "key": "sr-actions", "role": "toolbar",
                      "aria-label": state.t("sr.actions")},
              h("div", {"class": "xl-action-group"}, [button(state, ref, sr, op, key) for op, key in OPS])),
            outcome(state, ref), repair_report(state, ref)]


def outcome(state, ref):
    found = (state.ui.get(OUTCOMES) or {}).get(ref)
    if not found:
        return None
    return h("div", {"class": "xl-dialog-error xl-vm-outcome", "role": "alert", "key": "sr-outcome"},
             h("p", None, state.t("act.failed", action=found["title"], reason=found["error"]["text"])),
             dialogs.details(state, found["error"]),
             h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "sr.dismiss",
                          "data-ref": ref, "data-what": OUTCOMES}, state.t("shell.dismiss")))


def repair_report(state, ref):
    """Each host's outcome of the last repair (role=status: read out when it appears)."""
    found = (state.ui.get(REPAIRS) or {}).get(ref)
    if not found:
        return None
    t = state.t
    items = [h("li", {"key": host}, h("strong", None, host), " \u2013 ",
               t("sr.repair.ok") if info is None else info["text"]) for host, info in found]
    return h("section", {"class": "xl-card", "role": "status", "key": "sr-repair", "aria-labelledby": "sr-repair-title"},
             h("h2", {"id": "sr-repair-title", "class": "xl-card-title"}, t("sr.repair.title")),
             h("ul", {"class": "xu-plain xl-dialog-list"}, items),
             h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "sr.dismiss",
                          "data-ref": ref, "data-what": REPAIRS}, t("shell.dismiss")))


async def quick(state, ref, key, title, method, params):
    """Run one call for the toolbar or a host row; a failure stays on the page (and is a notice when
    the person has left it)."""
    outcomes = state.ui.setdefault(OUTCOMES, {})
    outcomes.pop(ref, None)
    route = state.route
    try:
        await state.run_call(method, params)
    except Exception as error:  # shown as a sentence with XAPI's code: nothing is lost
        if getattr(error, "code", None) == "SESSION_INVALID":
            return
        info = dialogs.failure(state, error)
        outcomes[ref] = {"title": title, "error": info}
        if state.route != route:
            state.notify(state.t("act.failed", action=title, reason=info["text"]), "error")
    finally:
        (state.ui.get(PENDING) or {}).pop(key, None)


async def repair(state, ref, sr):
    """Plug every unplugged PBD, each on its own (its own task in the panel): one failing host does
    not stop the others, and each host's outcome is listed."""
    report = []
    try:
        for pbd, host in sr_plans.repair_targets(state.cache, sr):
            name = model.name_of(state.cache, "host", host)
            method, params = sr_plans.plug_call(pbd)
            try:
                await state.run_call(method, params)
                report.append((name, None))
            except Exception as error:  # each host's failure is listed; the others still run
                if getattr(error, "code", None) == "SESSION_INVALID":
                    return
                report.append((name, dialogs.failure(state, error)))
    finally:
        state.ui.setdefault(REPAIRS, {})[ref] = report
        (state.ui.get(PENDING) or {}).pop(ref + "|repair", None)


def on_act(state, payload):
    data = payload.get("data") or {}
    op, ref = data.get("op") or "", data.get("ref") or ""
    sr = state.cache.get("SR", ref)
    if sr is None or op not in [o for o, _k in OPS] or pending(state, ref + "|" + op):
        return None
    why = refusal(state, ref, sr, op)
    if why is not None:
        state.notify(state.t(why[0], **why[1]), here=True)
        return None
    if op in DIALOGS:
        return DIALOGS[op](state, ref, sr)
    state.ui.setdefault(PENDING, {})[ref + "|" + op] = True
    if op == "repair":
        state.ui.setdefault(REPAIRS, {}).pop(ref, None)
        return repair(state, ref, sr)
    method, params = sr_plans.scan_call(ref) if op == "scan" else sr_plans.default_call(state.cache, ref)
    return quick(state, ref, ref + "|" + op, state.t("sr.act." + op), method, params)


def on_pbd(state, payload):
    data = payload.get("data") or {}
    op, ref, pbd = data.get("op"), data.get("ref") or "", data.get("pbd") or ""
    if op not in ("plug", "unplug") or state.cache.get("PBD", pbd) is None or pending(state, pbd + "|" + op):
        return None
    state.ui.setdefault(PENDING, {})[pbd + "|" + op] = True
    method, params = sr_plans.plug_call(pbd) if op == "plug" else sr_plans.unplug_call(pbd)
    return quick(state, ref, pbd + "|" + op, state.t("sr." + op), method, params)


def on_dismiss(state, payload):
    data = payload.get("data") or {}
    if data.get("what") in (OUTCOMES, REPAIRS):
        (state.ui.get(data["what"]) or {}).pop(data.get("ref"), None)


DIALOGS = {"edit": sr_dialogs.open_edit, "forget": sr_dialogs.open_forget, "destroy": sr_dialogs.open_destroy,
           "upload": sr_upload.open_upload}
actions = {"sr.act": on_act, "sr.pbd": on_pbd, "sr.dismiss": on_dismiss}
