"""What user input does: `data-action` events from the page and location hash changes.

Pure (CPython and MicroPython). The bridge reports each event as a JSON payload (see
lite_app/shell/pages.py); `dispatch` finds the handler and runs it: the shell's own actions first,
then the controls the shell draws on every page (dialogs, including the open dialog's own controls, the
console panel and the stats panels: PANELS), then the current page's `actions`. A handler returning a
coroutine is awaited in its own task; XAPI failures become a notice, and the app re-renders either way.
"""
import asyncio
import json
import sys

from lite_app.logic import keys, routes
from lite_app.logic.model import namer
from lite_app.shell import pages
from lite_app.text.errors import describe
from lite_app.ui import dialogs
from lite_app.xapi.errors import TransportError, XapiError

# Action name prefix -> the module whose `actions` handle it, for panels shown on several pages. Those
# modules are imported by the pages that draw them (the stats panels on first use), so a click on one
# of their controls always finds them loaded.
PANELS = {"console.": "lite_app.ui.console", "stats.": "lite_app.ui.charts"}


def toggle_menu(controller, payload):
    ui = controller.state.ui
    ui["nav.open"] = not ui.get("nav.open")


def toggle_node(controller, payload):
    data = payload.get("data") or {}
    opened = controller.state.ui.get("nav.expanded") or {}
    opened[data.get("key", "")] = data.get("open") != "1"
    controller.state.ui["nav.expanded"] = opened


def set_theme(controller, payload):
    controller.set_theme(payload.get("value") or "auto")


def set_language(controller, payload):
    controller.set_language(payload.get("value") or "")


def dismiss(controller, payload):
    data = payload.get("data") or {}
    try:
        controller.state.dismiss(int(data.get("id", "0")))
    except ValueError:
        pass


def escape(controller, payload):
    """Escape closes the open dialog, else the navigation drawer."""
    ui = controller.state.ui
    if dialogs.current(controller.state) is not None:
        dialogs.close(controller.state)
    elif ui.get("nav.open"):
        ui["nav.open"] = False
        controller.env.focus("xl-menu-button")


def skip_to_content(controller, payload):
    controller.env.focus("xl-main")


# The shortcuts dialog (lite_app/ui/help.py, kind HELP) travels with this page's group: importing the
# page registers it, so its code is not in the start-up download.
HELP_PAGE, HELP = "dashboard", "help"


def show_help(controller, payload):
    controller.env.spawn(open_help(controller))


async def open_help(controller):
    """Open the shortcuts dialog, its code loaded first if it has not arrived yet (just after sign-in)."""
    if not await controller.loader.load(HELP_PAGE):
        return
    pages.module_for(HELP_PAGE, controller.loader)
    dialogs.show(controller.state, HELP, size="wide")
    controller.invalidate()


def shortcut(controller, payload):
    """A key pressed outside any field, console or dialog: follow the shortcuts (lite_app/logic/keys.py)."""
    ui, now = controller.state.ui, controller.env.now()
    command, ui["keys.pending"], ui["keys.since"] = keys.press(
        ui.get("keys.pending") or [], ui.get("keys.since") or 0.0, payload.get("key") or "", now)
    if command is None:
        return
    name, argument = command
    if name == "help":
        show_help(controller, payload)
    elif name == "go" and argument != controller.state.route[0]:
        controller.env.go(routes.build(argument))
    elif name == "search":
        search = "xl-vmlist-search"
        controller.state.focus_after(search, "vms")
        if controller.state.route[0] != "vms":
            controller.env.go(routes.build("vms"))


def reload_page(controller, payload):
    controller.env.reload()


def retry_page(controller, payload):
    """The page's code did not load: ask for it again (the next render does)."""
    controller.loader.retry(controller.state.route[0])


# The shell's own actions: name -> handler(controller, payload).
SHELL_ACTIONS = {
    "shell.reload": reload_page,
    "shell.retry_page": retry_page,
    "shell.skip": skip_to_content,
    "shell.help": show_help,
    "shell.key": shortcut,
    "shell.menu": toggle_menu,
    "shell.escape": escape,
    "shell.theme": set_theme,
    "shell.dismiss": dismiss,
    "nav.toggle": toggle_node,
}


