"""How the console prints values: records compactly, maps of records one line each, the session
masked, tracebacks without the console's own frames."""
from lite_app.logic import pyformat

REF = "OpaqueRef:0123456789abcdef0123"
VM = {"uuid": "u-1", "name_label": "web-01", "power_state": "Running", "is_a_template": False,
      "is_a_snapshot": False, "memory_static_max": 1, "VCPUs_max": 2, "tags": []}


def test_a_record_shows_its_key_fields_and_how_many_more():
    text = pyformat.show(VM, "VM")
    assert text.startswith("{'web-01'  power_state='Running'")
    assert "uuid=u-1" in text and "(+3 fields" in text


def test_a_map_of_records_is_one_line_per_record_with_its_ref_sorted_by_name():
    records = {REF: VM, "OpaqueRef:b": dict(VM, name_label="app-01", uuid="u-2")}
    lines = pyformat.show(records).split("\n")
    assert lines[0].startswith("OpaqueRef:b  'app-01'")
    assert lines[1].startswith("OpaqueRef:0123\u20260123  'web-01'  power_state='Running'")


def test_long_maps_are_cut_and_say_how_many_are_left():
    records = {"OpaqueRef:%03d" % i: dict(VM, uuid=str(i), name_label="vm%03d" % i) for i in range(60)}
    lines = pyformat.show(records).split("\n")
    assert len(lines) == pyformat.LIST_LIMIT + 1
    assert lines[-1] == "\u2026 10 more (60 records)"


def test_flags_show_only_when_set_and_the_class_is_guessed():
    template = dict(VM, is_a_template=True, power_state="Halted")
    assert pyformat.record_line(template, ref="OpaqueRef:t") == "OpaqueRef:t  'web-01'  power_state='Halted'  is_a_template"
    assert pyformat.guess_class({"uuid": "x", "hostname": "h"}) == "host"


def test_markup_in_a_name_stays_characters():
    hostile = dict(VM, name_label="<img src=x onerror=alert(1)>")
    assert "'<img src=x onerror=alert(1)>'" in pyformat.show(hostile)


def test_other_values_are_their_repr_and_none_shows_nothing():
    assert pyformat.show(12) == "12"
    assert pyformat.show(None) is None
    assert pyformat.show("a" * 5000).endswith("(5002 characters in all)")


def test_the_session_is_masked():
    assert pyformat.mask("s=OpaqueRef:secret!", "OpaqueRef:secret") == "s=" + pyformat.MASK + "!"
    assert pyformat.mask("nothing", "") == "nothing"


def test_tracebacks_keep_the_users_frames_with_their_own_line_numbers():
    text = ('Traceback (most recent call last):\n  File "lite_app/shell/pyrun.py", line 140, in evaluate\n'
            '  File "<console>", line 5, in __xl_main__\n  File "<console>", line 3, in f\n'
            'ZeroDivisionError: divide by zero\n')
    assert pyformat.trim_traceback(text, 2) == ('Traceback (most recent call last):\n'
                                                '  File "<console>", line 3, in __xl_main__\n'
                                                '  File "<console>", line 1, in f\nZeroDivisionError: divide by zero')
