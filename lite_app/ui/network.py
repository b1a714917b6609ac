"""Network pages: the list (route `#/networks`) and one network with its PIFs and VIFs (`#/network/<uuid>`).

A network's VLAN is its PIFs' tag (-1 means untagged). The pool network of a 10,000-VM pool carries
over 10,000 VIFs: they are listed by pages of PAGE_SIZE. The list offers New network and each network
Edit and Delete (lite_app/ui/network_actions.py); Bond records name a bond's mode.
"""
from lite_app.logic import admin_edit, memo, model, netadmin
from lite_app.ui import network_actions
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

PAGE_SIZE = 100
CLASSES = ("VIF", "Bond")


def vifs_by_network(state):
    """{network ref: [(VIF ref, VIF)]} (network records come without their VIFs list)."""
    return memo.grouped(state, "network.vifs", "VIF", "network")


def vif_count(state, ref):
    """How many VIFs a network has, "" until VIFs are loaded."""
    return str(len(vifs_by_network(state).get(ref) or ())) if model.loaded(state.cache, "VIF") else ""


def current(state):
    return w.routed(state, "network")


def title(state):
    return w.routed_title(state, "network", "page.network") if state.route[0] == "network" else state.t("nav.networks")


def render(state):
    if state.route[0] == "network":
        return render_network(state)
    return render_list(state)


def records(cache, cls, refs):
    """[(ref, record)] of the refs that resolve."""
    out = []
    for ref in refs or ():
        record = cache.get(cls, ref)
        if record is not None:
            out.append((ref, record))
    return out


def vlan_text(cache, network, t):
    """The VLAN tags of a network's PIFs, or "" when untagged."""
    tags = {}
    for _ref, pif in records(cache, "PIF", network.get("PIFs")):
        vlan = int(pif.get("VLAN") if pif.get("VLAN") is not None else -1)
        if vlan >= 0:
            tags[vlan] = True
    return ", ".join([str(tag) for tag in sorted(tags)])


def render_list(state):
    t, cache = state.t, state.cache
    nets = cache.all("network")
    refs = sorted(nets, key=lambda ref: model.name_key(nets[ref]))
    rows = []
    for ref in refs:
        net = nets[ref]
        rows.append(({"key": ref}, [w.object_link(state, "network", net),
                                    t("adm.net.kind." + netadmin.kind(cache, net)), vlan_text(cache, net, t),
                                    str(net.get("MTU") or ""), net.get("bridge"),
                                    str(len(net.get("PIFs") or ())), vif_count(state, ref)]))
    body = (w.table(t("nav.networks"), [t("col.name"), t("adm.col.kind"), t("col.vlan"), t("col.mtu"),
                                        t("col.bridge"), t("col.pifs"), t("col.vifs")], rows)
            if rows else w.empty(t("net.none")))
    return [h("div", {"class": "xl-page xl-page-networks", "key": "networks"},
              w.page_header("network", t("nav.networks"), t("net.count", count=str(len(rows)))),
              network_actions.list_toolbar(state),
              w.card("net-list", t("card.networks"), body, icon="network", aside=str(len(rows)),
                     cls="xl-wide"))]


def render_network(state):
    ref, net = current(state)
    t = state.t
    if net is None:
        return w.not_found(t, t("page.network"))
    pairs = [(t("adm.col.kind"), kind_text(state, net)), (t("col.vlan"), vlan_text(state.cache, net, t)),
             (t("col.mtu"), mtu_text(state, ref, net)), (t("col.bridge"), net.get("bridge")),
             (t("col.uuid"), h("code", None, net.get("uuid") or ""))]
    return [h("div", {"class": "xl-page xl-page-network", "key": "network-" + ref},
              w.page_header("network", net.get("name_label"), net.get("name_description")),
              w.tag_list(net.get("tags"), t("col.tags")),
              network_actions.toolbar(state, ref, net),
              h("div", {"class": "xl-grid"},
                w.card("net-overview", t("card.overview"), w.kv(pairs), icon="network"),
                pifs_card(state, net), vifs_card(state, ref, net)))]


