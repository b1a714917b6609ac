"""The pool settings page (route `#/pool`): name, description, tags, default storage, the master, the
hosts with their state and whether they need a reboot, and the updates of every host
(lite_app/ui/pool_updates.py). Edit opens the dialog of lite_app/ui/admin_edit.py.
"""
from lite_app.logic import hostpower, hoststate, infra, model, updates
from lite_app.ui import admin_edit, pool_updates
from lite_app.ui import admin_forms as form
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

STATUS = {"up": "host.enabled", "maintenance": "host.maintenance", "evacuating": "adm.host.evacuating",
          "rebooting": "adm.host.rebooting", "shutting_down": "adm.host.shutting_down", "down": "host.offline"}


def title(state):
    return state.t("page.pool")


def visit(state):
    return pool_updates.visit(state)


def render(state):
    t = state.t
    ref, pool = state.cache.first("pool")
    if pool is None:
        return w.not_found(t, t("page.pool"))
    return [h("div", {"class": "xl-page xl-page-pool", "key": "pool"},
              w.page_header("pool", pool.get("name_label") or t("nav.pool"), pool.get("name_description")),
              w.tag_list(pool.get("tags"), t("col.tags")),
              form.toolbar(t("adm.pool.actions"), form.action_button(state, "pool.edit", "edit", t("act.edit"), True, None,
                                                                     data={"ref": ref})),
              h("div", {"class": "xl-grid"}, settings_card(state, pool), hosts_card(state),
                pool_updates.card(state)))]


def settings_card(state, pool):
    t = state.t
    master = model.deref(state.cache, "host", pool.get("master"))
    sr = model.deref(state.cache, "SR", pool.get("default_SR"))
    pairs = [(t("edit.name"), pool.get("name_label")), (t("edit.description"), pool.get("name_description")),
             (t("host.master"), w.object_link(state, "host", master)),
             (t("adm.edit.default_sr"), w.link(w.href(state, "SR", sr), infra.sr_label(state.cache, sr)) if sr else t("adm.edit.no_sr")),
             (t("col.uuid"), h("code", None, pool.get("uuid") or ""))]
    return w.card("pool-settings", t("adm.pool.settings"), w.kv(pairs), icon="pool")


def host_row(state, ref, host):
    t = state.t
    flags = [w.flag(t(STATUS[hoststate.status(state.cache, host)]), "neutral")]
    if hostpower.is_master(state.cache, ref):
        flags.append(w.flag(t("host.master"), "accent"))
    reboot = w.flag(t("adm.host.reboot_needed"), "warn") if updates.reboot_required(host) else t("no")
    return ({"key": ref}, [w.object_link(state, "host", host), flags,
                           (host.get("software_version") or {}).get("xen") or "",
                           pool_updates.host_summary(state, ref), reboot])


def hosts_card(state):
    t = state.t
    hosts = state.cache.all("host")
    refs = sorted(hosts, key=lambda ref: model.name_key(hosts[ref]))
    table = w.table(t("card.hosts"), [t("col.host"), t("col.state"), t("adm.col.xen"), t("adm.upd.title"),
                                      t("adm.col.reboot")], [host_row(state, ref, hosts[ref]) for ref in refs])
    return w.card("pool-hosts", t("card.hosts"), table, icon="host", aside=str(len(refs)), cls="xl-wide")


def on_edit(state, payload):
    ref = state.cache.first("pool")[0]
    if ref is not None:
        admin_edit.open_edit(state, "pool", ref)


actions = w.merged({"pool.edit": on_edit}, pool_updates.actions)
