"""The job runner: one task of the app's own for several calls, progress copied from each step's task,
undo in reverse order on failure, the master's reboot answering with a dropped connection.

A fake state stands for the shell: its client records every call, `run_call` plays an `Async.*` call as
a task whose progress moves with the fake clock, and `sleep` moves only that clock."""
import asyncio

from fakes import failure

from lite_app.logic import jobs, tasks
from lite_app.xapi.cache import Cache
from lite_app.xapi.errors import TransportError, XapiError

JOB_TASK = "OpaqueRef:job-task"


class FakeClient:
    """Records (method, args); `answers` maps a method to a value or a function of the args."""

    def __init__(self, answers=None):
        self.calls = []
        self.answers = dict(answers or {})

    async def call(self, method, *args):
        self.calls.append((method, list(args)))
        answer = self.answers.get(method)
        if isinstance(answer, Exception):
            raise answer
        return answer(*args) if callable(answer) else answer

    def made(self, method):
        return [args for m, args in self.calls if m == method]


class FakeState:
    """What jobs.run reads: cache, ui, versions, client, run_call, sleep. Async steps take `ticks`
    sleeps of the runner's mirror period, their task's progress rising each time."""

    def __init__(self, client, failing=None, ticks=3):
        self.cache = Cache()
        self.ui = {}
        self.versions = {}
        self.client = client
        self.now = 0.0
        self.failing = failing or {}  # method -> error raised by its call
        self.ticks = ticks
        self.runs = []
        self.count = 0

    async def sleep(self, seconds):
        self.now += seconds
        await asyncio.sleep(0)

    async def run_call(self, method, params, spec=None):
        self.runs.append((method, list(params)))
        if not method.startswith("Async."):
            return await self.client.call(method, *params)
        self.count += 1
        ref = "OpaqueRef:step-%d" % self.count
        if spec is not None:
            spec["task"] = ref
        for tick in range(self.ticks):
            self.put_task(ref, "pending", (tick + 1) / (self.ticks + 1.0))
            await self.sleep(jobs.MIRROR_SECONDS)
        error = self.failing.get(method)
        self.put_task(ref, "failure" if error else "success", 1.0)
        if error is not None:
            raise error
        return "result-of-" + method

    def put_task(self, ref, status, progress):
        record = {"uuid": ref, "name_label": "step", "status": status, "progress": progress,
                  "created": "20250101T00:00:00Z", "finished": "19700101T00:00:00Z", "other_config": {}}
        self.cache.apply([{"class": "task", "ref": ref, "operation": "mod", "snapshot": record}])
        self.versions["task"] = self.versions.get("task", 0) + 1


def client():
    return FakeClient({"task.create": JOB_TASK})


def vlan_steps(hosts):
    """A VLAN on every host, each undone by destroying the VLAN its step made."""
    return [{"call": ("Async.pool.create_VLAN_from_PIF", [pif, "OpaqueRef:net", "10"]), "key": pif,
             "undo": lambda result, results: ("VLAN.destroy", [result])} for pif in hosts]


async def test_one_task_stands_for_the_job_and_ends_with_success():
    fake = client()
    state = FakeState(fake)
    job = jobs.Job("Create VLAN 10", vlan_steps(["OpaqueRef:p1", "OpaqueRef:p2"]), "network", "OpaqueRef:net")
    spec = {}
    results = await jobs.run(state, job, spec)
    assert results == {"OpaqueRef:p1": "result-of-Async.pool.create_VLAN_from_PIF",
                       "OpaqueRef:p2": "result-of-Async.pool.create_VLAN_from_PIF"}
    assert fake.made("task.create") == [["Create VLAN 10", ""]]
    assert spec["task"] == JOB_TASK  # the dialog follows the job's task, not a step's
    assert fake.made("task.set_status") == [[JOB_TASK, "success"]]
    panel = tasks.panel(state)
    assert panel.objects[JOB_TASK] == ("network", "OpaqueRef:net")
    assert panel.hidden == {"OpaqueRef:step-1": True, "OpaqueRef:step-2": True}


async def test_progress_rises_across_steps_by_weight_and_is_never_resent_unchanged():
    fake = client()
    state = FakeState(fake, ticks=3)
    steps = [{"call": ("Async.host.evacuate", ["OpaqueRef:h1"]), "weight": 3},
             {"call": ("host.disable", ["OpaqueRef:h1"]), "weight": 1}]
    await jobs.run(state, jobs.Job("Maintenance", steps), {})
    sent = [args[1] for args in fake.made("task.set_progress")]
    assert sent == sorted(sent) and sent[-1] == 1.0
    assert len(sent) == len(set(sent))
    # during the first step (3/4 of the job) the step's 25%, 50%, 75% become 18.75%, 37.5%, 56.25%
    assert [round(p, 4) for p in sent[:3]] == [0.1875, 0.375, 0.5625]
    assert 0.75 in sent


