"""The VM list's selection moved row by row after a few changes (logic/vmlist.update) is exactly what a
full selection (select) gives, for every sort, filter and query, through adds, renames, starts, stops
and removals."""
from views_fixture import page_state

from lite_app.logic import vmlist
from lite_app.ui import vmlist as view


class Cache:
    def __init__(self, tables):
        self.tables = tables

    def all(self, cls):
        return self.tables.get(cls, {})


def vm(name, power="Halted", host="OpaqueRef:NULL", ip=None, tags=()):
    record = {"uuid": "uuid-" + name, "name_label": name, "power_state": power, "resident_on": host,
              "is_a_template": False, "is_a_snapshot": False, "is_control_domain": False,
              "VCPUs_at_startup": str(len(name) % 4 + 1), "memory_dynamic_max": str(len(name) * 1024),
              "tags": list(tags), "guest_metrics": ("gm-" + name) if ip else "OpaqueRef:NULL"}
    return record


def pool(count):
    hosts = {"h1": {"name_label": "alpha"}, "h2": {"name_label": "beta"}}
    vms, metrics = {}, {}
    for i in range(count):
        name = "vm-%02d" % ((i * 7) % count)
        running = i % 3 == 0
        ip = "10.0.0.%d" % i if running else None
        vms["r%d" % i] = vm(name, "Running" if running else "Halted", "h%d" % (i % 2 + 1) if running else "OpaqueRef:NULL",
                            ip, ("web",) if i % 4 == 0 else ())
        if ip:
            metrics["gm-" + name] = {"networks": {"0/ip": ip}}
    vms["tpl"] = dict(vm("template"), is_a_template=True)
    return {"VM": vms, "VM_guest_metrics": metrics, "host": hosts}


CHANGES = (
    lambda t: t["VM"].__setitem__("r1", dict(t["VM"]["r1"], name_label="aaa-renamed")),
    lambda t: t["VM"].__setitem__("r2", dict(t["VM"]["r2"], power_state="Running", resident_on="h2")),
    lambda t: t["VM"].__setitem__("new", vm("zz-new", "Running", "h1")),
    lambda t: t["VM"].pop("r4"),
    lambda t: t["VM"].__setitem__("r5", dict(t["VM"]["r5"], is_a_snapshot=True)),
    lambda t: t["VM"].__setitem__("r3", dict(t["VM"]["r3"], power_state="Halted", resident_on="OpaqueRef:NULL")),
)
CHANGED = (["r1"], ["r2", "r2"], ["new"], ["r4"], ["r5"], ["r3"])
VIEWS = (("", "", "", "name", False), ("", "", "", "name", True), ("vm-0", "", "", "name", False),
         ("", "Running", "", "state", False), ("", "", "h1", "host", True), ("web", "", "", "vcpus", False),
         ("", "", vmlist.NO_HOST, "memory", False), ("", "", "", "host", False))


def test_moving_the_changed_rows_equals_selecting_again():
    for view in VIEWS:
        tables = pool(24)
        cache = Cache(tables)
        index = vmlist.SearchIndex()
        vmlist.select(cache, index, *view, version=1)
        for step, change in enumerate(CHANGES):
            change(tables)
            moved = vmlist.update(cache, index, CHANGED[step], *view)
            fresh = vmlist.select(cache, vmlist.SearchIndex(), *view)
            assert moved == fresh, (view, step)


def test_no_last_selection_means_no_update():
    assert vmlist.update(Cache(pool(3)), vmlist.SearchIndex(), ["r1"]) is None


def test_the_list_page_moves_a_renamed_vm_without_selecting_again():
    state = page_state("vms")
    state.versions = {"VM": 1, "VM_guest_metrics": 1, "host": 1}
    refs, total = view.selected(state)
    state.rendered()
    index = state.ui["vmlist.index"]
    target = refs[-1]
    record = dict(state.cache.get("VM", target), name_label="0-first")
    state.bump(state.cache.apply([{"class": "VM", "ref": target, "operation": "mod", "snapshot": record}]))
    calls = []
    real_select = view.select
    view.select = lambda *args, **kw: calls.append(args) or real_select(*args, **kw)
    try:
        moved, moved_total = view.selected(state)
    finally:
        view.select = real_select
    assert calls == [] and moved[0] == target and moved_total == total and sorted(moved) == sorted(refs)
    assert state.ui["vmlist.index"] is index


TYPED = (("v", "vm", "vm-0", "vm-01"), ("vm-0", "vm-0 w", "vm-0 web"), ("1", "12"))


def test_a_query_typed_on_filters_the_last_rows_as_selecting_again_would():
    for view in VIEWS:
        _query, power, host, sort, desc = view
        cache = Cache(pool(24))
        for typed in TYPED:
            index = vmlist.SearchIndex()
            vmlist.select(cache, index, "", power, host, sort, desc, version=1)
            for query in typed:
                refined = vmlist.refine(index, query, power, host, sort, desc)
                assert refined == vmlist.select(cache, vmlist.SearchIndex(), query, power, host, sort, desc), (view, query)


