"""An SR's space as every page draws it: the meter, the figures and the line explaining them.

The dashboard's storage card, the storage list and the SR page all draw lite_app.logic.space's
figures through these, so a figure reads the same wherever it is shown.
"""
from lite_app.logic import infra, space
from lite_app.text import fmt
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h


def meter(state, sr):
    """The used-of-size meter of an SR (nothing while XAPI has not measured it)."""
    figures = space.sr_space(sr)
    if not figures["known"] or figures["provisioning"] is None:
        return None
    return w.usage_bar(figures["used"], figures["size"], state.t("dash.sr_of", sr=infra.sr_label(state.cache, sr)),
                       state.t)


def brief(state, sr):
    """"900 GiB free · 1.2 TiB allocated to disks" (the allocation left out for ISO libraries)."""
    t, figures = state.t, space.sr_space(sr)
    if not figures["known"]:
        return t("space.unknown")
    text = t("space.free", size=fmt.size(figures["free"]))
    if figures["allocated"] is not None:
        text += " \u00b7 " + t("space.allocated", size=fmt.size(figures["allocated"]))
    return text


def explanation(state, sr):
    """The one line saying how size, used and allocated relate on this SR."""
    t, figures = state.t, space.sr_space(sr)
    kind = figures["provisioning"]
    if kind is None or not figures["known"]:
        return None
    if kind == "thin":
        key = "space.thin_over" if figures["overcommitted"] else "space.thin"
        return t(key, allocated=fmt.size(figures["allocated"]), size=fmt.size(figures["size"]))
    return t("space." + kind)


def pairs(state, sr):
    """(label, value) rows of the four figures."""
    t, figures = state.t, space.sr_space(sr)
    if not figures["known"]:
        return [(t("space.size"), t("space.unknown"))]
    out = [(t("space.size"), fmt.size(figures["size"])), (t("space.used"), fmt.size(figures["used"]))]
    if figures["allocated"] is not None:
        out.append((t("space.allocated_label"), fmt.size(figures["allocated"])))
    out.append((t("space.free_label"), fmt.size(figures["free"])))
    return out


def card_body(state, sr):
    """The meter, the figures and the explanation (the SR page's space card)."""
    note = explanation(state, sr)
    return [meter(state, sr), w.kv(pairs(state, sr)), h("p", {"class": "xl-note"}, note) if note else None]
