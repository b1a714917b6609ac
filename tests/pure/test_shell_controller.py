"""controller: sign-in, cookie resume, expiry, logout and the frame-batched renders, against a fake page."""
from shellfakes import PASSWORD, SESSION, FakeEnv, PoolXapi, text_in

from lite_app.shell import pages
from lite_app.shell.controller import Controller
from lite_app.ui.vdom import by_attr, text_of
from lite_app.xapi.errors import TransportError, XapiError


def setup(cookie="", hash_text=""):
    xapi = PoolXapi()
    env = FakeEnv(xapi, cookie=cookie, hash_text=hash_text)
    return xapi, env, Controller(env)


def drop_spawned(env):
    for coroutine in env.spawned:
        coroutine.close()  # the live loop is driven by the loop tests; here it must not linger
    env.spawned = []


async def test_without_a_cookie_the_form_is_made_ready_and_nothing_is_called():
    xapi, env, controller = setup()
    await controller.boot()
    assert env.login == (False, [], False)
    assert env.calls == [] and env.screen is None
    assert env.theme == "auto"


async def test_login_sets_the_cookie_loads_the_pool_and_shows_the_app():
    xapi, env, controller = setup(hash_text="#/")
    await controller.boot()
    assert await controller.login({"username": "root", "password": PASSWORD})
    assert env.cookies == "session_id=" + SESSION
    assert "SameSite=Strict" in env.cookie_writes[-1] and "Max-Age" not in env.cookie_writes[-1]
    assert env.password_cleared and env.store["xcplite.user"] == "root"
    methods = env.methods()
    assert methods[:3] == ["session.login_with_password", "pool.get_all", "event.inject"], methods
    loaded = [m[:-len(".get_all_records")] for m in methods if m.endswith(".get_all_records")]
    assert sorted(loaded) == sorted(pages.classes())
    assert env.screen == "app" and controller.state.connection == "live"
    assert sorted(env.regions) == ["xl-app", "xl-banner", "xl-dialog", "xl-main", "xl-nav", "xl-top"]
    assert text_in(env.regions["xl-top"], "Lab pool") and text_in(env.regions["xl-nav"], "web-01")
    assert env.title.endswith("Lab pool - xcplite"), env.title
    assert len(env.spawned) == 3  # the event loop and the dashboard's top-5 request to each live host
    drop_spawned(env)


async def test_keep_me_signed_in_makes_a_lasting_cookie():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD, "keep": "1"})
    assert "Max-Age=2592000" in env.cookie_writes[-1]
    drop_spawned(env)


async def test_timeouts_and_projection_per_method():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    xapi.on_idle = lambda: controller.live.stop()
    await env.run_spawned()  # one event.from, then the fake stops the loop
    by_method = {}
    for method, timeout, fields in env.calls:
        by_method[method] = (timeout, fields)
    assert by_method["pool.get_all"] == (15.0, None)
    # the fetch outlives XAPI's own block (the call's timeout param) but a hung host is noticed in < 10 s
    params = [r["params"] for r in xapi.requests if r["method"] == "event.from"][0]
    assert params[3] < by_method["event.from"][0] <= 10.0, (params[3], by_method["event.from"])
    assert by_method["host.get_all_records"][0] == 15.0
    if "VM" in pages.fields():
        assert by_method["VM.get_all_records"][1] == controller.fields_json["VM"]
        assert '"name_label"' in by_method["VM.get_all_records"][1]
    assert params[3] == 3.0 and isinstance(params[3], float)
    assert 2 * params[3] + (by_method["event.from"][0] - params[3]) <= 10.0  # a hang noticed in 10 s


async def test_events_are_projected_like_the_loads_except_for_records_read_whole():
    import json
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    spec = json.loads(controller.events_spec())
    assert spec["whole"] == []
    assert spec["fields"]["vm"] == list(pages.fields()["VM"]) and "vm_guest_metrics" in spec["fields"]
    assert "resident_VMs" not in spec["fields"]["host"]
    vm_ref = sorted(controller.state.cache.all("VM"))[0]
    await controller.fetch_record("VM", vm_ref)
    assert json.loads(controller.events_spec())["whole"] == [vm_ref]
    xapi.on_idle = lambda: None
    client = controller.new_client(SESSION)
    await client.event_from(["vm"], "", 0.1)
    sent = [fields for method, _timeout, fields in env.calls if method == "event.from"][-1]
    assert json.loads(sent)["whole"] == [vm_ref]
    controller.stop_session()
    assert json.loads(controller.events_spec())["whole"] == []


