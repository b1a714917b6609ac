"""keys: shortcut sequences (timing, prefixes, unknown keys) and the VM list's roving row arithmetic."""
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


def test_rows_move_by_one_by_a_page_and_to_the_ends():
    assert keys.move(3, "ArrowDown", 10, 4) == 4
    assert keys.move(3, "ArrowUp", 10, 4) == 2
    assert keys.move(3, "PageDown", 10, 4) == 7
    assert keys.move(8, "PageDown", 10, 4) == 9
    assert keys.move(2, "PageUp", 10, 4) == 0
    assert keys.move(5, "Home", 10, 4) == 0
    assert keys.move(5, "End", 10, 4) == 9


def test_rows_stop_at_the_edges():
    assert keys.move(0, "ArrowUp", 10, 4) == 0
    assert keys.move(9, "ArrowDown", 10, 4) == 9


def test_the_first_key_picks_the_first_or_last_row():
    assert keys.move(-1, "ArrowDown", 10, 4) == 0
    assert keys.move(-1, "ArrowUp", 10, 4) == 0
    assert keys.move(-1, "End", 10, 4) == 9


def test_other_keys_and_empty_lists_do_not_move():
    assert keys.move(3, "Enter", 10, 4) is None
    assert keys.move(0, "ArrowDown", 0, 4) is None
    assert keys.move(3, "PageDown", 10, 0) == 4  # a window too small for a row still moves by one


def test_the_scroll_follows_the_focused_row():
    assert keys.scroll_for(0, 0, 440, 44) == 0
    assert keys.scroll_for(12, 0, 440, 44) == 13 * 44 - 440
    assert keys.scroll_for(2, 440, 440, 44) == 88
    assert keys.scroll_for(12, 300, 440, 44) == 300
