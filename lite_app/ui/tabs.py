"""Tabs of an object page: `?tab=<name>` in the route picks one; links, so history and deep links work.

Pure vdom. A page lists its tabs as (name, catalog key, render(state) -> nodes) with the default first;
adding a tab is one entry. The bar is a role=tablist of links (role=tab, aria-selected) and the content
a role=tabpanel labelled by its tab.
"""
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h


def current(state, tabs):
    """The name of the route's tab, or the first one when the route names none (or an unknown one)."""
    name = w.route_param(state, "tab")
    for entry in tabs:
        if entry[0] == name:
            return name
    return tabs[0][0]


def tab_bar(state, page, uuid, tabs, selected, label):
    """The tablist: one link per tab to the same page with ?tab=<name> (the default tab has none)."""
    items = []
    for index, entry in enumerate(tabs):
        name = entry[0]
        params = {"uuid": uuid, "tab": name if index else None}
        items.append(h("a", {"class": "xl-tab", "role": "tab", "id": "tab-" + name, "key": "tab-" + name,
                             "href": state.href(page, params), "aria-controls": "tabpanel-" + name,
                             "aria-selected": "true" if name == selected else "false"},
                       state.t(entry[1])))
    return h("div", {"class": "xl-tabs", "role": "tablist", "aria-label": label}, items)


def tabbed(state, page, uuid, tabs, label):
    """[tab bar, panel of the selected tab]."""
    selected = current(state, tabs)
    body = None
    for entry in tabs:
        if entry[0] == selected:
            body = entry[2](state)
    panel = h("div", {"class": "xl-tabpanel", "role": "tabpanel", "id": "tabpanel-" + selected,
                      "key": "tabpanel-" + selected, "aria-labelledby": "tab-" + selected}, body)
    return [tab_bar(state, page, uuid, tabs, selected, label), panel]
