"""Console rules: which console a route shows, when to connect, reconnecting with backoff, members,
the driver carrying decisions out against a fake console.js, and the panel's controls and messages."""
import json

from lite_app.logic import console as consolelogic, routes as router

from lite_app.shell import console_driver as consoledriver
from lite_app.shell.state import State
from lite_app.logic.console import Machine
from lite_app.ui import console as view
from lite_app.ui.vdom import by_attr, find_all, text_of
from lite_app.xapi.cache import Cache

ORIGIN = "http://127.0.0.1:8080"
MEMBER = "http://127.0.0.2:8080"
SESSION = "OpaqueRef:s1"


def records():
    vms = {
        "OpaqueRef:web": {"uuid": "web", "name_label": "web-01", "power_state": "Running",
                          "consoles": ["OpaqueRef:c-web-vt", "OpaqueRef:c-web"], "current_operations": {}},
        "OpaqueRef:db": {"uuid": "db", "name_label": "db-01", "power_state": "Running", "current_operations": {}},
        "OpaqueRef:old": {"uuid": "old", "name_label": "old-01", "power_state": "Halted", "consoles": [],
                          "current_operations": {}, "allowed_operations": ["start"]},
        "OpaqueRef:dom0": {"uuid": "dom0", "name_label": "Control domain", "power_state": "Running",
                           "is_control_domain": True},
    }
    consoles = {
        "OpaqueRef:c-web": {"uuid": "cw", "protocol": "rfb", "VM": "OpaqueRef:web",
                            "location": ORIGIN + "/console?uuid=cw"},
        "OpaqueRef:c-web-vt": {"uuid": "cwt", "protocol": "vt100", "VM": "OpaqueRef:web",
                               "location": ORIGIN + "/console?uuid=cwt"},
        "OpaqueRef:c-db": {"uuid": "cd", "protocol": "rfb", "VM": "OpaqueRef:db",
                           "location": MEMBER + "/console?uuid=cd"},
        "OpaqueRef:c-dom0": {"uuid": "c0", "protocol": "rfb", "VM": "OpaqueRef:dom0",
                             "location": ORIGIN + "/console?ref=OpaqueRef:c-dom0"},
    }
    hosts = {"OpaqueRef:h1": {"uuid": "h1", "name_label": "xcp-a", "control_domain": "OpaqueRef:dom0"}}
    return {"VM": vms, "console": consoles, "host": hosts}


def make_state(hash_text):
    cache = Cache()
    for cls, table in records().items():
        cache.load(cls, table)
    state = State(cache)
    state.route = router.parse(hash_text)
    return state


def running_target(**extra):
    target = {"key": "k1", "vm": "OpaqueRef:web", "running": True, "member": False, "host_url": "",
              "location": ORIGIN + "/console?uuid=cw"}
    target.update(extra)
    return target


# -- which console -------------------------------------------------------------------------------------

def test_the_vm_console_tab_and_page_pick_the_vms_rfb_console():
    for hash_text in ("#/vm/web?tab=console", "#/console/web"):
        target = consolelogic.target(make_state(hash_text), ORIGIN)
        assert target["vm"] == "OpaqueRef:web"
        assert target["location"] == ORIGIN + "/console?uuid=cw", "the rfb console, not the vt100 one"
        assert target["running"] and not target["member"] and target["host_url"] == ""


def test_other_tabs_and_pages_show_no_console():
    for hash_text in ("#/vm/web", "#/vm/web?tab=stats", "#/host/h1", "#/vms", "#/"):
        assert consolelogic.target(make_state(hash_text), ORIGIN) is None


def test_host_console_tab_uses_the_control_domain():
    target = consolelogic.target(make_state("#/host/h1?tab=console"), ORIGIN)
    assert target["vm"] == "OpaqueRef:dom0" and target["running"]
    assert "ref=OpaqueRef:c-dom0" in target["location"]


def test_a_projected_vm_record_finds_its_console_by_reference():
    target = consolelogic.target(make_state("#/console/db"), ORIGIN)  # the db record has no "consoles"
    assert target["location"] == MEMBER + "/console?uuid=cd"


def test_a_vm_on_another_member_is_another_origin():
    target = consolelogic.target(make_state("#/console/db"), ORIGIN)
    assert target["member"] and target["host_url"] == MEMBER + "/"
    assert consolelogic.host_url("https://10.0.0.2/console?uuid=x") == "https://10.0.0.2/"


