"""The Python console's saved snippets and input history, kept in the browser's localStorage.

Pure (CPython and MicroPython): the store is reached through `get(key)` / `set(key, text)` (the
app's localStorage calls), so tests pass a dict. localStorage belongs to the page's origin, which is
the host the app was served from, so history and snippets are per host. Nothing here holds a
session or a password: only code the user typed.

Shipped examples are read-only and listed first; a saved snippet may not take an example's name.
"""
import json

HISTORY_KEY = "xcplite.python.history"
SNIPPETS_KEY = "xcplite.python.snippets"
HISTORY_LIMIT = 200
NAME_LIMIT = 80
EXAMPLE_MARK = "Example: "

EXAMPLES = {
    EXAMPLE_MARK + "VMs without a recent snapshot": '''# VMs whose newest snapshot is older than `days` (or that have none).
import time
days = 7
records = await xapi.VM.get_all_records()
limit = time.time() - days * 86400

def stamp(value):
    # XAPI's dates read 20240102T03:04:05Z
    t = str(value).replace("-", "")
    return time.mktime((int(t[0:4]), int(t[4:6]), int(t[6:8]), int(t[9:11]), int(t[12:14]), int(t[15:17]), 0, 0, 0))

for ref, vm in records.items():
    if vm["is_a_template"] or vm["is_a_snapshot"] or vm["is_control_domain"]:
        continue
    taken = [stamp(records[s]["snapshot_time"]) for s in vm["snapshots"] if s in records]
    if not taken or max(taken) < limit:
        print(vm["name_label"], "newest snapshot:", "none" if not taken else time.localtime(max(taken))[:3])
''',
    EXAMPLE_MARK + "Orphaned disks": '''# Disks no VM uses (no VBD), leaving out ISOs, snapshots, the tools ISO and suspend images.
vdis = await xapi.VDI.get_all_records()
srs = await xapi.SR.get_all_records()
suspended = [vm["suspend_VDI"] for vm in (await xapi.VM.get_all_records()).values()]
for ref, vdi in vdis.items():
    sr = srs.get(vdi["SR"], {})
    if vdi["VBDs"] or vdi["is_a_snapshot"] or vdi["is_tools_iso"] or sr.get("content_type") == "iso":
        continue
    if ref in suspended:
        continue
    if not vdi["managed"]:
        continue
    print(vdi["name_label"] or vdi["uuid"], vdi["virtual_size"] // 2**20, "MiB on", sr.get("name_label"))
''',
    EXAMPLE_MARK + "Memory over-commitment per host": '''# Memory the VMs placed on each host may ask for (dynamic max) against the host's total.
hosts = await xapi.host.get_all_records()
vms = await xapi.VM.get_all_records()
for href, host in hosts.items():
    total = int((await xapi.host_metrics.get_record(host["metrics"]))["memory_total"])
    wanted = sum(int(vm["memory_dynamic_max"]) for vm in vms.values()
                 if vm["resident_on"] == href and not vm["is_control_domain"])
    print("%-20s %6d MiB of %6d MiB (%d%%)" % (host["name_label"], wanted // 2**20, total // 2**20, 100 * wanted // total))
''',
    EXAMPLE_MARK + "Tag the selected VMs": '''# Run on the VM list's selection: `vms` is {ref: record} of the selected VMs.
tag = "reviewed"
for ref, vm in vms.items():
    await xapi.VM.add_tags(ref, tag)
    print("tagged", vm["name_label"])
''',
}


class Store:
    """History and snippets over a key/value store: `get(key) -> str or None`, `set(key, text)`."""

    def __init__(self, get, put):
        self._get, self._put = get, put

    def _load(self, key, kind):
        try:
            value = json.loads(self._get(key) or "null")
        except ValueError:
            return kind()
        return value if isinstance(value, kind) else kind()

    # ---- history -------------------------------------------------------------------------------
    def history(self):
        return [entry for entry in self._load(HISTORY_KEY, list) if isinstance(entry, str)]

    def remember(self, source):
        """Add an input to the history (not twice in a row), keeping the newest HISTORY_LIMIT."""
        source = source.rstrip()
        if not source.strip():
            return self.history()
        entries = self.history()
        if not entries or entries[-1] != source:
            entries.append(source)
        entries = entries[-HISTORY_LIMIT:]
        self._put(HISTORY_KEY, json.dumps(entries))
        return entries

    # ---- snippets ------------------------------------------------------------------------------
    def saved(self):
        found = self._load(SNIPPETS_KEY, dict)
        return {name: found[name] for name in found if isinstance(found[name], str)}

    def names(self):
        """Examples first, then the saved snippets, each group sorted."""
        return sorted(EXAMPLES) + sorted(self.saved(), key=lambda name: name.lower())

    def source(self, name):
        return EXAMPLES.get(name) or self.saved().get(name)

    def check_name(self, name):
        """None when `name` may be saved, else the catalog key saying why not."""
        name = name.strip()
        if not name:
            return "python.snip.err_empty"
        if len(name) > NAME_LIMIT:
            return "python.snip.err_long"
        if name in EXAMPLES or name.startswith(EXAMPLE_MARK):
            return "python.snip.err_example"
        return None

    def save(self, name, source):
        """Save (or replace) a snippet; returns the catalog key of the refusal, or None."""
        problem = self.check_name(name)
        if problem is None and not source.strip():
            problem = "python.snip.err_no_code"
        if problem is not None:
            return problem
        found = self.saved()
        found[name.strip()] = source.rstrip() + "\n"
        self._put(SNIPPETS_KEY, json.dumps(found))
        return None

    def delete(self, name):
        """Delete a saved snippet (examples stay); True when one was deleted."""
        found = self.saved()
        if name not in found:
            return False
        del found[name]
        self._put(SNIPPETS_KEY, json.dumps(found))
        return True


class History:
    """Up/Down through the inputs: `older(draft)` / `newer()` return the text to show, or None at the
    ends. The draft being typed is kept and comes back after the newest entry."""

    def __init__(self, entries):
        self.entries = list(entries)
        self.index = len(self.entries)
        self.draft = ""

    def older(self, current):
        if self.index == len(self.entries):
            self.draft = current
        if self.index == 0:
            return None
        self.index -= 1
        return self.entries[self.index]

    def newer(self):
        if self.index >= len(self.entries):
            return None
        self.index += 1
        return self.draft if self.index == len(self.entries) else self.entries[self.index]
