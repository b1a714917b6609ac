"""ui.shell and ui.navtree: the top bar, banner, notices and the navigation tree as vdom."""
from shellfakes import pool_records, vm

from lite_app.logic.navtree import Grouping
from lite_app.shell.state import State
from lite_app.ui import frame, navtree
from lite_app.ui.vdom import by_attr, find_all, is_node, text_of
from lite_app.xapi.cache import Cache
from lite_app.xapi.changes import Changes


def state_with(records=None, route=("dashboard", {})):
    cache = Cache()
    records = records or pool_records()
    for cls in records:
        cache.load(cls, records[cls])
    state = State(cache)
    state.route = route
    state.user = "root"
    state.versions = {"VM": 1, "host": 1, "pool": 1, "host_metrics": 1}
    return state


def root(nodes):
    return ["div", {}, nodes]


SECTION_LINKS = [("#/", "Dashboard"), ("#/pool", "Pool settings"), ("#/vms", "VMs"), ("#/storage", "Storage"),
                 ("#/networks", "Networks"), ("#/tasks", "Tasks"), ("#/alarms", "Alarms"),
                 ("#/python", "Python")]


def links(node):
    """(href, text) of every link under a node or a list of nodes."""
    node = node if is_node(node) else root(node)
    return [(link[1]["href"], text_of(link)) for link in by_attr(node, "href")]


def test_top_bar_names_the_pool_and_the_user_and_offers_logout_and_theme():
    state = state_with()
    state.ui["shell.theme"] = "dark"
    top = root(frame.top_bar(state))
    assert "Lab pool" in text_of(top) and "root" in text_of(top)
    assert [text_of(b) for b in by_attr(top, "data-action", "shell.logout")] == ["Log out"]
    select = by_attr(top, "data-action", "shell.theme")[0]
    assert select[0] == "select" and select[1]["aria-label"] == "Theme"
    options = [(o[1]["value"], "selected" in o[1]) for o in find_all(select, lambda n: n[0] == "option")]
    assert options == [("auto", False), ("light", False), ("dark", True)]
    menu = by_attr(top, "data-action", "shell.menu")[0]
    assert menu[1]["aria-expanded"] == "false" and text_of(menu) == "Menu"


def test_pool_name_falls_back_to_the_master_host():
    records = pool_records()
    records["pool"]["OpaqueRef:pool"]["name_label"] = ""
    assert frame.pool_name(state_with(records)) == "xcp-a"


def test_tasks_indicator_counts_pending_tasks_only():
    records = pool_records()
    records["task"] = {"OpaqueRef:t1": {"status": "pending"}, "OpaqueRef:t2": {"status": "pending"},
                       "OpaqueRef:t3": {"status": "success"}}
    indicator = frame.tasks_indicator(state_with(records))
    assert indicator[1]["aria-label"] == "2 tasks running" and text_of(indicator) == "2"
    idle = frame.tasks_indicator(state_with())
    assert idle[1]["aria-label"] == "No task running" and idle[1]["href"] == "#/tasks" and text_of(idle) == ""


def test_banner_only_while_reconnecting_and_notices_can_be_dismissed():
    state = state_with()
    state.connection = "live"
    assert frame.banner(state) == []
    state.connection = "reconnecting"
    banner = frame.banner(state)
    assert banner[0][1]["role"] == "status" and text_of(banner[0]).startswith("Reconnecting")
    first = state.notify("boom", "error")
    state.notify("fine")
    nodes = frame.banner(state)
    assert [n[1]["role"] for n in nodes] == ["status", "alert", "status"]
    assert by_attr(nodes[1], "data-action", "shell.dismiss")[0][1]["data-id"] == str(first)
    state.dismiss(first)
    assert len(frame.banner(state)) == 2


def test_tree_puts_running_vms_under_their_host_and_the_rest_under_the_pool():
    nav = root(navtree.render(state_with()))
    assert links(nav) == SECTION_LINKS + [
        ("#/", "Lab pool"), ("#/host/h1-uuid", "xcp-a"), ("#/vm/v1", "web-01"),
        ("#/host/h2-uuid", "xcp-b"), ("#/vm/v2", "db-01"), ("#/vm/v3", "old-01")]
    counts = [text_of(n) for n in find_all(nav, lambda n: n[1].get("class") == "xl-tree-count")]
    assert counts == ["3", "1", "1", "1"]  # templates and the control domain are not guests
    assert "Not running" in text_of(nav)


def test_host_state_shows_in_the_dot_and_the_title():
    state = state_with()
    nav = root(navtree.render(state))
    host_b = [n for n in by_attr(nav, "href", "#/host/h2-uuid")][0]
    assert host_b[1]["title"] == "xcp-b \u2014 Disabled (maintenance)"
    assert by_attr(host_b, "class", "xl-dot xl-host-disabled")


