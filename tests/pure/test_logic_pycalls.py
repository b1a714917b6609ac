"""Which calls of the Python console change the pool (and ask first while Confirm changes is on)."""
from lite_app.logic import pycalls

READS = ("VM.get_all", "VM.get_all_records", "VM.get_record", "VM.get_by_name_label", "VM.get_power_state",
         "host.get_all_records_where", "event.from", "event.register", "Async.VM.get_record", "task.get_status")
CHANGES = ("VM.start", "VM.set_name_label", "VM.add_tags", "VM.destroy", "Async.VM.clean_shutdown",
           "VM.assert_can_boot_here", "pool.set_name_label", "session.logout", "task.cancel", "VDI.snapshot")


def test_reads_and_event_calls_do_not_ask():
    assert [m for m in READS if pycalls.changes_state(m)] == []


def test_every_other_call_asks():
    assert [m for m in CHANGES if not pycalls.changes_state(m)] == []


def test_a_call_reads_as_code_with_its_arguments():
    assert pycalls.call_text("VM.set_name_label", ["OpaqueRef:1", "web-02"]) == "VM.set_name_label('OpaqueRef:1', 'web-02')"
    long = pycalls.call_text("VM.set_name_description", ["x" * 100], limit=10)
    assert long == "VM.set_name_description('xxxxxxxx\u2026)"


def test_split_method_names_the_async_form():
    assert pycalls.split_method("Async.VM.clean_shutdown") == (True, "VM", "clean_shutdown")
    assert pycalls.split_method("VM.start") == (False, "VM", "start")
