"""Pages' code on first use (lite_app/shell/loading.py): a page waits for its groups, shows that it
loads, says when its code was refused and tries again; groups are prefetched at the login form and
after login."""
import json
import sys

from shellfakes import PASSWORD, FakeEnv, PoolXapi, text_in

from lite_app.shell import dispatch, pages
from lite_app.shell.controller import Controller
from lite_app.ui import frame
from lite_app.xapi.errors import TransportError

GROUPS = {"dashboard": ["home"], "vms": ["home", "vms"], "vm": ["home", "vms"]}


def setup(hash_text="#/"):
    env = FakeEnv(PoolXapi(), hash_text=hash_text)
    env.groups = dict(GROUPS)
    return env, Controller(env)


async def run_loads(env):
    """Await what the loader spawned; drop the rest (the live loop is not under test here)."""
    spawned, env.spawned = env.spawned, []
    for coroutine in spawned:
        if is_loaders(coroutine):
            await coroutine
        else:
            coroutine.close()
    while env.spawned:
        await run_loads(env)


def is_loaders(coroutine):
    """Loader.load / Loader.prefetch (MicroPython's generators have no __name__, only a repr)."""
    text = repr(coroutine)
    return "prefetch" in text or "load " in text or "'load'" in text


def main_text(env):
    return env.regions["xl-main"]


async def test_the_login_form_prefetches_the_landing_pages_code_only():
    env, controller = setup("#/vms")
    await controller.boot()
    await run_loads(env)
    assert env.group_loads == ["home", "vms"]
    assert env.marks.count("idle") == 4  # per group, one idle moment to fetch it, one to compile its pages


async def test_a_page_shows_it_loads_then_renders_once_its_groups_are_in():
    env, controller = setup("#/vms")
    assert await controller.login({"username": "root", "password": PASSWORD})
    assert text_in(main_text(env), "Loading this page…")
    assert pages.module_for("vms", controller.loader) is frame.LOADING
    await run_loads(env)
    env.run_frames()
    assert set(env.group_loads) == {"home", "vms"} and len(env.group_loads) == 2  # each once
    assert not text_in(main_text(env), "Loading this page…")
    assert text_in(main_text(env), "web-01")
    assert pages.module_for("vms", controller.loader) is pages.module_for("vms")


async def test_refused_code_is_said_and_tried_again_on_request():
    env, controller = setup("#/vms")
    env.group_failures["vms"] = TransportError("unreachable", None, "integrity")
    assert await controller.login({"username": "root", "password": PASSWORD})
    await run_loads(env)
    env.run_frames()
    assert text_in(main_text(env), "This page did not load")
    assert text_in(main_text(env), "Try again")
    assert dispatch.find_action(controller.state, "vmlist.sort") is None  # nothing of the page runs
    assert dispatch.dispatch(controller, json.dumps({"action": "shell.retry_page"}))
    env.run_frames()
    await run_loads(env)
    env.run_frames()
    assert env.group_loads.count("vms") == 2
    assert text_in(main_text(env), "web-01")


async def test_after_login_every_group_is_prefetched():
    env, controller = setup("#/")
    assert await controller.login({"username": "root", "password": PASSWORD})
    await run_loads(env)
    assert sorted(env.group_loads) == ["home", "vms"]
    assert controller.loader.ready("vm")


async def test_a_prefetched_groups_pages_are_compiled_ahead():
    env, controller = setup("#/")
    warmed = []
    controller.loader.warm = warmed.append
    assert await controller.login({"username": "root", "password": PASSWORD})
    await run_loads(env)
    assert warmed == ["vms"]  # the landing page loaded "home" for its visit; "vms" came ahead
    controller.warm_group("vms")  # imports the group's pages; a second time costs nothing
    assert pages.module_for("vm", controller.loader) is pages.module_for("vm")


async def test_without_groups_every_page_is_ready_and_nothing_is_fetched():
    env = FakeEnv(PoolXapi(), hash_text="#/vms")
    controller = Controller(env)
    assert await controller.login({"username": "root", "password": PASSWORD})
    assert controller.loader.ready("vms") and env.group_loads == []
    assert text_in(main_text(env), "web-01")
    for coroutine in env.spawned:
        coroutine.close()


async def test_a_prefetched_groups_modules_compile_one_per_idle_moment_in_the_bundles_order():
    env, controller = setup("#/")
    orders = {"vms": ["lite_app.ui.frame", "warm_probe", "no_such_module_anywhere", "lite_app.logic.nothing"]}
    controller.loader.module_order = lambda group: orders.get(group, [])
    assert "warm_probe" not in sys.modules
    assert await controller.login({"username": "root", "password": PASSWORD})
    await run_loads(env)
    assert "warm_probe" in sys.modules  # compiled ahead of the visit
    # "home" (loaded for the visit) is not warmed; "vms": fetched, the new module, the failing one (which
    # stops the rest), then its pages; lite_app.ui.frame, imported already, costs no idle moment
    assert env.marks.count("idle") == 4
    assert controller.loader.ready("vm")


def test_without_the_bundles_order_file_a_group_has_no_modules_to_compile_ahead():
    env, controller = setup("#/")
    assert controller.loader.module_order("no-such-group") == []
