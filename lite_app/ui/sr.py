"""One SR's page (route `#/sr/<uuid>`): what it is, its space, each host's connection, its disks.

Parts live in their own modules: the toolbar and the SR's lifecycle dialogs (lite_app/ui/sr_actions.py),
the disks card and its dialogs (lite_app/ui/sr_disks.py), the ISO upload (lite_app/ui/sr_upload.py). The
space card draws lite_app.logic.space's figures as the dashboard and the storage list do. The SR's
location comes from a PBD's device config with every secret left out (lite_app.logic.sr_create).
"""
from lite_app.logic import infra, model, sr_create, sr_plans
from lite_app.ui import space as space_view
from lite_app.ui import sr_actions, sr_disks
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

# The SR's disks; their users' VBDs are watched for the disks shown (lite_app/ui/sr_disks.py), or loaded
# with a dialog that plans for every disk (forget, destroy): at 10,000 VMs the VBD class was ~10,000
# records the page waited for (with the VDIs, ~9 s and ~85 MB of interpreter memory).
CLASSES = ("VDI",)


def current(state):
    return w.routed(state, "SR")


def title(state):
    return w.routed_title(state, "SR", "page.sr")


def badges(state, ref, sr):
    t = state.t
    found = [w.flag(t("sr.shared"), "accent") if sr.get("shared") else w.flag(t("sr.local"))]
    if sr_plans.is_default(state.cache, ref):
        found.append(w.flag(t("sr.default"), "ok"))
    plugged, total = sr_plans.connections(state.cache, sr)
    if plugged < total:
        found.append(w.flag(t("sr.connected_of", plugged=str(plugged), total=str(total)), "warn"))
    return found


def render(state):
    ref, sr = current(state)
    t = state.t
    if sr is None:
        return w.not_found(t, t("page.sr"))
    return [h("div", {"class": "xl-page xl-page-sr", "key": "sr-" + ref},
              w.page_header("storage", sr.get("name_label"), sr.get("name_description"), badges(state, ref, sr)),
              w.tag_list(sr.get("tags"), t("vm.tags")),
              sr_actions.toolbar(state, ref, sr),
              h("div", {"class": "xl-grid"},
                overview_card(state, ref, sr), space_card(state, sr), hosts_card(state, ref, sr),
                sr_disks.card(state, ref, sr)))]


def location_pairs(state, sr):
    """The device config of the SR's first PBD, secrets hidden (the same on every host of a shared SR)."""
    pbds = sr_plans.pbds(state.cache, sr)
    config = (pbds[0][1].get("device_config") or {}) if pbds else {}
    return [(key, value if value is not None else state.t("newsr.hidden"))
            for key, value in sr_create.shown_config(config)]


def overview_card(state, ref, sr):
    t = state.t
    host = infra.sr_host(state.cache, sr)
    where = location_pairs(state, sr)
    pairs = [(t("col.type"), sr.get("type")), (t("sr.content"), sr.get("content_type")),
             (t("col.shared"), t("yes") if sr.get("shared") else t("no")),
             (t("col.host"), w.object_link(state, "host", host, "")),
             (t("sr.location"), h("ul", {"class": "xu-plain"}, [h("li", None, h("code", None, key + " = " + value))
                                                                for key, value in where]) if where else None),
             (t("col.uuid"), h("code", None, sr.get("uuid") or ""))]
    return w.card("sr-overview", t("card.overview"), w.kv(pairs), icon="storage")


def space_card(state, sr):
    return w.card("sr-space", state.t("card.space"), space_view.card_body(state, sr), icon="storage")


def hosts_card(state, ref, sr):
    t = state.t
    rows = [host_row(state, ref, pbd_ref, pbd, host_ref) for pbd_ref, pbd, host_ref in sr_plans.pbds(state.cache, sr)]
    body = (w.table(t("card.connections"), [t("col.host"), t("col.connection"), t("col.actions")], rows)
            if rows else w.empty(t("sr.no_hosts")))
    return w.card("sr-hosts", t("card.connections"), body, icon="host", aside=str(len(rows)))


def host_row(state, sr_ref, pbd_ref, pbd, host_ref):
    t = state.t
    host = model.deref(state.cache, "host", host_ref)
    name = (host or {}).get("name_label") or host_ref
    plugged = bool(pbd.get("currently_attached"))
    status = w.flag(t("sr.plugged"), "ok") if plugged else w.flag(t("sr.unplugged"), "warn")
    op = "unplug" if plugged else "plug"
    button = sr_actions.pbd_button(state, sr_ref, pbd_ref, op, t("sr." + op + "_on", host=name), t("sr." + op))
    return ({"key": pbd_ref}, [w.object_link(state, "host", host), status, button])


actions = w.merged(sr_actions.actions, sr_disks.actions)
