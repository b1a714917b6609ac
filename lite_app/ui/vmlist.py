"""The VM list (route `#/vms`): search, power-state and host filters, sortable columns, virtual rows.

Built for 10,000 VMs: the rows are a fixed ROW_HEIGHT (CSS keeps it), only the rows in the scroll
window plus MARGIN above and below are rendered, and two spacer rows stand for the rest, so the DOM
holds ~60 rows whatever the pool size. Searching uses lite_app.logic.vmlist's per-VM index (lower-cased text built
once per record). Filters may come from the route (`#/vms?host=<uuid>&power=Running&q=web`) and then
live in state.ui. The first column holds the selection checkboxes of the bulk actions (vm_bulk.py).

The rows are one stop of the Tab order (a roving focus): the focused row (CURSOR) is the one with
tabindex 0, the arrow keys, Home/End and PageUp/PageDown move it (lite_app/logic/rows.py), scrolling the
window so the row is rendered, then focusing it; Enter opens its VM and Space selects it. The row's
own link and checkbox stay for the mouse and are left out of the Tab order. A row's nodes are made in
lite_app/ui/vmrows.py.
"""
from lite_app.logic import memo, model
from lite_app.logic import rows as roving
from lite_app.logic.vmlist import NO_HOST, SearchIndex, refine, select, update
from lite_app.ui import vm_bulk
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h
from lite_app.ui.vmrows import COLUMNS, cached_row, row_id

ROW_HEIGHT = 44
MARGIN = 8
SCROLLER = "xl-vmlist-scroll"
# The classes the selection reads (VM list memo). Hosts count only by their names, and only when the
# list is sorted by host (host_names): a VM started or stopped changes its host's record (resident_VMs,
# memory), which must not make 10,000 rows be sorted again.
MEMO_CLASSES = ("VM", "VM_guest_metrics")
# Up to this many changed VMs move one by one in the last selection; more are sorted again in one pass.
INCREMENTAL_LIMIT = 200
TEXT_CHUNK = 400  # VMs whose search text one idle turn makes, without a clock
TEXT_SLICE_MS = 8  # with one: ms of search text one idle turn makes,
TEXT_STEP = 50  # VMs at a time
PARAMS = (("q", "vmlist.query"), ("power", "vmlist.power"), ("host", "vmlist.host"))
CURSOR = "vmlist.cursor"  # state.ui: the ref of the row keyboard focus is on
ROWS = "vmlist.rows"  # state.ui: {ref: cached_row(...)} of the rows rendered last
# state.ui: True from a change of the query or filters to the next idle moment: the renders between
# leave out the MARGIN rows (a keystroke's answer waits for the rows in view only; see widen()).
SLIM = "vmlist.slim"


def title(state):
    return state.t("nav.vms")


def apply_params(state):
    """Take the route's filters into state.ui once per distinct route (later edits win over them)."""
    params = state.route[1] or {}
    seen = tuple([params.get(name) or "" for name, _key in PARAMS])
    if state.ui.get("vmlist.params") == seen:
        return
    state.ui["vmlist.params"] = seen
    for name, key in PARAMS:
        if name in params:
            state.ui[key] = params[name]


def index(state):
    found = state.ui.get("vmlist.index")
    if found is None:
        found = state.ui["vmlist.index"] = SearchIndex()
    return found


def host_filter_ref(state):
    """The host filter as lite_app.logic.vmlist wants it: a host ref, NO_HOST or ""."""
    value = state.ui.get("vmlist.host") or ""
    if value in ("", NO_HOST):
        return value
    return state.cache.ref_by_uuid("host", value) or "OpaqueRef:unknown"


def host_names(state):
    """The hosts' names by ref: what a sort by host reads of them."""
    hosts = state.cache.all("host")
    return tuple([(ref, hosts[ref].get("name_label")) for ref in sorted(hosts)])


