"""The entry point's wiring against the fake page: the form first, a submit before the controller
exists is queued (not lost), then hash changes and resizes reach the controller."""
import json

from shellfakes import PASSWORD, FakeEnv, PoolXapi

from lite_app import main


async def test_the_form_is_ready_before_the_app_compiles_then_input_reaches_the_controller():
    xapi = PoolXapi()
    xapi.on_idle = lambda: main.CONTROLLER.live.stop()  # one event.from, then the loop ends
    env = FakeEnv(xapi)
    # run() marks the phases, enables the form, then hands the thread back (idle) before compiling
    await main.run(env)
    assert env.marks[:3] == ["xl-python", "xl-interactive", "idle"] and env.marks[-1] == "xl-ready"
    assert env.login == (False, [], False) and env.focused == "xl-password"
    on_action, on_hash, on_resize = env.listeners
    on_action(json.dumps({"action": "login.submit", "form": {"username": "root", "password": PASSWORD}}))
    await env.run_spawned()
    assert env.screen == "app" and main.CONTROLLER.state.user == "root"
    on_hash("#/vms")
    assert main.CONTROLLER.state.route[0] == "vms"
    on_resize(375, 812)
    assert main.CONTROLLER.state.viewport == (375, 812)


def test_actions_before_the_controller_exists_are_queued_then_replayed():
    wiring = main.Wiring()
    wiring.action('{"action": "login.submit"}')
    wiring.hash_changed("#/vms")  # nothing to route yet: ignored, the controller reads the hash itself
    seen = []

    class Dispatch:
        def dispatch(self, controller, text):
            seen.append((controller, text))
    wiring.attach("controller", Dispatch())
    assert seen == [("controller", '{"action": "login.submit"}')] and wiring.queue == []
    wiring.action("next")
    assert seen[-1] == ("controller", "next")


async def test_the_language_strings_are_read_after_the_form_is_ready():
    """The form needs no string from the catalog (boot.js drew it in the chosen language): the catalog is
    read once the form is ready, and before the controller renders anything."""
    from lite_app.text import catalog
    xapi = PoolXapi()
    xapi.on_idle = lambda: main.CONTROLLER.live.stop()
    env = FakeEnv(xapi)
    env.store["xcplite.lang"] = "fr"
    catalog.use("en")
    seen = {}
    marked = env.mark

    def mark(name):
        seen[name] = catalog.language()
        marked(name)
    env.mark = mark
    try:
        await main.run(env)
        assert seen["xl-interactive"] == "en" and seen["xl-ready"] == "fr"
    finally:
        catalog.use("en")
