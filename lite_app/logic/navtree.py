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
    """Which group each guest VM is in ({vm ref: host ref or OTHERS}) and how many each group has; or, before
    that is built, only the counts. MicroPython inserts new string keys slowly (~40 ms for 10,000, the table
    growing again and again), so the map is a copy of the VM table (its keys at once, ~1 ms) whose values are
    then replaced; a group's members are gathered when it is first shown, and kept up to date from then on."""

    def __init__(self):
        self.host_key = None
        self.vm_version = None
        self.cache = None
        self.where = None
        self.counts = {}
        self.members = {}
        self.ordered = {}

    def ready(self):
        """Whether each VM's group is known (not only the counts)."""
        return self.where is not None

    def count(self, key):
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
        self.where, self.members, self.ordered, self.counts = None, {}, {}, counts

    def group_key(self, vm):
        host = model.live_host(vm)
        return host if host in self.counts else OTHERS

    def rebuild(self, cache):
        """One pass over the VMs, written out (no call per VM: at 10,000 VMs MicroPython's calls are
        most of the pass)."""
        counts = {OTHERS: 0}
        for ref in cache.all("host"):
            counts[ref] = 0
        table = cache.all("VM")
        where, others = table.copy(), 0
        for ref in table:
            vm = table[ref]
            if vm.get("is_a_template") or vm.get("is_a_snapshot") or vm.get("is_control_domain"):
                where[ref] = None
                continue
            host = vm.get("resident_on")
            if host in counts and vm.get("power_state") in model.LIVE_STATES:
                where[ref] = host
                counts[host] += 1
            else:
                where[ref] = OTHERS
                others += 1
        counts[OTHERS] = others
        for ref in [ref for ref in where if where[ref] is None]:
            del where[ref]
        self.cache, self.where, self.counts, self.members, self.ordered = cache, where, counts, {}, {}

    def place(self, ref, vm):
        if vm is not None and model.is_guest(vm):
            key = self.group_key(vm)
            self.where[ref] = key
            self.counts[key] = self.counts.get(key, 0) + 1
            self.ordered.pop(key, None)
            members = self.members.get(key)
            if members is not None:
                members[ref] = True

    def move(self, cache, refs):
        """Move the changed VMs `refs` to their group now."""
        for ref in refs:
            old = self.where.pop(ref, None)
            if old is not None:
                self.counts[old] -= 1
                self.ordered.pop(old, None)
                members = self.members.get(old)
                if members is not None:
                    members.pop(ref, None)
            self.place(ref, cache.get("VM", ref))

    def sorted(self, key):
        """[(ref, vm)] of one group by name, sorted once per change of that group."""
        found = self.ordered.get(key)
        if found is None:
            members = self.members.get(key)
            if members is None:
                where = self.where
                members = self.members[key] = {ref: True for ref in where if where[ref] == key}
            table = self.cache.all("VM")
            found = self.ordered[key] = sorted([(ref, table[ref]) for ref in members if ref in table],
                                               key=sort_key)
        return found

    def total(self):
        total = 0
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
    # `recent` holds every VM changed since the last render: a grouping made then or later (by the idle
    # work, while more changes came in) is brought up to date by moving those VMs (moving one already in
    # its place changes nothing). Only a grouping older than the last render has missed changes.
    if (versions and grouping.ready() and grouping.host_key == host_key and recent is not None
            and grouping.vm_version >= state.recent_base.get("VM", 0)
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
