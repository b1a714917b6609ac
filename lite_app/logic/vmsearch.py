"""The VM list's search index (pure: CPython and MicroPython): per-VM derived values kept between renders.

One entry per guest VM: [vm, guest metrics, lower-cased name, search text, IP sort key, ref, row]. An entry
is kept until the VM or its guest metrics record is replaced by an event (records are replaced, never
mutated, so identity tells). The search text (name, uuid, IPs and tags in lower case) is made when the
browser is idle, a piece at a time (`index_text`), or by the first search that needs it; until then a
search looks in a VM's parts (`has`). The IP sort key is made when a sort by IP first needs it.
lite_app/logic/vmlist.py selects, sorts and moves the list's rows over these entries.

MicroPython's costs shape it: inserting 10,000 new string keys takes ~40 ms where copying a dict takes ~1,
and an object of one 16-byte block is placed at once where a larger one is looked for through every
hole in the heap, so the ref map starts as a copy of the VM table and a row is found through its
entry's ROW slot.
"""
from lite_app.logic import model

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
    """ref -> [vm, guest metrics, lower name, search text or None, IP key or None, ref, row or None], plus
    the guests' entries for one version of the records, the last search over them and the last
    selection's rows (kept here for lite_app/logic/vmlist.py)."""

    def __init__(self):
        self.entries = None  # ref -> entry: made on first use after the first gathering (by_ref)
        self.version = None
        self.guests = []
        self.last = None  # (version, terms, power, host, matching entries)
        self.rows = None  # the last selection's rows, ascending: (key, (ref, entry)) (see row_for)
        self.table = None  # the VM table the guests were gathered from (by_ref copies its keys)
        self.slotted = None  # the `rows` whose entries' ROW slot holds their row (made when `update` needs it)
        self.spec = None  # (terms, power, host, sort) that `rows` were selected for
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
