"""The VM page (route `#/vm/<uuid>`): state, resources, guest OS and IPs, disks, NICs, snapshots.

The login load keeps only the list's fields of each VM (lite_app.logic.model.FIELDS), so the page asks for
the full records it shows (the VM, its guest metrics, its snapshots) and watches the devices its full
record names (state.watch: its VBDs and their VDIs, VIFs and metrics, each fetched and kept live alone,
not their whole classes; the Console tab's panel watches its consoles); until they arrive the cards say
they are loading. The toolbar of actions (lite_app/ui/vm_actions.py) and the snapshots card (lite_app/ui/snapshots.py) live in their own modules.
"""
from lite_app.logic import model
from lite_app.text import fmt
from lite_app.ui import snapshots, vm_actions, vm_devices
from lite_app.ui import console, tabs
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h


def request_full(state, ref, vm):
    """Ask for the whole records this page reads that the login load projected away."""
    if not model.is_full(vm, "VBDs"):
        state.request_record("VM", ref)
    metrics_ref = vm.get("guest_metrics")
    metrics = model.deref(state.cache, "VM_guest_metrics", metrics_ref)
    if metrics is not None and not model.is_full(metrics, "os_version"):
        state.request_record("VM_guest_metrics", metrics_ref)
    for snap_ref in vm.get("snapshots") or ():
        snap = state.cache.get("VM", snap_ref)
        if snap is not None and not model.is_full(snap, "snapshot_time"):
            state.request_record("VM", snap_ref)
    watch_devices(state, vm)


def watch_devices(state, vm):
    """Watch the objects the page shows of the VM (asked at every render: the watch stays current)."""
    cache = state.cache
    for vbd_ref in vm.get("VBDs") or ():
        state.watch("VBD", vbd_ref)
        vbd = cache.get("VBD", vbd_ref)
        if vbd is not None:
            state.watch("VDI", vbd.get("VDI"))
    for ref in vm.get("VIFs") or ():
        state.watch("VIF", ref)
    state.watch("VM_metrics", vm.get("metrics"))  # (its consoles: the Console tab's panel watches them)


def devices_known(state, vm, cls, field):
    """Whether the VM's devices of `cls` can be listed: the VM's full record (asked for by request_full)
    names them and each is in (watched, or its class loaded), with its VDI for a VBD. Until then the card
    says it is loading: finding them by their VM field instead would read every VBD or VIF of the pool
    at each render (23,000 VBDs at 10,000 VMs: most of a render's 0.6 s)."""
    if not model.is_full(vm, field):
        return False
    cache, refs = state.cache, vm.get(field) or ()
    if not model.all_in(cache, cls, refs):
        return False
    return cls != "VBD" or model.all_in(cache, "VDI", [cache.get("VBD", ref).get("VDI") for ref in refs])


def current(state):
    """(ref, VM record) of the route's VM (snapshots and templates too), or (None, None)."""
    return w.routed(state, "VM")


def title(state):
    return w.routed_title(state, "VM", "page.vm")


def render(state):
    ref, vm = current(state)
    if vm is None:
        return w.not_found(state.t, state.t("page.vm"))
    t = state.t
    request_full(state, ref, vm)
    head_badges = [w.state_badge(vm.get("power_state"), t)]
    if vm.get("is_a_snapshot"):
        head_badges.append(w.flag(t("vm.snapshot"), "accent"))
    elif vm.get("is_a_template"):
        head_badges.append(w.flag(t("vm.template"), "accent"))
    return [h("div", {"class": "xl-page xl-page-vm", "key": "vm-" + ref},
              w.page_header("vm", vm.get("name_label"), vm.get("name_description"), head_badges),
              w.tag_list(vm.get("tags"), t("vm.tags")),
              vm_actions.toolbar(state, ref, vm),
              tabs.tabbed(state, "vm", vm.get("uuid") or "", vm_tabs(ref, vm), t("tab.list")))]


def overview_tab(state, ref, vm):
    return h("div", {"class": "xl-grid"},
             overview_card(state, vm), disks_card(state, ref, vm), nics_card(state, ref, vm),
             snapshots.card(state, ref, vm), other_card(state, vm))


def vm_tabs(ref, vm):
    """The page's tabs as (name, catalog key, render(state)); the first is the default (no ?tab=)."""
    return (("overview", "tab.overview", lambda state: overview_tab(state, ref, vm)),
            ("console", "tab.console", lambda state: console.panel(state, ref)),
            ("stats", "tab.stats", lambda state: stats_tab(state, ref, vm)))


def stats_tab(state, ref, vm):
    """Charts of the VM (lite_app/ui/charts.py, compiled on the first visit of a Stats tab)."""
    from lite_app.ui import charts
    return charts.object_panel(state, "VM", ref, vm)