def test_current_page_is_marked_in_sections_and_tree():
    nav = root(navtree.render(state_with(route=("vm", {"uuid": "v2"}))))
    current = by_attr(nav, "aria-current", "page")
    assert [n[1]["href"] for n in current] == ["#/vm/v2"]
    nav = root(navtree.render(state_with(route=("sr", {"uuid": "x"}))))
    active = [n[1]["href"] for n in by_attr(nav, "class", "xl-section is-active")]
    assert active == ["#/storage"]


def test_groups_collapse_and_expand_on_request():
    state = state_with()
    state.ui["nav.expanded"] = {"h1-uuid": False}
    nav = root(navtree.render(state))
    twisty = [b for b in by_attr(nav, "data-action", "nav.toggle") if b[1]["data-key"] == "h1-uuid"][0]
    assert twisty[1]["aria-expanded"] == "false" and twisty[1]["aria-label"] == "Expand xcp-a"
    assert "#/vm/v1" not in [href for href, _ in links(nav)]
    state.ui["nav.expanded"] = {"pool": False}
    assert [href for href, _ in links(navtree.render(state))][-1] == "#/"


def big_pool(count):
    records = pool_records()
    for i in range(count):
        records["VM"]["OpaqueRef:x%d" % i] = vm("x%d" % i, "vm-%05d" % i, "Running", "OpaqueRef:h1")
    return records


def test_large_pools_start_collapsed_and_open_groups_are_capped():
    state = state_with(big_pool(navtree.AUTO_EXPAND_LIMIT + 10))
    nav = root(navtree.render(state))
    assert len(by_attr(nav, "class", "xl-leaf")) == 0  # only the pool is open: hosts and groups collapsed
    state.ui["nav.expanded"] = {"h1-uuid": True}
    nav = root(navtree.render(state))
    leaves = [text_of(n) for n in by_attr(nav, "class", "xl-leaf")]
    assert len(leaves) == navtree.GROUP_LIMIT and leaves[:2] == ["vm-00000", "vm-00001"]
    more = [l for l in links(nav) if l[0].startswith("#/vms?")]
    assert more == [("#/vms?host=h1-uuid", "Show all (%d)" % (navtree.AUTO_EXPAND_LIMIT + 11))]


def test_a_large_pool_first_counts_then_groups_when_idle():
    from lite_app.logic.navtree import KEY
    state = state_with(big_pool(navtree.AUTO_EXPAND_LIMIT + 10))
    counted = text_of(root(navtree.render(state)))
    grouping = state.ui[KEY]
    assert not grouping.ready() and list(state.deferred) == [KEY]  # counts only; the grouping waits
    state.deferred.pop(KEY)(state)
    assert grouping.ready() and grouping.count("OpaqueRef:h1") == navtree.AUTO_EXPAND_LIMIT + 11
    assert text_of(root(navtree.render(state))) == counted  # the same tree from the full grouping
    record = dict(state.cache.get("VM", "OpaqueRef:x0"), power_state="Halted")
    state.rendered()
    state.bump(state.cache.apply([{"class": "vm", "ref": "OpaqueRef:x0", "operation": "mod", "snapshot": record}]))
    navtree.render(state)
    assert grouping.ready() and grouping.count("OpaqueRef:h1") == navtree.AUTO_EXPAND_LIMIT + 10  # moved alone
    assert not state.deferred


def test_tree_is_recomputed_only_when_a_watched_class_changed():
    state = state_with()
    navtree.render(state)
    record = dict(state.cache.get("VM", "OpaqueRef:v1"), name_label="renamed")
    changes = state.cache.apply([{"class": "vm", "ref": "OpaqueRef:v1", "operation": "mod", "snapshot": record}])
    assert "renamed" not in text_of(root(navtree.render(state)))  # same versions: the memo answers
    state.bump(changes)
    assert "renamed" in text_of(root(navtree.render(state)))
    other = Changes()
    other.add("SR", "OpaqueRef:sr")
    state.bump(other)
    assert state.versions["SR"] == 1 and state.versions["VM"] == 2


def test_changes_since_the_last_render_regroup_only_the_vms_they_name():
    state = state_with()
    navtree.render(state)
    state.rendered()
    cache = state.cache
    moved = dict(cache.get("VM", "OpaqueRef:v3"), power_state="Running", resident_on="OpaqueRef:h1")
    stopped = dict(cache.get("VM", "OpaqueRef:v2"), power_state="Halted", resident_on="OpaqueRef:NULL")
    state.bump(cache.apply([{"class": "vm", "ref": "OpaqueRef:v3", "operation": "mod", "snapshot": moved},
                            {"class": "vm", "ref": "OpaqueRef:v2", "operation": "mod", "snapshot": stopped},
                            {"class": "vm", "ref": "OpaqueRef:v1", "operation": "del"}]))
    full_pass = Grouping.rebuild
    Grouping.rebuild = None  # a full pass would fail: the update must be incremental
    try:
        nav = root(navtree.render(state))
    finally:
        Grouping.rebuild = full_pass
    assert links(nav)[len(SECTION_LINKS):] == [("#/", "Lab pool"), ("#/host/h1-uuid", "xcp-a"), ("#/vm/v3", "old-01"),
                              ("#/host/h2-uuid", "xcp-b"), ("#/vm/v2", "db-01")]
    counts = [text_of(n) for n in find_all(nav, lambda n: n[1].get("class") == "xl-tree-count")]
    assert counts == ["2", "1", "0", "1"]
    state.rendered()
    assert text_of(root(navtree.render(state))) == text_of(nav)  # nothing new: the same tree


