"""Searching, filtering and sorting the VM list (pure: CPython and MicroPython).

At 10,000 VMs a keystroke must update the list within 100 ms in MicroPython, where a plain loop over
the VMs already takes ~25 ms. So:
- per-VM derived values (lower-cased name, search text, first IP) live in a SearchIndex entry that is
  kept until the VM or its guest metrics record is replaced by an event (records are replaced, never
  mutated, so identity tells); the search text is made after the first render, when the browser is
  idle (`index_text`, through state.later), or by the first search that needs it; the IP sort key is
  computed only when first needed;
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

# Power states in list order when sorting by state (running first).
STATE_ORDER = {"Running": 0, "Paused": 1, "Suspended": 2, "Halted": 3}
NO_HOST = "none"
LAST = "\uffff"  # sorts after any name: VMs without a host or IP go last
NAME, TEXT, IP, REF, ROW = 2, 3, 4, 5, 6  # SearchIndex entry slots after (vm, guest metrics)


def lower_name(vm):
    """A VM's name in lower case (most names are already: no copy then)."""
    name = vm.get("name_label") or ""
    return name if name.islower() else name.lower()


def terms_of(query):
    """Lower-case words of a query; every word must match."""
    return [word for word in (query or "").lower().split() if word]


def ip_key(ip):
    """Sort key of an IP: numeric for IPv4 (10.0.0.9 before 10.0.0.10), text after for the rest."""
    parts = ip.split(".")
    if len(parts) == 4 and all(part.isdigit() for part in parts):
        return (0, [int(part) for part in parts], "")
    return (1, [], ip)


