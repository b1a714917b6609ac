"""The VM list's rows (lite_app/ui/vmlist.py): one row's nodes, and the last render's kept when nothing in it
changed.

A keystroke at 10,000 VMs redraws a screenful of rows, so a row is written as plain lists rather than
through h() (whose checks were half the cost), with fixed attribute names and text values
(tests/pure/test_ui_safety.py checks them against what h() would make), and a row whose records are
the same objects (records are replaced, never mutated) keeps its nodes.
"""
from lite_app.logic import model
from lite_app.logic import rows as roving
from lite_app.text import fmt
from lite_app.ui import vm_bulk
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

# The list's columns after the selection checkbox: (column, label key, sortable)
COLUMNS = (("name", "col.name", True), ("state", "col.state", True), ("host", "col.host", True),
           ("ip", "col.ip", True), ("vcpus", "col.vcpus", True), ("memory", "col.memory", True),
           ("tags", "col.tags", False))
ROW_KEYS = " ".join(roving.ROW_KEYS + ("Enter", "Space"))


def row_id(vm):
    return "xl-vmrow-" + (vm.get("uuid") or "")


def cached_row(state, last, ref, vm, position, stop, picked):
    """(what the row shows..., its node): the last render's node when none of it changed. Records are
    replaced, never mutated, so identity says a record is the same; a live pool's change then
    rebuilds one row, not the screenful. A row that only moved (a VM renamed above it) keeps its
    cells and gets new attributes (its index and whether Tab stops on it)."""
    cache = state.cache
    host = model.deref(cache, "host", model.live_host(vm))
    metrics = model.deref(cache, "VM_guest_metrics", vm.get("guest_metrics"))
    live = model.deref(cache, "VM_metrics", vm.get("metrics")) if vm.get("power_state") in model.LIVE_STATES else None
    if (last is None or last[0] is not vm or last[1] is not host or last[2] is not metrics or last[3] is not live
            or last[6] is not picked):
        return (vm, host, metrics, live, position, stop, picked, row(state, ref, vm, position, stop))
    if last[4] == position and last[5] is stop:
        return last
    node = last[-1]
    attrs = dict(node[1])
    attrs["aria-rowindex"], attrs["tabindex"] = row_attrs(position, stop)
    return (vm, host, metrics, live, position, stop, picked, [node[0], attrs, node[2]])


def row_attrs(position, stop):
    """A row's aria-rowindex (the header is row 1) and tabindex (the roving Tab stop)."""
    return str(position + 2), "0" if stop else "-1"


# The cells' classes, in COLUMNS order.
CELL_CLASSES = tuple(["xl-col-" + column for column, _key, _sortable in COLUMNS])
BOX = ["span", {"class": "xl-pick-box", "aria-hidden": "true"}, []]


def row(state, ref, vm, position, stop):
    """A row's nodes, written as lists rather than through h(): the list redraws a screenful of rows
    per keystroke, where h()'s checks were half the cost. The attribute names are fixed here and
    the values are text (tests/pure/test_ui_safety.py checks the page; the bridge checks again)."""
    cache, t = state.cache, state.t
    host = model.deref(cache, "host", model.live_host(vm))
    ips = model.vm_ips(cache, vm)
    uuid = vm.get("uuid") or ""
    name = vm.get("name_label") or uuid or w.DASH
    cells = [["a", {"href": state.href("vm", {"uuid": uuid}), "tabindex": "-1"}, [name]],
             w.state_badge(vm.get("power_state"), t),
             host.get("name_label") if host else "", ips[0] if ips else "",
             str(model.vm_vcpus(cache, vm)), fmt.size(model.vm_memory(cache, vm)), tags_cell(t, vm.get("tags"))]
    index, tabindex = row_attrs(position, stop)
    tds = [pick_cell(state, ref, vm)]
    for i in range(len(cells)):
        cell = cells[i]
        tds.append(["td", {"class": CELL_CLASSES[i]}, [cell if cell not in ("", None) else w.DASH]])
    return ["tr", {"key": ref, "aria-rowindex": index, "class": "xl-row", "id": "xl-vmrow-" + uuid,
                   "tabindex": tabindex, "data-action": "vmlist.row", "data-ref": ref, "data-keys": ROW_KEYS}, tds]


def pick_cell(state, ref, vm):
    """The row's checkbox (vm_bulk.row_cell's, out of the Tab order: the row takes Tab and Space)."""
    on = vm_bulk.selection(state).is_selected(ref)
    label = state.t("bulk.select_vm", vm=vm.get("name_label") or vm.get("uuid") or ref)
    return ["td", {"class": "xl-col-pick"},
            [["button", {"type": "button", "role": "checkbox", "class": "xl-pick", "tabindex": "-1",
                         "aria-checked": "true" if on else "false", "aria-label": label,
                         "data-action": "vmlist.pick", "data-ref": ref}, [BOX]]]]


def tags_cell(t, tags):
    """A row has room for one tag: the first (by name) whole, then "+N" naming the others on hover."""
    if not tags:
        return ""
    ordered = sorted(tags)
    chips = [h("li", {"class": "xl-tag"}, ordered[0])]
    if len(ordered) > 1:
        rest = ", ".join(ordered[1:])
        chips.append(h("li", {"class": "xl-tag xl-tag-more", "title": rest,
                              "aria-label": t("vmlist.more_tags", count=len(ordered) - 1, tags=rest)},
                       t("vmlist.more_tags_short", count=len(ordered) - 1)))
    return h("ul", {"class": "xl-tags", "aria-label": t("vm.tags")}, chips)
