"""The navigation tree's grouping: guest VMs under the host running them, the rest under "Not running".

Pure (CPython and MicroPython). At 10,000 VMs the tree is re-rendered with every change, so the grouping
is one pass over the VMs kept between renders in `state.ui` (`groups_of`): the shell's change counters
(State.versions) say when it is stale, and the VMs changed since the last render (State.recent) are moved
one by one, so a rename at 10,000 VMs costs no pass. A group is sorted by name only when it is shown, once
per change of it. When every group is folded (more than the tree unfolds by itself) the first render
needs only the counts: they come from a lighter pass, and the grouping itself is built when the browser
is idle (state.later), before the next change needs it.
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
    """{host ref or OTHERS: {vm ref: vm}}, with the records they reflect; or, before they are built, only
    how many VMs each group has (`counts`). No {vm ref: group} beside it: MicroPython inserts 10,000 string
    keys in ~40 ms, and a changed VM's old group is found by asking the few groups."""

    def __init__(self):
        self.host_key = None
        self.vm_version = None
        self.groups = None
        self.counts = {}
        self.ordered = {}

    def ready(self):
        """Whether the groups' members are known (not only their counts)."""
        return self.groups is not None

    def count(self, key):
        if self.groups is not None:
            return len(self.groups.get(key) or ())
        return self.counts.get(key, 0)

    def count_only(self, cache):
        """How many guest VMs each group has, without building the groups (no insert per VM)."""
        counts = {OTHERS: 0}
        for ref in cache.all("host"):
            counts[ref] = 0
        table = cache.all("VM")
        for ref in table:
            vm = table[ref]
            if vm.get("is_a_template") or vm.get("is_a_snapshot") or vm.get("is_control_domain"):
                continue
            host = vm.get("resident_on")
            key = host if host in counts and vm.get("power_state") in model.LIVE_STATES else OTHERS
            counts[key] += 1
        self.groups, self.ordered, self.counts = None, {}, counts

    def group_key(self, vm):
        host = model.live_host(vm)
        return host if host in self.groups else OTHERS

    def rebuild(self, cache):
        """One pass over the VMs, written out (no call per VM: at 10,000 VMs MicroPython's calls are
        most of the pass)."""
        groups = {OTHERS: {}}
        for ref in cache.all("host"):
            groups[ref] = {}
        others = groups[OTHERS]
        table = cache.all("VM")
        for ref in table:
            vm = table[ref]
            if vm.get("is_a_template") or vm.get("is_a_snapshot") or vm.get("is_control_domain"):
                continue
            host = vm.get("resident_on")
            if host in groups and vm.get("power_state") in model.LIVE_STATES:
                groups[host][ref] = vm
            else:
                others[ref] = vm
        self.groups, self.ordered, self.counts = groups, {}, {}

    def place(self, ref, vm):
        if vm is not None and model.is_guest(vm):
            key = self.group_key(vm)
            self.groups[key][ref] = vm
            self.ordered.pop(key, None)

    def move(self, cache, refs):
        """Move the changed VMs `refs` to their group now."""
        groups = self.groups
        for ref in refs:
            for key in groups:
                if ref in groups[key]:
                    del groups[key][ref]
                    self.ordered.pop(key, None)
                    break
            self.place(ref, cache.get("VM", ref))

    def sorted(self, key):
        """[(ref, vm)] of one group by name, sorted once per change of that group."""
        found = self.ordered.get(key)
        if found is None:
            table = self.groups.get(key) or {}
            found = self.ordered[key] = sorted([(ref, table[ref]) for ref in table], key=sort_key)
        return found

    def total(self):
        total = 0
        if self.groups is not None:
            for key in self.groups:
                total += len(self.groups[key])
            return total
        for key in self.counts:
            total += self.counts[key]
        return total


def groups_of(state, members=False, wants=None):
    """The state's Grouping for this render: reused, updated with the VMs changed since the last render,
    or rebuilt; with `members` False and no grouping to update, only counted, unless `wants(total)`
    says the groups' members are shown after all (the grouping is otherwise built when the browser is
    idle)."""
    grouping = state.ui.get(KEY)
    if grouping is None:
        grouping = state.ui[KEY] = Grouping()
    versions = getattr(state, "versions", None) or {}
    # The groups depend on which hosts there are, not on their records: a VM started changes its host's.
    host_key = (id(state.cache), tuple(sorted(state.cache.all("host")))) if versions else None
    vm_version = versions.get("VM", 0)
    current = versions and grouping.host_key == host_key and grouping.vm_version == vm_version
    if current and (grouping.ready() or not members):
        return grouping
    recent = getattr(state, "recent", None)
    if (versions and grouping.ready() and grouping.host_key == host_key and recent is not None
            and state.recent_base.get("VM", 0) == grouping.vm_version
            and len(recent.refs("VM")) <= INCREMENTAL_LIMIT):
        grouping.move(state.cache, recent.refs("VM"))
    elif members or not versions:
        grouping.rebuild(state.cache)
    else:
        grouping.count_only(state.cache)
        later = getattr(state, "later", None)
        if wants is not None and wants(grouping.total()):
            grouping.rebuild(state.cache)
        elif later is not None:
            later(KEY, lambda st: groups_of(st, True))
    grouping.host_key, grouping.vm_version = host_key, vm_version
    return grouping