def test_refining_needs_the_same_filters_and_sort_and_a_longer_query():
    cache = Cache(pool(12))
    index = vmlist.SearchIndex()
    vmlist.select(cache, index, "vm-0", "", "", "name", False, version=1)
    assert vmlist.refine(index, "vm", "", "", "name", False) is None  # shorter: rows would be missing
    assert vmlist.refine(index, "vm-01", "Running", "", "name", False) is None
    assert vmlist.refine(index, "vm-01", "", "", "state", False) is None
    assert vmlist.refine(vmlist.SearchIndex(), "vm-01") is None


def changed_vm(state, ref, **fields):
    record = dict(state.cache.get("VM", ref), **fields)
    state.bump(state.cache.apply([{"class": "VM", "ref": ref, "operation": "mod", "snapshot": record}]))


def counting_select(calls):
    real = view.select
    view.select = lambda *args, **kw: calls.append(args) or real(*args, **kw)
    return real


def test_typing_after_a_live_change_moves_the_change_then_filters_without_sorting():
    state = page_state("vms")
    state.versions = {"VM": 1, "VM_guest_metrics": 1, "host": 1}
    refs, _total = view.selected(state)
    state.rendered()
    target = refs[-1]
    changed_vm(state, target, name_label="0-typed-after")
    state.ui["vmlist.query"] = "0-typed"
    calls = []
    real = counting_select(calls)
    try:
        found, _ = view.selected(state)
    finally:
        view.select = real
    assert calls == [] and found == [target]


def test_a_host_record_changing_does_not_select_again_unless_its_name_sorts_the_rows():
    state = page_state("vms")
    state.versions = {"VM": 1, "VM_guest_metrics": 1, "host": 1}
    view.selected(state)
    state.rendered()
    host_ref = sorted(state.cache.all("host"))[0]
    host = dict(state.cache.get("host", host_ref), memory_overhead="12345")
    state.bump(state.cache.apply([{"class": "host", "ref": host_ref, "operation": "mod", "snapshot": host}]))
    calls = []
    real = counting_select(calls)
    try:
        view.selected(state)
        state.rendered()
        state.ui["vmlist.sort"] = "host"
        view.selected(state)
        state.rendered()
        renamed = dict(state.cache.get("host", host_ref), name_label="zzz-last")
        state.bump(state.cache.apply([{"class": "host", "ref": host_ref, "operation": "mod", "snapshot": renamed}]))
        view.selected(state)
    finally:
        view.select = real
    assert len(calls) == 2  # the sort by host, then its host renamed; not the host's other change


def test_rows_are_kept_while_their_records_are_the_same_and_rebuilt_when_one_changes():
    state = page_state("vms")
    state.versions = {"VM": 1, "VM_guest_metrics": 1, "host": 1}
    view.render(state)
    state.rendered()
    before = dict(state.ui[view.ROWS])
    refs = view.selected(state)[0]
    changed_vm(state, refs[0], name_label=state.cache.get("VM", refs[0])["name_label"] + " (2)")
    view.render(state)
    after = state.ui[view.ROWS]
    assert after[refs[0]][-1] is not before[refs[0]][-1]
    assert "(2)" in str(after[refs[0]][-1])
    assert after[refs[1]][-1] is before[refs[1]][-1]


def test_a_row_that_only_moved_keeps_its_cells_and_gets_its_new_index():
    state = page_state("vms")
    state.versions = {"VM": 1, "VM_guest_metrics": 1, "host": 1}
    view.render(state)
    state.rendered()
    refs = view.selected(state)[0]
    before = dict(state.ui[view.ROWS])
    changed_vm(state, refs[-1], name_label="0-now-first")
    view.render(state)
    after = state.ui[view.ROWS]
    moved = after[refs[0]][-1]
    assert moved[1]["aria-rowindex"] == "3" and before[refs[0]][-1][1]["aria-rowindex"] == "2"
    assert moved[2] is before[refs[0]][-1][2]


def test_the_page_keeps_its_nodes_when_a_change_is_outside_the_window():
    state = page_state("vms")
    model_vm = next(r for r in state.cache.all("VM").values() if vmlist.is_guest(r))
    state.cache.apply([{"class": "VM", "ref": "OpaqueRef:zz%02d" % i, "operation": "add",
                        "snapshot": dict(model_vm, name_label="zz-%02d" % i, uuid="uuid-zz-%02d" % i)}
                       for i in range(30)])
    state.versions = {"VM": 1, "VM_guest_metrics": 1, "host": 1}
    state.ui["vmlist.scroll"] = [0, 88]  # two rows shown, the margin below
    first = view.render(state)
    state.rendered()
    refs = view.selected(state)[0]
    assert len(refs) > view.MARGIN + 3, "the fixture needs rows outside the window"
    changed_vm(state, refs[-1], tags=["outside"])
    assert view.render(state) is first
    state.rendered()
    changed_vm(state, refs[0], name_label=state.cache.get("VM", refs[0])["name_label"] + "-x")
    again = view.render(state)
    assert again is not first and "-x" in str(again)