def find_action(state, name):
    """The handler of a page-level action: a dialog's, a panel's, or the current page's; None."""
    if name in dialogs.ACTIONS:
        return dialogs.ACTIONS[name]
    own = dialogs.open_actions(state)
    if name in own:
        return own[name]
    for prefix in PANELS:
        if name.startswith(prefix):
            panel = sys.modules.get(PANELS[prefix])
            return (getattr(panel, "actions", None) or {}).get(name)
    page = pages.module_for(state.route[0], state.loader)
    return (getattr(page, "actions", None) or {}).get(name) if page is not None else None


def dispatch(controller, payload_text):
    """Handle one bridge event; returns True when some handler took it."""
    payload = json.loads(payload_text)
    name = payload.get("action") or ""
    if name == "login.submit":
        if controller.shown == "login":
            controller.env.spawn(controller.login(payload.get("form") or {}))
        return True
    if name == "shell.language":  # the login screen has the menu too
        set_language(controller, payload)
        return True
    if controller.shown != "app":
        return False
    if name == "shell.logout":
        controller.env.spawn(controller.logout())
        return True
    if name in SHELL_ACTIONS:
        SHELL_ACTIONS[name](controller, payload)
        controller.invalidate()
        return True
    return run_page_action(controller, name, payload)


def run_page_action(controller, name, payload):
    handler = find_action(controller.state, name)
    if handler is None:
        return False
    result = handler(controller.state, payload)
    if hasattr(result, "send"):  # a coroutine (a generator under MicroPython)
        controller.env.spawn(await_action(controller, result))
    controller.answer_input()
    return True


async def await_action(controller, coroutine):
    state = controller.state
    try:
        await coroutine
    except (XapiError, TransportError) as error:
        if getattr(error, "code", None) != "SESSION_INVALID":  # that one already went to the login form
            reason = describe(error, namer(state.cache), state.t)["text"]
            state.notify(state.t("shell.action_failed", reason=reason), "error", here=True)
    controller.invalidate()


def navigate(controller, hash_text):
    """The location hash changed (link, back/forward, typed URL)."""
    state = controller.state
    route = routes.parse(hash_text)
    if route == state.route:
        return False
    new_page = route[0] != state.route[0] or route[1].get("uuid") != state.route[1].get("uuid")
    if route[0] != state.route[0]:
        leaving = pages.module_for(state.route[0], controller.loader)
        if hasattr(leaving, "leave"):
            leaving.leave(state)
    state.route = route
    state.leave_page()
    state.ui["nav.open"] = False
    load_page_classes(controller, pages.module_for(route[0], controller.loader))
    if controller.shown == "app":
        controller.invalidate()
        if new_page:  # like a page load: start at the top, keyboard focus on the content
            controller.env.scroll_top("xl-main")
            controller.env.focus("xl-main")
    return True


def load_page_classes(controller, page):
    """The page is shown: load the classes it declares in CLASSES that are not loaded yet (watched from
    then on), and call its `visit(state)` (a coroutine it returns runs like an action's)."""
    if controller.shown != "app":
        return
    controller.load_classes(getattr(page, "CLASSES", None) or ())
    visit = getattr(page, "visit", None)
    result = visit(controller.state) if callable(visit) else None
    if hasattr(result, "send"):  # a coroutine (a generator under MicroPython)
        controller.env.spawn(await_action(controller, result))


async def load_more(controller, classes):
    client = controller.state.client
    replies = await asyncio.gather(*[load_one(client, cls) for cls in classes])
    if client is not controller.state.client:
        return  # signed out meanwhile
    for i in range(len(classes)):
        if replies[i] is not None:
            controller.on_changes(controller.state.cache.load(classes[i], replies[i]))
        elif classes[i] in controller.classes:
            controller.classes.remove(classes[i])  # not loaded: the next page or dialog needing it asks again


async def load_one(client, cls):
    try:
        return await client.get_all_records(cls)
    except (XapiError, TransportError) as error:
        print("xcplite: loading", cls, "failed:", repr(error))
        return None
