"""The app's frame around the pages: top bar, navigation tree, reconnect banner and notices.

Pure vdom (lite_app/ui/vdom.py). `regions(state, page)` returns the nodes of each fixed region of
the skeleton (`skeleton`), so the shell can skip the regions whose output did not change. The
navigation tree lives in lite_app/ui/navtree.py.
"""
from lite_app.logic import hoststate, memo, routes, tasks
from lite_app.logic.model import namer
from lite_app.text import catalog
from lite_app.ui import dialogs, navtree, preferences
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

APP_NAME_KEY = "app.name"
TOP, BANNER, NAV, MAIN = "xl-top", "xl-banner", "xl-nav", "xl-main"
DIALOG = dialogs.REGION
LOGO = ("M14 14l20 20M34 14L14 34")


def skeleton(t):
    """The fixed layout the regions render into (rendered once per sign-in)."""
    return [
        h("div", {"id": TOP, "class": "xl-top"}),
        h("div", {"id": BANNER, "class": "xl-banner-region", "aria-live": "polite"}),
        h("div", {"class": "xl-frame"},
          h("div", {"id": NAV, "class": "xl-nav-region"}),
          h("main", {"id": MAIN, "class": "xl-main", "tabindex": "-1"})),
        h("div", {"id": DIALOG, "class": "xl-dialog-region"}),
    ]


def regions(state, page):
    """{region id: nodes} for the current state; `page` is the page module (or None)."""
    return {
        TOP: top_bar(state),
        BANNER: [announcement(state)] + banner(state),
        NAV: navtree.render(state),
        MAIN: main_area(state, page),
        DIALOG: dialogs.render(state),
    }


def pool_name(state):
    ref, pool = state.cache.first("pool")
    name = (pool or {}).get("name_label") or ""
    if not name and pool:
        master = state.cache.get("host", pool.get("master"))
        name = (master or {}).get("name_label") or ""
    return name


def logo():
    return h("svg", {"class": "xl-logo", "viewBox": "0 0 48 48", "width": "28", "height": "28",
                     "aria-hidden": "true"},
             h("rect", {"width": "48", "height": "48", "fill": "currentColor", "class": "xl-logo-bg"}),
             h("path", {"d": LOGO, "class": "xl-logo-x"}))


def top_bar(state):
    """The same nodes as the last render while nothing the bar shows changed (a keystroke in a page, most
    changes of a live pool): the shell then neither serialises nor sends them."""
    count = tasks.pending_count(state)  # every render: it keeps the tasks panel in step (see tasks_indicator)
    counted = memo.versions(state, ())  # None: a state without change counters, never the same
    # The pool's name, not the pool and host records: a VM started or stopped changes its host's record.
    key = None if counted is None else counted + (pool_name(state), count, bool(state.ui.get("nav.open")),
                                                  catalog.language(), state.ui.get("shell.theme"), state.user)
    return memo.keyed(state, "frame.top", key, lambda: top_bar_nodes(state))


def top_bar_nodes(state):
    t = state.t
    is_open = bool(state.ui.get("nav.open"))
    return [h("button", {"type": "button", "class": "xu-skip", "data-action": "shell.skip", "key": "skip"},
              t("shell.skip")),
            h("header", {"class": "xl-topbar"},
              h("button", {"type": "button", "class": "xl-menu-button", "id": "xl-menu-button", "data-action": "shell.menu",
                           "aria-expanded": "true" if is_open else "false", "aria-controls": "xl-nav-panel"},
                h("span", {"class": "xl-burger", "aria-hidden": "true"}), h("span", {}, t("shell.menu"))),
              home_link(state),
              h("span", {"class": "xl-poolname", "title": pool_name(state)}, pool_name(state)),
              h("div", {"class": "xl-topbar-end"}, tasks_indicator(state), user_controls(state)))]


def home_link(state):
    return memo.keyed(state, "frame.home", catalog.language(), lambda: h(
        "a", {"class": "xl-home", "href": "#/", "aria-label": state.t(APP_NAME_KEY)}, logo(),
        h("span", {"class": "xl-appname"}, state.t(APP_NAME_KEY))))


def user_controls(state):
    """Help, language, theme, the user and "Log out": kept while those are the same (the bar is made again
    whenever the count of pending tasks changes, several times a second on a busy pool)."""
    t = state.t

    def make():
        return [help_button(state), preferences.language_switch(state), preferences.theme_switch(state),
                h("span", {"class": "xl-user"}, h("span", {"class": "xu-sr-only"}, t("shell.user") + " "),
                  state.user),
                h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "shell.logout"},
                  t("shell.logout"))]
    return memo.keyed(state, "frame.user", (catalog.language(), state.ui.get("shell.theme"), state.user), make)


def tasks_indicator(state):
    """A link to the tasks page with the pending count; syncing the panel here (every render) keeps
    the outcome of every task the visit saw, whatever page is shown."""
    count = tasks.pending_count(state)
    if not count:
        label = state.t("shell.tasks.none")
        return h("a", {"class": "xl-tasks xl-idle", "href": "#/tasks", "title": label, "aria-label": label},
                 w.icon("task"))
    label = state.t("shell.tasks", count=count)
    return h("a", {"class": "xl-tasks", "href": "#/tasks", "title": label, "aria-label": label},
             h("span", {"class": "xl-spinner", "aria-hidden": "true"}), str(count))