def test_the_search_text_is_made_a_piece_at_a_time():
    cache = Cache(pool(10))
    index = vmlist.SearchIndex()
    vmlist.select(cache, index, version=1)
    assert index.unindexed()
    assert not index.index_text(4) and index.unindexed()
    assert len([e for e in index.guests if e[vmlist.TEXT] is not None]) == 4
    assert index.index_text(100) and not index.unindexed()
    assert all(e[vmlist.TEXT] is not None for e in index.guests)


def test_pieces_of_search_text_go_on_where_the_last_one_stopped():
    cache = Cache(pool(10))
    index = vmlist.SearchIndex()
    vmlist.select(cache, index, version=1)
    index.index_text(3)
    index.guests[5][vmlist.TEXT] = "made by a search"  # a search may make some ahead of the pieces
    assert not index.index_text(3)  # the next three without one: 3, 4 and 6
    assert [e[vmlist.TEXT] is not None for e in index.guests] == [True] * 7 + [False] * 3
    assert index.index_text(3) and not index.unindexed()
    assert index.guests[5][vmlist.TEXT] == "made by a search"


class SteppedClock:
    """A clock moving `step` ms at each reading."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def clock_ms(self):
        self.now += self.step
        return self.now


class IdleState:
    """What make_text reads of the app's State: the index in `ui`, the clock, `later`."""

    def __init__(self, index, clock):
        self.ui, self.env, self.deferred = {"vmlist.index": index}, clock, {}

    def later(self, name, work):
        self.deferred[name] = work


def test_the_idle_piece_of_search_text_stops_when_its_time_is_up():
    index = vmlist.SearchIndex()
    vmlist.select(Cache(pool(300)), index, version=1)
    state = IdleState(index, SteppedClock(view.TEXT_SLICE_MS / 2.5))  # two steps fit in a piece
    view.make_text(state)
    made = len([e for e in index.guests if e[vmlist.TEXT] is not None])
    assert made == 2 * view.TEXT_STEP and "vmlist.text" in state.deferred
    pieces = 1
    while "vmlist.text" in state.deferred:
        state.deferred.pop("vmlist.text")(state)
        pieces += 1
    assert not index.unindexed() and pieces == 3  # 300 VMs, 100 a piece


def test_a_search_before_the_texts_are_made_finds_what_the_texts_would_and_makes_none():
    cache = Cache(pool(40))
    for query in ("vm-1", "10.0.0.3", "web", "uuid-vm-2 vm", "WEB vm-0", "nothing-like-it"):
        fresh, made = vmlist.SearchIndex(), vmlist.SearchIndex()
        vmlist.select(cache, made, version=1)
        made.index_text()
        expected = vmlist.select(cache, made, query, version=1)
        found = vmlist.select(cache, fresh, query, version=1)
        assert found == expected, query
        assert all(e[vmlist.TEXT] is None for e in fresh.guests), "a search before the texts makes none"
        fresh.index_text(5)  # some made, the rest not: a query typed on filters both kinds
        longer = query + "1"
        assert vmlist.refine(fresh, longer) == vmlist.select(cache, made, longer, version=1), longer


def test_the_shown_refs_read_like_a_list_and_a_keystroke_makes_none():
    for descending in (False, True):
        cache, index = Cache(pool(24)), vmlist.SearchIndex()
        shown, _count = vmlist.select(cache, index, descending=descending, version=1)
        expected = [row[1][0] for row in index.rows]
        if descending:
            expected.reverse()
        assert shown.refs is None, "selecting makes no list of refs"
        assert len(shown) == 24 and bool(shown) and [shown[i] for i in range(24)] == expected
        assert shown[-1] == expected[-1] and shown[3:7] == expected[3:7]
        assert expected[5] in shown and shown.index(expected[5]) == 5 and list(shown) == expected
        assert shown == expected and shown == vmlist.Shown(index.rows, descending)
        try:
            shown[24]
            raise AssertionError("past the end must raise")
        except IndexError:
            pass
        typed, _count = vmlist.refine(index, "vm-1", descending=descending)
        assert typed.refs is None and len(typed) == len([r for r in expected if "vm-1" in cache.all("VM")[r]["name_label"]])
        assert not vmlist.refine(index, "vm-1 nothing", descending=descending)[0], "typed on to no match"


def test_moving_rows_leaves_the_last_shown_as_it_was():
    tables = pool(24)
    cache, index = Cache(tables), vmlist.SearchIndex()
    before = vmlist.select(cache, index, version=1)[0]
    rows = before.rows[:]
    CHANGES[0](tables)
    after = vmlist.update(cache, index, CHANGED[0])[0]
    assert after[0] == "r1", "the renamed VM sorts first now"
    assert before.rows == rows and before.refs is None, "the earlier selection's rows are as they were"
    assert list(after) == list(vmlist.select(cache, vmlist.SearchIndex())[0])
