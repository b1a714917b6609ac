"""The host page (route `#/host/<uuid>`): identity, CPU, memory, software, uptime, state, VMs and
interfaces, with the host's actions (maintenance, reboot, shutdown, power on, edit: lite_app/ui/host_actions.py)
and its interfaces' IP configuration (lite_app/ui/host_pifs.py)."""
from lite_app.logic import hoststate, infra, model, updates
from lite_app.logic.dashboard import host_memory
from lite_app.logic.navtree import groups_of
from lite_app.text import fmt
from lite_app.ui import console, host_actions, host_pifs, tabs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

# A host may run hundreds of VMs: the page lists this many, the VM list (filtered) shows them all.
VM_LIMIT = 50


def current(state):
    """(ref, host record) of the route's host, or (None, None)."""
    return w.routed(state, "host")


def title(state):
    return w.routed_title(state, "host", "page.host")


def render(state):
    ref, host = current(state)
    if host is None:
        return w.not_found(state.t, state.t("page.host"))
    t = state.t
    return [h("div", {"class": "xl-page xl-page-host", "key": "host-" + ref},
              w.page_header("host", host.get("name_label"), host.get("name_description"),
                            badges(state, ref, host), actions=w.new_vm_link(state, host.get("uuid"))),
              w.tag_list(host.get("tags"), t("col.tags")),
              host_actions.toolbar(state, ref, host),
              tabs.tabbed(state, "host", host.get("uuid") or "", host_tabs(ref, host), t("tab.list")))]


def overview_tab(state, ref, host):
    return h("div", {"class": "xl-grid"},
             overview_card(state, ref, host), vms_card(state, ref, host),
             host_pifs.card(state, host))


def host_tabs(ref, host):
    """The page's tabs as (name, catalog key, render(state)); the first is the default (no ?tab=)."""
    return (("overview", "tab.overview", lambda state: overview_tab(state, ref, host)),
            ("console", "tab.console", lambda state: console.panel(state, host.get("control_domain") or "")),
            ("stats", "tab.stats", lambda state: stats_tab(state, ref, host)))


def stats_tab(state, ref, host):
    """Charts of the host (lite_app/ui/charts.py, compiled on the first visit of a Stats tab)."""
    from lite_app.ui import charts
    return charts.object_panel(state, "host", ref, host)


def badges(state, ref, host):
    t = state.t
    pool = state.cache.first("pool")[1] or {}
    out = []
    if pool.get("master") == ref:
        out.append(w.flag(t("host.master"), "accent"))
    key, colour = STATUS[hoststate.status(state.cache, host)]
    out.append(w.flag(t(key), colour))
    if updates.reboot_required(host):
        out.append(w.flag(t("adm.host.reboot_needed"), "warn", t("adm.host.reboot_needed_why")))
    return out


# hoststate.status -> (catalog key, flag colour)
STATUS = {"up": ("host.enabled", "ok"), "maintenance": ("host.maintenance", "warn"),
          "evacuating": ("adm.host.evacuating", "warn"), "rebooting": ("adm.host.rebooting", "warn"),
          "shutting_down": ("adm.host.shutting_down", "warn"), "down": ("host.offline", "danger")}


def software(host):
    version = host.get("software_version") or {}
    brand = version.get("product_brand") or ""
    return (brand + " " + (version.get("product_version") or "")).strip()


def cpu_text(host, t):
    info = host.get("cpu_info") or {}
    count = infra.host_cpus(host)
    sockets = info.get("socket_count")
    text = str(count)
    if sockets:
        text += " (" + t("host.sockets", count=str(sockets)) + ")"
    return text


def overview_card(state, ref, host):
    t = state.t
    used, total = host_memory(state, ref)
    uptime = infra.host_uptime(host, state.now)
    version = host.get("software_version") or {}
    pairs = [
        (t("host.address"), host.get("address")),
        (t("host.hostname"), host.get("hostname")),
        (t("host.cpu_model"), (host.get("cpu_info") or {}).get("modelname")),
        (t("host.cpus"), cpu_text(host, t)),
        (t("host.memory"), w.usage_bar(used, total, t("host.memory"), t)),
        (t("host.software"), software(host)),
        (t("host.xapi"), version.get("xapi")),
        (t("host.uptime"), fmt.duration(uptime, t) if uptime is not None else None),
        (t("host.state"), t(STATUS[hoststate.status(state.cache, host)][0])),
        (t("adm.host.power_on_mode"), host.get("power_on_mode") or t("adm.host.no_power_on")),
        (t("adm.edit.syslog"), (host.get("logging") or {}).get("syslog_destination") or t("adm.host.syslog_local")),
        (t("col.uuid"), h("code", None, host.get("uuid") or "")),
    ]
    return w.card("host-overview", t("card.overview"), w.kv(pairs), icon="host")


def vm_row(state, ref, vm):
    ips = model.vm_ips(state.cache, vm)
    return ({"key": ref}, [w.object_link(state, "VM", vm), w.state_badge(vm.get("power_state"), state.t),
                           str(model.vm_vcpus(state.cache, vm)),
                           fmt.size(model.vm_memory(state.cache, vm)), ips[0] if ips else ""])


def vms_card(state, ref, host):
    t = state.t
    table = state.cache.all("VM")
    # the tree's grouping of guests by host, kept up to date change by change (logic/navtree.py)
    refs = [vm for vm, _record in groups_of(state, True).sorted(ref)]
    if not refs:
        return w.card("host-vms", t("card.vms"), w.empty(t("host.no_vms")), icon="vm", aside="0")
    rows = [vm_row(state, vm, table[vm]) for vm in refs[:VM_LIMIT]]
    more = None
    if len(refs) > VM_LIMIT:
        more = h("p", {"class": "xl-note"},
                 t("list.more", count=str(len(refs) - VM_LIMIT)), " ",
                 w.link(state.href("vms", {"host": host.get("uuid") or ""}), t("list.show_all")))
    return w.card("host-vms", t("card.vms"),
                  w.table(t("card.vms"), [t("col.name"), t("col.state"), t("col.vcpus"),
                                          t("col.memory"), t("col.ip")], rows),
                  more, icon="vm", aside=str(len(refs)))


actions = w.merged(host_actions.actions, host_pifs.actions)
