"""Searching, filtering and sorting the VM list (pure: CPython and MicroPython).

At 10,000 VMs a keystroke must update the list within 100 ms in MicroPython, where a plain loop over
the VMs already takes ~25 ms. So:
- per-VM derived values (lower-cased name, search text, first IP) live in a SearchIndex entry
  (lite_app/logic/vmsearch.py), kept until the VM or its guest metrics record is replaced;
- sorting decorates each row with its key and sorts plain tuples: MicroPython's list.sort calls a
  `key=` function at every comparison, which made a 10,000-row sort take a second;
- tables are read once per call (`cache.all`), not through `cache.get` in the loop;
- with a `version` (the shell's change counters), the guests' entries are gathered once per change
  of the records, and a query that extends the previous one (typing on) only filters the previous
  matches: a keystroke then touches the matches, not every record;
- when only a few VMs changed since the last selection (a live pool: a rename, a start), `update`
  moves just those rows in the sorted list (binary search) instead of filtering and sorting all of
  them again;
- a query typed on (`refine`) filters the last selection's rows, already in order: a keystroke at
  10,000 VMs sorts nothing.
"""
from lite_app.logic import model
from lite_app.logic.vmsearch import LAST, NAME, REF, ROW, TEXT, SearchIndex, matches, position, terms_of

# Power states in list order when sorting by state (running first).
STATE_ORDER = {"Running": 0, "Paused": 1, "Suspended": 2, "Halted": 3}
NO_HOST = "none"


def host_names(cache):
    hosts = cache.all("host")
    names = {}
    for ref in hosts:
        names[ref] = (hosts[ref].get("name_label") or "").lower()
    return names


def sort_key(column, index, found, context):
    """The sort value of one row for `column` (the name and ref break ties)."""
    vm = found[0]
    if column == "state":
        return STATE_ORDER.get(vm.get("power_state"), 9)
    if column == "host":
        return context.get(model.live_host(vm)) or LAST
    if column == "ip":
        return index.ip(found)
    if column == "vcpus":
        return int(vm.get("VCPUs_at_startup") or 0)
    if column == "memory":
        return int(vm.get("memory_dynamic_max") or 0)
    return 0


def candidates(index, version, terms, power, host):
    """The entries a search must look at: the last matches when the query only grew, else all."""
    last = index.last
    if (version is not None and last is not None and last[0] == version and last[2:4] == (power, host)
            and len(terms) >= len(last[1])):
        grown = True
        for i in range(len(last[1])):
            if last[1][i] not in terms[i]:
                grown = False
        if grown:
            return last[4]
    return index.guests


def select(cache, index, query="", power="", host="", sort="name", descending=False, version=None):
    """(refs, guests): the refs of the guest VMs to list, filtered, searched and sorted, and how many
    guest VMs there are in all. `version` identifies the records (None: unknown, read them all)."""
    terms = terms_of(query)
    guests = index.guest_entries(cache, version)
    matched = []
    for found in candidates(index, version, terms, power, host):
        if (power or host) and not wanted(found[0], power, host):
            continue
        if terms and not index.has(found, terms):
            continue
        matched.append(found)
    index.last = (version, terms, power, host, matched)
    context = host_names(cache) if sort == "host" else None
    if sort == "name":  # row_for written out: MicroPython's calls cost more than the rows
        rows = [(found[NAME], (found[REF], found)) for found in matched]
    else:
        rows = [row_for(sort, index, found, context) for found in matched]
    rows.sort()
    index.rows, index.count, index.spec = rows, len(guests), (terms, power, host, sort)
    return Shown(rows, descending), len(guests)


def kept(index, rows, terms):
    """The rows whose VM's search text has every term, in order (a comprehension: at 10,000 rows it is
    this loop a keystroke waits on, and MicroPython runs it nearly twice as fast as a written-out one)."""
    if index.indexed is not index.guests:  # texts still being made: those not made are looked in part by part
        has = index.has
        return [row for row in rows if has(row[1][1], terms)]
    text = index.text  # a VM changed since has no text yet
    if len(terms) == 1:
        term = terms[0]
        return [row for row in rows if term in (row[1][1][TEXT] or text(row[1][1]))]
    return [row for row in rows if matches(row[1][1][TEXT] or text(row[1][1]), terms)]


def grew(old, new):
    """Whether query terms `new` match only what `old` matched (the query was typed on)."""
    if len(new) < len(old):
        return False
    for i in range(len(old)):
        if old[i] not in new[i]:
            return False
    return True


