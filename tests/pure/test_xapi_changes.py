"""Changes: per-class ref lists with set-like membership."""
from lite_app.xapi.changes import Changes


def test_add_iterate_and_membership():
    changes = Changes()
    assert not changes and len(changes) == 0 and list(changes) == []
    changes.add("VM", "OpaqueRef:a")
    changes.add("host", "OpaqueRef:h")
    changes.add("VM", "OpaqueRef:b")
    assert changes and len(changes) == 3
    assert sorted(changes) == [("VM", "OpaqueRef:a"), ("VM", "OpaqueRef:b"), ("host", "OpaqueRef:h")]
    assert sorted(changes.classes()) == ["VM", "host"]
    assert changes.refs("VM") == ["OpaqueRef:a", "OpaqueRef:b"]
    assert changes.refs("SR") == []
    assert ("VM", "OpaqueRef:a") in changes
    assert ("VM", "OpaqueRef:h") not in changes
    assert ("SR", "OpaqueRef:a") not in changes


def test_membership_sees_refs_added_after_a_lookup():
    changes = Changes()
    changes.add("VM", "OpaqueRef:a")
    assert ("VM", "OpaqueRef:b") not in changes
    changes.add("VM", "OpaqueRef:b")
    assert ("VM", "OpaqueRef:b") in changes
    changes.extend("VM", ["OpaqueRef:c"])
    assert ("VM", "OpaqueRef:c") in changes


def test_update_merges():
    first = Changes()
    first.add("VM", "OpaqueRef:a")
    second = Changes()
    second.extend("SR", ["OpaqueRef:s1", "OpaqueRef:s2"])
    second.extend("VM", [])
    first.update(second)
    assert sorted(first) == [("SR", "OpaqueRef:s1"), ("SR", "OpaqueRef:s2"), ("VM", "OpaqueRef:a")]
    assert "VM" in first.classes() and len(first) == 3