def kind_text(state, net):
    """The network's kind, and a bond's mode ("Bond (active-backup)")."""
    t = state.t
    what = netadmin.kind(state.cache, net)
    text = t("adm.net.kind." + what)
    if what == "bond":
        modes = sorted(set([(bond.get("mode") or "") for bond in bonds_of(state, net)]))
        if modes:
            text += " (" + ", ".join([t("adm.bond." + mode) for mode in modes]) + ")"
    return text


def bonds_of(state, net):
    out = []
    for _ref, pif in netadmin.pifs_of(state.cache, net):
        for bond_ref in pif.get("bond_master_of") or ():
            bond = state.cache.get("Bond", bond_ref)
            if bond is not None:
                out.append(bond)
    return out


def mtu_text(state, ref, net):
    """The MTU, and how many plugged interfaces still run at another one (they take it when replugged)."""
    text = str(net.get("MTU") or "")
    if model.loaded(state.cache, "VIF"):
        pending = admin_edit.mtu_pending(state.cache, net, vifs_by_network(state).get(ref) or ())
        if pending:
            text += " \u2013 " + state.t("adm.net.mtu_pending", count=pending)
    return text


def pifs_card(state, net):
    t, cache = state.t, state.cache
    rows = []
    for ref, pif in records(cache, "PIF", net.get("PIFs")):
        host = model.deref(cache, "host", pif.get("host"))
        vlan = pif.get("VLAN")
        rows.append(({"key": ref}, [w.object_link(state, "host", host), pif.get("device"),
                                    str(vlan) if vlan is not None and int(vlan) >= 0 else "",
                                    pif.get("MAC"), pif.get("IP"), str(pif.get("MTU") or ""),
                                    t("yes") if pif.get("currently_attached") else t("no")]))
    rows.sort(key=lambda row: (w.text_key(row[1][0]), row[1][1] or ""))
    body = (w.table(t("card.pifs"), [t("col.host"), t("col.device"), t("col.vlan"), t("col.mac"),
                                     t("col.ip"), t("col.mtu"), t("col.attached")], rows)
            if rows else w.empty(t("net.no_pifs")))
    return w.card("net-pifs", t("card.pifs"), body, icon="host", aside=str(len(rows)), cls="xl-wide")


def vifs_card(state, net_ref, net):
    t, cache = state.t, state.cache
    if not model.loaded(cache, "VIF"):
        return w.card("net-vifs", t("card.vifs"), w.empty(t("view.loading")), icon="vm", cls="xl-wide")
    vifs = []
    for ref, vif in vifs_by_network(state).get(net_ref) or ():
        vm = model.deref(cache, "VM", vif.get("VM"))
        vifs.append((model.name_key(vm or {}), ref, vif, vm))
    vifs.sort()
    limit = int(state.ui.get("network.limit:" + (net.get("uuid") or "")) or PAGE_SIZE)
    rows = [({"key": ref}, [w.object_link(state, "VM", vm), vif.get("device"), vif.get("MAC"),
                            t("yes") if vif.get("currently_attached") else t("no")])
            for _key, ref, vif, vm in vifs[:limit]]
    if not rows:
        return w.card("net-vifs", t("card.vifs"), w.empty(t("net.no_vifs")), icon="vm", aside="0")
    more = None
    if len(vifs) > limit:
        more = h("p", {"class": "xl-note"}, t("list.shown", shown=str(limit), total=str(len(vifs))), " ",
                 h("button", {"type": "button", "class": "xl-link-button", "data-action": "network.more",
                              "data-uuid": net.get("uuid")}, t("list.show_more")))
    table = w.table(t("card.vifs"), [t("col.vm"), t("col.device"), t("col.mac"), t("col.attached")], rows)
    return w.card("net-vifs", t("card.vifs"), table, more, icon="vm", aside=str(len(vifs)), cls="xl-wide")


def show_more(state, payload):
    key = "network.limit:" + ((payload.get("data") or {}).get("uuid") or "")
    state.ui[key] = int(state.ui.get(key) or PAGE_SIZE) + PAGE_SIZE


actions = w.merged({"network.more": show_more}, network_actions.actions)
