"""The page registry: which module renders each route, and the contract between the shell and the views.

The shell (lite_app/shell/controller.py) owns login, the live cache, the routes, the frame (header,
navigation tree, banner, notices), dialogs, and the console and stats panels' controls. A page owns the
main content area. A page module exposes:

- `render(state) -> list of vdom nodes` (lite_app/ui/vdom.py) for the main area. Pure: read
  `state`, never call XAPI here. Called again after every batch of changes (coalesced per animation
  frame) and after every action, so it must be cheap: virtualise long lists.
- optional `title(state) -> str`: the page title (the shell appends " - " + the pool name).
- optional `actions = {name: handler(state, payload)}`: handlers for `data-action="name"` elements of
  the page. `payload` is the bridge's dict `{action, type, data, value, checked, form, shift,
  scroll}` (`data` holds the element's data-* attributes, `scroll` is `[scrollTop, clientHeight]`
  for scroll events). A handler changes `state.ui` and/or returns a coroutine (e.g. an XAPI call
  through `state.run_call`); the shell awaits it, shows a failed call with `state.notify`, then
  re-renders. Action names are global: prefix them with the page name (`vmlist.sort`). A page made of
  parts merges their tables with `widgets.merged`; a dialog's own controls are registered with the
  dialog (lite_app/ui/dialogs.py), not merged into pages. Escape closes the open dialog (the shell's).
- optional `CLASSES`: XAPI classes the page needs beyond `LOADED_CLASSES` (loaded on first visit).
- optional `visit(state)`: called whenever the page is shown (navigation, sign-in, its code arriving);
  may return a coroutine (the shell awaits it). It must be cheap and idempotent: the pool page checks
  the hosts' updates once per visit with it.
- optional `leave(state)`: called when the route moves to another page (to drop what a later visit
  should not find, such as a finished form).

`state` (lite_app.shell.state.State) offers:
- `state.cache`   lite_app.xapi.cache.Cache, live (get_all_records + event.from)
- `state.route`   (page, params): `params` is a dict of str (path parameters and the query string)
- `state.ui`      dict for view-local UI state that survives re-renders (scroll, search text, sort,
                  expanded tree nodes). Key it by page: `state.ui["vmlist.query"]`.
- `state.now`     seconds since the epoch (float), injected by the shell at each render
- `state.t(key, **params)`  a catalog string with its named placeholders filled (lite_app/text/catalog.py)
- `state.client`  lite_app.xapi.client.Client (in actions only: `await state.client.call(...)`)
- `state.run_call(method, params, spec=None)`: run a call, following an `Async.*` one to the end of
  its task (lite_app/shell/task_runner.py); `spec` (a dialog's) gets the task ref for its progress
- `state.request_record(cls, ref)`: ask for a full record (`<cls>.get_record`) when the projected
  one from the list load is not enough; it arrives in the cache and the page re-renders.
- `state.notify(text, kind="info"|"error")`: a transient message in the shell's notice area
- `state.viewport`  (width, height) of the window in CSS pixels
- `state.href(page, params)` the hash link to a page: `h("a", {"href": state.href("vm", {"uuid": u})})`

Routes (lite_app/logic/routes.py): `#/` dashboard, `#/vms`, `#/vm/<uuid>`, `#/host/<uuid>`, `#/storage`,
`#/new-vm`, `#/sr/<uuid>`, `#/new-sr`, `#/networks`, `#/network/<uuid>`, `#/pool`, `#/console/<vm uuid>`, `#/tasks`, `#/alarms`, `#/python`;
`?key=value` query parameters are merged into params.

Page modules are imported on first use (startup compiles only what the first screen needs).
"""
import sys

from lite_app.ui import frame

# page name -> module path. A page missing here (or failing to import) renders the shell's
# "page not found" view, so entries can be added as the pages are written.
PAGES = {
    "dashboard": "lite_app.ui.dashboard",
    "vms": "lite_app.ui.vmlist",
    "vm": "lite_app.ui.vm",
    "new-vm": "lite_app.ui.new_vm",
    "host": "lite_app.ui.host",
    "storage": "lite_app.ui.storage",
    "sr": "lite_app.ui.sr",
    "new-sr": "lite_app.ui.new_sr",
    "networks": "lite_app.ui.network",
    "network": "lite_app.ui.network",
    "console": "lite_app.ui.console",
    "tasks": "lite_app.ui.tasks",
    "alarms": "lite_app.ui.alarms",
    "pool": "lite_app.ui.pool",
    # The Python console acts on the page (runs code, reads keys), so its page module is the shell's;
    # it draws through lite_app.ui.python.
    "python": "lite_app.shell.python_page",
    # Not pages: the drivers of what lives outside the markup (the console's socket, the stats polling),
    # made by the controller once their code is in (controller.DRIVERS). Listed here so their code
    # travels with the group of the pages that show them, not in the first download.
    "driver.stats": "lite_app.shell.stats_poller",
    "driver.console": "lite_app.shell.console_driver",
}

# Page groups: each is one file of the bundle, fetched on the first visit to one of its pages (and
# ahead of it when the browser is idle after login). devserver/splitting.py puts a module in the first
# group one of whose pages imports it; the start-up file keeps what the login screen and shell import.
GROUPS = (
    ("home", ("dashboard", "alarms", "tasks", "driver.stats")),
    ("vms", ("vms", "vm", "console", "driver.console")),
    ("storage", ("storage", "sr", "new-sr")),
    # network, host and pool administration: the pages and their dialogs
    ("admin", ("pool", "host", "networks", "network")),
    ("create", ("new-vm",)),
    ("python", ("python",)),
)

# Classes loaded at login and watched through event.from; lite_app.logic.model.FIELDS names the fields
# kept from each (its keys are loaded too, except model.LAZY: one record per VM device, loaded by the
# pages that show them). "pool", "host" and "VM" feed the shell's own tree.
LOADED_CLASSES = ("pool", "host", "host_metrics", "VM", "VM_guest_metrics", "SR", "PBD", "network",
                  "PIF", "PIF_metrics", "task", "message")

_modules = {}


def module_for(page, loader=None):
    """The module rendering `page`, imported on first use; None when there is none (yet). With a
    loader (lite_app/shell/loading.py), a page whose code is not installed yet is frame.LOADING, or
    frame.REFUSED when it could not be loaded."""
    name = PAGES.get(page)
    if name is None:
        return None
    if loader is not None and not loader.ready(page):
        return frame.REFUSED if loader.refused(page) else frame.LOADING
    if name not in _modules:
        try:
            __import__(name)
            _modules[name] = sys.modules[name]
        except ImportError as error:
            # Only a page not written yet counts as missing; a broken import inside it must show.
            if name.split(".")[-1] not in str(error):
                raise
            _modules[name] = None
    return _modules[name]


def fields():
    """{class: [field, ...]} for projecting get_all_records replies, or {} without lite_app.logic.model."""
    try:
        from lite_app.logic import model
    except ImportError:
        return {}
    out = {}
    for cls in model.FIELDS:
        out[cls] = list(model.FIELDS[cls])
    return out


def classes():
    """Every class to load and watch: LOADED_CLASSES plus any class model.FIELDS names, sorted."""
    names = {}
    for cls in LOADED_CLASSES:
        names[cls] = True
    try:
        from lite_app.logic.model import LAZY
    except ImportError:
        LAZY = ()
    for cls in fields():
        if cls not in LAZY:
            names[cls] = True
    return sorted(names)
