"""The New SR page's confirmations: create an SR, or attach one a probe found on the storage.

Each shows exactly what XAPI will be asked before anything runs: the call, the host it runs on, the
SR's type, content and scope, and the device config the driver gets, every secret shown as hidden
(lite_app.logic.sr_create.shown_config: a password typed is sent, never written back into the page).
Both run as one job (lite_app.logic.jobs through dialogs.run_job): creating is SR.create,
which makes and plugs the PBDs itself; attaching is SR.introduce, a PBD per host, plugging them and a
scan, undone in reverse should a step fail. When done the form is forgotten and the new SR's page
opens.
"""
from lite_app.logic import jobs, model, sr_create, sr_plans
from lite_app.text import fmt
from lite_app.ui import dialogs
from lite_app.ui import widgets as w
from lite_app.ui.new_sr_form import clear
from lite_app.ui.vdom import h


def open_create(state, values, device_row=None):
    """`device_row`: the listed device a local SR goes on (lite_app.logic.blockdevs), for its size."""
    dialogs.show(state, "newsr.create", values=dict(values), device_row=device_row, size="wide")


def open_attach(state, values, found, name):
    dialogs.show(state, "newsr.attach", values=dict(values, name=name), found=found, size="wide")


def host_name(state, ref):
    return model.name_of(state.cache, "host", ref) if ref else ""


def config_list(state, config):
    """The device config as the driver gets it, secrets hidden."""
    items = [h("li", {"key": key}, h("code", None, key), " = ",
               h("code", None, value) if value is not None else h("em", None, state.t("newsr.hidden")))
             for key, value in sr_create.shown_config(config)]
    return h("ul", {"class": "xu-plain xl-dialog-list", "aria-label": state.t("newsr.device_config")}, items)


def summary(state, values, method, host):
    """(label, value) pairs of the call: method, host, type, content, scope, name, description."""
    t, kind = state.t, values["kind"]
    scope = t("newsr.shared") if sr_create.shared(kind, values) else t("newsr.one_host")
    return w.kv([(t("newsr.call"), h("code", None, method)), (t("col.host"), host_name(state, host)),
                 (t("col.type"), sr_create.sr_type(kind)), (t("sr.content"), sr_create.KINDS[kind][1]),
                 (t("newsr.scope"), scope), (t("edit.name"), (values.get("name") or "").strip()),
                 (t("edit.description"), (values.get("description") or "").strip() or "\u2014")])


def create_render(state, spec):
    t, values = state.t, spec["values"]
    master = sr_plans.master_of(state.cache)
    method, params = sr_create.create_call(values["kind"], values, master)
    body = [dialogs.description(t("newsr.create_text")), summary(state, values, method, params[0]),
            h("p", {"class": "xl-dialog-text"}, t("newsr.device_config")), config_list(state, params[1])]
    if sr_create.is_local(values["kind"]):
        row = spec.get("device_row")
        body.append(h("p", {"class": "xl-dialog-error", "role": "note"},
                      t("newsr.erase_device", device=(values.get("device") or "").strip()), " ",
                      t("newsr.erase_what", device=row["path"], size=fmt.size(row["size"]),
                        type=t("newsr.dev_type." + row["type"]) if row["type"] in ("disk", "part") else row["type"])
                      if row else None))
    return t("newsr.create_title"), body, [dialogs.submit_button(state, spec, t("newsr.create")),
                                           dialogs.cancel_button(state)]


def opened(state, uuid, name):
    """After a job made or attached an SR: forget the form, say so, open the SR's page."""
    clear(state)
    state.notify(state.t("newsr.done", sr=name))
    if state.route[0] == "new-sr" and uuid:
        state.go("sr", {"uuid": uuid})
    elif state.route[0] == "new-sr":
        state.go("storage")


def create_submit(state, spec, form):
    values = spec["values"]
    error = sr_create.form_error(values["kind"], values, list(state.cache.all("host")))
    if error is not None:
        spec["error"] = {"text": state.t(error[1][0], **error[1][1]), "code": None, "params": []}
        return None
    master = sr_plans.master_of(state.cache)
    steps = sr_create.create_steps(values["kind"], values, master)
    steps.append({"call": lambda results: ("SR.get_uuid", [results["sr"]]), "key": "uuid", "weight": 0})
    name = (values.get("name") or "").strip()
    job = jobs.Job(state.t("job.create_sr", sr=name), steps)
    return dialogs.run_job(state, spec, job, lambda results: opened(state, results.get("uuid"), name))


def attach_render(state, spec):
    t, values, found = state.t, spec["values"], spec["found"]
    master = sr_plans.master_of(state.cache)
    hosts = sorted(state.cache.all("host"))
    shared = sr_create.shared(values["kind"], values)
    on = [host_name(state, h_) for h_ in ([master] + [x for x in hosts if x != master] if shared
                                          else [values.get("host")])]
    body = [dialogs.description(t("newsr.attach_text", uuid=found["uuid"])),
            summary(state, values, "SR.introduce", master),
            h("p", {"class": "xl-dialog-text"}, t("newsr.attach_hosts", hosts=", ".join(on))),
            h("p", {"class": "xl-dialog-text"}, t("newsr.device_config")),
            config_list(state, sr_create.device_config(values["kind"], values))]
    return t("newsr.attach_title"), body, [dialogs.submit_button(state, spec, t("newsr.attach")),
                                           dialogs.cancel_button(state)]


def attach_submit(state, spec, form):
    values, found = spec["values"], spec["found"]
    if not (values.get("name") or "").strip():
        values["name"] = found["uuid"]
    master = sr_plans.master_of(state.cache)
    steps = sr_create.introduce_steps(values["kind"], values, found["uuid"], list(state.cache.all("host")), master)
    name = values["name"].strip()
    job = jobs.Job(state.t("job.attach_sr", sr=name), steps)
    return dialogs.run_job(state, spec, job, lambda results: opened(state, found["uuid"], name))


dialogs.register("newsr.create", create_render, create_submit)
dialogs.register("newsr.attach", attach_render, attach_submit)