async def test_a_failing_step_undoes_the_done_ones_last_first_and_fails_the_task():
    refusal = XapiError("PIF_IS_VLAN", ["OpaqueRef:p3"])
    fake = client()
    state = FakeState(fake)
    steps = [{"call": ("VLAN.create", ["OpaqueRef:p%d" % n, "10", "OpaqueRef:net"]), "key": "v%d" % n,
              "undo": lambda result, results: ("VLAN.destroy", [result])} for n in (1, 2, 3)]
    calls = {"n": 0}

    def create(pif, tag, net):
        calls["n"] += 1
        if calls["n"] == 3:
            raise refusal
        return "vlan-of-" + pif

    fake.answers["VLAN.create"] = create
    failed = await failure(jobs.run(state, jobs.Job("Create VLAN 10", steps)), jobs.Failed)
    assert failed.code == "PIF_IS_VLAN" and failed.error is refusal and failed.undo_errors == []
    assert [s["key"] for s in failed.done] == ["v1", "v2"]
    assert fake.made("VLAN.destroy") == [["vlan-of-OpaqueRef:p2"], ["vlan-of-OpaqueRef:p1"]]
    assert fake.made("task.set_error_info") == [[JOB_TASK, ["PIF_IS_VLAN", "OpaqueRef:p3"]]]
    assert fake.made("task.set_status") == [[JOB_TASK, "failure"]]


async def test_undo_goes_on_past_an_undo_that_fails_and_reports_it():
    fake = client()
    refusal = XapiError("CANNOT_DESTROY", [])

    def destroy(ref):
        if ref == "b":
            raise refusal

    fake.answers["VLAN.destroy"] = destroy
    state = FakeState(fake, failing={"Async.network.create": XapiError("INTERNAL_ERROR", ["boom"])})
    steps = [{"call": ("VLAN.create", ["p1"]), "undo": lambda r, rs: ("VLAN.destroy", ["a"])},
             {"call": ("VLAN.create", ["p2"]), "undo": lambda r, rs: ("VLAN.destroy", ["b"])},
             {"call": ("VLAN.create", ["p3"])},  # nothing to take back
             {"call": ("Async.network.create", [{}])}]
    failed = await failure(jobs.run(state, jobs.Job("j", steps)), jobs.Failed)
    assert failed.code == "INTERNAL_ERROR"
    assert fake.made("VLAN.destroy") == [["b"], ["a"]]
    assert [e.code for e in failed.undo_errors] == ["CANNOT_DESTROY"]


async def test_steps_read_earlier_results_and_a_check_turns_an_answer_into_a_failure():
    fake = client()
    fake.answers["network.create"] = "OpaqueRef:new-net"
    fake.answers["network.destroy"] = None
    fake.answers["Bond.create"] = "OpaqueRef:bond"
    state = FakeState(fake)

    def refuse(result):
        raise XapiError("BOND_NOT_MADE", [result])

    steps = [{"call": ("network.create", [{"name_label": "bond0"}]), "key": "network",
              "undo": lambda result, results: ("network.destroy", [result])},
             {"call": lambda results: ("Bond.create", [results["network"], ["a", "b"], "", "lacp"]),
              "check": refuse}]
    failed = await failure(jobs.run(state, jobs.Job("Bond", steps)), jobs.Failed)
    assert fake.made("Bond.create") == [["OpaqueRef:new-net", ["a", "b"], "", "lacp"]]
    assert failed.code == "BOND_NOT_MADE" and fake.made("network.destroy") == [["OpaqueRef:new-net"]]


async def test_a_dropped_connection_is_success_only_where_the_step_says_so():
    fake = client()
    fake.answers["host.reboot"] = TransportError("unreachable")
    state = FakeState(fake)
    steps = [{"call": ("host.disable", ["h"])}, {"call": ("host.reboot", ["h"]), "lost_ok": True}]
    assert await jobs.run(state, jobs.Job("Reboot", steps)) == {}
    assert fake.made("task.set_status") == [[JOB_TASK, "success"]]
    steps = [{"call": ("host.disable", ["h"]), "undo": lambda r, rs: ("host.enable", ["h"])},
             {"call": ("host.reboot", ["h"])}]
    failed = await failure(jobs.run(state, jobs.Job("Reboot", steps)), jobs.Failed)
    assert isinstance(failed.error, TransportError) and failed.code is None
    assert fake.made("host.enable") == [["h"]]
    assert fake.made("task.set_error_info")[-1] == [JOB_TASK, ["INTERNAL_ERROR", "unreachable"]]


async def test_an_ended_session_is_not_undone_with_calls_that_would_fail_too():
    fake = client()
    fake.answers["VLAN.create"] = "v"
    state = FakeState(fake, failing={"Async.VLAN.create": XapiError("SESSION_INVALID", ["s"])})
    steps = [{"call": ("VLAN.create", ["p1"]), "undo": lambda r, rs: ("VLAN.destroy", [r])},
             {"call": ("Async.VLAN.create", ["p2"])}]
    failed = await failure(jobs.run(state, jobs.Job("j", steps)), jobs.Failed)
    assert failed.code == "SESSION_INVALID" and fake.made("VLAN.destroy") == []


async def test_without_a_task_of_its_own_the_job_still_runs_and_the_dialog_follows_the_step():
    fake = FakeClient({"task.create": XapiError("RBAC_PERMISSION_DENIED", ["task.create"])})
    state = FakeState(fake)
    spec = {}
    steps = [{"call": ("Async.host.evacuate", ["h"])}]
    await jobs.run(state, jobs.Job("Maintenance", steps, "host", "h"), spec)
    assert spec["task"] == "OpaqueRef:step-1"
    assert fake.made("task.set_progress") == [] and fake.made("task.set_status") == []


def test_a_hidden_step_task_is_neither_listed_nor_counted_while_the_job_is():
    state = FakeState(client())
    state.put_task(JOB_TASK, "pending", 0.5)
    state.put_task("OpaqueRef:step-1", "pending", 0.5)
    panel = tasks.panel(state)
    assert panel.pending_count() == 2
    panel.hide("OpaqueRef:step-1")
    assert panel.pending_count() == 1
    assert [row["ref"] for row in panel.rows(0)] == [JOB_TASK]
