"""The storage list (route `#/storage`): every SR with its space, disks and hosts connected.

The space figures are lite_app.logic.space's, drawn by lite_app/ui/space.py as on the dashboard and the
SR page. "New storage repository" leads to `#/new-sr` (lite_app/ui/new_sr.py); one SR's page is
lite_app/ui/sr.py.
"""
from lite_app.logic import infra, memo, model, space, sr_plans
from lite_app.text import fmt
from lite_app.ui import space as space_view
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

CLASSES = ("VDI",)  # the disks counted per SR (their users, the VBDs, load with an SR's page)


def vdis_by_sr(state):
    """{SR ref: [(VDI ref, VDI)]} (SR records come without their VDIs list)."""
    return memo.grouped(state, "storage.vdis", "VDI", "SR")


def disk_count(state, ref):
    """How many disks (managed VDIs) an SR has, "" until VDIs are loaded."""
    if not model.loaded(state.cache, "VDI"):
        return ""
    return str(len([1 for _r, vdi in vdis_by_sr(state).get(ref) or () if vdi.get("managed", True)]))


def title(state):
    return state.t("nav.storage")


def connected_cell(state, sr):
    plugged, total = sr_plans.connections(state.cache, sr)
    text = state.t("sr.connected_of", plugged=str(plugged), total=str(total))
    return w.flag(text, "warn") if plugged < total else text


def row(state, ref, sr):
    t, cache = state.t, state.cache
    figures = space.sr_space(sr)
    host = infra.sr_host(cache, sr)
    allocated = figures["allocated"]
    return ({"key": ref}, [w.object_link(state, "SR", sr), sr.get("type"),
                           w.object_link(state, "host", host, t("sr.shared") if sr.get("shared") else ""),
                           space_view.meter(state, sr),
                           fmt.size(allocated) if allocated is not None and figures["known"] else "",
                           fmt.size(figures["free"]) if figures["known"] else "",
                           disk_count(state, ref), connected_cell(state, sr)])


def render(state):
    t, cache = state.t, state.cache
    srs = cache.all("SR")
    refs = sorted(srs, key=lambda ref: (infra.sr_label(cache, srs[ref]).lower(), ref))
    rows = [row(state, ref, srs[ref]) for ref in refs]
    body = (w.table(t("nav.storage"), [t("col.name"), t("col.type"), t("col.host"), t("col.usage"),
                                       t("space.allocated_label"), t("space.free_label"), t("col.vdis"),
                                       t("col.connected")], rows, "xl-srs")
            if rows else w.empty(t("sr.none")))
    new = h("a", {"class": "xl-button", "href": state.href("new-sr")}, t("newsr.open"))
    return [h("div", {"class": "xl-page xl-page-storage", "key": "storage"},
              w.page_header("storage", t("nav.storage"), t("sr.count", count=str(len(rows)))),
              h("div", {"class": "xl-actions"}, new),
              w.card("sr-list", t("card.srs"), body, h("p", {"class": "xl-note"}, t("space.list_note")),
                     icon="storage", aside=str(len(rows)), cls="xl-wide"))]
