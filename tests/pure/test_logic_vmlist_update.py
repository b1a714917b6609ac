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
