"""Tasks panel model over task records captured from xapi_sim (Async.VM.* calls)."""
from lite_app.logic import tasks as taskview
from lite_app.text import fmt
from lite_app.logic.model import namer
from lite_app.xapi.cache import Cache

APP = "OpaqueRef:65ff6adc-41ae-43f7-8010-98240a614be3"
T_REBOOT = "OpaqueRef:fbfbe602-2011-4c8a-a7bf-9a9664849eb5"
T_START = "OpaqueRef:a197b954-0000-0000-0000-000000000001"
T_SCAN = "OpaqueRef:5c4e0000-0000-0000-0000-000000000002"
NOW = fmt.parse_time("20261122T00:15:44Z")


def task(label, status="pending", progress=0.0, created="20261122T00:15:34Z",
         finished="19700101T00:00:00Z", **fields):
    record = {"allowed_operations": ["cancel"] if status == "pending" else [], "backtrace": "()",
              "created": created, "current_operations": {}, "error_info": [], "finished": finished,
              "name_description": "", "name_label": label, "other_config": {}, "progress": progress,
              "resident_on": "OpaqueRef:101fbccc-ded7-43e8-b421-eaeb534097ca", "result": "",
              "status": status, "subtask_of": "OpaqueRef:NULL", "type": "<none/>",
              "uuid": "466bd06f-a2b4-4215-83c5-707dfe292238", "subtasks": []}
    record.update(fields)
    return record


def failed_start():
    return task("Async.VM.start", "failure", 1.0, "20261122T00:15:37Z", "20261122T00:15:37Z",
                error_info=["VM_BAD_POWER_STATE", APP, "halted", "running"])


def names():
    c = Cache()
    c.load("VM", {APP: {"uuid": "b5c03f6f", "name_label": "app-01"}})
    return namer(c)


def test_a_pending_task_with_progress_elapsed_and_eta():
    panel = taskview.TaskPanel()
    panel.update({T_REBOOT: task("Async.VM.clean_reboot", progress=0.25)})
    [row] = panel.rows(NOW)
    assert row["title"] == "Reboot" and row["method"] == "VM.clean_reboot"
    assert row["pending"] and row["status"] == "pending" and row["progress"] == 25
    assert row["elapsed"] == 10 and row["eta"] == 30
    assert row["can_cancel"] and row["error"] is None and row["finished"] is None
    assert taskview.cancel_call(T_REBOOT) == ("task.cancel", [T_REBOOT])


def test_no_eta_without_progress_and_no_negative_times():
    row = taskview.TaskPanel().row(T_REBOOT, task("Async.VM.clean_reboot", progress=0.0), NOW)
    assert row["eta"] is None and row["progress"] == 0
    skewed = taskview.TaskPanel().row(T_REBOOT, task("Async.VM.clean_reboot", progress=0.5), NOW - 60)
    assert skewed["elapsed"] == 0 and skewed["eta"] is None


def test_finished_tasks_use_their_own_duration_and_cannot_be_cancelled():
    done = task("Async.VM.clean_reboot", "success", 1.0, finished="20261122T00:15:35Z",
                result="<value></value>")
    row = taskview.TaskPanel().row(T_REBOOT, done, NOW + 3600)
    assert row["elapsed"] == 1 and row["progress"] == 100 and row["eta"] is None
    assert not row["pending"] and not row["can_cancel"] and row["error"] is None
    assert row["finished"] == fmt.parse_time("20261122T00:15:35Z")


def test_a_failed_task_shows_its_error():
    row = taskview.TaskPanel().row(T_START, failed_start(), NOW, names())
    assert row["error"]["code"] == "VM_BAD_POWER_STATE"
    assert row["error"]["params"] == [APP, "halted", "running"]
    assert row["error"]["text"] == "\u201capp-01\u201d is running, but this action needs it halted."
    cancelled = task("Async.VM.clone", "cancelled", 1.0, finished="20261122T00:15:40Z",
                     error_info=["TASK_CANCELLED", T_START])
    assert taskview.TaskPanel().row(T_START, cancelled, NOW)["error"]["text"] == "The task was cancelled."


def test_finished_tasks_stay_after_they_vanish():
    panel = taskview.TaskPanel()
    panel.update({T_REBOOT: task("Async.VM.clean_reboot", progress=0.5), T_START: failed_start()})
    panel.update({T_REBOOT: task("Async.VM.clean_reboot", "success", 1.0, finished="20261122T00:15:41Z")})
    panel.update({})
    rows = panel.rows(NOW)
    assert [r["ref"] for r in rows] == [T_REBOOT, T_START]        # most recently finished first
    assert [r["status"] for r in rows] == ["success", "failure"]
    assert panel.pending_count() == 0


def test_a_pending_task_that_vanishes_has_an_unknown_outcome():
    panel = taskview.TaskPanel()
    panel.update({T_REBOOT: task("Async.VM.clean_reboot", progress=0.5)})
    panel.update({})
    [row] = panel.rows(NOW)
    assert row["status"] == "unknown" and not row["pending"] and not row["can_cancel"]


