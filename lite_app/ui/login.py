"""The login screen's dynamic part: the status line under the form (progress, errors, the master link).

The form itself is static HTML (lite_app/templates/login.html) painted before Python starts; only
this status line is rendered from Python. Pure: returns vdom nodes.
"""
from lite_app.ui.vdom import h


def status_nodes(t, key, detail="", master=None, busy=False):
    """The status line for a catalog key; `detail` (an XAPI code, HTTP status) is appended."""
    text = t(key)
    if detail:
        text += ": " + detail
    nodes = [text]
    if busy:
        nodes.insert(0, h("span", {"class": "xl-spinner", "aria-hidden": "true"}))
    if master:
        nodes.append(" ")
        nodes.append(h("a", {"href": master, "class": "xl-master-link"}, t("login.open_master")))
    return nodes
