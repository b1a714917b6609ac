"""The console panel (VM "Console" tab, host console, and the full-window page `#/console/<vm uuid>`).

Pure vdom. The panel keeps one layout whatever the state (toolbar, message, screen, paste box), so the
screen element noVNC draws into (lite_app.logic.console.SCREEN_ID, children owned by console.js) is
never re-created by a render. What the connection is doing comes from the driver through
state.ui[STATUS]; toolbar actions queue commands for it (request), so they stay
pure and the driver runs them right after the render (a click's user activation still holds for full
screen). Start (or resume) is an XAPI call; the console connects as soon as the VM runs.
"""
from lite_app.logic.console import LIVE, PASTED, SCALE, SCREEN_ID, STATUS, request
from lite_app.logic.console import target as console_target
from lite_app.logic import model, vm_actions
from lite_app.logic.vm_rules import vm_action_state
from lite_app.ui import widgets as w
from lite_app.ui.vdom import h

KEYS_HINT = "xl-console-keys"  # the sentence naming the key that leaves the screen
PASTES = "console.pastes"  # state.ui key: pastes sent so far (keys the paste box: a fresh, empty one each time)
# Power state -> the action that makes a VM run again, shown next to "VM is not running".
WAKE = {"Halted": "start", "Suspended": "resume"}


def status_of(state, target):
    """The driver's snapshot for this target, or what it will be once the driver saw the page."""
    snap = state.ui.get(STATUS)
    if snap is not None and target is not None and snap.get("key") == target["key"]:
        return snap
    running = target is not None and target["running"]
    return {"status": "connecting" if running else "off", "delay": 0, "unreachable": False,
            "host_url": target["host_url"] if target else "", "attempt": 0}


def status_text(t, snap):
    status = snap["status"]
    if status == "retrying":
        return t("console.status.retrying", seconds=fmt_delay(snap["delay"]))
    return t("console.status." + status)


def fmt_delay(seconds):
    return str(int(seconds)) if seconds >= 1 else "1"


def panel(state, vm_ref, full=False):
    """The console of the VM `vm_ref` (a host's control domain too), as one keyed section."""
    t = state.t
    vm = state.cache.get("VM", vm_ref) or {}
    watch_consoles(state, vm_ref, vm)
    target = console_target(state) if vm_ref else None
    if target is not None and target["vm"] != vm_ref:
        target = None
    snap = status_of(state, target)
    live = snap["status"] == "connected"
    return h("section", {"class": "xl-console" + (" xl-console-full" if full else ""),
                         "key": "console-" + vm_ref, "aria-label": t("console.title")},
             toolbar(state, vm, snap, live, full),
             h("p", {"class": "xl-note xl-console-keys", "id": KEYS_HINT, "key": "console-keys"},
               t("console.release_hint", keys=t("keyname.console_release"))),
             message(state, vm_ref, vm, target, snap),
             h("div", {"id": SCREEN_ID, "class": "xl-console-screen", "key": "console-screen",
                       "data-keep-children": "1", "role": "application", "aria-describedby": KEYS_HINT,
                       "aria-label": t("console.screen", vm=vm.get("name_label") or ""),
                       "hidden": snap["status"] in ("off", "idle") or None}),
             paste_box(state, live, snap["status"] in ("off", "idle")))


def toolbar(state, vm, snap, live, full):
    t = state.t
    scale = state.ui.get(SCALE, True)
    window_link = None
    if not full:
        window_link = h("a", {"class": "xl-button xl-quiet", "href": state.href("console", {"uuid": vm.get("uuid")}),
                              "target": "_blank", "rel": "noopener"}, t("console.new_window"))
    return h("div", {"class": "xl-console-bar", "role": "toolbar", "aria-label": t("console.toolbar")},
             button(t("console.cad"), "console.cad", not live),
             button(t("console.fullscreen"), "console.fullscreen", not live),
             h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "console.scale",
                          "aria-pressed": "true" if scale else "false"}, t("console.scale")),
             window_link,
             h("span", {"class": "xl-console-status xl-console-" + snap["status"], "role": "status",
                        "data-status": snap["status"]}, status_text(t, snap)))


def button(text, action, disabled):
    return h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": action,
                        "disabled": disabled}, text)


def watch_consoles(state, vm_ref, vm):
    """Watch the VM's console records (state.watch), named by its full record (asked for when the login's
    projected one is all there is): the console class has one per VM, 10,000 at 10,000 VMs."""
    if not vm:
        return
    if not model.is_full(vm, "consoles"):
        state.request_record("VM", vm_ref)
        return
    for ref in vm.get("consoles") or ():
        state.watch("console", ref)


