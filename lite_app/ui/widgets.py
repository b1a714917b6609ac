"""Building blocks every page uses: icons, state badges, usage meters, cards, key/value lists, tables.

Pure vdom (lite_app/ui/vdom.py): strings from XAPI are passed as children, so the renderer writes them
with textContent and markup in a VM name stays text. Each widget carries its accessible role and name
(meters are role="meter" with aria-valuenow, tables have a caption and column headers with scope).
"""
from lite_app.text import fmt
from lite_app.ui.vdom import h, text_of

DASH = "\u2014"

# Icons as SVG path data on a 16x16 grid, drawn with strokes (CSS: .xl-icon); SOLID ones are filled.
ICONS = {
    "pool": "M8 1.5l6 3-6 3-6-3zM2 8l6 3 6-3M2 11.5l6 3 6-3",
    "host": "M2.5 2.5h11v5h-11zM2.5 8.5h11v5h-11zM5 5h.01M5 11h.01",
    "vm": "M2.5 3h11v7.5h-11zM5.5 13.5h5M8 10.5v3",
    "storage": "M2.5 4c0-1.1 2.5-2 5.5-2s5.5.9 5.5 2v8c0 1.1-2.5 2-5.5 2s-5.5-.9-5.5-2zM2.5 4c0 1.1 "
               "2.5 2 5.5 2s5.5-.9 5.5-2M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2",
    "network": "M6 1.5h4v4H6zM1.5 10.5h4v4h-4zM10.5 10.5h4v4h-4zM8 5.5V8M3.5 8h9M3.5 8v2.5M12.5 8v2.5",
    "alarm": "M8 1.8l6.5 12H1.5zM8 6.5v3.5M8 12v.01",
    "task": "M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 0 0 0-13zM8 4.5V8l2.5 1.5",
    "cpu": "M4 4h8v8H4zM6.5 6.5h3v3h-3zM6 1.5V4M10 1.5V4M6 12v2.5M10 12v2.5M1.5 6H4M1.5 10H4M12 6h2.5M12 10h2.5",
    "memory": "M1.5 4.5h13v6h-13zM4 10.5v2M7 10.5v2M10 10.5v2M13 10.5v2M4.5 7h1M7.5 7h1M10.5 7h1",
    "chevron": "M5 6.5l3 3 3-3",
    "sort": "M5 6l3-3 3 3M5 10l3 3 3-3",
    "search": "M7 2.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 0 0 0-9zM10.5 10.5l3.5 3.5",
    "keyboard": "M1.5 4h13v8h-13zM4 6.5h.01M6.5 6.5h.01M9 6.5h.01M11.5 6.5h.01M5 9.5h6",
    "star": "M8 1.8l1.9 3.9 4.3.6-3.1 3 .7 4.3L8 11.6l-3.8 2 .7-4.3-3.1-3 4.3-.6z",
    "Running": "M5 3l8 5-8 5z",
    "Halted": "M4 4h8v8H4z",
    "Paused": "M4 3h3v10H4zM9 3h3v10H9z",
    "Suspended": "M10.5 2a6 6 0 1 0 3.5 10.5A5 5 0 0 1 10.5 2z",
}
SOLID = ("Running", "Halted", "Paused", "Suspended", "star")

# The page showing an object of each class (lite_app/shell/pages.py names).
PAGE_OF = {"VM": "vm", "host": "host", "SR": "sr", "network": "network"}

# Usage thresholds (percent) for the meter colour.
LEVELS = ((90, "xl-level-high"), (75, "xl-level-warn"), (0, "xl-level-ok"))


# Decorative icons by name: the same node every time (nodes are never changed once made; the VM list
# draws one per row per render).
_ICONS = {}


def icon(name, label=None):
    """An inline SVG icon; decorative (aria-hidden) unless it has a label."""
    if not label:
        found = _ICONS.get(name)
        if found is None:
            found = _ICONS[name] = make_icon(name, None)
        return found
    return make_icon(name, label)


def make_icon(name, label):
    attrs = {"class": "xl-icon xl-solid" if name in SOLID else "xl-icon", "viewBox": "0 0 16 16",
             "width": "16", "height": "16"}
    if label:
        attrs["role"] = "img"
        attrs["aria-label"] = label
    else:
        attrs["aria-hidden"] = "true"
    return h("svg", attrs, h("path", {"d": ICONS.get(name, ICONS["vm"])}))


def state_badge(power_state, t):
    """A VM power state as an icon and a word, coloured by state."""
    state = power_state if power_state in ("Running", "Halted", "Paused", "Suspended") else "unknown"
    return h("span", {"class": "xl-badge xl-state-" + state.lower()},
             icon(state) if state != "unknown" else None, t("state." + state))


