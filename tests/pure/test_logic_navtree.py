"""The navigation tree's grouping (lite_app/logic/navtree.py): moving the VMs a change names gives the
same counts and members as grouping everything again, for groups shown before and after the change."""
from lite_app.logic.navtree import OTHERS, Grouping

HOSTS = ("OpaqueRef:h1", "OpaqueRef:h2", "OpaqueRef:h3")


class Rng:
    """A seeded generator (MicroPython's random has no Random class)."""

    def __init__(self, seed):
        self.state = seed

    def randrange(self, n):
        self.state = (self.state * 1103515245 + 12345) % 2147483648
        return self.state % n

    def random(self):
        return self.randrange(1000000) / 1000000

    def choice(self, items):
        return items[self.randrange(len(items))]


class Cache:
    def __init__(self, tables):
        self.tables = tables

    def all(self, cls):
        return self.tables.get(cls, {})

    def get(self, cls, ref):
        return self.tables.get(cls, {}).get(ref)


def vm(rng, i):
    running = rng.random() < 0.6
    return {"name_label": "vm-%03d" % rng.randrange(1000), "uuid": "uuid-%d" % i, "power_state": "Running" if running else "Halted",
            "resident_on": rng.choice(HOSTS) if running else "OpaqueRef:NULL",
            "is_a_template": i % 17 == 0, "is_a_snapshot": False, "is_control_domain": False}


def listing(grouping):
    return {key: ([ref for ref, _vm in grouping.sorted(key)], grouping.count(key)) for key in HOSTS + (OTHERS,)}


def test_moving_the_changed_vms_equals_grouping_again():
    rng = Rng(5)
    tables = {"host": {h: {} for h in HOSTS}, "VM": {"OpaqueRef:v%d" % i: vm(rng, i) for i in range(200)}}
    cache = Cache(tables)
    moved = Grouping()
    moved.rebuild(cache)
    moved.sorted(HOSTS[0])  # a group shown before the changes keeps its members up to date
    for step in range(30):
        refs = []
        for _ in range(1 + rng.randrange(5)):
            number = rng.randrange(230)
            ref = "OpaqueRef:v%d" % number
            if rng.random() < 0.15:
                tables["VM"].pop(ref, None)
            else:
                tables["VM"][ref] = vm(rng, number)
            refs.append(ref)
        moved.move(cache, refs)
        again = Grouping()
        again.rebuild(cache)
        assert listing(moved) == listing(again)
        assert moved.total() == again.total() == len([v for v in tables["VM"].values() if not v["is_a_template"]])


def test_counting_only_gives_the_counts_grouping_gives():
    rng = Rng(9)
    cache = Cache({"host": {h: {} for h in HOSTS}, "VM": {"OpaqueRef:v%d" % i: vm(rng, i) for i in range(100)}})
    counted, grouped = Grouping(), Grouping()
    counted.count_only(cache)
    grouped.rebuild(cache)
    assert not counted.ready() and grouped.ready()
    assert [counted.count(k) for k in HOSTS + (OTHERS,)] == [grouped.count(k) for k in HOSTS + (OTHERS,)]
    assert counted.total() == grouped.total()


def live_state(rng, count):
    from lite_app.shell.state import State
    state = State()
    state.bump(state.cache.load("host", {h: {"name_label": h} for h in HOSTS}))
    state.bump(state.cache.load("VM", {"OpaqueRef:v%d" % i: vm(rng, i) for i in range(count)}))
    state.rendered()
    return state


def change(state, rng, number):
    """One VM changed through an event, as the live loop applies it."""
    ref = "OpaqueRef:v%d" % number
    state.bump(state.cache.apply([{"class": "vm", "ref": ref, "operation": "mod", "snapshot": vm(rng, number)}]))


def test_a_grouping_made_by_idle_work_while_changes_came_in_is_moved_not_counted_again():
    """On a busy pool changes arrive between a render and the idle work that makes the grouping: the
    next render moves the VMs changed since the render before (the grouping holds some of them already)
    instead of counting every VM again and throwing the grouping away (which, at 50 changes a second,
    happened at every render)."""
    from lite_app.logic.navtree import KEY, groups_of
    rng = Rng(3)
    state = live_state(rng, 300)
    first = groups_of(state)  # folded groups: only counted, the grouping is idle work
    assert not first.ready() and KEY in state.deferred
    state.rendered()
    change(state, rng, 5)
    state.deferred.pop(KEY)(state)  # the idle work runs after a change came in
    assert first.ready()
    change(state, rng, 7)
    change(state, rng, 5)
    counted = []
    first.count_only = lambda cache: counted.append(cache)
    found = groups_of(state)
    assert found is first and found.ready() and counted == []
    again = Grouping()
    again.rebuild(state.cache)
    assert listing(found) == listing(again) and found.total() == again.total()


def test_a_grouping_older_than_the_last_render_is_made_again():
    """Changes before the last render are not in `recent` any more: such a grouping is not trusted."""
    from lite_app.logic.navtree import groups_of
    rng = Rng(4)
    state = live_state(rng, 120)
    grouping = groups_of(state, True)
    assert grouping.ready()
    change(state, rng, 9)
    state.rendered()  # a render that did not read the tree (another page's)
    change(state, rng, 11)
    found = groups_of(state, True)
    again = Grouping()
    again.rebuild(state.cache)
    assert listing(found) == listing(again)