def test_a_halted_vm_is_not_running_and_has_no_location():
    target = consolelogic.target(make_state("#/console/old"), ORIGIN)
    assert target["running"] is False and target["location"] == ""


def test_backoff_grows_then_stays_at_its_last_value():
    assert [consolelogic.backoff(n) for n in range(8)] == [0.5, 1, 2, 4, 8, 15, 15, 15]


# -- the machine ---------------------------------------------------------------------------------------

def test_a_running_target_connects_at_once_and_connect_event_means_connected():
    machine = Machine()
    target = running_target()
    assert machine.want(target) == [("connect", target)]
    assert machine.status == "connecting"
    assert machine.want(dict(target)) == [], "the same target again changes nothing"
    assert machine.on_event({"event": "connect"}) == []
    assert machine.status == "connected"


def test_a_drop_reconnects_with_growing_delays_and_stale_timers_do_nothing():
    machine = Machine()
    machine.want(running_target())
    machine.on_event({"event": "connect"})
    assert machine.on_event({"event": "disconnect", "clean": False}) == [("wait", 0.5, machine.timer)]
    assert machine.status == "retrying" and machine.snapshot()["delay"] == 0.5
    first = machine.timer
    assert machine.on_timer(first - 1) == []
    assert machine.on_timer(first)[0][0] == "connect"
    assert machine.on_event({"event": "disconnect"}) == [("wait", 1, machine.timer)]
    assert machine.on_timer(first) == [], "an older timer cannot start a second attempt"
    machine.on_timer(machine.timer)
    machine.on_event({"event": "connect"})
    machine.on_event({"event": "disconnect"})
    assert machine.delay == 0.5, "a successful connection resets the backoff"


def test_halting_closes_the_console_and_starting_connects_at_once():
    machine = Machine()
    machine.want(running_target())
    machine.on_event({"event": "connect"})
    assert machine.want(running_target(key="k1-halted", running=False, location="")) == [("disconnect",)]
    assert machine.status == "off"
    assert machine.on_event({"event": "disconnect"}) == [], "the close that follows a halt is not a drop"
    started = running_target(key="k2")
    assert machine.want(started) == [("connect", started)]


def test_a_reboot_keeps_the_pending_reconnection():
    machine = Machine()
    machine.want(running_target())
    machine.on_event({"event": "connect"})
    machine.on_event({"event": "disconnect"})
    assert machine.want(running_target(running=False)) == []
    assert machine.status == "off"
    assert machine.want(running_target())[0][0] == "connect"


def test_a_member_never_reached_is_unreachable_until_it_connects():
    machine = Machine()
    machine.want(running_target(member=True, host_url=MEMBER + "/"))
    machine.on_event({"event": "disconnect"})
    snap = machine.snapshot()
    assert snap["unreachable"] and snap["host_url"] == MEMBER + "/" and snap["status"] == "retrying"
    assert machine.retry()[0][0] == "connect", "Reconnect now skips the wait"
    machine.on_event({"event": "connect"})
    assert not machine.snapshot()["unreachable"]
    machine.on_event({"event": "disconnect"})
    assert not machine.snapshot()["unreachable"], "a member reached once is not unreachable"


def test_the_master_dropping_is_not_called_unreachable():
    machine = Machine()
    machine.want(running_target())
    machine.on_event({"event": "error", "detail": "console.js"})
    assert machine.status == "retrying" and not machine.unreachable


def test_leaving_the_page_disconnects():
    machine = Machine()
    machine.want(running_target())
    assert machine.want(None) == [("disconnect",)]
    assert machine.status == "idle" and machine.want(None) == []


# -- the driver ------------------------------------------------------------------------------------------

class FakePort:
    def __init__(self):
        self.calls = []
        self.handler = None
        self.next_id = 0

    async def ready(self):
        return True

    def connect(self, element_id, url, handler):
        self.next_id += 1
        self.handler = handler
        self.calls.append(("connect", element_id, url))
        return self.next_id

    def emit(self, event, **extra):
        extra.update({"id": self.next_id, "event": event})
        self.handler(json.dumps(extra))

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name,) + args) or 7


class FakeClient:
    session = SESSION


