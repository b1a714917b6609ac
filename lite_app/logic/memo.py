"""One memo for derived data: compute once, reuse while the inputs are the same.

Pure (CPython and MicroPython). Renders are frequent (every event batch, every scroll), so derivations
over thousands of records are kept in `state.ui` under a name with the key they were computed for:
- `versions(state, classes)`: the shell's per-class change counters (State.versions); equal counters
  mean the same records, since records are replaced, never mutated.
- `keyed(state, name, key, compute)`: compute() again only when `key` differs (==) from the last one.
- `by_classes(state, name, classes, compute, extra=())`: keyed on the classes' counters plus `extra`.
A state without counters (None) never reuses anything.
"""


def versions(state, classes):
    """The change counters of these classes (and the cache's identity), or None without counters."""
    counters = getattr(state, "versions", None)
    if counters is None:
        return None
    return tuple([counters.get(cls, 0) for cls in classes]) + (id(state.cache),)


def keyed(state, name, key, compute):
    """compute() once per distinct `key` (compared with ==); None as a key never matches."""
    found = state.ui.get(name)
    if key is not None and found is not None and found[0] == key:
        return found[1]
    value = compute()
    state.ui[name] = (key, value)
    return value


def by_classes(state, name, classes, compute, extra=()):
    """compute() once per change of `classes` (see versions) and of `extra` (a tuple)."""
    deps = versions(state, classes)
    return keyed(state, name, None if deps is None else deps + tuple(extra), compute)


def grouped(state, name, cls, field):
    """{value of `field`: [(ref, record)]} over class `cls`, in one pass, kept until `cls` changes
    (an SR's VDIs, a network's VIFs: records listed without their back-references)."""
    def compute():
        table = state.cache.all(cls)
        out = {}
        for ref in table:
            key = table[ref].get(field)
            if key not in out:
                out[key] = []
            out[key].append((ref, table[ref]))
        return out
    return by_classes(state, name, (cls,), compute)
