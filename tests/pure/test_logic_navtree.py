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