def test_names_with_markup_stay_text_nodes():
    records = pool_records()
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    records["VM"]["OpaqueRef:v1"]["name_label"] = evil
    records["host"]["OpaqueRef:h1"]["name_label"] = evil
    records["pool"]["OpaqueRef:pool"]["name_label"] = evil
    state = state_with(records)
    nodes = root(navtree.render(state) + frame.top_bar(state))
    assert not find_all(nodes, lambda n: n[0] in ("img", "script"))
    labels = [n for n in by_attr(nodes, "class", "xl-label") if text_of(n) == evil]
    assert len(labels) == 3 and all(n[2] == [evil] for n in labels)


def test_titles_come_from_the_page_or_the_route():
    state = state_with(route=("vm", {"uuid": "v1"}))

    class Page:
        @staticmethod
        def title(s):
            return "web-01"
    assert frame.document_title(state, Page) == "web-01 - Lab pool - xcplite"
    assert frame.document_title(state, None) == "VM - Lab pool - xcplite"
    state.route = ("notfound", {"path": "x"})
    assert text_of(root(frame.main_area(state, None))).startswith("Page not found")


def test_skeleton_has_one_main_landmark_and_every_region():
    nodes = root(frame.skeleton(State().t))
    ids = [n[1]["id"] for n in by_attr(nodes, "id")]
    assert ids == [frame.TOP, frame.BANNER, frame.NAV, frame.MAIN, frame.DIALOG]
    assert [n[0] for n in find_all(nodes, lambda n: n[0] == "main")] == ["main"]


def host_changed(state, ref, **fields):
    state.rendered()
    record = dict(state.cache.get("host", ref), **fields)
    state.bump(state.cache.apply([{"class": "host", "ref": ref, "operation": "mod", "snapshot": record}]))


def test_a_host_change_the_bar_and_the_tree_do_not_show_keeps_their_nodes():
    """A VM started or stopped changes its host's record (resident_VMs, free memory) several times a
    second on a busy pool: the top bar and the tree, which show only the host's name and state, keep
    their nodes (the shell then neither serialises nor sends them); a rename or a host going down shows."""
    state = state_with()
    top, nav = frame.top_bar(state), navtree.render(state)
    host_changed(state, "OpaqueRef:h1", memory_free=123, resident_VMs=["OpaqueRef:v1"])
    assert frame.top_bar(state) is top and navtree.render(state) is nav
    host_changed(state, "OpaqueRef:h2", name_label="xcp-renamed")
    renamed = navtree.render(state)
    assert renamed is not nav and "xcp-renamed" in text_of(root(renamed))
    assert frame.top_bar(state) is top  # the bar names the pool, not its hosts
    host_changed(state, "OpaqueRef:h1", enabled=False)
    assert "xl-host-disabled" in str(navtree.render(state))


def test_the_tree_makes_again_only_the_folded_host_rows_that_changed():
    state = state_with(big_pool(navtree.AUTO_EXPAND_LIMIT + 10))  # past the limit: every host folded
    before = root(navtree.render(state))
    rows = {link[1]["href"]: link for link in by_attr(before, "class", "xl-node-link")}
    host_changed(state, "OpaqueRef:h2", name_label="xcp-renamed")
    after = root(navtree.render(state))
    again = {link[1]["href"]: link for link in by_attr(after, "class", "xl-node-link")}
    assert again["#/host/h1-uuid"] is rows["#/host/h1-uuid"]  # kept: the same node
    assert text_of(again["#/host/h2-uuid"]) == "xcp-renamed"


def test_the_top_bar_follows_the_pool_name_and_the_pending_tasks():
    state = state_with()
    top = frame.top_bar(state)
    state.rendered()
    pool = dict(state.cache.get("pool", "OpaqueRef:pool"), name_label="Renamed pool")
    state.bump(state.cache.apply([{"class": "pool", "ref": "OpaqueRef:pool", "operation": "mod", "snapshot": pool}]))
    renamed = frame.top_bar(state)
    assert renamed is not top and "Renamed pool" in text_of(root(renamed))
    task = {"uuid": "t1", "name_label": "Async.VM.start", "status": "pending", "progress": 0.1,
            "subtask_of": "OpaqueRef:NULL", "created": "20261203T10:00:00Z"}
    state.rendered()
    state.bump(state.cache.apply([{"class": "task", "ref": "OpaqueRef:t1", "operation": "add", "snapshot": task}]))
    busy = frame.top_bar(state)
    assert busy is not renamed and text_of(by_attr(root(busy), "class", "xl-tasks")[0]) == "1"