def consoles_known(state, vm):
    """Whether the VM's consoles are in: their class loaded whole, or the ones its full record names,
    watched (watch_consoles)."""
    cache = state.cache
    if model.loaded(cache, "console"):
        return True
    return model.is_full(vm, "consoles") and model.all_in(cache, "console", vm.get("consoles") or ())


def message(state, vm_ref, vm, target, snap):
    """The line under the toolbar: not running (+ Start), no console, unreachable member, or nothing."""
    t = state.t
    body = None
    if not consoles_known(state, vm):
        body = h("p", None, t("view.loading"))
    elif target is None or (snap["status"] == "off" and vm.get("power_state") in LIVE):
        body = h("p", None, t("console.none"))
    elif snap["status"] == "refused":
        body = w.reload_note(state, t("console.refused"))
    elif snap["status"] == "off":
        body = not_running(state, vm_ref, vm)
    elif snap["unreachable"] and snap["status"] != "connected":
        body = unreachable(state, snap)
    return h("div", {"class": "xl-console-message", "key": "console-message"}, body)


def not_running(state, vm_ref, vm):
    t = state.t
    action = WAKE.get(vm.get("power_state"))
    wake = None
    if action is not None:
        allowed, _reason = vm_action_state(vm, action)
        busy = action in (vm.get("current_operations") or {}).values()
        wake = h("button", {"type": "button", "class": "xl-button", "data-action": "console.start",
                            "data-ref": vm_ref, "data-op": action, "disabled": busy or not allowed},
                 t("console.starting") if busy else t("console." + action))
    return [h("p", {"class": "xl-console-off"}, h("strong", None, t("console.not_running"))),
            h("p", {"class": "xl-note"}, t("console.not_running_hint")), wake]


def unreachable(state, snap):
    t = state.t
    host = snap["host_url"]
    return [h("p", {"class": "xl-console-alert", "role": "alert"},
              t("console.unreachable", host=host_name(host))),
            h("p", None, h("a", {"href": host, "target": "_blank", "rel": "noopener"},
                             t("console.open_host", host=host_name(host))),
              " ", t("console.open_host_hint")),
            h("button", {"type": "button", "class": "xl-button xl-quiet", "data-action": "console.retry"},
              t("console.retry"))]


def host_name(url):
    start = url.find("://")
    return url[start + 3:].rstrip("/") if start >= 0 else url


def paste_box(state, live, hidden):
    t = state.t
    count = state.ui.get(PASTES, 0)
    sent = state.ui.get(PASTED)
    return h("form", {"class": "xl-console-paste", "data-action": "console.paste", "key": "paste-%d" % count,
                      "hidden": hidden},
             h("label", {"for": "xl-console-text-%d" % count}, t("console.paste_label")),
             h("textarea", {"id": "xl-console-text-%d" % count, "name": "text", "spellcheck": "false",
                            "autocomplete": "off", "class": "xl-console-text"}),
             h("button", {"type": "submit", "class": "xl-button", "disabled": not live}, t("console.paste")),
             h("span", {"class": "xl-note", "role": "status"},
               t("console.pasted", count=str(sent)) if sent is not None and count else ""))


# -- the full-window page -------------------------------------------------------------------------------

def current(state):
    return w.routed(state, "VM")


def title(state):
    vm = current(state)[1]
    name = (vm.get("name_label") or vm.get("uuid")) if vm else ""
    return state.t("console.page_title", vm=name) if name else state.t("console.title")


def render(state):
    ref, vm = current(state)
    if vm is None:
        return w.not_found(state.t, state.t("console.title"))
    return [h("div", {"class": "xl-page xl-page-console", "key": "console-page-" + ref},
              w.page_header("vm", vm.get("name_label"), state.t("console.title"),
                            [w.state_badge(vm.get("power_state"), state.t)]),
              panel(state, ref, full=True))]


# -- actions ----------------------------------------------------------------------------------------------

def simple(name):
    return lambda state, payload: request(state, name)


def toggle_scale(state, payload):
    state.ui[SCALE] = not state.ui.get(SCALE, True)
    request(state, "scale", state.ui[SCALE])


def paste(state, payload):
    text = (payload.get("form") or {}).get("text") or ""
    if text:
        state.ui[PASTES] = state.ui.get(PASTES, 0) + 1
        request(state, "paste", text)


def start(state, payload):
    """Start (or resume) the VM; the console connects when the VM's console appears."""
    data = payload.get("data") or {}
    ref, action = data.get("ref") or "", data.get("op") or "start"
    if action not in WAKE.values() or state.client is None or not ref:
        return None
    method, params = vm_actions.power_call(action, ref)
    return state.client.call(method, *params)


actions = {
    "console.cad": simple("ctrl_alt_del"),
    "console.fullscreen": simple("fullscreen"),
    "console.retry": simple("retry"),
    "console.scale": toggle_scale,
    "console.paste": paste,
    "console.start": start,
}