def test_pending_first_and_background_tasks_hidden():
    panel = taskview.TaskPanel()
    panel.update({
        T_START: failed_start(),
        T_REBOOT: task("Async.VM.clean_reboot", progress=0.5, created="20261122T00:15:30Z"),
        "OpaqueRef:newer": task("Async.VM.snapshot", progress=0.1, created="20261122T00:15:42Z"),
        T_SCAN: task("SR.scan", progress=0.5),
        "OpaqueRef:sub": task("VDI.copy", subtask_of=T_REBOOT),
    })
    assert [r["ref"] for r in panel.rows(NOW)] == ["OpaqueRef:newer", T_REBOOT, T_START]
    assert panel.pending_count() == 2


def test_the_pending_count_kept_between_renders_follows_updates_and_hidden_steps():
    """Read at every render, counted again only when the tasks or the hidden ones changed."""
    panel = taskview.TaskPanel()
    panel.update({T_REBOOT: task("Async.VM.clean_reboot", progress=0.5), T_START: failed_start()})
    assert panel.pending_count() == 1
    panel.hide(T_REBOOT)  # a step of one of the app's own jobs
    assert panel.pending_count() == 0
    panel.update({T_REBOOT: task("Async.VM.clean_reboot", progress=0.7),
                  "OpaqueRef:newer": task("Async.VM.snapshot", progress=0.1)})
    assert panel.pending_count() == 1
    panel.update({"OpaqueRef:newer": task("Async.VM.snapshot", "success", 1.0, finished="20261122T00:15:41Z")})
    assert panel.pending_count() == 0


def test_objects_from_calls_and_current_operations():
    panel = taskview.TaskPanel()
    panel.note(T_START, "VM", APP)
    panel.note_operations("VM", "OpaqueRef:web", {"current_operations": {T_REBOOT: "clean_reboot"}})
    panel.note_operations("VM", "OpaqueRef:other", {"current_operations": {}})
    panel.update({T_START: failed_start(), T_REBOOT: task("Async.VM.clean_reboot")})
    rows = dict((r["ref"], r) for r in panel.rows(NOW, names()))
    assert rows[T_START]["object"] == "app-01"
    assert rows[T_REBOOT]["object"] == "OpaqueRef:web"            # not in the cache: the ref


def test_titles():
    assert taskview.title(task("Async.VDI.destroy")) == "Delete a disk"
    assert taskview.title(task("VM.set_name_label")) == "Rename"
    assert taskview.title(task("VM.set_suspend_SR")) == "VM: set suspend SR"  # no catalog title: in words
    assert taskview.title(task("Importing the appliance")) == "Importing the appliance"
    assert taskview.call_label("VM.set_name_label", ["OpaqueRef:v", "new"], lambda ref: "web-01") == \
        "Rename (web-01)"
    assert taskview.call_label("pool.get_all", []) == "pool: get all"
    french = {"task.title.VM.start": "D\u00e9marrer"}
    assert taskview.title(task("Async.VM.start"), lambda k: french.get(k, k)) == "D\u00e9marrer"


def test_history_is_bounded():
    panel = taskview.TaskPanel(limit=3)
    for n in range(6):
        ref = "OpaqueRef:t%d" % n
        panel.update({ref: task("Async.VM.start", "success", 1.0,
                                finished="20261122T00:15:%02dZ" % (30 + n))})
    panel.update({})
    assert sorted(panel.history) == ["OpaqueRef:t3", "OpaqueRef:t4", "OpaqueRef:t5"]


class CountingCache(Cache):
    """A cache that counts reads of the whole VM table."""

    def __init__(self):
        Cache.__init__(self)
        self.vm_passes = 0

    def all(self, cls):
        if cls == "VM":
            self.vm_passes += 1
        return Cache.all(self, cls)


def test_tasks_of_other_clients_are_mapped_from_changed_vms_without_reading_every_vm_again():
    from lite_app.shell.state import State
    cache = CountingCache()
    cache.load("VM", {APP: {"uuid": "b5c03f6f", "name_label": "app-01", "current_operations": {T_START: "start"}},
                      "OpaqueRef:other": {"uuid": "o", "name_label": "other", "current_operations": {}}})
    cache.load("task", {T_START: task("Async.VM.start")})
    state = State(cache)
    state.versions = {"task": 1, "VM": 1}
    panel = taskview.panel(state)
    assert panel.objects[T_START] == ("VM", APP)
    state.rendered()
    other = dict(cache.get("VM", "OpaqueRef:other"), current_operations={T_REBOOT: "clean_reboot"})
    state.bump(cache.apply([{"class": "VM", "ref": "OpaqueRef:other", "operation": "mod", "snapshot": other},
                            {"class": "task", "ref": T_REBOOT, "operation": "add",
                             "snapshot": task("Async.VM.clean_reboot")}]))
    passes = cache.vm_passes
    taskview.panel(state)
    assert panel.objects[T_REBOOT] == ("VM", "OpaqueRef:other")
    assert cache.vm_passes - passes <= 1  # the changed VM looked up, not every VM read


def test_the_tasks_that_ended_since_are_listed_without_those_seen():
    panel = taskview.TaskPanel()
    panel.update({T_REBOOT: task("Async.VM.clean_reboot", "success", 1.0, finished="20261122T00:15:40Z"),
                  T_START: failed_start()})
    ended = panel.finished_since({})
    assert sorted(ref for ref, _t in ended) == sorted([T_REBOOT, T_START])
    assert panel.finished_since({T_REBOOT: True, T_START: True}) == []
