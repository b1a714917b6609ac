"""router: hash <-> (page, params) both ways, query strings, escaping, unknown paths, titles."""
from lite_app.logic import routes as router


def test_every_route_parses_back_to_what_built_it():
    cases = [("dashboard", {}), ("vms", {}), ("vm", {"uuid": "0b1c"}), ("host", {"uuid": "h-1"}),
             ("storage", {}), ("sr", {"uuid": "s"}), ("networks", {}), ("network", {"uuid": "n"})]
    for page, params in cases:
        text = router.build(page, params)
        assert text.startswith("#/"), text
        assert router.parse(text) == (page, params), text


def test_the_empty_hash_and_slashes_are_the_dashboard():
    for text in ("", "#", "#/", "#//", "/"):
        assert router.parse(text) == ("dashboard", {}), text


def test_query_parameters_join_the_path_parameters():
    assert router.parse("#/vm/abc?tab=disks&q=web%2001") == ("vm", {"uuid": "abc", "tab": "disks", "q": "web 01"})
    # a query cannot override a path parameter
    assert router.parse("#/vm/abc?uuid=other") == ("vm", {"uuid": "abc"})


def test_build_puts_extra_params_in_a_sorted_query_and_drops_empty_ones():
    assert router.build("vms", {"power": "Running", "host": "h1", "q": ""}) == "#/vms?host=h1&power=Running"
    assert router.build("vm", {"uuid": "a b/c"}) == "#/vm/a%20b%2Fc"
    assert router.parse("#/vm/a%20b%2Fc") == ("vm", {"uuid": "a b/c"})


def test_unicode_and_markup_survive_a_round_trip():
    params = {"q": "<b>caf\u00e9</b> & \u2603"}
    text = router.build("vms", params)
    assert "<" not in text and " " not in text and text.count("&") == 0, text
    assert router.parse(text) == ("vms", params)


def test_broken_percent_escapes_are_kept_as_text():
    assert router.parse("#/vms?q=100%") == ("vms", {"q": "100%"})
    assert router.parse("#/vms?q=%zz") == ("vms", {"q": "%zz"})


def test_unknown_paths_are_not_found_with_their_path():
    assert router.parse("#/nowhere/else") == (router.NOT_FOUND, {"path": "nowhere/else"})
    assert router.parse("#/vm") == (router.NOT_FOUND, {"path": "vm"})
    assert router.parse("#/vm/a/b") == (router.NOT_FOUND, {"path": "vm/a/b"})


def test_building_an_unknown_page_fails_loudly():
    try:
        router.build("nope")
        assert False, "no route for nope"
    except ValueError:
        pass


def test_titles_have_a_key_per_page_and_skip_empty_parts():
    for page, _pattern in router.ROUTES:
        assert router.title_key(page).startswith("page."), page
    assert router.title_key("whatever") == "page.notfound"
    assert router.document_title("web-01", "Demo pool", "xcplite") == "web-01 - Demo pool - xcplite"
    assert router.document_title("Dashboard", "", "xcplite") == "Dashboard - xcplite"
