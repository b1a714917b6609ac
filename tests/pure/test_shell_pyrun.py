"""The Python console's engine with a fake XAPI client: top-level await, values shown, XAPI errors as
XapiError with the app's sentence, confirmation before calls that change the pool, dry runs, Stop,
tracebacks of the user's code, and the session id never printed."""
import asyncio

from lite_app.shell.pyrun import Runner
from lite_app.shell.state import State
from lite_app.xapi.errors import XapiError

SESSION = "OpaqueRef:secret-session"
VMS = {"OpaqueRef:v1": {"uuid": "u1", "name_label": "web-01", "power_state": "Running"},
       "OpaqueRef:v2": {"uuid": "u2", "name_label": "db-01", "power_state": "Halted"}}


class Client:
    def __init__(self):
        self.session = SESSION
        self.calls = []

    async def call(self, method, *args):
        self.calls.append((method, list(args)))
        if method == "VM.get_all":
            return sorted(VMS)
        if method == "VM.get_all_records":
            return VMS
        if method == "VM.get_record" and args[0] not in VMS:
            raise XapiError("HANDLE_INVALID", ["VM", args[0]])
        return ""


async def tick(seconds=0):
    await asyncio.sleep(0)


def runner():
    state = State(sleep=tick)
    client = Client()
    state.client = client
    state.cache.load("VM", VMS)
    return Runner(state, lambda: client), client


def texts(run, kind=None):
    return [text for _id, k, text in run.entries if kind is None or k == kind]


async def test_top_level_await_shows_the_value():
    run, client = runner()
    await run.run("len(await xapi.VM.get_all())")
    assert texts(run) == ["2"]
    await run.run("n = len(await xapi.VM.get_all())\nprint('VMs:', n)")
    assert texts(run)[-1] == "VMs: 2"
    assert run.namespace["n"] == 2


async def test_records_print_compactly_with_their_refs():
    run, _client = runner()
    await run.run("await xapi.VM.get_all_records()")
    lines = texts(run)[0].split("\n")
    assert lines[0].startswith("OpaqueRef:v2  'db-01'  power_state='Halted'")
    await run.run("len(pool.VM), pool.VM['OpaqueRef:v1']['name_label']")
    assert texts(run)[-1] == "(2, 'web-01')"


async def test_an_xapi_error_prints_its_code_params_and_sentence():
    run, _client = runner()
    await run.run("await xapi.VM.get_record('OpaqueRef:gone')")
    text = texts(run, "err")[0]
    assert text.startswith("XapiError('HANDLE_INVALID', ['VM', 'OpaqueRef:gone']): ")
    assert len(text) > len("XapiError('HANDLE_INVALID', ['VM', 'OpaqueRef:gone']): ") + 10


async def test_a_change_waits_for_the_users_answer():
    run, client = runner()
    job = asyncio.create_task(run.run("await xapi.VM.set_name_label('OpaqueRef:v1', 'web-02')"))
    while run.pending is None:
        await asyncio.sleep(0)
    assert run.pending["call"] == "VM.set_name_label('OpaqueRef:v1', 'web-02')"
    assert ("VM.set_name_label", ["OpaqueRef:v1", "web-02"]) not in client.calls
    run.answer(True)
    await job
    assert client.calls[-1] == ("VM.set_name_label", ["OpaqueRef:v1", "web-02"])


async def test_a_refused_change_is_not_made_and_says_so():
    run, client = runner()
    job = asyncio.create_task(run.run("await xapi.VM.destroy('OpaqueRef:v1')\nprint('after')"))
    while run.pending is None:
        await asyncio.sleep(0)
    run.answer(False)
    await job
    assert client.calls == []
    assert texts(run) == ["Not confirmed, so not called: VM.destroy('OpaqueRef:v1')"]


async def test_without_confirmation_changes_go_straight_through():
    run, client = runner()
    run.confirm = False
    await run.run("await xapi.VM.add_tags('OpaqueRef:v2', 'x')")
    assert client.calls == [("VM.add_tags", ["OpaqueRef:v2", "x"])]


async def test_a_dry_run_lists_changes_and_makes_only_reads():
    run, client = runner()
    source = "for ref in vms:\n    await xapi.VM.add_tags(ref, 'checked')"
    calls = await run.run(source, {"vms": {"OpaqueRef:v1": {}}}, dry_run=True)
    assert calls == [("VM.add_tags", ["OpaqueRef:v1", "checked"])]
    assert client.calls == []
    run.preapproved = list(calls)
    await run.run(source)  # the previewed call needs no new answer
    assert client.calls == [("VM.add_tags", ["OpaqueRef:v1", "checked"])]


async def test_stop_interrupts_a_loop_at_its_next_await():
    run, _client = runner()
    job = asyncio.create_task(run.run("n = 0\nwhile True:\n    n += 1\n    await asyncio.sleep(0)"))
    while run.namespace.get("n", 0) < 3:
        await asyncio.sleep(0)
    assert run.busy()
    assert run.stop()
    await job
    assert not run.busy()
    assert texts(run)[-1] == "Stopped."
    seen = run.namespace["n"]
    await asyncio.sleep(0)
    assert run.namespace["n"] == seen


async def test_code_that_swallows_the_cancellation_stops_at_its_next_print():
    run, _client = runner()
    source = ("n = 0\nwhile True:\n    try:\n        await asyncio.sleep(0)\n    except BaseException:\n        pass\n"
              "    n += 1\n    print(n)")
    job = asyncio.create_task(run.run(source))
    while run.namespace.get("n", 0) < 2:
        await asyncio.sleep(0)
    run.stop()
    await job
    assert texts(run)[-1] == "Stopped."


async def test_a_traceback_shows_the_users_frames_only():
    run, _client = runner()
    await run.run("def f():\n    return 1 / 0\nf()")
    text = texts(run, "err")[0]
    assert text.startswith("Traceback (most recent call last):")
    assert "pyrun" not in text and '"<console>", line 2' in text
    assert text.split("\n")[-1].startswith("ZeroDivisionError")


async def test_line_numbers_of_a_shown_expression_are_the_users():
    run, _client = runner()
    await run.run("x = 1\n\nx / 0")
    assert '"<console>", line 3' in texts(run, "err")[0]


async def test_line_numbers_are_the_users_inside_the_await_wrapper():
    run, _client = runner()
    await run.run("x = await xapi.VM.get_all()\n\nraise ValueError('bad')")
    assert '"<console>", line 3' in texts(run, "err")[0]


async def test_the_session_never_shows():
    run, _client = runner()
    await run.run("xapi.session")
    await run.run("print(str(xapi.session))")
    assert SESSION not in "\n".join(texts(run))
    assert "masked" in texts(run)[0] and texts(run)[1] == "OpaqueRef:********"


async def test_markup_prints_as_characters():
    run, _client = runner()
    await run.run("print('<img src=x onerror=alert(1)>')")
    assert texts(run) == ["<img src=x onerror=alert(1)>"]