class FakeController:
    def __init__(self, hash_text, origin=ORIGIN):
        self.state = make_state(hash_text)
        self.state.client = FakeClient()
        self.shown = "app"
        self.invalidated = 0
        self.port = FakePort()
        self.spawned = []
        self.env = self
        self.origin_text = origin
        self.console_driver = consoledriver.Driver(self)

    def origin(self):
        return self.origin_text

    def console_port(self):
        return self.port

    def spawn(self, coroutine):
        self.spawned.append(coroutine)

    async def sleep(self, seconds):
        self.slept = seconds

    async def run_spawned(self):
        while self.spawned:
            await self.spawned.pop(0)

    def invalidate(self):
        self.invalidated += 1


async def test_the_driver_connects_with_the_cookie_on_the_pages_own_origin():
    controller = FakeController("#/console/web")
    controller.console_driver.sync()
    await controller.run_spawned()
    assert controller.port.calls[-1] == ("connect", "xl-console-screen", "ws://127.0.0.1:8080/console?uuid=cw")
    assert controller.state.ui[consolelogic.STATUS]["status"] == "connecting" and controller.invalidated
    controller.port.emit("connect")
    assert controller.state.ui[consolelogic.STATUS]["status"] == "connected"


async def test_the_driver_sends_the_session_in_the_query_only_to_a_member():
    controller = FakeController("#/console/db")
    controller.console_driver.sync()
    await controller.run_spawned()
    url = controller.port.calls[-1][2]
    assert url == "ws://127.0.0.2:8080/console?uuid=cd&session_id=OpaqueRef%3As1"


async def test_the_driver_reconnects_after_a_drop_and_ignores_stale_events():
    controller = FakeController("#/console/web")
    controller.console_driver.sync()
    await controller.run_spawned()
    controller.port.emit("connect")
    old_handler, old_id = controller.port.handler, controller.port.next_id
    controller.port.emit("disconnect", clean=True)
    assert controller.state.ui[consolelogic.STATUS]["status"] == "retrying"
    await controller.run_spawned()  # the wait, then the new connection
    assert controller.slept == 0.5
    assert [c[0] for c in controller.port.calls].count("connect") == 2
    old_handler(json.dumps({"id": old_id, "event": "disconnect"}))
    assert controller.state.ui[consolelogic.STATUS]["status"] == "connecting"


async def test_toolbar_commands_reach_the_port_only_when_connected():
    controller = FakeController("#/console/web")
    controller.console_driver.sync()
    await controller.run_spawned()
    state = controller.state
    view.actions["console.cad"](state, {})
    controller.console_driver.sync()
    assert ("ctrl_alt_del",) not in controller.port.calls, "not connected yet: nothing to send to"
    controller.port.emit("connect")
    view.actions["console.cad"](state, {})
    view.actions["console.fullscreen"](state, {})
    view.actions["console.paste"](state, {"form": {"text": "ls -l\n"}})
    view.actions["console.scale"](state, {})
    controller.console_driver.sync()
    calls = controller.port.calls
    assert ("ctrl_alt_del",) in calls and ("fullscreen", "xl-console-screen") in calls
    assert ("type_text", "ls -l\n") in calls and ("set_scale", False) in calls
    assert state.ui[consoledriver.PASTED] == 7 and state.ui[view.PASTES] == 1


async def test_leaving_the_page_or_signing_out_disconnects():
    controller = FakeController("#/console/web")
    controller.console_driver.sync()
    await controller.run_spawned()
    controller.state.route = router.parse("#/vms")
    controller.console_driver.sync()
    assert controller.port.calls[-1] == ("disconnect",)
    controller.state.route = router.parse("#/console/web")
    controller.console_driver.sync()
    await controller.run_spawned()
    controller.shown = "login"
    controller.console_driver.sync()
    assert controller.port.calls[-1] == ("disconnect",)


# -- the panel -------------------------------------------------------------------------------------------

def named(nodes, role, name):
    found = []
    for node in nodes:
        for el in find_all(node, lambda n: n[0] == role or n[1].get("role") == role):
            if text_of(el) == name or el[1].get("aria-label") == name:
                found.append(el)
    return found


def test_the_panel_has_named_controls_and_a_status():
    state = make_state("#/vm/web?tab=console")
    nodes = [view.panel(state, "OpaqueRef:web")]
    for name in ("Ctrl+Alt+Del", "Full screen", "Scale to fit", "Type it"):
        assert named(nodes, "button", name), name
    assert named(nodes, "a", "Open in a new window")[0][1]["href"] == "#/console/web"
    assert named(nodes, "toolbar", "Console controls")
    status = by_attr(nodes[0], "role", "status")[0]
    assert text_of(status) == "Connecting\u2026"
    assert named(nodes, "button", "Ctrl+Alt+Del")[0][1].get("disabled") == "", "disabled until connected"
    assert find_all(nodes[0], lambda n: n[0] == "label" and text_of(n) == "Text to type into the console")


