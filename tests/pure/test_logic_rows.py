"""rows: the VM list's roving row (moves, edges, the first key) and the scroll that shows it."""
from lite_app.logic import rows


def test_rows_move_by_one_by_a_page_and_to_the_ends():
    assert rows.move(3, "ArrowDown", 10, 4) == 4
    assert rows.move(3, "ArrowUp", 10, 4) == 2
    assert rows.move(3, "PageDown", 10, 4) == 7
    assert rows.move(8, "PageDown", 10, 4) == 9
    assert rows.move(2, "PageUp", 10, 4) == 0
    assert rows.move(5, "Home", 10, 4) == 0
    assert rows.move(5, "End", 10, 4) == 9


def test_rows_stop_at_the_edges():
    assert rows.move(0, "ArrowUp", 10, 4) == 0
    assert rows.move(9, "ArrowDown", 10, 4) == 9


def test_the_first_key_picks_the_first_or_last_row():
    assert rows.move(-1, "ArrowDown", 10, 4) == 0
    assert rows.move(-1, "ArrowUp", 10, 4) == 0
    assert rows.move(-1, "End", 10, 4) == 9


def test_other_keys_and_empty_lists_do_not_move():
    assert rows.move(3, "Enter", 10, 4) is None
    assert rows.move(0, "ArrowDown", 0, 4) is None
    assert rows.move(3, "PageDown", 10, 0) == 4  # a window too small for a row still moves by one


def test_the_scroll_follows_the_focused_row():
    assert rows.scroll_for(0, 0, 440, 44) == 0
    assert rows.scroll_for(12, 0, 440, 44) == 13 * 44 - 440
    assert rows.scroll_for(2, 440, 440, 44) == 88
    assert rows.scroll_for(12, 300, 440, 44) == 300