def flag(text, kind="neutral", title=None):
    """A small coloured label: "Maintenance", "Shared", "Master"."""
    return h("span", {"class": "xl-badge xl-flag-" + kind, "title": title}, text)


def level_class(pct):
    for bound, cls in LEVELS:
        if pct >= bound:
            return cls
    return LEVELS[-1][1]


def usage_bar(used, total, label, t):
    """A meter (role=meter, aria-valuenow in percent) with "used of total (n%)" under it."""
    pct = fmt.percent(used, total)
    text = t("usage.of", used=fmt.size(used), total=fmt.size(total))
    text = text + " (" + str(pct) + "%)"
    return h("div", {"class": "xl-usage"},
             h("div", {"class": "xl-bar " + level_class(pct), "role": "meter", "aria-label": label,
                       "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": str(pct),
                       "aria-valuetext": text},
               h("div", {"class": "xl-bar-fill", "style": "width:%d%%" % pct})),
             h("div", {"class": "xl-usage-text"}, text))


def progress_bar(percent, label):
    """A task's progress (role=progressbar, 0..100) with the percentage under it."""
    return h("div", {"class": "xl-usage"},
             h("div", {"class": "xl-bar", "role": "progressbar", "aria-label": label, "aria-valuemin": "0",
                       "aria-valuemax": "100", "aria-valuenow": str(percent)},
               h("div", {"class": "xl-bar-fill", "style": "width:%d%%" % percent})),
             h("div", {"class": "xl-usage-text"}, fmt.percent_text(percent)))


def card(card_id, title, *body, **options):
    """A titled section; `card_id` names it (aria-labelledby) and keys it for the renderer."""
    head = [h("h2", {"id": card_id + "-title", "class": "xl-card-title"},
              icon(options["icon"]) if options.get("icon") else None, title)]
    if options.get("aside") is not None:
        head.append(h("span", {"class": "xl-card-aside"}, options["aside"]))
    return h("section", {"class": "xl-card " + options.get("cls", ""), "key": card_id,
                         "aria-labelledby": card_id + "-title"},
             h("div", {"class": "xl-card-head"}, head), list(body))


def kv(pairs):
    """A key/value list: pairs of (label, value); a None or "" value shows a dash."""
    items = []
    for label, value in pairs:
        shown = DASH if value is None or value == "" else value
        items.append(h("div", {"class": "xl-kv-row"}, h("dt", None, label), h("dd", None, shown)))
    return h("dl", {"class": "xl-kv"}, items)


def href(state, cls, record):
    """The app's own link to an object's page (by uuid: refs change across restarts, uuids do not)."""
    return state.href(PAGE_OF[cls], {"uuid": record.get("uuid") or ""})


def link(target, text, label=None):
    return h("a", {"href": target, "aria-label": label}, text if text != "" else DASH)


def object_link(state, cls, record, empty_text=DASH):
    """A link to an object's page named by its name_label, or a dash when there is no object."""
    if record is None:
        return empty_text
    return link(href(state, cls, record), record.get("name_label") or record.get("uuid") or DASH)


def merged(*tables):
    """One actions table from a page's own and its parts' (a name defined twice is a bug: it raises)."""
    out = {}
    for table in tables:
        for name in table:
            if name in out:
                raise ValueError("action defined twice: " + name)
            out[name] = table[name]
    return out


def text_key(cell):
    """Sort key of a table cell (a string or a node): its text, lower-cased."""
    return (cell if isinstance(cell, str) else text_of(cell)).lower()


def route_param(state, name):
    """A parameter of the current route ("" when absent)."""
    return (state.route[1] or {}).get(name) or ""


def routed(state, cls):
    """(ref, record) of the object of class `cls` the route's uuid names, or (None, None)."""
    uuid = route_param(state, "uuid")
    ref = state.cache.ref_by_uuid(cls, uuid) if uuid else None
    return ref, (state.cache.get(cls, ref) if ref else None)


def routed_title(state, cls, page_key):
    """The title of an object's page: its name (or uuid), else the page's own title."""
    record = routed(state, cls)[1]
    return (record.get("name_label") or record.get("uuid")) if record else state.t(page_key)


def collection_card(state, card_id, title, items, body, **options):
    """A card listing `items` (a list, or None while its records load): "Loading", its `empty` text, or
    `body(items)` with the count beside the title."""
    t = state.t
    icon = options.get("icon")
    if items is None:
        return card(card_id, title, empty(t("view.loading")), icon=icon, cls=options.get("cls", ""))
    if not items:
        return card(card_id, title, empty(t(options["empty"])), icon=icon, aside="0")
    return card(card_id, title, body(items), icon=icon, aside=str(len(items)), cls=options.get("cls", "xl-wide"))