def overview_card(state, vm):
    t, cache = state.t, state.cache
    host = model.deref(cache, "host", model.live_host(vm))
    ips = model.vm_ips(cache, vm)
    uptime = model.vm_uptime(cache, vm, state.now)
    metrics = model.deref(cache, "VM_guest_metrics", vm.get("guest_metrics"))
    tools = t("vm.tools_yes") if metrics and metrics.get("PV_drivers_detected") else t("vm.tools_no")
    pairs = [
        (t("col.state"), w.state_badge(vm.get("power_state"), t)),
        (t("col.host"), w.object_link(state, "host", host, "")),
        (t("col.vcpus"), str(model.vm_vcpus(cache, vm))),
        (t("col.memory"), fmt.size(model.vm_memory(cache, vm))),
        (t("vm.os"), model.vm_os(cache, vm)),
        (t("vm.ips"), h("ul", {"class": "xu-plain"}, [h("li", None, ip) for ip in ips]) if ips else None),
        (t("host.uptime"), fmt.duration(uptime, t) if uptime is not None else None),
        (t("vm.tools"), tools),
        (t("col.uuid"), h("code", None, vm.get("uuid") or "")),
    ]
    return w.card("vm-overview", t("card.overview"), w.kv(pairs), icon="vm")


def disk_row(state, ref, vm, disk):
    t = state.t
    vbd, vdi = disk["vbd"], disk["vdi"]
    is_cd = vbd.get("type") == "CD"
    name = (vdi.get("name_label") or vdi.get("uuid")) if vdi else (t("vm.cd_empty") if is_cd else "")
    return ({"key": disk["ref"]}, [
        h("strong", None, vbd.get("device") or vbd.get("userdevice") or ""), name,
        fmt.size(vdi.get("virtual_size")) if vdi else "",
        w.object_link(state, "SR", disk["sr"], ""),
        t("vm.cd") if is_cd else t("vm.disk"),
        t("vm.read_only") if vbd.get("mode") == "RO" else t("vm.read_write"),
        t("yes") if vbd.get("currently_attached") else t("no"),
        vm_devices.disk_buttons(state, ref, vm, disk)])


def disks_card(state, ref, vm):
    t = state.t
    disks = model.vm_disks(state.cache, vm, ref) if devices_known(state, vm, "VBD", "VBDs") else None

    def body(disks):
        total = model.vm_disk_total(state.cache, vm, ref)
        return [vm_devices.disks_toolbar(state, ref, vm),
                w.table(t("card.disks"), [t("col.device"), t("col.disk"), t("col.size"), t("col.sr"),
                                          t("col.type"), t("col.mode"), t("col.attached"), t("col.actions")],
                        [disk_row(state, ref, vm, disk) for disk in disks]),
                h("p", {"class": "xl-note"}, t("vm.disk_total", size=fmt.size(total)))]
    card = w.collection_card(state, "vm-disks", t("card.disks"), disks, body, icon="storage", empty="vm.no_disks")
    return with_tools(card, disks, vm_devices.disks_toolbar(state, ref, vm))


def with_tools(card, items, tools):
    """An empty devices card still offers to add one."""
    if items == []:
        card[2].append(tools)
    return card


def nic_row(state, ref, vm, nic):
    t = state.t
    return ({"key": nic["ref"]}, [h("strong", None, nic["vif"].get("device") or ""),
                                  w.object_link(state, "network", nic["network"]),
                                  nic["vif"].get("MAC"), ", ".join(nic["ips"]),
                                  t("yes") if nic["vif"].get("currently_attached") else t("no"),
                                  vm_devices.nic_buttons(state, ref, vm, nic)])


def nics_card(state, ref, vm):
    t = state.t
    nics = model.vm_nics(state.cache, vm, ref) if devices_known(state, vm, "VIF", "VIFs") else None

    def body(nics):
        return [vm_devices.nics_toolbar(state, ref, vm),
                w.table(t("card.nics"), [t("col.device"), t("col.network"), t("col.mac"), t("col.ip"),
                                         t("col.attached"), t("col.actions")],
                        [nic_row(state, ref, vm, nic) for nic in nics])]
    card = w.collection_card(state, "vm-nics", t("card.nics"), nics, body, icon="network", empty="vm.no_nics")
    return with_tools(card, nics, vm_devices.nics_toolbar(state, ref, vm))


def other_card(state, vm):
    """other_config, folded by default: free-form keys and values, shown as plain text."""
    t = state.t
    config = vm.get("other_config") or {}
    if not config:
        return None
    shown = bool(state.ui.get("vm.other_open"))
    pairs = [(key, config[key]) for key in sorted(config)]
    toggle = h("button", {"type": "button", "class": "xl-link-button", "data-action": "vm.toggle_other",
                          "aria-expanded": "true" if shown else "false", "aria-controls": "vm-other-list"},
               t("vm.hide_other") if shown else t("vm.show_other", count=str(len(pairs))))
    body = h("div", {"id": "vm-other-list", "hidden": not shown}, w.kv(pairs) if shown else None)
    return w.card("vm-other", t("card.other_config"), toggle, body, icon="vm")


def toggle_other(state, payload):
    state.ui["vm.other_open"] = not state.ui.get("vm.other_open")


actions = w.merged({"vm.toggle_other": toggle_other}, vm_actions.actions, snapshots.actions, vm_devices.actions)
