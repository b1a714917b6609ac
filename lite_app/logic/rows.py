"""The VM list's roving row: where the focused row goes for a navigation key, and the scroll showing it.

Pure (CPython and MicroPython). The list is virtual (most rows are not in the page), so a move sets the
scroll that brings the row into the rendered window before the row is focused (lite_app/ui/vmlist.py).
"""

# The navigation keys (Enter opens the row's VM, Space selects it).
ROW_KEYS = ("ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown")


def move(index, key, count, page):
    """The row index after navigation `key` (one of ROW_KEYS) from `index` (-1: none yet) in a list of
    `count` rows of which `page` fit in the window; None for any other key or an empty list."""
    if count <= 0 or key not in ROW_KEYS:
        return None
    page = max(1, page)
    if index < 0:
        return count - 1 if key == "End" else 0
    if key == "ArrowUp":
        index -= 1
    elif key == "ArrowDown":
        index += 1
    elif key == "Home":
        index = 0
    elif key == "End":
        index = count - 1
    elif key == "PageUp":
        index -= page
    else:
        index += page
    return max(0, min(count - 1, index))


def scroll_for(index, top, height, row_height):
    """The scroll offset that shows row `index` whole, moving as little as possible from `top`."""
    row_top = index * row_height
    if row_top < top:
        return row_top
    if row_top + row_height > top + height:
        return max(0, row_top + row_height - height)
    return top
