"""dispatch: bridge events reach the shell's and the pages' handlers; hash changes route the app."""
import json
import sys

from shellfakes import PASSWORD, FakeEnv, PoolXapi

from lite_app.shell import dispatch, pages
from lite_app.shell.controller import Controller
from lite_app.xapi.errors import TransportError, XapiError


async def signed_in(hash_text=""):
    env = FakeEnv(PoolXapi(), hash_text=hash_text)
    controller = Controller(env)
    await controller.login({"username": "root", "password": PASSWORD})
    for coroutine in env.spawned:
        coroutine.close()
    env.spawned = []
    env.frames = []
    return env, controller


def event(action, **fields):
    fields["action"] = action
    fields.setdefault("type", "click")
    return json.dumps(fields)


async def test_login_submit_only_while_the_form_shows():
    xapi = PoolXapi()
    env = FakeEnv(xapi)
    controller = Controller(env)
    xapi.on_idle = lambda: controller.live.stop()  # the loop runs once, then stops
    form = {"username": "root", "password": PASSWORD, "keep": ""}
    assert dispatch.dispatch(controller, event("login.submit", type="submit", form=form))
    await env.run_spawned()
    assert controller.shown == "app" and "event.from" in env.methods()
    dispatch.dispatch(controller, event("login.submit", type="submit", form=form))
    assert env.spawned == []  # a stale form cannot log in twice


async def test_shell_actions_change_ui_state_and_schedule_a_render():
    env, controller = await signed_in()
    ui = controller.state.ui
    assert dispatch.dispatch(controller, event("shell.menu"))
    assert ui["nav.open"] is True and len(env.frames) == 1
    dispatch.dispatch(controller, event("shell.escape", type="keydown"))
    assert ui["nav.open"] is False and env.focused == "xl-menu-button"
    env.focused = None
    dispatch.dispatch(controller, event("shell.escape", type="keydown"))
    assert env.focused is None  # nothing open: Escape does nothing
    dispatch.dispatch(controller, event("shell.menu"))
    dispatch.dispatch(controller, event("nav.toggle", data={"key": "h1-uuid", "open": "1"}))
    assert ui["nav.expanded"] == {"h1-uuid": False}
    dispatch.dispatch(controller, event("nav.toggle", data={"key": "h1-uuid", "open": "0"}))
    assert ui["nav.expanded"] == {"h1-uuid": True}
    dispatch.dispatch(controller, event("shell.theme", type="change", value="dark"))
    assert env.theme == "dark" and env.store["xcplite.theme"] == "dark" and ui["shell.theme"] == "dark"
    dispatch.dispatch(controller, event("shell.theme", type="change", value="<bad>"))
    assert env.theme == "auto"
    note = controller.state.notify("x")
    dispatch.dispatch(controller, event("shell.dismiss", data={"id": str(note)}))
    assert controller.state.notices == []


async def test_logout_action_and_unknown_actions():
    env, controller = await signed_in()
    assert not dispatch.dispatch(controller, event("no.such.action"))
    assert dispatch.dispatch(controller, event("shell.logout"))
    await env.run_spawned()
    assert controller.shown == "login"
    assert not dispatch.dispatch(controller, event("shell.menu"))  # nothing of the app answers now


class FakePage:
    """A page module with actions, installed under a temporary page name."""
    calls = []

    @staticmethod
    def render(state):
        return [["h1", {"id": "xl-page-title"}, ["fake " + str(len(FakePage.calls))]]]

    @staticmethod
    def sync_action(state, payload):
        FakePage.calls.append(payload["data"])

    @staticmethod
    async def failing_action(state, payload):
        raise XapiError("VM_BAD_POWER_STATE", ["OpaqueRef:v1", "halted", "running"])

    @staticmethod
    async def unreachable_action(state, payload):
        raise TransportError("timeout")


FakePage.actions = {"fake.sync": FakePage.sync_action, "fake.fail": FakePage.failing_action,
                    "fake.gone": FakePage.unreachable_action}


def install_fake_page():
    sys.modules["lite_app.ui.fakepage"] = FakePage
    pages.PAGES["dashboard-fake"] = "lite_app.ui.fakepage"
    return pages.module_for("dashboard-fake")


async def test_page_actions_run_and_failures_become_notices():
    env, controller = await signed_in()
    assert install_fake_page() is FakePage
    controller.state.route = ("dashboard-fake", {})
    assert dispatch.dispatch(controller, event("fake.sync", data={"n": "1"}))
    assert FakePage.calls[-1] == {"n": "1"}
    dispatch.dispatch(controller, event("fake.fail"))
    dispatch.dispatch(controller, event("fake.gone"))
    await env.run_spawned()
    kinds = [(kind, text) for _id, kind, text, _scope in controller.state.shown_notices()]
    # as sentences, never a bare code: the object named, the states in words
    assert kinds == [("error", "The action failed: \u201cweb-01\u201d is running, but this action needs it halted."),
                     ("error", "The action failed: The host took too long to answer.")]
    dispatch.navigate(controller, "#/vms")  # they belonged to that page: they go with it
    assert controller.state.shown_notices() == [] and controller.state.notices == []
    del pages.PAGES["dashboard-fake"]


async def test_navigation_routes_closes_the_drawer_and_scrolls_to_the_top():
    env, controller = await signed_in()
    controller.state.ui["nav.open"] = True
    assert dispatch.navigate(controller, "#/host/h1-uuid")
    assert controller.state.route == ("host", {"uuid": "h1-uuid"})
    assert controller.state.ui["nav.open"] is False and env.scrolled == ["xl-main"] and env.focused == "xl-main"
    env.focused = None
    assert dispatch.navigate(controller, "#/host/h1-uuid?tab=vms")  # same page, other params: keep focus
    assert env.focused is None and env.scrolled == ["xl-main"]
    env.run_frames()
    assert env.title.endswith(" - Lab pool - xcplite")
    assert not dispatch.navigate(controller, "#/host/h1-uuid?tab=vms")  # same route: nothing to do
    controller.live.stop()
    await env.run_spawned()  # the host page's consoles load


async def test_a_deep_link_present_at_login_is_the_first_page():
    env, controller = await signed_in(hash_text="#/vm/v2")
    assert controller.state.route == ("vm", {"uuid": "v2"})


async def test_a_page_declaring_classes_gets_them_loaded_and_watched():
    env, controller = await signed_in()

    class Extra:
        CLASSES = ("VTPM",)
    before = len(controller.classes)
    dispatch.load_page_classes(controller, Extra)
    assert controller.classes[-1] == "VTPM" and len(controller.classes) == before + 1
    await env.run_spawned()
    assert "VTPM.get_all_records" in env.methods() and controller.state.cache.all("VTPM") == {}


async def test_choosing_a_language_keeps_it_and_reloads_the_page_even_from_the_login_screen():
    env = FakeEnv(PoolXapi())
    controller = Controller(env)
    assert controller.shown != "app"
    assert dispatch.dispatch(controller, event("shell.language", type="change", value="de"))
    assert env.store.get("xcplite.lang") == "de" and getattr(env, "restarted", False)
    env.restarted = False
    dispatch.dispatch(controller, event("shell.language", type="change", value="xx"))
    dispatch.dispatch(controller, event("shell.language", type="change", value="en"))  # the current one
    assert env.store.get("xcplite.lang") == "de" and not env.restarted
