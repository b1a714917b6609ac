"""Deleting a network: what goes with it is named before anything runs, and what stops it is listed.

The plan is lite_app.logic.netadmin.delete_plan: a network VMs are connected to is refused with those VMs
and their NICs listed (XAPI's NETWORK_CONTAINS_VIF); a VLAN or bond network is taken down host by host
(VLAN.destroy / Bond.destroy, each undone if a later step fails), then the network goes; the NICs on it
that are not plugged (halted VMs' and unplugged ones) go with it, and are named. The plan needs the VIF
and Bond records: until they are in the cache the dialog says it is loading.
"""
from lite_app.logic import memo, model, netadmin
from lite_app.logic.jobs import Job
from lite_app.ui import admin_forms as form
from lite_app.ui import dialogs
from lite_app.ui.vdom import h

KIND = "adm.netdel"


def open_delete(state, ref, net):
    return dialogs.show(state, KIND, ref=ref, name=net.get("name_label") or "", size="wide")


def vifs_of(state, ref):
    """The network's VIFs, from the grouping the network page keeps (lite_app/ui/network.py)."""
    return memo.grouped(state, "network.vifs", "VIF", "network").get(ref) or []


def current_plan(state, spec):
    if spec.get("plan") is not None:
        return spec["plan"]
    if state.cache.get("network", spec["ref"]) is None or not model.loaded(state.cache, "VIF") \
            or not model.loaded(state.cache, "Bond"):
        return None
    return netadmin.delete_plan(state.cache, spec["ref"], vifs_of(state, spec["ref"]))


def nic_lines(state, pairs):
    return [state.t("adm.netdel.nics", vm=vm, nics=", ".join(devices)) for vm, devices in pairs]


def plan_nodes(state, plan):
    t = state.t
    nodes = []
    if plan["blocked"] is not None:
        key, params = plan["blocked"]
        nodes.append(h("p", {"class": "xl-dialog-error", "role": "alert"}, t(key, **params)))
        if plan["attached"]:
            nodes.append(form.plain_list(nic_lines(state, plan["attached"]), t("adm.netdel.attached")))
        return nodes
    lost = [t("adm.netdel.vlan", host=host, device=device, tag=tag) for host, device, tag in plan["vlans"]]
    lost += [t("adm.netdel.bond", host=host, device=device) for host, device in plan["bonds"]]
    lost += [t("adm.netdel.removed_nics", vm=vm, nics=", ".join(devices)) for vm, devices in plan["removed"]]
    if lost:
        nodes.append(h("p", {"class": "xl-dialog-text"}, t("adm.netdel.goes")))
        nodes.append(form.plain_list(lost, t("adm.netdel.goes")))
    if plan["bonds"]:
        nodes.append(h("p", {"class": "xl-note"}, t("adm.netdel.bond_back")))
    return nodes


def delete_render(state, spec):
    t = state.t
    body = [dialogs.description(t("adm.netdel.text", name=spec["name"]))]
    plan = current_plan(state, spec)
    if plan is None and state.cache.get("network", spec["ref"]) is None:
        body.append(h("p", {"class": "xl-empty"}, t("page.missing")))
    elif plan is None:
        body.append(h("p", {"class": "xl-empty", "aria-busy": "true"}, t("view.loading")))
    else:
        body.extend(plan_nodes(state, plan))
    ready = plan is not None and plan["blocked"] is None
    submit = dialogs.submit_button(state, spec, t("adm.netdel"), danger=True) if ready else None
    return t("adm.netdel"), body, [submit, dialogs.cancel_button(state)]


def delete_submit(state, spec, typed):
    plan = current_plan(state, spec)
    if plan is None or plan["blocked"] is not None:
        return None
    spec["plan"] = plan
    job = Job(state.t("adm.job.delete_network", name=spec["name"]), plan["steps"], "network", spec["ref"])

    def after(ok):
        spec["plan"] = None
        if ok:
            state.notify(state.t("adm.netdel.done", name=spec["name"]))
            if state.route[0] == "network":
                state.go("networks")
    return form.run_job(state, spec, job, after)


dialogs.register(KIND, delete_render, delete_submit)