def help_button(state):
    """Opens the keyboard shortcuts (so does "?")."""
    label = state.t("shell.shortcuts")
    return h("button", {"type": "button", "class": "xl-button xl-quiet xl-help-button", "data-action": "shell.help",
                        "aria-label": label, "title": label, "aria-keyshortcuts": "?"}, w.icon("keyboard"))


def announcement(state):
    """How the tasks of the visit ended ("Migrate (web-01) succeeded."), for screen readers: in the banner
    region, which is a live region (so is the reconnecting banner), always present with the latest outcome
    as its text. Tasks already finished when the visit began are not announced."""
    panel = tasks.panel(state)
    version = memo.versions(state, ("task",))
    if state.ui.get("announce.version") != version:
        state.ui["announce.version"] = version
        seen = state.ui.get("announce.seen")
        first = seen is None
        seen = seen if seen is not None else {}
        ended = panel.finished_since(seen)
        for ref, _task in ended:
            seen[ref] = True
        if ended and not first:  # the latest to end is told
            ref, task = max(ended, key=lambda pair: (tasks.finished_at(pair[1]) or 0, pair[0]))
            state.ui["announce.text"] = outcome_text(state, panel.row(ref, task, state.now, namer(state.cache), state.t))
        state.ui["announce.seen"] = seen
    return h("div", {"class": "xu-sr-only", "id": "xl-announce", "key": "announce"},
             state.ui.get("announce.text") or "")


def outcome_text(state, row):
    t = state.t
    what = t("task.on_object", task=row["title"], object=row["object"]) if row["object"] else row["title"]
    if row["status"] == "success":
        return t("announce.succeeded", task=what)
    if row["status"] == "cancelled":
        return t("announce.cancelled", task=what)
    reason = (row["error"] or {}).get("text") or ""
    return t("announce.failed", task=what, reason=reason)


def banner(state):
    t = state.t
    nodes = []
    going = hoststate.master_going_down(state.cache)
    if going is not None:  # every console hears it: the master's reboot or shutdown ends all sessions
        nodes.append(h("div", {"class": "xl-banner xl-warn", "role": "status", "key": "master-down"},
                       h("span", {"class": "xl-spinner", "aria-hidden": "true"}),
                       t("master." + going[0], host=going[1])))
    elif state.connection == "reconnecting":
        nodes.append(h("div", {"class": "xl-banner xl-warn", "role": "status"},
                       h("span", {"class": "xl-spinner", "aria-hidden": "true"}), t("shell.reconnecting")))
    for notice_id, kind, text, _scope in state.shown_notices():
        nodes.append(h("div", {"class": "xl-notice xl-" + kind, "role": "alert" if kind == "error" else "status",
                               "key": "n%d" % notice_id},
                       h("span", {}, text),
                       h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "shell.dismiss",
                                    "data-id": str(notice_id)}, t("shell.dismiss"))))
    return nodes


def page_title(state, page):
    """The page's own title, else the route's default one."""
    if page is not None and hasattr(page, "title"):
        try:
            text = page.title(state)
            if text:
                return text
        except Exception:  # a broken title must not break the frame; render() reports the error
            pass
    return state.t(routes.title_key(state.route[0]))


def document_title(state, page):
    return routes.document_title(page_title(state, page), pool_name(state), state.t(APP_NAME_KEY))


def main_area(state, page):
    if page is None or not hasattr(page, "render"):
        return not_found(state)
    return page.render(state)


class PendingPage:
    """Stands in for a page whose code is still arriving, or did not arrive (`refused`)."""

    def __init__(self, refused):
        self.refused = refused

    def render(self, state):
        t = state.t
        if not self.refused:
            return [h("section", {"class": "xl-empty", "aria-busy": "true"},
                      h("p", {"id": "xl-page-title", "role": "status"}, t("page.loading")))]
        return [h("section", {"class": "xl-empty", "role": "alert"},
                  h("h1", {"id": "xl-page-title"}, t("page.refused")),
                  h("p", {}, t("page.refused.text")),
                  h("button", {"type": "button", "class": "xl-button", "data-action": "shell.retry_page"},
                    t("page.retry")))]


LOADING = PendingPage(False)
REFUSED = PendingPage(True)


def not_found(state):
    t = state.t
    return [h("section", {"class": "xl-empty"},
              h("h1", {"id": "xl-page-title"}, t("page.notfound")),
              h("p", {}, t("page.notfound.text")),
              h("a", {"class": "xl-button", "href": "#/"}, t("page.notfound.home")))]


def failed_view(state, detail):
    t = state.t
    return [h("section", {"class": "xl-empty", "role": "alert"},
              h("h1", {"id": "xl-page-title"}, t("shell.view_failed")),
              h("pre", {"class": "xl-detail"}, detail))]
