"""Storage pages: the SR list (route `#/storage`) and one SR with its hosts and VDIs (`#/sr/<uuid>`).

A shared SR of a 10,000-VM pool holds over 10,000 VDIs: the SR page lists them by pages of
PAGE_SIZE ("Show more" adds a page) so a render stays small.
"""
from lite_app.logic import infra, memo, model
from lite_app.text import fmt
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

PAGE_SIZE = 100
CLASSES = ("VDI", "VBD")


def vdis_by_sr(state):
    """{SR ref: [(VDI ref, VDI)]} (SR records come without their VDIs list)."""
    return memo.grouped(state, "storage.vdis", "VDI", "SR")


def vdi_count(state, ref):
    """How many VDIs an SR has, "" until VDIs are loaded."""
    return str(len(vdis_by_sr(state).get(ref) or ())) if model.loaded(state.cache, "VDI") else ""


def current(state):
    return w.routed(state, "SR")


def title(state):
    return w.routed_title(state, "SR", "page.sr") if state.route[0] == "sr" else state.t("nav.storage")


def render(state):
    if state.route[0] == "sr":
        return render_sr(state)
    return render_list(state)


def shared_text(sr, t):
    return t("yes") if sr.get("shared") else t("no")


def usage_cell(cache, sr, t):
    if not infra.has_capacity(sr):
        return ""
    used, size = infra.sr_usage(sr)
    return w.usage_bar(used, size, t("dash.sr_of", sr=infra.sr_label(cache, sr)), t)


def attached_hosts(cache, sr):
    """(attached, total) PBDs of an SR."""
    pbds = [cache.get("PBD", ref) for ref in sr.get("PBDs") or ()]
    pbds = [pbd for pbd in pbds if pbd is not None]
    return len([pbd for pbd in pbds if pbd.get("currently_attached")]), len(pbds)


def render_list(state):
    t, cache = state.t, state.cache
    srs = cache.all("SR")
    refs = sorted(srs, key=lambda ref: (infra.sr_label(cache, srs[ref]).lower(), ref))
    rows = []
    for ref in refs:
        sr = srs[ref]
        attached, total = attached_hosts(cache, sr)
        host = infra.sr_host(cache, sr)
        rows.append(({"key": ref}, [w.object_link(state, "SR", sr), sr.get("type"),
                                    w.object_link(state, "host", host, t("sr.shared") if sr.get("shared") else ""),
                                    usage_cell(cache, sr, t), fmt.size(infra.sr_usage(sr)[1]),
                                    vdi_count(state, ref), "%d / %d" % (attached, total)]))
    body = (w.table(t("nav.storage"), [t("col.name"), t("col.type"), t("col.host"), t("col.usage"),
                                       t("col.size"), t("col.vdis"), t("col.hosts")], rows, "xl-srs")
            if rows else w.empty(t("sr.none")))
    return [h("div", {"class": "xl-page xl-page-storage", "key": "storage"},
              w.page_header("storage", t("nav.storage"), t("sr.count", count=str(len(rows)))),
              w.card("sr-list", t("card.srs"), body, icon="storage", aside=str(len(rows)), cls="xl-wide"))]


def render_sr(state):
    ref, sr = current(state)
    t = state.t
    if sr is None:
        return w.not_found(t, t("page.sr"))
    flags = [w.flag(t("sr.shared"), "accent")] if sr.get("shared") else []
    return [h("div", {"class": "xl-page xl-page-sr", "key": "sr-" + ref},
              w.page_header("storage", sr.get("name_label"), sr.get("name_description"), flags),
              h("div", {"class": "xl-grid"},
                overview_card(state, sr), hosts_card(state, sr), vdis_card(state, ref, sr)))]


def overview_card(state, sr):
    t = state.t
    used, size = infra.sr_usage(sr)
    cache = state.cache
    pairs = [(t("col.type"), sr.get("type")), (t("sr.content"), sr.get("content_type")),
             (t("col.shared"), shared_text(sr, t)), (t("col.usage"), usage_cell(cache, sr, t)),
             (t("col.size"), fmt.size(size)), (t("sr.used"), fmt.size(used)),
             (t("sr.allocated"), fmt.size(sr.get("virtual_allocation") or 0)),
             (t("col.uuid"), h("code", None, sr.get("uuid") or ""))]
    return w.card("sr-overview", t("card.overview"), w.kv(pairs), icon="storage")


def hosts_card(state, sr):
    t, cache = state.t, state.cache
    rows = []
    for ref in sr.get("PBDs") or ():
        pbd = cache.get("PBD", ref)
        if pbd is None:
            continue
        host = model.deref(cache, "host", pbd.get("host"))
        rows.append(({"key": ref}, [w.object_link(state, "host", host),
                                    t("yes") if pbd.get("currently_attached") else t("no")]))
    rows.sort(key=lambda row: w.text_key(row[1][0]))
    body = (w.table(t("card.hosts"), [t("col.host"), t("col.attached")], rows)
            if rows else w.empty(t("sr.no_hosts")))
    return w.card("sr-hosts", t("card.hosts"), body, icon="host", aside=str(len(rows)))


def vdi_users(state, vdi):
    """Links to the VMs using a VDI (through its VBDs)."""
    links = []
    for ref in vdi.get("VBDs") or ():
        vbd = state.cache.get("VBD", ref)
        vm = model.deref(state.cache, "VM", vbd.get("VM")) if vbd else None
        if vm is not None:
            links.append(w.object_link(state, "VM", vm))
    return links


def vdis_card(state, sr_ref, sr):
    t = state.t
    if not model.loaded(state.cache, "VDI"):
        return w.card("sr-vdis", t("card.vdis"), w.empty(t("view.loading")), icon="storage", cls="xl-wide")
    vdis = [(model.name_key(vdi), ref, vdi) for ref, vdi in vdis_by_sr(state).get(sr_ref) or ()]
    vdis.sort()
    vdis = [(ref, vdi) for _key, ref, vdi in vdis]
    limit = int(state.ui.get("storage.limit:" + (sr.get("uuid") or "")) or PAGE_SIZE)
    rows = [({"key": ref}, [vdi.get("name_label") or vdi.get("uuid"), fmt.size(vdi.get("virtual_size")),
                            fmt.size(vdi.get("physical_utilisation")), vdi.get("type"),
                            vdi_users(state, vdi)]) for ref, vdi in vdis[:limit]]
    if not rows:
        return w.card("sr-vdis", t("card.vdis"), w.empty(t("sr.no_vdis")), icon="storage", aside="0")
    more = None
    if len(vdis) > limit:
        more = h("p", {"class": "xl-note"}, t("list.shown", shown=str(limit), total=str(len(vdis))), " ",
                 h("button", {"type": "button", "class": "xl-link-button", "data-action": "storage.more",
                              "data-uuid": sr.get("uuid")},
                   t("list.show_more")))
    table = w.table(t("card.vdis"), [t("col.name"), t("col.size"), t("sr.used"), t("col.type"),
                                     t("col.vms")], rows)
    return w.card("sr-vdis", t("card.vdis"), table, more, icon="storage", aside=str(len(vdis)),
                  cls="xl-wide")


def show_more(state, payload):
    key = "storage.limit:" + ((payload.get("data") or {}).get("uuid") or "")
    state.ui[key] = int(state.ui.get(key) or PAGE_SIZE) + PAGE_SIZE


actions = {"storage.more": show_more}