async def test_wrong_password_says_so_and_keeps_the_form():
    xapi, env, controller = setup()
    assert not await controller.login({"username": "root", "password": "nope"})
    busy, nodes, error = env.login
    assert not busy and error and text_of(["p", {}, nodes]) == "Wrong username or password."
    assert env.focused == "xl-password" and env.cookies == "" and env.screen is None


async def test_a_pool_member_links_to_the_master_with_the_pages_scheme_and_port():
    xapi, env, controller = setup()
    await controller.login({"username": "member", "password": PASSWORD})
    busy, nodes, error = env.login
    links = by_attr(["p", {}, nodes], "href")
    assert [link[1]["href"] for link in links] == ["http://10.0.0.1:8080/"]
    assert text_of(links[0]) == "Open the pool master"


async def test_an_unreachable_host_and_a_server_error():
    xapi, env, controller = setup()
    env.failures["session.login_with_password"] = [TransportError("timeout"), TransportError("http", 502)]
    await controller.login({"username": "root", "password": PASSWORD})
    assert text_of(["p", {}, env.login[1]]).startswith("The host did not answer")
    await controller.login({"username": "root", "password": PASSWORD})
    assert text_of(["p", {}, env.login[1]]) == "The server reported an error: The host failed while handling the request. Try again in a moment."
    assert env.login[2] and env.cookies == ""


async def test_a_stored_cookie_opens_the_app_without_typing():
    xapi, env, controller = setup(cookie="session_id=" + SESSION)
    xapi.sessions.append(SESSION)
    env.store["xcplite.user"] = "root"
    await controller.boot()
    assert "session.login_with_password" not in env.methods()
    assert env.screen == "app" and controller.state.user == "root"
    drop_spawned(env)


async def test_a_stale_cookie_lands_on_the_form_with_the_reason_and_is_cleared():
    xapi, env, controller = setup(cookie="session_id=OpaqueRef:old")
    await controller.boot()
    assert env.screen == "login" and env.cookies == ""
    assert text_of(["p", {}, env.login[1]]).startswith("Your session expired")
    assert env.spawned == []


async def test_a_session_ending_mid_use_clears_everything_and_says_why():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    xapi.sessions.remove(SESSION)  # the host forgot the session (restart, idle expiry, admin)
    await env.run_spawned()  # the event loop's next event.from gets SESSION_INVALID
    assert env.screen == "login" and env.regions["xl-app"] == []
    assert controller.state.cache.all("VM") == {} and env.cookies == ""
    assert text_of(["p", {}, env.login[1]]).startswith("Your session expired") and env.login[2]
    assert controller.live is None


async def test_logout_ends_the_session_on_the_host_and_clears_the_page():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    await controller.logout()
    assert "session.logout" in env.methods() and xapi.sessions == []
    assert env.screen == "login" and env.regions["xl-app"] == [] and env.cookies == ""
    assert text_of(["p", {}, env.login[1]]) == "You are signed out."
    assert controller.state.cache.all("host") == {}


async def test_changes_render_once_per_frame_and_unchanged_regions_are_skipped():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    before = env.render_count
    cache = controller.state.cache
    for name in ("web-02", "web-03"):  # a burst of two batches
        record = dict(cache.get("VM", "OpaqueRef:v1"), name_label=name)
        controller.on_changes(cache.apply([{"class": "VM", "ref": "OpaqueRef:v1", "operation": "mod",
                                            "snapshot": record}]))
    assert len(env.frames) == 1
    env.run_frames()
    assert text_in(env.regions["xl-nav"], "web-03") and not text_in(env.regions["xl-nav"], "web-01")
    assert env.render_count - before <= 2  # the nav (and the page if it shows the VM); not the top bar
    controller.render_now()
    assert env.render_count - before <= 2  # nothing changed: nothing re-rendered


async def test_a_requested_record_is_fetched_into_the_cache():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    xapi.records["VM"]["OpaqueRef:v1"] = dict(xapi.records["VM"]["OpaqueRef:v1"], other_config={"k": "v"})
    controller.state.request_record("VM", "OpaqueRef:v1")
    controller.render_now()
    await env.run_spawned()
    assert controller.state.cache.get("VM", "OpaqueRef:v1")["other_config"] == {"k": "v"}
    assert len(env.frames) == 1


