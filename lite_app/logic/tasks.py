"""The tasks panel: pending and recent XAPI tasks as rows the view draws (xapi-protocol.md §4).

Pure (CPython and MicroPython). A TaskPanel is fed the cache's task table after each event batch
(`update`); tasks that vanish (XAPI destroys finished tasks, clients destroy theirs) stay in its
history with their last record, so an outcome remains visible for the rest of the visit. Rows:
pending first, newest first, then finished ones, most recently finished first.

What a task acts on is not in the task record. The panel learns it two ways: `note` when the app
issues the call, and `note_operations` for records whose `current_operations` map a task ref to
an operation (`learn_objects` reads the VMs for that only while a pending task is still unmapped).
Times are the browser's clock against XAPI's timestamps; elapsed times are clamped at 0 so a skewed
clock shows no negative figure.

`panel(state)` is the visit's panel, kept in state.ui and synced with the cache whenever the task table
changed; the shell's task runner (lite_app/shell/task_runner.py) notes the calls it makes in it.
"""
from lite_app.logic import memo
from lite_app.text import fmt
from lite_app.text.catalog import has, translate
from lite_app.text.errors import describe, words
from lite_app.xapi.cache import NULL_REF
from lite_app.xapi.tasks import task_outcome

PANEL_KEY = "tasks.panel"
# Background work the panel does not list (as XO Lite hides them too).
HIDDEN = ("SR.scan", "host.call_plugin", "event.from", "Get RRD updates.", "host.get_servertime")
HISTORY_LIMIT = 200
# Classes whose records carry current_operations worth mapping to tasks.
OPERATION_CLASSES = ("VM", "host", "SR", "VDI", "pool", "network")


def method_of(task):
    """The XAPI method a task runs ("Async.VM.start" -> "VM.start"); its label for other tasks."""
    label = task.get("name_label") or ""
    return label[len("Async."):] if label.startswith("Async.") else label


def title(task, t=translate):
    """What the task does in words: a catalog entry per method, else the label in words."""
    method = method_of(task)
    key = "task.title." + method
    if has(key):
        return t(key)
    dot = method.find(".")
    if 0 < dot < len(method) - 1 and " " not in method:
        said = words(method[dot + 1:])
        return method[:dot] + ": " + said
    return method


def call_label(method, params, name_of=None, t=translate):
    """What a call does, in words, with the object it acts on: "Rename (web-01)"."""
    what = title({"name_label": method}, t)
    first = params[0] if params else None
    name = name_of(first) if name_of is not None and isinstance(first, str) and first.startswith("OpaqueRef:") else None
    return t("task.on_object", task=what, object=name) if name else what


def progress_eta(task, elapsed):
    """(percent 0..100, seconds left or None): extrapolated from progress over elapsed time."""
    progress = task.get("progress") or 0.0
    percent = int(max(0.0, min(1.0, progress)) * 100 + 0.5)
    if task.get("status") != "pending" or not 0.0 < progress < 1.0 or elapsed <= 0:
        return percent, None
    return percent, int(elapsed * (1.0 - progress) / progress + 0.5)


