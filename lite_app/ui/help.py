"""The "Keyboard shortcuts" dialog, opened by "?" and by the top bar's button.

Pure vdom. It lists lite_app/logic/keys.py's SHORTCUTS (the very table the shell follows), the VM list's
row keys and the console's release chord, so what it documents is what works. It travels with the home pages'
group (ui/dashboard.py imports it), which the shell loads first if "?" comes before it.
"""
from lite_app.logic import keys
from lite_app.ui import dialogs
from lite_app.ui.vdom import h

KIND = "help"
# What each shortcut of keys.SHORTCUTS does, by its keys.
SAYS = {"g d": "keys.go_dashboard", "g v": "keys.go_vms", "g s": "keys.go_storage", "g n": "keys.go_networks",
        "g p": "keys.go_pool", "g t": "keys.go_tasks", "n": "keys.new_vm", "/": "keys.search", "?": "keys.help"}
# The keys that work in one place only: (any of these keys, catalog key).
PLACES = ((("\u2191", "\u2193", "Home", "End", "PageUp", "PageDown"), "keys.rows_move"), (("Enter",), "keys.rows_open"),
          (("Space",), "keys.rows_select"), ((keys.CONSOLE_RELEASE,), "keys.console_release"),
          (("Escape",), "keys.escape"))
# Keys named as the language's keyboards print them (the others are the same everywhere: arrows, letters).
KEY_NAMES = {"Home": "keyname.home", "End": "keyname.end", "PageUp": "keyname.page_up",
             "PageDown": "keyname.page_down", "Enter": "keyname.enter", "Space": "keyname.space",
             "Escape": "keyname.escape", keys.CONSOLE_RELEASE: "keyname.console_release"}


def open_help(state):
    dialogs.show(state, KIND, size="wide")


def key_cell(t, between, names):
    """Keys, each in a kbd, with `between` between them ("then" in a sequence, "," among choices)."""
    parts = []
    for key in names:
        if parts:
            parts.append(between)
        parts.append(h("kbd", None, t(KEY_NAMES[key]) if key in KEY_NAMES else key))
    return h("td", None, parts)


def table(state, caption, rows, between):
    t = state.t
    return h("table", {"class": "xl-table xl-keys"},
             h("caption", None, caption),
             h("thead", None, h("tr", None, h("th", {"scope": "col"}, t("keys.col_keys")),
                                h("th", {"scope": "col"}, t("keys.col_action")))),
             h("tbody", None, [h("tr", None, key_cell(t, between, names), h("td", None, t(label)))
                               for names, label in rows]))


def render(state, spec):
    t = state.t
    everywhere = [(keys.parse(text), SAYS[text]) for text, _name, _arg in keys.SHORTCUTS]
    body = [dialogs.description(t("keys.intro")),
            table(state, t("keys.everywhere"), everywhere, " " + t("keys.then") + " "),
            table(state, t("keys.places"), PLACES, ", ")]
    return t("keys.title"), body, [dialogs.cancel_button(state, t("dialog.close"))]


dialogs.register(KIND, render)