def table(label, headers, rows, cls=""):
    """A data table in a horizontally scrollable region; `headers` are texts or nodes, `rows` lists of cells.

    A row may be a (attrs, cells) tuple to give the <tr> a key or class.
    """
    head = h("tr", None, [h("th", {"scope": "col"}, cell) for cell in headers])
    body = []
    for row in rows:
        attrs, cells = row if isinstance(row, tuple) else (None, row)
        body.append(h("tr", attrs, [h("td", None, DASH if cell is None or cell == "" else cell)
                                    for cell in cells]))
    # Focusable so a keyboard can scroll a wide table; named like the table, so focus on it says what it is.
    return h("div", {"class": "xl-table-wrap", "tabindex": "0", "role": "group",
                     "aria-label": label if isinstance(label, str) else text_of(label)},
             h("table", {"class": "xl-table " + cls}, h("caption", {"class": "xu-sr-only"}, label),
               h("thead", None, head), h("tbody", None, body)))


REQUIRED = "*"


def required(node):
    """A field (label + input/select, as the form helpers make it) marked required: aria-required on its
    control, a visible REQUIRED after its label (hidden from screen readers, which say "required")."""
    children = node[2]
    for i in range(len(children)):
        child = children[i]
        if isinstance(child, list) and child[0] in ("input", "select", "textarea"):
            child[1]["aria-required"] = "true"
        elif isinstance(child, list) and (child[0] == "label" or "xl-field-label" in (child[1].get("class") or "")):
            mark = h("span", {"class": "xl-required", "aria-hidden": "true"}, " " + REQUIRED)
            if child[0] == "label" and "xl-field-label" not in (child[1].get("class") or ""):
                required(child)  # a label wrapping its control: mark inside it
            elif child[0] == "label":
                # beside the label, not in it: the label's text stays the field's name
                children[i] = h("div", {"class": "xl-label-row"}, child, mark)
            else:
                child[2].append(mark)
    return node


def required_note(state):
    """Says once, at the top of a form, what the mark means."""
    return h("p", {"class": "xl-required-note"}, h("span", {"class": "xl-required"}, REQUIRED), " ",
             state.t("form.required"))


def reload_note(state, text):
    """An alert that files of the app were refused (integrity check, missing): only a reload can help."""
    return h("div", {"class": "xl-note", "role": "alert"}, h("p", None, text),
             h("button", {"type": "button", "class": "xl-button", "data-action": "shell.reload"},
               state.t("shell.reload")))


def empty(text):
    return h("p", {"class": "xl-empty"}, text)


def page_header(icon_name, title, subtitle=None, badges=None, actions=None):
    """The page's h1 with its icon, a subtitle line, badges next to the title and actions (links) at
    the end."""
    return h("header", {"class": "xl-page-head"},
             h("div", {"class": "xl-page-icon"}, icon(icon_name)),
             h("div", {"class": "xl-page-titles"},
               h("div", {"class": "xl-page-line"}, h("h1", {"class": "xl-page-title"}, title if title else DASH),
                 h("span", {"class": "xl-page-badges"}, badges) if badges else None),
               h("p", {"class": "xl-page-sub"}, subtitle) if subtitle else None),
             h("div", {"class": "xl-page-actions"}, actions) if actions else None)


def new_vm_link(state, host_uuid=None):
    """The way to the New VM page (with the host preselected from a host's page)."""
    params = {"host": host_uuid} if host_uuid else None
    return h("a", {"class": "xl-button xl-primary", "href": state.href("new-vm", params),
                   "key": "new-vm-link"}, state.t("nav.new_vm"))


def stat(label, value, detail=None, stat_id=None):
    """A big figure with its label (dashboard status tiles)."""
    return h("div", {"class": "xl-stat", "role": "group", "aria-label": label, "key": stat_id},
             h("div", {"class": "xl-stat-value", "data-stat": stat_id}, value),
             h("div", {"class": "xl-stat-label"}, label),
             h("div", {"class": "xl-stat-detail"}, detail) if detail else None)


def tag_list(tags, label):
    """Tags as a list of chips (or nothing)."""
    if not tags:
        return None
    return h("ul", {"class": "xl-tags", "aria-label": label},
             [h("li", {"class": "xl-tag"}, tag) for tag in sorted(tags)])


def not_found(t, what):
    """The page of an object that does not exist (any more): `what` names its kind."""
    return [h("div", {"class": "xl-page", "key": "missing"}, page_header("alarm", what),
              empty(t("page.missing")))]


def loading(t):
    return [h("div", {"class": "xl-page", "aria-busy": "true", "key": "loading"}, empty(t("shell.loading")))]