def moved(state, inputs):
    """The last selection with only the VMs changed since it moved (logic/vmlist.update), when the
    query, filters and sort are the same and those changes are few and all known; else None."""
    last = state.ui.get("vmlist.memo")
    recent = getattr(state, "recent", None)
    if (last is None or recent is None or last[0][:5] != inputs[:5] or last[0][6] != inputs[6]
            or last[0][5] is None or inputs[5] is None):
        return None
    base = getattr(state, "recent_base", {})
    if tuple([base.get(cls, 0) for cls in MEMO_CLASSES]) + (inputs[5][-1],) != last[0][5]:
        return None  # changes since the last selection are not all in `recent`
    if len(recent.refs("VM")) > INCREMENTAL_LIMIT:
        return None  # a burst is cheaper in one pass
    if recent.refs("VM_guest_metrics") and (inputs[0] or inputs[3] == "ip"):
        return None  # addresses are searched and sorted on: a full pass reads them again
    return update(state.cache, index(state), recent.refs("VM"), *inputs[:5])


def changed(state, inputs):
    """The selection for `inputs` (the memo's miss), the cheapest way: the last one with the few VMs
    changed since moved; or, the query typed on, the last one's rows (first brought up to date)
    filtered; else filtered and sorted afresh."""
    found = moved(state, inputs)
    if found is None and current(state, inputs):
        found = refine(index(state), *inputs[:5])
    return found or select(state.cache, index(state), *inputs[:6])


def current(state, inputs):
    """Whether the last selection's rows are up to date with the records of `inputs` (moving the VMs
    changed since, under the last query and filters, when needed)."""
    last = state.ui.get("vmlist.memo")
    if last is None or last[0][5] is None or last[0][6] != inputs[6]:
        return False
    if last[0][5] == inputs[5]:
        return True
    return moved(state, last[0][:5] + inputs[5:]) is not None


def selected(state):
    """(refs to list in order, number of guest VMs), recomputed only when the query or the VMs, their
    guest metrics or the hosts changed: a scroll re-renders without touching 10,000 records."""
    ui = state.ui
    sort = ui.get("vmlist.sort") or "name"
    inputs = (ui.get("vmlist.query") or "", ui.get("vmlist.power") or "", host_filter_ref(state),
              sort, bool(ui.get("vmlist.desc")), memo.versions(state, MEMO_CLASSES),
              host_names(state) if sort == "host" else None)
    found = memo.keyed(state, "vmlist.memo", inputs, lambda: changed(state, inputs))
    if index(state).unindexed():  # the search text of each VM, made while the browser is idle
        state.later("vmlist.text", make_text)
    made = index(state)
    if made.entries is None or (made.slotted is not made.rows and not inputs[0]):  # what the first change needs
        state.later("vmlist.refs", lambda st: (index(st).by_ref(), index(st).row_index()))
    return found


def make_text(state):
    """Idle work: the search text of more VMs for TEXT_SLICE_MS (TEXT_CHUNK of them without a clock),
    then again later until all have theirs: a live pool's changes are drawn between the pieces, and wait
    for no more than one piece (a count of VMs took 20 ms in one piece, 120 in another, on a busy machine)."""
    found, env = index(state), getattr(state, "env", None)
    clock = getattr(env, "clock_ms", None)
    if clock is None:
        done = found.index_text(TEXT_CHUNK)
    else:
        start, done = clock(), False
        while not done and clock() - start < TEXT_SLICE_MS:
            done = found.index_text(TEXT_STEP)
    if not done:
        state.later("vmlist.text", make_text)


