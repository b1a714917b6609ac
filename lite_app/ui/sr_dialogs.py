"""The SR page's dialogs: edit (name, description, tags), forget and destroy.

Forget and destroy show their plan (lite_app.logic.sr_plans) before anything runs: every disk the SR
holds with the VMs and snapshots using it, what happens to them (forget keeps the data on the storage,
destroy erases it), and, when a VM that is not halted uses one, why nothing can run yet. Destroy also
wants the SR's name typed. Both run as one job (lite_app.logic.jobs, dialogs.run_job) and leave the SR's page for the
storage list when done. The disks' records are needed: until they are loaded the dialog says so.
"""
from lite_app.logic import jobs, limits, model, sr_plans
from lite_app.logic.limits import MAX_DESCRIPTION, MAX_TAG
from lite_app.text import fmt
from lite_app.ui import dialogs, fields
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h


# ---- edit ----------------------------------------------------------------------------------------
def open_edit(state, ref, sr):
    dialogs.show(state, "sr.edit", sr=ref, name=sr.get("name_label") or "", description=sr.get("name_description") or "",
                 tags=", ".join(sorted(sr.get("tags") or [])), errors={})


def parse_tags(text):
    """Tags from "a, b, c": trimmed, empty ones and repeats left out, in the order typed."""
    out = []
    for tag in (text or "").split(","):
        tag = tag.strip()
        if tag and tag not in out:
            out.append(tag)
    return out


def edit_checks(ref, sr, spec):
    """({field: (key, params)}, calls) for what changed."""
    errors, calls = {}, []
    name, description = (spec.get("name") or "").strip(), (spec.get("description") or "").strip()
    error = limits.name_error(name)
    if error is not None:
        errors["name"] = error
    elif name != (sr.get("name_label") or ""):
        calls.append(("SR.set_name_label", [ref, name]))
    error = limits.text_error(description, MAX_DESCRIPTION)
    if error is not None:
        errors["description"] = error
    elif description != (sr.get("name_description") or ""):
        calls.append(("SR.set_name_description", [ref, description]))
    tags, before = parse_tags(spec.get("tags")), sr.get("tags") or []
    long = [tag for tag in tags if len(tag) > MAX_TAG]
    if long:
        errors["tags"] = ("valid.too_long", {"limit": MAX_TAG})
    else:
        calls.extend(("SR.remove_tags", [ref, tag]) for tag in before if tag not in tags)
        calls.extend(("SR.add_tags", [ref, tag]) for tag in tags if tag not in before)
    return errors, calls


def edit_render(state, spec):
    t = state.t
    errors = spec.get("errors") or {}
    said = lambda name: t(errors[name][0], **errors[name][1]) if name in errors else None  # noqa: E731
    body = [w.required_note(state),
            w.required(fields.text("sredit-name", "name", t("edit.name"), spec.get("name"), said("name"),
                                   data_autofocus="1")),
            fields.text("sredit-description", "description", t("edit.description"), spec.get("description"),
                        said("description")),
            fields.text("sredit-tags", "tags", t("edit.tags"), spec.get("tags"), said("tags"), t("sredit.tags_hint"))]
    return t("sredit.title"), body, [dialogs.submit_button(state, spec, t("edit.save")), dialogs.cancel_button(state)]


def edit_submit(state, spec, form):
    sr = state.cache.get("SR", spec["sr"])
    if sr is None:
        return None
    for name in ("name", "description", "tags"):
        if name in form:
            spec[name] = form[name]
    errors, calls = edit_checks(spec["sr"], sr, spec)
    spec["errors"], spec["error"] = errors, None
    if errors:
        spec["error"] = {"text": state.t("edit.refused"), "code": None, "params": []}
        return None
    return dialogs.run(state, spec, calls)


# ---- forget and destroy -------------------------------------------------------------------------
def open_forget(state, ref, sr):
    dialogs.show(state, "sr.forget", sr=ref, uuid=sr.get("uuid"), name=sr.get("name_label") or "", size="wide")


def open_destroy(state, ref, sr):
    dialogs.show(state, "sr.destroy", sr=ref, uuid=sr.get("uuid"), name=sr.get("name_label") or "", typed="",
                 size="wide")


def current_plan(state, spec, kind):
    """The plan shown: the one running once submitted, else one from the cache; None while loading."""
    if spec.get("plan") is not None:
        return spec["plan"]
    if not model.loaded(state.cache, "VBD"):
        state.need("VBD")  # who uses each disk the plan names (the SR's page watches only those it shows)
    if state.cache.get("SR", spec["sr"]) is None or not model.loaded(state.cache, "VDI") \
            or not model.loaded(state.cache, "VBD"):
        return None
    make = sr_plans.destroy_plan if kind == "destroy" else sr_plans.forget_plan
    return make(state.cache, spec["sr"])


