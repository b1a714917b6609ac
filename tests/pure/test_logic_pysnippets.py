"""The console's snippet store and input history over localStorage (a dict here)."""
import json

from lite_app.logic import pysnippets
from lite_app.logic.pysnippets import EXAMPLES, History, Store


def store():
    data = {}
    return Store(data.get, data.__setitem__), data


def test_snippets_are_saved_listed_loaded_and_deleted():
    s, data = store()
    assert s.save("tag them", "for ref in vms:\n    pass") is None
    assert s.names() == sorted(EXAMPLES) + ["tag them"]
    assert s.source("tag them") == "for ref in vms:\n    pass\n"
    assert json.loads(data[pysnippets.SNIPPETS_KEY]) == {"tag them": "for ref in vms:\n    pass\n"}
    assert s.delete("tag them") and s.names() == sorted(EXAMPLES)


def test_examples_are_shipped_and_cannot_be_replaced_or_deleted():
    s, _data = store()
    name = sorted(EXAMPLES)[0]
    assert s.source(name) == EXAMPLES[name]
    assert s.save(name, "x = 1") == "python.snip.err_example"
    assert not s.delete(name)
    assert len(EXAMPLES) >= 3


def test_bad_names_and_empty_code_are_refused_with_a_reason():
    s, _data = store()
    assert s.save("  ", "x") == "python.snip.err_empty"
    assert s.save("n" * 81, "x") == "python.snip.err_long"
    assert s.save("ok", "   ") == "python.snip.err_no_code"


def test_a_damaged_store_reads_as_empty():
    s, data = store()
    data[pysnippets.SNIPPETS_KEY] = "{not json"
    data[pysnippets.HISTORY_KEY] = '{"a": 1}'
    assert s.saved() == {} and s.history() == []


def test_history_keeps_inputs_once_in_a_row_and_the_newest_ones():
    s, _data = store()
    s.remember("a")
    s.remember("a")
    s.remember("   ")
    assert s.history() == ["a"]
    for i in range(pysnippets.HISTORY_LIMIT + 5):
        s.remember("x%d" % i)
    assert len(s.history()) == pysnippets.HISTORY_LIMIT


def test_up_and_down_walk_the_history_and_bring_the_draft_back():
    h = History(["one", "two"])
    assert h.older("draft") == "two"
    assert h.older("two") == "one"
    assert h.older("one") is None
    assert h.newer() == "two"
    assert h.newer() == "draft"
    assert h.newer() is None
