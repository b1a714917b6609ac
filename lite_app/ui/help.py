"""The "Keyboard shortcuts" dialog, opened by "?" and by the top bar's button.

Pure vdom. It lists lite_app/logic/keys.py's SHORTCUTS (the very table the shell follows), the VM list's
row keys and the console's release chord, so what it documents is what works. Small on purpose: it is
part of the start-up download, since "?" works on every page.
"""
from lite_app.logic import keys
from lite_app.ui import dialogs
from lite_app.ui.vdom import h

KIND = "help"


def open_help(state):
    dialogs.show(state, KIND, size="wide")


def key_cell(between, names):
    """Keys, each in a kbd, with `between` between them ("then" in a sequence, "," among choices)."""
    parts = []
    for key in names:
        if parts:
            parts.append(between)
        parts.append(h("kbd", None, key))
    return h("td", None, parts)


def table(state, caption, rows, between):
    t = state.t
    return h("table", {"class": "xl-table xl-keys"},
             h("caption", None, caption),
             h("thead", None, h("tr", None, h("th", {"scope": "col"}, t("keys.col_keys")),
                                h("th", {"scope": "col"}, t("keys.col_action")))),
             h("tbody", None, [h("tr", None, key_cell(between, names), h("td", None, t(label)))
                               for names, label in rows]))


def render(state, spec):
    t = state.t
    everywhere = [(keys.parse(text), label) for text, _name, _arg, label in keys.SHORTCUTS]
    body = [dialogs.description(t("keys.intro")),
            table(state, t("keys.everywhere"), everywhere, " " + t("keys.then") + " "),
            table(state, t("keys.places"), keys.PLACES, ", ")]
    return t("keys.title"), body, [dialogs.cancel_button(state, t("dialog.close"))]


dialogs.register(KIND, render)
