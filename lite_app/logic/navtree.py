"""The navigation tree's grouping: guest VMs under the host running them, the rest under "Not running".

Pure (CPython and MicroPython). At 10,000 VMs the tree is re-rendered with every change, so the grouping
is one pass over the VMs kept between renders in `state.ui` (`groups_of`): the shell's change counters
(State.versions) say when it is stale, and the VMs changed since the last render (State.recent) are moved
one by one, so a rename at 10,000 VMs costs no pass. A group is sorted by name only when it is shown, once
per change of it.
"""
from lite_app.logic import model

OTHERS = "others"
KEY = "nav.groups"
# Up to this many VM changes since the last render are applied to the grouping one by one; more
# (a resync, a burst) regroup everything in one pass.
INCREMENTAL_LIMIT = 500


def sort_key(pair):
    return model.name_key(pair[1])


class Grouping:
    """{host ref or OTHERS: {vm ref: vm}} and {vm ref: group key}, with the records they reflect."""

    def __init__(self):
        self.host_key = None
        self.vm_version = None
        self.groups = None
        self.where = None
        self.ordered = {}

    def group_key(self, vm):
        host = model.live_host(vm)
        return host if host in self.groups else OTHERS

    def rebuild(self, cache):
        self.groups, self.where, self.ordered = {OTHERS: {}}, {}, {}
        for ref in cache.all("host"):
            self.groups[ref] = {}
        table = cache.all("VM")
        for ref in table:
            self.place(ref, table[ref])

    def place(self, ref, vm):
        if vm is not None and model.is_guest(vm):
            key = self.group_key(vm)
            self.groups[key][ref] = vm
            self.where[ref] = key
            self.ordered.pop(key, None)

    def move(self, cache, refs):
        """Move the changed VMs `refs` to their group now."""
        for ref in refs:
            old = self.where.pop(ref, None)
            if old is not None:
                self.groups[old].pop(ref, None)
                self.ordered.pop(old, None)
            self.place(ref, cache.get("VM", ref))

    def sorted(self, key):
        """[(ref, vm)] of one group by name, sorted once per change of that group."""
        found = self.ordered.get(key)
        if found is None:
            table = self.groups.get(key) or {}
            found = self.ordered[key] = sorted([(ref, table[ref]) for ref in table], key=sort_key)
        return found

    def total(self):
        return len(self.where)


def groups_of(state):
    """The state's Grouping for this render: reused, updated with the VMs changed since the last render,
    or rebuilt."""
    grouping = state.ui.get(KEY)
    if grouping is None:
        grouping = state.ui[KEY] = Grouping()
    versions = getattr(state, "versions", None) or {}
    host_key = (id(state.cache), versions.get("host", 0))
    vm_version = versions.get("VM", 0)
    if versions and grouping.host_key == host_key and grouping.vm_version == vm_version:
        return grouping
    recent = getattr(state, "recent", None)
    if (versions and grouping.host_key == host_key and recent is not None
            and state.recent_base.get("VM", 0) == grouping.vm_version
            and len(recent.refs("VM")) <= INCREMENTAL_LIMIT):
        grouping.move(state.cache, recent.refs("VM"))
    else:
        grouping.rebuild(state.cache)
    grouping.host_key, grouping.vm_version = host_key, vm_version
    return grouping