class SearchIndex:
    """ref -> [vm, guest metrics, lower name, search text or None, IP key or None, ref], plus the
    guests' entries for one version of the records and the last search over them."""

    def __init__(self):
        self.entries = None  # ref -> entry: made on first use after the first gathering (by_ref)
        self.version = None
        self.guests = []
        self.last = None  # (version, terms, power, host, matching entries)
        self.rows = None  # the last selection's rows, ascending: (key, (ref, entry)) (see row_for)
        self.table = None  # the VM table the guests were gathered from (by_ref copies its keys)
        self.slotted = None  # the `rows` whose entries' ROW slot holds their row (made when `update` needs it)
        self.spec = None  # (terms, power, host, sort) that `rows` were selected for
        self.refs = []  # the refs of `rows`, in the same order
        self.count = 0    # guest VMs in all, at the last selection
        self.indexed = None  # `guests` when every one of them has its search text
        self.text_next = None  # (`guests`, index): every guest before the index has its search text

    def by_ref(self):
        """{ref: entry}. The first gathering of 10,000 guests leaves it to be made here, when a change
        or a search needs it: MicroPython inserts new string keys slowly (~40 ms for 10,000, as the table
        grows again and again), so it is a copy of the VM table (its keys at once) whose values are then
        replaced (~3 ms), less the VMs that are no guests."""
        if self.entries is None:
            entries = self.table.copy() if self.table is not None else {}
            for found in self.guests:
                entries[found[REF]] = found
            if len(entries) != len(self.guests):
                for ref in [ref for ref in entries if type(entries[ref]) is not list]:
                    del entries[ref]
            self.entries = entries
        return self.entries

    def row_index(self):
        """Point each entry of `rows` at its row (its ROW slot), on first use after a selection (typing needs
        none; the first change does, so the VM list does it while the browser is idle). A slot, not a dict
        by ref: MicroPython inserts 10,000 string keys in ~40 ms, and sets 10,000 slots in ~3."""
        rows = self.rows
        if rows is not None and self.slotted is not rows:
            for row in rows:
                row[1][1][ROW] = row
            self.slotted = rows

    def row_at(self, ref):
        """Where VM `ref`'s row is in `rows`, or None (an entry's slot may still name a row of an older
        selection)."""
        found = self.by_ref().get(ref)
        row = found[ROW] if found is not None else None
        if row is None:
            return None
        rows = self.rows
        at = position(rows, row)
        return at if at < len(rows) and rows[at] is row else None

    def entry(self, ref, vm, metrics):
        entries = self.by_ref()
        found = entries.get(ref)
        if found is None or found[0] is not vm or found[1] is not metrics:
            found = entries[ref] = [vm, metrics, lower_name(vm), None, None, ref, None]
        return found

    def guest_entries(self, cache, version):
        """The entries of every guest VM, gathered again only when `version` changes (or is None)."""
        if version is not None and version == self.version:
            return self.guests
        table, metrics = cache.all("VM"), cache.all("VM_guest_metrics")
        entries = None if self.entries is None and not self.guests else self.by_ref()
        self.table = table
        guests = []
        for ref in table:  # entry() written out: a call per VM is most of this pass in MicroPython
            vm = table[ref]
            if vm.get("is_a_template") or vm.get("is_a_snapshot") or vm.get("is_control_domain"):
                continue
            guest_metrics = metrics.get(vm.get("guest_metrics"))
            found = entries.get(ref) if entries is not None else None
            if found is None or found[0] is not vm or found[1] is not guest_metrics:
                name = vm.get("name_label") or ""
                found = [vm, guest_metrics, name if name.islower() else name.lower(), None, None, ref, None]
                if entries is not None:
                    entries[ref] = found
            guests.append(found)
        self.version, self.guests, self.last = version, guests, None
        return guests

    def unindexed(self):
        """Whether some guests' search text is still to make (asked every render: once all are made,
        the answer is kept until the guests are gathered again)."""
        if self.indexed is self.guests:
            return False
        guests, start = self.guests, self.text_start()
        for i in range(start, len(guests)):
            if guests[i][TEXT] is None:
                self.text_next = (guests, i)
                return True
        self.indexed = guests
        return False

    def text_start(self):
        """Where the guests without a search text may start: the texts are made in order, so the ones
        before the last piece's end are made already (each piece scanned from 0 was 10,000 checks)."""
        kept = self.text_next
        return kept[1] if kept is not None and kept[0] is self.guests else 0

    def index_text(self, limit=None):
        """Make the guests' search text (so the first keystroke only matches): all of it, or `limit`
        more; True once every guest has its text."""
        made, guests = 0, self.guests
        for i in range(self.text_start(), len(guests)):
            found = guests[i]
            if found[TEXT] is None:
                if limit is not None and made >= limit:
                    self.text_next = (guests, i)
                    return False
                self.text(found)
                made += 1
        self.indexed = guests
        return True

    def text(self, found):
        """Name, uuid, IPs and tags in lower case."""
        if found[TEXT] is None:
            vm, metrics = found[0], found[1]
            parts = [found[NAME], vm.get("uuid") or ""]
            networks = metrics.get("networks") if metrics else None
            if networks:
                parts.extend(networks.values())  # every address, in any order: only matched
            tags = vm.get("tags")
            if tags:
                parts.append(" ".join(tags).lower())
            found[TEXT] = " ".join(parts)
        return found[TEXT]

    def has(self, found, terms):
        """Whether the VM's search text has every term, without making the text when it is not made yet:
        its parts are looked in one by one (a term is a word, so it cannot span two parts). A search
        typed while the texts are still being made meets thousands of these, and joining each one's
        text cost ~40 us where this costs a few."""
        text = found[TEXT]
        if text is not None:
            return matches(text, terms)
        vm, metrics = found[0], found[1]
        uuid, networks, tags = vm.get("uuid") or "", metrics.get("networks") if metrics else None, vm.get("tags")
        for term in terms:  # loops written out: a generator per VM costs more than its test
            if term in found[NAME] or term in uuid:
                continue
            hit = False
            if networks:
                for key in networks:
                    if term in networks[key]:
                        hit = True
                        break
            if not hit and tags:
                for tag in tags:
                    if term in tag.lower():
                        hit = True
                        break
            if not hit:
                return False
        return True

    def ip(self, found):
        if found[IP] is None:
            metrics = found[1]
            ips = model.network_ips(metrics.get("networks") if metrics else None)
            found[IP] = ip_key(ips[0]) if ips else (2, [], LAST)
        return found[IP]

    def prune(self, cache):
        """Forget VMs that are gone (after deletions or a resync)."""
        table, entries = cache.all("VM"), self.by_ref()
        for ref in [ref for ref in entries if ref not in table]:
            del entries[ref]


def matches(text, terms):
    for term in terms:
        if term not in text:
            return False
    return True


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
    index.refs = [row[1][0] for row in rows]
    return ordered(index, descending), len(guests)


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
        index.refs = [row[1][0] for row in rows]
    return ordered(index, descending), index.count


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


def ordered(index, descending):
    """The refs of the index's rows in the order shown: a copy of `index.refs` (kept with the rows), so
    a change moves a row without a pass over all of them."""
    refs = index.refs[:]
    if descending:
        refs.reverse()
    return refs


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
    rows, listed, seen = index.rows, index.refs, {}
    for ref in refs:
        if ref in seen:
            continue
        seen[ref] = True
        at = index.row_at(ref)
        was_guest = ref in index.by_ref()
        if at is not None:
            del rows[at]
            del listed[at]
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
        listed.insert(at, ref)
        found[ROW] = row
    index.version, index.last = None, None  # the guests' list is gathered again when a full select needs it
    return ordered(index, descending), index.count


def position(rows, row):
    """Where `row` is or would go in the ascending `rows` (binary search: MicroPython has no bisect)."""
    low, high = 0, len(rows)
    while low < high:
        middle = (low + high) // 2
        if rows[middle] < row:
            low = middle + 1
        else:
            high = middle
    return low


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
