"""keys: shortcut sequences (timing, prefixes, unknown keys)."""
from lite_app.logic import keys


def test_a_shortcut_is_written_as_its_keys():
    assert keys.parse("g d") == ["g", "d"]
    assert keys.parse("/") == ["/"]
    assert keys.parse("") == []


def test_a_two_key_sequence_completes_a_command():
    command, pending, since = keys.press([], 0.0, "g", 10.0)
    assert (command, pending, since) == (None, ["g"], 10.0)
    command, pending, _ = keys.press(pending, since, "v", 10.5)
    assert command == ("go", "vms") and pending == []


def test_a_late_second_key_starts_again():
    _, pending, since = keys.press([], 0.0, "g", 10.0)
    command, pending, _ = keys.press(pending, since, "d", 12.0)
    assert command is None and pending == []


def test_one_key_shortcuts():
    assert keys.press([], 0.0, "n", 1.0)[0] == ("go", "new-vm")
    assert keys.press([], 0.0, "/", 1.0)[0] == ("search", "")
    assert keys.press([], 0.0, "?", 1.0)[0] == ("help", "")


def test_a_wrong_second_key_may_be_a_shortcut_of_its_own():
    _, pending, since = keys.press([], 0.0, "g", 1.0)
    assert keys.press(pending, since, "n", 1.2)[0] == ("go", "networks")
    _, pending, since = keys.press([], 0.0, "g", 1.0)
    assert keys.press(pending, since, "?", 1.2)[0] == ("help", "")
    _, pending, since = keys.press([], 0.0, "g", 1.0)
    assert keys.press(pending, since, "x", 1.2) == (None, [], 1.2)


def test_unknown_keys_do_nothing():
    assert keys.press([], 0.0, "q", 1.0) == (None, [], 1.0)
    assert keys.press([], 0.0, "d", 1.0)[0] is None


def test_every_documented_shortcut_works():
    for text, name, argument in keys.SHORTCUTS:
        pending, since, command = [], 0.0, None
        for key in keys.parse(text):
            command, pending, since = keys.press(pending, since, key, 5.0)
        assert command == (name, argument), text