def users_text(state, disk):
    t = state.t
    names = [(t("sr.plan.snapshot", name=vm.get("name_label") or "") if vm.get("is_a_snapshot")
              else vm.get("name_label") or ref) for ref, vm, _a in disk["users"]]
    return t("sr.plan.used_by", vms=", ".join(sorted(names))) if names else t("sr.plan.unused")


def disk_list(state, plan, label):
    """Every disk of the plan, with its size and who uses it."""
    items = [h("li", {"key": d["ref"]}, h("strong", None, d["vdi"].get("name_label") or d["vdi"].get("uuid") or ""),
               " (" + fmt.size(d["vdi"].get("virtual_size") or 0) + ") \u2013 " + users_text(state, d))
             for d in plan["disks"]]
    return h("ul", {"class": "xu-plain xl-dialog-list", "aria-label": label}, items)


def plan_nodes(state, plan, kind):
    t = state.t
    nodes = []
    if plan["disks"]:
        label = t("sr.plan.erased") if kind == "destroy" else t("sr.plan.kept")
        nodes.extend([h("p", {"class": "xl-dialog-text"}, label), disk_list(state, plan, label)])
    else:
        nodes.append(h("p", {"class": "xl-dialog-text"}, t("sr.plan.no_disks")))
    vms = [vm.get("name_label") or ref for ref, vm in plan["vms"].items() if not vm.get("is_a_snapshot")]
    if vms:
        key = "sr.plan.vms_lose" if kind == "destroy" else "sr.plan.vms_detached"
        nodes.append(h("p", {"class": "xl-dialog-text"}, t(key, vms=", ".join(sorted(vms)))))
    if plan["blocked"] is not None:
        nodes.append(h("p", {"class": "xl-dialog-error", "role": "alert"}, t(plan["blocked"][0], **plan["blocked"][1])))
    return nodes


def plan_render(state, spec, kind):
    """(title, body, buttons) of the forget or destroy confirmation."""
    t = state.t
    title = t("sr.act." + kind)
    body = [dialogs.description(t("sr." + kind + ".text", sr=spec["name"]))]
    plan = current_plan(state, spec, kind)
    if plan is None and state.cache.get("SR", spec["sr"]) is None and not spec.get("busy"):
        body.append(h("p", {"class": "xl-empty"}, t("page.missing")))
    elif plan is None:
        body.append(h("p", {"class": "xl-empty", "aria-busy": "true"}, t("view.loading")))
    else:
        body.extend(plan_nodes(state, plan, kind))
    ready = plan is not None and plan["blocked"] is None
    if ready and kind == "destroy":
        body.append(fields.text("srdel-typed", "typed", t("sr.destroy.type", sr=spec["name"]), spec.get("typed"),
                                t("sr.destroy.mismatch") if spec.get("mismatch") else None, data_autofocus="1"))
    submit = dialogs.submit_button(state, spec, title, danger=True) if ready else None
    return title, body, [submit, dialogs.cancel_button(state)]


def plan_submit(state, spec, form, kind):
    plan = current_plan(state, spec, kind)
    if plan is None or plan["blocked"] is not None:
        return None
    if kind == "destroy":
        spec["typed"] = form.get("typed") or ""
        spec["mismatch"] = spec["typed"].strip() != spec["name"].strip()
        if spec["mismatch"]:
            spec["error"] = {"text": state.t("sr.destroy.mismatch"), "code": None, "params": []}
            return None
    spec["plan"] = plan
    job = jobs.Job(state.t("job." + kind, sr=spec["name"]), sr_plans.job_steps(plan["calls"]), "SR", spec["sr"])

    def done(results):
        state.notify(state.t("sr." + kind + ".done", sr=spec["name"]))
        if state.route[0] == "sr" and state.route[1].get("uuid") == spec.get("uuid"):
            state.go("storage")
    running = dialogs.run_job(state, spec, job, done)

    async def finish():
        if not await running:
            spec["plan"] = None  # what is left now, if the person tries again
    return finish()


dialogs.register("sr.edit", edit_render, edit_submit)
dialogs.register("sr.forget", lambda state, spec: plan_render(state, spec, "forget"),
                 lambda state, spec, form: plan_submit(state, spec, form, "forget"))
dialogs.register("sr.destroy", lambda state, spec: plan_render(state, spec, "destroy"),
                 lambda state, spec, form: plan_submit(state, spec, form, "destroy"))
