"""The user's preferences as menus: language and theme.

The top bar shows them; on narrow screens, where the top bar has no room, the navigation drawer
shows them instead (app.css shows one pair or the other, so a reader meets them once).
"""
from lite_app.text import catalog
from lite_app.ui.vdom import h

THEMES = ("auto", "light", "dark")


def language_switch(state):
    """The language menu: each language named in itself; choosing one reloads the page in it."""
    label = state.t("shell.language")
    current = catalog.language()
    options = [h("option", {"value": code, "lang": code, "selected": code == current}, catalog.AUTONYMS[code])
               for code in catalog.LANGUAGES]
    return h("label", {"class": "xl-theme xl-language"},
             h("span", {"class": "xu-sr-only"}, label),
             h("select", {"data-action": "shell.language", "aria-label": label, "value": current}, options))


def theme_switch(state):
    t = state.t
    current = state.ui.get("shell.theme") or "auto"
    options = [h("option", {"value": name, "selected": name == current}, t("shell.theme." + name))
               for name in THEMES]
    return h("label", {"class": "xl-theme"},
             h("span", {"class": "xu-sr-only"}, t("shell.theme")),
             h("select", {"data-action": "shell.theme", "aria-label": t("shell.theme"), "value": current},
               options))


def drawer(state):
    """Both menus for the navigation drawer of narrow screens."""
    return h("div", {"class": "xl-nav-settings"}, language_switch(state), theme_switch(state))