def window(state, count):
    """(first, last) indexes of the rows to render for the current scroll position: the rows in view and
    MARGIN more above and below (none while the list is SLIM)."""
    scroll = state.ui.get("vmlist.scroll") or [0, 0]
    top, height = int(scroll[0] or 0), int(scroll[1] or 0)
    if height <= 0:
        height = int((getattr(state, "viewport", None) or (0, 900))[1] or 900)
    margin = 0 if state.ui.get(SLIM) else MARGIN
    first = max(0, top // ROW_HEIGHT - margin)
    visible = height // ROW_HEIGHT + 1
    first = min(first, max(0, count - visible - margin))
    return first, min(count, top // ROW_HEIGHT + visible + margin)


def slim(state):
    """The query or a filter changed: the next renders show the rows in view only, and the margin follows
    when the browser is idle. Building, sending and laying out the margin's rows was about a third of a
    keystroke at 10,000 VMs, for rows nobody sees until they scroll (a scroll renders them anyway)."""
    state.ui[SLIM] = True
    state.later("vmlist.margin", widen)


def widen(state):
    """Idle work after a slim render: render again with the margin."""
    if state.ui.get(SLIM):
        state.ui[SLIM] = False
        state.redraw()


def render(state):
    """The page; the same nodes as the last render (the shell then skips them) when nothing it shows
    changed: on a live pool most changes are to VMs outside the window, and building and sending
    the page again for them cost more than the change."""
    apply_params(state)
    refs, total = selected(state)
    first, last = window(state, len(refs))
    stop = tab_stop(state, refs, first, last)
    shown = visible_rows(state, refs, first, last, stop)
    ui = state.ui
    picked = vm_bulk.selection(state).count()
    key = (len(refs), total, first, last, shown, ui.get("vmlist.query") or "", ui.get("vmlist.power") or "",
           ui.get("vmlist.host") or "", ui.get("vmlist.sort") or "name", bool(ui.get("vmlist.desc")), picked,
           ui.get("vmlist.picks") or 0, vm_bulk.header_state(state, refs), host_names(state))
    return memo.keyed(state, "vmlist.page", key, lambda: page(state, refs, total, first, last, shown))


def page(state, refs, total, first, last, shown):
    t = state.t
    count_text = t("vmlist.count", shown=str(len(refs)), total=str(total))
    return [h("div", {"class": "xl-page xl-page-vmlist", "key": "vmlist"},
              w.page_header("vm", t("nav.vms"), None, actions=w.new_vm_link(state)),
              toolbar(state, count_text), vm_bulk.bar(state),
              table(state, refs, first, last, shown))]


def toolbar(state, count_text):
    t, ui = state.t, state.ui
    return h("div", {"class": "xl-toolbar", "role": "search", "key": "vmlist-toolbar"},
             h("label", {"class": "xl-search"}, w.icon("search"),
               h("input", {"type": "search", "id": "xl-vmlist-search", "aria-label": t("vmlist.search"),
                           "placeholder": t("vmlist.search_hint"), "value": ui.get("vmlist.query") or "",
                           "data-action": "vmlist.search", "autocomplete": "off", "spellcheck": "false"})),
             power_select(state), host_select(state),
             h("p", {"class": "xl-count", "role": "status", "aria-live": "polite"}, count_text))


def option(value, text, current):
    return h("option", {"value": value, "selected": value == current}, text)


def power_select(state):
    t, current = state.t, state.ui.get("vmlist.power") or ""
    options = [option("", t("vmlist.any_state"), current)]
    options += [option(power, t("state." + power), current) for power in model.POWER_STATES]
    return h("select", {"aria-label": t("vmlist.filter_state"), "data-action": "vmlist.power",
                        "class": "xl-select"}, options)


def host_select(state):
    t, current = state.t, state.ui.get("vmlist.host") or ""
    hosts = state.cache.all("host")
    options = [option("", t("vmlist.any_host"), current), option(NO_HOST, t("vmlist.no_host"), current)]
    for ref in sorted(hosts, key=lambda ref: model.name_key(hosts[ref])):
        options.append(option(hosts[ref].get("uuid") or "", hosts[ref].get("name_label") or "", current))
    return h("select", {"aria-label": t("vmlist.filter_host"), "data-action": "vmlist.host",
                        "class": "xl-select"}, options)


def header_cell(state, column, label, sortable):
    if not sortable:
        return h("th", {"scope": "col", "class": "xl-col-" + column}, label)
    sort, desc = state.ui.get("vmlist.sort") or "name", bool(state.ui.get("vmlist.desc"))
    aria = ("descending" if desc else "ascending") if sort == column else None
    return h("th", {"scope": "col", "class": "xl-col-" + column, "aria-sort": aria},
             h("button", {"type": "button", "class": "xl-sort", "data-action": "vmlist.sort",
                          "data-column": column}, label,
               w.icon("chevron" if aria else "sort")))


def visible_rows(state, refs, first, last, stop):
    """The nodes of the rows in the window, as a tuple (the page's memo compares them one by one)."""
    table_of = state.cache.all("VM")
    last_rows, kept, out = state.ui.get(ROWS) or {}, {}, []
    picked = vm_bulk.selection(state)
    for position in range(first, last):
        ref = refs[position]
        kept[ref] = found = cached_row(state, last_rows.get(ref), ref, table_of[ref], position, ref == stop,
                                       picked.is_selected(ref))
        out.append(found[-1])
    state.ui[ROWS] = kept
    return tuple(out)


def table(state, refs, first, last, shown):
    t = state.t
    head = h("tr", {"aria-rowindex": "1"}, vm_bulk.header_cell(state, refs),
             [header_cell(state, column, t(key), sortable) for column, key, sortable in COLUMNS])
    rows = [spacer("top", first * ROW_HEIGHT)]
    rows.extend(shown)
    rows.append(spacer("bottom", (len(refs) - last) * ROW_HEIGHT))
    body = h("table", {"class": "xl-table xl-vmtable", "aria-rowcount": str(len(refs) + 1)},
             h("caption", {"class": "xu-sr-only"}, t("nav.vms")), h("thead", None, head), h("tbody", None, rows))
    return h("div", {"class": "xl-vmlist-scroll", "id": SCROLLER, "key": SCROLLER, "tabindex": None if refs else "0",
                     "role": "region", "aria-label": t("vmlist.rows"), "data-action": "vmlist.scroll"},
             body, None if refs else w.empty(t("vmlist.none")))


def spacer(which, height):
    return h("tr", {"class": "xl-spacer", "key": "spacer-" + which, "aria-hidden": "true",
                    "style": "height:%dpx" % height}, h("td", {"colspan": str(len(COLUMNS) + 1)}))


def tab_stop(state, refs, first, last):
    """The row Tab reaches: the focused row when it is rendered, else the first row in view."""
    cursor = state.ui.get(CURSOR)
    if cursor is not None:
        for position in range(first, last):  # the refs in the window only (`refs` may be 10,000 long)
            if refs[position] == cursor:
                return cursor
    top = int((state.ui.get("vmlist.scroll") or [0, 0])[0] or 0) // ROW_HEIGHT
    return refs[min(max(top, first), last - 1)] if last > first else None


def on_search(state, payload):
    state.ui["vmlist.query"] = payload.get("value") or ""
    slim(state)


def on_power(state, payload):
    state.ui["vmlist.power"] = payload.get("value") or ""
    slim(state)


def on_host(state, payload):
    state.ui["vmlist.host"] = payload.get("value") or ""
    slim(state)


def on_sort(state, payload):
    column = (payload.get("data") or {}).get("column") or "name"
    if state.ui.get("vmlist.sort", "name") == column:
        state.ui["vmlist.desc"] = not state.ui.get("vmlist.desc")
    else:
        state.ui["vmlist.sort"], state.ui["vmlist.desc"] = column, False


def on_row(state, payload):
    """A row's key (see the module's docstring), or a click on it (the row becomes the focused one)."""
    ref = (payload.get("data") or {}).get("ref") or ""
    key = payload.get("key")
    if key in roving.ROW_KEYS and state.focus_next is not None and state.ui.get(CURSOR):
        ref = state.ui[CURSOR]  # a key pressed before the last move reached the page goes on from there
    vm = state.cache.get("VM", ref)
    if vm is None:
        return None
    state.ui[CURSOR] = ref
    if key == "Enter":
        state.go("vm", {"uuid": vm.get("uuid")})
    elif key == "Space":
        vm_bulk.on_pick(state, {"data": {"ref": ref}})
    elif key in roving.ROW_KEYS:
        move_to(state, ref, key)


def move_to(state, ref, key):
    """Move the focused row by `key`, scroll so it is rendered, and focus it after the render."""
    refs = selected(state)[0]
    scroll = state.ui.get("vmlist.scroll") or [0, 0]
    height = int(scroll[1] or 0) or int((getattr(state, "viewport", None) or (0, 900))[1] or 900)
    index = roving.move(refs.index(ref) if ref in refs else -1, key, len(refs), height // ROW_HEIGHT - 1)
    if index is None:
        return
    state.ui[CURSOR] = refs[index]
    state.ui["vmlist.scroll"] = [roving.scroll_for(index, int(scroll[0] or 0), height, ROW_HEIGHT), height]
    state.focus_after(row_id(state.cache.get("VM", refs[index]) or {}))


def on_scroll(state, payload):
    scroll = payload.get("scroll")
    if scroll:
        state.ui["vmlist.scroll"] = [int(scroll[0]), int(scroll[1])]


actions = {"vmlist.search": on_search, "vmlist.power": on_power, "vmlist.host": on_host,
           "vmlist.sort": on_sort, "vmlist.scroll": on_scroll, "vmlist.row": on_row}
actions = w.merged(actions, vm_bulk.actions)