def refine(index, query="", power="", host="", sort="name", descending=False):
    """(refs, guests) by filtering the last selection's rows, when they are current and the query only
    grew (same filters and sort): they are in order already, so a keystroke sorts nothing. None when
    that does not apply. The caller says the rows are current (no change since, or `update` ran)."""
    spec, terms = index.spec, terms_of(query)
    if index.rows is None or spec is None or spec[1:] != (power, host, sort) or not grew(spec[0], terms):
        return None
    if terms != spec[0]:
        rows = kept(index, index.rows, terms)
        index.rows, index.spec, index.last = rows, (terms, power, host, sort), None
    return Shown(index.rows, descending), index.count


def row_for(sort, index, found, context):
    """A row of the sorted list: (key, (ref, entry)), the key the sort value then the name (the name alone
    for the name sort). The ref is unique, so ties end there and the entry is never compared; a row names
    its entry without a lookup by ref. Nested pairs, not a flat tuple: MicroPython finds room for an
    object of one 16-byte block at once, while one of two or more blocks is looked for from the start of
    the heap after each collection, through every hole in a pool's records (20,000 flat rows: ~250 ms;
    as pairs: a tenth of that)."""
    if sort == "name":
        return (found[NAME], (found[REF], found))
    return ((sort_key(sort, index, found, context), found[NAME]), (found[REF], found))


class Shown:
    """The refs of a selection's rows in the order shown: the rows' own refs, read one by one for the
    window a render draws, and made into a list only when all of them are wanted (a selection of all, a
    key moving the focused row). A keystroke at 10,000 VMs then reads ~20 refs, not 10,000. The rows
    given are never changed after (`update` moves rows in a copy)."""

    def __init__(self, rows, descending=False):
        self.rows, self.descending, self.refs = rows, descending, None

    def all(self):
        """Every ref, in order (made once)."""
        if self.refs is None:
            refs = [row[1][0] for row in self.rows]
            if self.descending:
                refs.reverse()
            self.refs = refs
        return self.refs

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return len(self.rows) > 0

    def __getitem__(self, at):
        if type(at) is not int:
            return self.all()[at]
        count = len(self.rows)
        if at < 0:
            at += count
        if at < 0 or at >= count:
            raise IndexError("Shown index out of range")
        return self.rows[count - 1 - at if self.descending else at][1][0]

    def __iter__(self):
        return iter(self.all())

    def __contains__(self, ref):
        return ref in self.all()

    def index(self, ref):
        return self.all().index(ref)

    def __eq__(self, other):
        return self.all() == (other.all() if isinstance(other, Shown) else other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        return "Shown(%r)" % (self.all(),)


def is_guest(vm):
    return vm is not None and not (vm.get("is_a_template") or vm.get("is_a_snapshot")
                                   or vm.get("is_control_domain"))


def update(cache, index, refs, query="", power="", host="", sort="name", descending=False):
    """(refs, guests) as `select` gives them after the VMs `refs` changed (added, modified or
    removed), from the last selection with the same query, filters and sort: each changed VM's row is
    taken out and put back where it now belongs. None when there is no last selection."""
    if index.rows is None:
        return None
    terms = terms_of(query)
    table, metrics = cache.all("VM"), cache.all("VM_guest_metrics")
    context = host_names(cache) if sort == "host" else None
    index.row_index()
    rows, seen = index.rows[:], {}  # a copy: the last Shown keeps the rows it was given
    if index.slotted is index.rows:
        index.slotted = rows  # the same row objects: their slots hold
    index.rows = rows
    for ref in refs:
        if ref in seen:
            continue
        seen[ref] = True
        at = index.row_at(ref)
        was_guest = ref in index.by_ref()
        if at is not None:
            del rows[at]
        vm = table.get(ref)
        guest = is_guest(vm)
        index.count += (1 if guest else 0) - (1 if was_guest else 0)
        if not guest:
            index.by_ref().pop(ref, None)
            continue
        found = index.entry(ref, vm, metrics.get(vm.get("guest_metrics")))
        if (power or host) and not wanted(vm, power, host):
            continue
        if terms and not matches(index.text(found), terms):
            continue
        row = row_for(sort, index, found, context)
        at = position(rows, row)
        rows.insert(at, row)
        found[ROW] = row
    index.version, index.last = None, None  # the guests' list is gathered again when a full select needs it
    return Shown(rows, descending), index.count


def wanted(vm, power, host):
    """The power-state and host filters ("" = any; host NO_HOST = not running on any host)."""
    if power and vm.get("power_state") != power:
        return False
    if host:
        resident = model.live_host(vm)
        if host == NO_HOST:
            return resident is None
        return resident == host
    return True