async def test_a_call_the_sessions_end_refused_is_reported_after_signing_in_again():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    xapi.handlers["VM.set_name_label"] = xapi.checked(lambda ref, name: "")
    xapi.sessions.remove(SESSION)  # the host ended the session while the user was renaming web-01
    try:
        await controller.state.run_call("VM.set_name_label", ["OpaqueRef:v1", "renamed"])
        assert False, "the call must fail"
    except XapiError as error:
        assert error.code == "SESSION_INVALID"
    assert env.screen == "login" and controller.state.cache.all("VM") == {}
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    env.run_frames()
    assert text_in(env.regions["xl-banner"], "Not done because your session ended: Rename (web-01).")
    assert controller.state.unsaved == []


async def test_work_put_off_by_a_view_runs_once_when_idle():
    xapi, env, controller = setup(hash_text="#/")
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    done = []
    controller.state.later("warm", lambda state: done.append(state.route[0]))
    controller.state.later("warm", lambda state: done.append("twice"))  # the same name: the last one only
    before = len(env.spawned)
    controller.render_now()
    assert len(env.spawned) == before + 1 and controller.deferring  # one runner
    runner = env.spawned.pop()
    await runner
    assert done == ["twice"] and controller.state.deferred == {} and not controller.deferring
    drop_spawned(env)


async def test_watched_objects_are_fetched_followed_and_let_go_past_the_limit():
    from lite_app.shell import controller as module
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    xapi.handlers["VBD.get_record"] = xapi.checked(lambda ref: {"uuid": "u-" + ref, "VDI": "OpaqueRef:NULL"})
    state, limit = controller.state, module.WATCH_LIMIT
    module.WATCH_LIMIT = 2
    try:
        for asked in (["b1"], ["b1", "b2"], ["b1"], ["b3"]):  # b1 asked again: b2 is the oldest when b3 comes
            for name in asked:
                state.watch("VBD", "OpaqueRef:" + name)
            controller.render_now()
            await env.run_spawned()
        assert controller.objects == ["VBD/OpaqueRef:b1", "VBD/OpaqueRef:b3"] and controller.live.objects is controller.objects
        assert env.methods().count("VBD.get_record") == 3, "an object asked again is not fetched again"
        assert sorted(state.cache.all("VBD")) == ["OpaqueRef:b1", "OpaqueRef:b3"], "the one let go leaves the cache"
        assert not state.cache.is_loaded("VBD")
        state.need("VBD")  # a dialog needs every VBD: the class is loaded whole and followed as one
        state.watch("VBD", "OpaqueRef:b7")  # asked in the same render (an SR page's rows)
        controller.render_now()
        assert controller.objects == [] and "VBD" in controller.classes
        assert [c for c in env.spawned if "fetch_watched" in repr(c)] == [], "the class on its way brings it"
        await env.run_spawned()
        assert state.cache.is_loaded("VBD") and "VBD.get_all_records" in env.methods()
        state.watch("VBD", "OpaqueRef:b9")
        controller.render_now()
        assert controller.objects == [] and not env.spawned, "a class loaded whole needs no watch"
    finally:
        module.WATCH_LIMIT = limit
        drop_spawned(env)


async def test_a_watched_object_that_cannot_be_fetched_is_asked_again_and_a_failed_class_load_too():
    xapi, env, controller = setup()
    await controller.login({"username": "root", "password": PASSWORD})
    drop_spawned(env)
    state = controller.state

    def refuse(session, *args):
        raise TransportError("timeout")
    xapi.handlers["VBD.get_record"] = refuse
    state.watch("VBD", "OpaqueRef:b1")
    controller.render_now()
    await env.run_spawned()
    assert controller.objects == [] and controller.watched == {}, "let go: the next render asks again"
    xapi.handlers["VBD.get_record"] = xapi.checked(lambda ref: {"uuid": "u-" + ref})
    state.watch("VBD", "OpaqueRef:b1")
    controller.render_now()
    await env.run_spawned()
    assert controller.objects == ["VBD/OpaqueRef:b1"] and state.cache.get("VBD", "OpaqueRef:b1")
    xapi.handlers["VDI.get_all_records"] = refuse
    state.need("VDI")
    controller.render_now()
    await env.run_spawned()
    assert "VDI" not in controller.classes and not state.cache.is_loaded("VDI"), "asked again when needed"
    drop_spawned(env)
