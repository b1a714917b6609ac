"""Searching, filtering and sorting the VM list (pure: CPython and MicroPython).

At 10,000 VMs a keystroke must update the list within 100 ms in MicroPython, so each VM's search text
(name, uuid, IPs, tags, lower-cased) is built once and kept in a SearchIndex until the VM or its guest
metrics record is replaced by an event (records are replaced, never mutated, so identity tells).
"""
from lite_app import model

# Power states in list order when sorting by state (running first).
STATE_ORDER = {"Running": 0, "Paused": 1, "Suspended": 2, "Halted": 3}
NO_HOST = "none"


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
    """ref -> (vm record, guest metrics record, search text), rebuilt per VM when either changes."""

    def __init__(self):
        self.entries = {}

    def text(self, cache, ref, vm):
        metrics = model.deref(cache, "VM_guest_metrics", vm.get("guest_metrics"))
        entry = self.entries.get(ref)
        if entry is not None and entry[0] is vm and entry[1] is metrics:
            return entry[2]
        ips = model.network_ips(metrics.get("networks") if metrics else None)
        text = " ".join([vm.get("name_label") or "", vm.get("uuid") or ""] + ips
                        + list(vm.get("tags") or ())).lower()
        self.entries[ref] = (vm, metrics, text)
        return text

    def prune(self, cache):
        """Forget VMs that are gone (after deletions or a resync)."""
        table = cache.all("VM")
        for ref in [ref for ref in self.entries if ref not in table]:
            del self.entries[ref]


def matches(text, terms):
    for term in terms:
        if term not in text:
            return False
    return True


def host_name(cache, vm):
    host = model.deref(cache, "host", model.live_host(vm))
    return host.get("name_label") or "" if host else ""


# Sort keys by column; each returns a comparable value for (cache, vm). Ties fall back to the name.
SORT_KEYS = {
    "name": lambda cache, vm: model.name_key(vm),
    "state": lambda cache, vm: (STATE_ORDER.get(vm.get("power_state"), 9), model.name_key(vm)),
    "host": lambda cache, vm: (host_name(cache, vm).lower() or "\uffff", model.name_key(vm)),
    "ip": lambda cache, vm: (ip_key((model.vm_ips(cache, vm) or ["\uffff"])[0]), model.name_key(vm)),
    "vcpus": lambda cache, vm: (model.vm_vcpus(cache, vm), model.name_key(vm)),
    "memory": lambda cache, vm: (model.vm_memory(cache, vm), model.name_key(vm)),
}


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


def select(cache, index, query="", power="", host="", sort="name", descending=False):
    """(refs, guests): the refs of the guest VMs to list, filtered, searched and sorted, and how many
    guest VMs there are in all."""
    terms = terms_of(query)
    table = cache.all("VM")
    rows = []
    guests = 0
    for ref in table:
        vm = table[ref]
        if not model.is_guest(vm):
            continue
        guests += 1
        if not wanted(vm, power, host):
            continue
        if terms and not matches(index.text(cache, ref, vm), terms):
            continue
        rows.append((ref, vm))
    key = SORT_KEYS.get(sort) or SORT_KEYS["name"]
    rows.sort(key=lambda pair: key(cache, pair[1]), reverse=bool(descending))
    return [pair[0] for pair in rows], guests