def test_the_screen_element_keeps_its_place_in_every_state():
    places = []
    for hash_text, snap in (("#/console/web", None), ("#/console/old", None),
                            ("#/console/db", {"status": "retrying", "key": "", "delay": 2, "unreachable": True,
                                              "host_url": MEMBER + "/", "attempt": 1})):
        state = make_state(hash_text)
        vm_ref = consolelogic.route_vm(state)[0]
        if snap is not None:
            snap["key"] = consolelogic.target(state)["key"]
            state.ui[consolelogic.STATUS] = snap
        section = view.panel(state, vm_ref)
        kids = section[2]
        index = [i for i, kid in enumerate(kids) if kid[1].get("id") == consoledriver.SCREEN_ID]
        assert index and kids[index[0]][1]["data-keep-children"] == "1"
        places.append((index[0], len(kids)))
    assert places[0] == places[1] == places[2]


def test_a_halted_vm_says_so_and_offers_start():
    state = make_state("#/console/old")
    nodes = [view.panel(state, "OpaqueRef:old")]
    assert "VM is not running" in text_of(nodes[0])
    start = named(nodes, "button", "Start")[0]
    assert start[1]["data-action"] == "console.start" and "disabled" not in start[1]
    assert by_attr(nodes[0], "id", consoledriver.SCREEN_ID)[0][1]["hidden"] == ""


async def test_start_calls_xapi_for_that_vm():
    calls = []

    class Client:
        async def call(self, method, *args):
            calls.append((method,) + args)
    state = make_state("#/console/old")
    state.client = Client()
    await view.actions["console.start"](state, {"data": {"ref": "OpaqueRef:old", "op": "start"}})
    assert calls == [("Async.VM.start", "OpaqueRef:old", False, False)]
    assert view.actions["console.start"](state, {"data": {"ref": "OpaqueRef:old", "op": "destroy"}}) is None


def test_an_unreachable_member_is_explained_with_a_link_to_open_it():
    state = make_state("#/console/db")
    state.ui[consolelogic.STATUS] = {"status": "retrying", "key": consolelogic.target(state)["key"], "delay": 4,
                                     "unreachable": True, "host_url": MEMBER + "/", "attempt": 3}
    nodes = [view.panel(state, "OpaqueRef:db")]
    alert = by_attr(nodes[0], "role", "alert")[0]
    assert "127.0.0.2:8080" in text_of(alert) and "certificate" in text_of(alert)
    link = named(nodes, "a", "Open 127.0.0.2:8080 in a new tab")[0]
    assert link[1]["href"] == MEMBER + "/" and link[1]["target"] == "_blank"
    assert named(nodes, "button", "Reconnect now")
    assert "reconnecting in 4 s" in text_of(by_attr(nodes[0], "role", "status")[0])


def test_the_full_window_page_and_its_route():
    assert router.parse("#/console/web") == ("console", {"uuid": "web"})
    assert router.build("console", {"uuid": "web"}) == "#/console/web"
    state = make_state("#/console/web")
    nodes = view.render(state)
    assert view.title(state) == "Console of web-01"
    assert not named(nodes, "a", "Open in a new window"), "already its own window"
    assert by_attr(nodes[0], "id", consoledriver.SCREEN_ID)


def test_until_consoles_are_loaded_the_panel_says_it_is_loading():
    state = make_state("#/console/web")
    state.cache = Cache()
    state.cache.load("VM", records()["VM"])
    nodes = [view.panel(state, "OpaqueRef:web")]
    assert "Loading" in text_of(nodes[0]) and "no graphical console" not in text_of(nodes[0])


async def test_console_files_that_do_not_load_are_named_and_not_retried():
    controller = FakeController("#/console/web")

    async def refused():
        return False
    controller.port.ready = refused
    controller.console_driver.sync()
    await controller.run_spawned()
    snap = controller.state.ui[consolelogic.STATUS]
    assert snap["status"] == "refused" and controller.spawned == [], "no reconnection is scheduled"
    text = text_of(view.panel(controller.state, controller.state.cache.ref_by_uuid("VM", "web")))
    assert "failed their integrity check" in text and "Reload the page" in text
