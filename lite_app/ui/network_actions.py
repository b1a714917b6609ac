"""The networks' toolbars: New network on the list; Edit and Delete on a network's page.

Delete is refused (aria-disabled, with the reason) for the networks XAPI never deletes: the host
internal management network and networks of physical interfaces; for the others the dialog
(lite_app/ui/network_delete.py) shows what goes, or which VMs stop it.
"""
from lite_app.logic import netadmin
from lite_app.ui import admin_edit, network_create, network_delete
from lite_app.ui import admin_forms as form

REFUSED = {"system": "adm.why.system_network", "physical": "adm.why.physical_network"}


def list_toolbar(state):
    return form.toolbar(state.t("adm.net.actions"),
                        form.action_button(state, "networks.new", "new", state.t("adm.netnew"), True, None))


def toolbar(state, ref, net):
    t = state.t
    what = netadmin.kind(state.cache, net)
    reason = REFUSED.get(what)
    buttons = [form.action_button(state, "network.act", "edit", t("act.edit"), True, None, data={"ref": ref}),
               form.action_button(state, "network.act", "delete", t("act.delete"), reason is None,
                                  t(reason) if reason else None, data={"ref": ref})]
    return form.toolbar(t("adm.net.actions"), buttons)


def on_new(state, payload):
    network_create.open_create(state)


def on_act(state, payload):
    data = payload.get("data") or {}
    ref = data.get("ref") or ""
    net = state.cache.get("network", ref)
    if net is None:
        return
    if data.get("op") == "edit":
        admin_edit.open_edit(state, "network", ref)
    elif data.get("op") == "delete":
        reason = REFUSED.get(netadmin.kind(state.cache, net))
        if reason is not None:
            state.notify(state.t(reason), here=True)
        else:
            network_delete.open_delete(state, ref, net)


actions = {"networks.new": on_new, "network.act": on_act}