class TaskPanel:
    """Tasks seen during the visit: the live ones and the history of those that vanished."""

    def __init__(self, limit=HISTORY_LIMIT):
        self.live = {}
        self.history = {}
        self.objects = {}
        self.hidden = {}  # steps of the app's own jobs (lite_app/logic/jobs.py): the job is the task shown
        self.limit = limit
        self.pending = None  # pending_count() until the tasks or the hidden ones change (read every render)

    def note(self, task_ref, cls, obj_ref):
        """Remember which object `task_ref` acts on (the app knows when it makes the call)."""
        self.objects[task_ref] = (cls, obj_ref)

    def hide(self, task_ref):
        self.hidden[task_ref] = True
        self.pending = None

    def note_operations(self, cls, obj_ref, record):
        """Map the tasks in a record's current_operations to that record."""
        operations = (record or {}).get("current_operations") or {}
        for task_ref in operations:
            if task_ref not in self.objects:
                self.objects[task_ref] = (cls, obj_ref)

    def update(self, table):
        """Take the cache's task table ({ref: record}); tasks gone from it move to the history."""
        for ref in [r for r in self.live if r not in table]:
            self.vanished(ref, self.live.pop(ref))
        for ref in table:
            self.live[ref] = table[ref]
        self.pending = None

    def vanished(self, ref, record):
        """Keep a task that left the cache; a pending one is closed as "unknown" (XAPI dropped it)."""
        if record.get("status") == "pending":
            record = dict(record)
            record["status"] = "unknown"
        self.history[ref] = record
        if len(self.history) > self.limit:
            oldest = sorted(self.history, key=lambda r: (_finished(self.history[r]), r))
            for old in oldest[:len(self.history) - self.limit]:
                del self.history[old]

    def rows(self, now, name_of=None, t=translate):
        """The panel's rows, see `row`; subtasks and background tasks are left out."""
        pending, done = [], []
        for table in (self.history, self.live):
            for ref in table:
                task = table[ref]
                if _shown(task) and ref not in self.hidden:
                    row = self.row(ref, task, now, name_of, t)
                    (pending if row["pending"] else done).append(row)
        pending.sort(key=lambda r: (-(r["created"] or 0), r["ref"]))
        done.sort(key=lambda r: (-(r["finished"] or 0), r["ref"]))
        return pending + done

    def row(self, ref, task, now, name_of=None, t=translate):
        """{"ref", "title", "method", "object", "status", "pending", "progress" (%), "created",
        "finished", "elapsed" (s), "eta" (s or None), "can_cancel", "error" (describe() or None)}."""
        created = fmt.parse_time(task.get("created"))
        finished = _finished(task)
        pending = task.get("status") == "pending"
        end = now if pending or not finished else finished
        elapsed = max(0, int(end - created)) if created is not None and end is not None else 0
        percent, eta = progress_eta(task, elapsed)
        return {"ref": ref, "title": title(task, t), "method": method_of(task),
                "object": self._object(ref, name_of), "status": task.get("status"),
                "pending": pending, "progress": percent, "created": created,
                "finished": None if pending else finished, "elapsed": elapsed, "eta": eta,
                "can_cancel": pending and "cancel" in (task.get("allowed_operations") or []),
                "error": _error(task, name_of, t)}

    def _object(self, ref, name_of):
        found = self.objects.get(ref)
        if found is None:
            return None
        name = name_of(found[1]) if name_of is not None else None
        return name or found[1]

    def finished_since(self, seen):
        """[(ref, task)] of the shown tasks that ended and are not in `seen` (without building rows:
        the shell asks at every change of the task table)."""
        out = []
        for table in (self.history, self.live):
            for ref in table:
                task = table[ref]
                if ref not in seen and task.get("status") != "pending" and _shown(task) and ref not in self.hidden:
                    out.append((ref, task))
        return out

    def pending_count(self):
        if self.pending is None:
            self.pending = len([r for r in self.live if self.live[r].get("status") == "pending"
                                and _shown(self.live[r]) and r not in self.hidden])
        return self.pending


def _shown(task):
    return method_of(task) not in HIDDEN and (task.get("subtask_of") or NULL_REF) == NULL_REF


def finished_at(task):
    """Epoch of a task's completion, None while pending."""
    return _finished(task)


def _finished(task):
    """Epoch of completion, None while pending (XAPI then stores 19700101T00:00:00Z)."""
    value = fmt.parse_time(task.get("finished"))
    return value if value else None


def _error(task, name_of, t):
    if task.get("status") not in ("failure", "cancelled"):
        return None
    _, error = task_outcome(task)
    return describe(error, name_of, t)


def cancel_call(task_ref):
    """task.cancel is synchronous: XAPI only marks the task; it ends as cancelled later."""
    return ("task.cancel", [task_ref])


# ---- the visit's panel, kept in state.ui ------------------------------------------------------------
def panel(state):
    """The visit's TaskPanel, updated from the cache whenever the task table changed. The shell's header
    reads it at every render, so no finished task is missed whatever page is shown."""
    found = state.ui.get(PANEL_KEY)
    if found is None:
        found = state.ui[PANEL_KEY] = [TaskPanel(), -1, False]
    deps = memo.versions(state, ("task",))
    if deps is None or deps != found[1]:
        found[0].update(state.cache.all("task"))
        found[1] = deps
        found[2] = learn_objects(state, found[0], found[2])
    elif found[2]:
        learn_objects(state, found[0], True)
    return found[0]


def learn_objects(state, tasks, scanned):
    """Map pending tasks the app did not start to the VM whose current_operations names them. The
    whole VM table is read once, the first time a task is unknown; after that only the VMs changed
    since the last render (XAPI names a task in its VM's current_operations as it starts it, and
    every change passes through `state.recent`), so a live pool's tasks cost no pass over 10,000 VMs.
    Returns whether the whole table was read."""
    recent = getattr(state, "recent", None)
    if scanned and recent is not None:
        vms = state.cache.all("VM")
        for ref in recent.refs("VM"):
            vm = vms.get(ref)
            if vm is not None and vm.get("current_operations"):
                tasks.note_operations("VM", ref, vm)
        return True
    unknown = [r for r in tasks.live if tasks.live[r].get("status") == "pending" and r not in tasks.objects]
    if not unknown:
        return False
    vms = state.cache.all("VM")
    for ref in vms:
        if vms[ref].get("current_operations"):
            tasks.note_operations("VM", ref, vms[ref])
    return recent is not None


def pending_count(state):
    return panel(state).pending_count()


def class_of(method):
    """"Async.VM.start" -> "VM"."""
    name = method[len("Async."):] if method.startswith("Async.") else method
    return name.split(".")[0]
