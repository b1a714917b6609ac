"""Bulk VM actions: the selection (checkboxes, shift-click ranges, select all filtered), the plan
of calls per VM after one confirmation, running it, and the per-VM outcome report.

Pure (CPython and MicroPython); `run` awaits an injected `perform(method, params)` (the client
call that also waits for the task), so it runs under test without a server. The selection is a
dict of refs, so membership is O(1) with 10,000 VMs; only range and "all" operations walk the
visible list, which the VM list already holds in display order.
"""
import asyncio

from lite_app.logic import vm_actions
from lite_app.logic import vm_delete
from lite_app.text.errors import describe
from lite_app.text.catalog import translate
from lite_app.logic.vm_rules import reason_text, vm_action_state

# Bulk action -> the rules action that decides if a VM can take it.
BULK_ACTIONS = {
    "start": "start", "clean_shutdown": "clean_shutdown", "hard_shutdown": "hard_shutdown",
    "clean_reboot": "clean_reboot", "hard_reboot": "hard_reboot", "suspend": "suspend",
    "resume": "resume", "snapshot": "snapshot", "delete": "destroy",
}


class Selection:
    """Selected refs, plus the anchor of the last plain click for shift-click ranges."""

    def __init__(self):
        self.chosen = {}
        self.anchor = None

    def is_selected(self, ref):
        return ref in self.chosen

    def count(self):
        return len(self.chosen)

    def _set(self, ref, on):
        if on:
            self.chosen[ref] = True
        else:
            self.chosen.pop(ref, None)

    def click(self, ref, visible, shift=False):
        """A checkbox click. With shift, every visible row from the anchor to `ref` takes the
        state the clicked box takes; without, only `ref` toggles and becomes the anchor."""
        on = ref not in self.chosen
        if shift and self.anchor is not None and self.anchor in visible and ref in visible:
            first, last = visible.index(self.anchor), visible.index(ref)
            if first > last:
                first, last = last, first
            for index in range(first, last + 1):
                self._set(visible[index], on)
            return
        self._set(ref, on)
        self.anchor = ref

    def select_all(self, visible):
        """Select every visible (filtered) row, keeping selections outside the filter."""
        for ref in visible:
            self.chosen[ref] = True

    def toggle_all(self, visible):
        """The header checkbox: clear the visible rows if all are selected, else select them."""
        if self.state(visible) == "all":
            for ref in visible:
                self.chosen.pop(ref, None)
        else:
            self.select_all(visible)

    def clear(self):
        self.chosen = {}
        self.anchor = None

    def state(self, visible):
        """"none", "some" or "all" of the visible rows selected (the header's aria-checked)."""
        count = 0
        for ref in visible:
            if ref in self.chosen:
                count += 1
        if count == 0:
            return "none"
        return "all" if count == len(visible) else "some"

    def refs(self, visible=None):
        """Selected refs in display order (those not visible last, sorted)."""
        if visible is None:
            return sorted(self.chosen)
        shown = [ref for ref in visible if ref in self.chosen]
        seen = {}
        for ref in shown:
            seen[ref] = True
        return shown + sorted(ref for ref in self.chosen if ref not in seen)

    def prune(self, table):
        """Forget refs that are no longer in `table` ({ref: record}, e.g. deleted VMs)."""
        for ref in [r for r in self.chosen if r not in table]:
            del self.chosen[ref]
        if self.anchor is not None and self.anchor not in table:
            self.anchor = None


def plan(cache, action, refs, stamp=""):
    """{"action", "run": [(ref, calls)], "skipped": [(ref, reason key)]} for the selected VMs.
    VMs the rules refuse are skipped with the reason; `stamp` names snapshots (vm_stamp)."""
    if action not in BULK_ACTIONS:
        raise ValueError("not a bulk action: " + str(action))
    run, skipped = [], []
    for ref in refs:
        vm = cache.get("VM", ref)
        if vm is None:
            skipped.append((ref, "gone"))
            continue
        allowed, reason = vm_action_state(vm, BULK_ACTIONS[action])
        calls = _calls(cache, action, ref, vm, stamp) if allowed else None
        if calls is None:
            skipped.append((ref, reason or "incomplete"))
        else:
            run.append((ref, calls))
    return {"action": action, "run": run, "skipped": skipped}


def _calls(cache, action, ref, vm, stamp):
    """The VM's calls, or None when its record is too partial to plan (see delete_plan)."""
    if action == "snapshot":
        return [vm_actions.snapshot_call(ref, vm_actions.snapshot_name(vm.get("name_label", ""), stamp))]
    if action == "delete":
        deletion = vm_delete.delete_plan(cache, ref)
        return None if deletion["blocked"] == "incomplete" else deletion["calls"]
    return [vm_actions.power_call(action, ref)]


class Outcomes:
    """Per-VM results of a bulk run, in the order the VMs were selected."""

    def __init__(self, refs):
        self.order = list(refs)
        self.results = {}

    def succeeded(self, ref, value=None):
        self.results[ref] = ("ok", value)

    def failed(self, ref, error):
        self.results[ref] = ("failed", error)

    def skipped(self, ref, reason):
        self.results[ref] = ("skipped", reason)

    def done(self):
        return len(self.results) == len(self.order)

    def counts(self):
        out = {"ok": 0, "failed": 0, "skipped": 0, "pending": 0}
        for ref in self.order:
            out[self.results.get(ref, ("pending", None))[0]] += 1
        return out

    def rows(self, name_of=None, t=translate):
        """[{"ref", "name", "status", "code", "params", "text"}] for the report."""
        return [self._row(ref, name_of, t) for ref in self.order]

    def _row(self, ref, name_of, t):
        status, detail = self.results.get(ref, ("pending", None))
        row = {"ref": ref, "name": (name_of(ref) if name_of else None) or ref, "status": status,
               "code": None, "params": [], "text": t("bulk." + status)}
        if status == "failed":
            info = describe(detail, name_of, t)
            row.update(code=info["code"], params=info["params"], text=info["text"])
        elif status == "skipped":
            own = detail in ("gone", "incomplete")
            row["text"] = t("bulk." + detail) if own else reason_text(detail, t)
        return row

    def summary(self, t=translate):
        c = self.counts()
        return t("bulk.summary", ok=c["ok"], failed=c["failed"], skipped=c["skipped"])


async def _run_one(ref, calls, perform, outcomes):
    value = None
    try:
        for method, params in calls:
            value = await perform(method, params)
    except Exception as error:     # any failure is this VM's outcome, the others go on
        outcomes.failed(ref, error)
        return
    outcomes.succeeded(ref, value)


async def run(bulk_plan, perform, outcomes=None, parallel=4, changed=None):
    """Run the plan, `parallel` VMs at a time (each VM's calls in order, stopping at its first
    failure); `changed()` is called after each batch so the UI can re-render. Returns Outcomes."""
    runs = bulk_plan["run"]
    if outcomes is None:
        outcomes = Outcomes([ref for ref, _ in runs] + [ref for ref, _ in bulk_plan["skipped"]])
    for ref, reason in bulk_plan["skipped"]:
        outcomes.skipped(ref, reason)
    for first in range(0, len(runs), max(1, parallel)):
        batch = runs[first:first + max(1, parallel)]
        await asyncio.gather(*[_run_one(ref, calls, perform, outcomes) for ref, calls in batch])
        if changed is not None:
            changed()
    return outcomes
