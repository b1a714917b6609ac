"""The set of `(class, ref)` pairs a cache update touched, cheap to build for 10,000 records.

MicroPython inserts into sets and dicts slowly (about 25 ms per 1,000 tuples in a set, measured
under Node), so refs are appended to a list per class and a set is built only for a class whose
membership is asked (`(cls, ref) in changes`). The UI mostly asks which classes changed, then
walks the refs of those.
"""


class Changes:
    """Changed refs grouped by class; iterating yields `(class, ref)` pairs."""

    def __init__(self):
        self.by_class = {}
        self._sets = {}

    def add(self, cls, ref):
        refs = self.by_class.get(cls)
        if refs is None:
            refs = self.by_class[cls] = []
        refs.append(ref)
        self._sets.pop(cls, None)

    def extend(self, cls, refs):
        if refs:
            self.by_class[cls] = self.by_class.get(cls, []) + list(refs)
            self._sets.pop(cls, None)

    def update(self, other):
        """Add every pair of another Changes."""
        for cls in other.by_class:
            self.extend(cls, other.by_class[cls])

    def classes(self):
        """The classes with at least one change."""
        return list(self.by_class)

    def refs(self, cls):
        """The changed refs of `cls` (a ref may repeat when several events touched it)."""
        return self.by_class.get(cls, [])

    def __contains__(self, pair):
        cls, ref = pair
        if cls not in self.by_class:
            return False
        found = self._sets.get(cls)
        if found is None:
            found = self._sets[cls] = set(self.by_class[cls])
        return ref in found

    def __iter__(self):
        for cls in self.by_class:
            for ref in self.by_class[cls]:
                yield cls, ref

    def __len__(self):
        total = 0
        for cls in self.by_class:
            total += len(self.by_class[cls])
        return total

    def __bool__(self):
        return bool(self.by_class)

    def __repr__(self):
        return "Changes(%r)" % (self.by_class,)
