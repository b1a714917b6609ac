"""Keyboard use as plain arithmetic: the page shortcuts and the VM list's roving row.

Pure (CPython and MicroPython). The bridge reports a key pressed outside any field and outside the
console's screen ("shell.key"); `press` follows multi-key sequences ("g" then "d") and says which
command a sequence completes. `move` is where the VM list's focused row goes for a navigation key, so
the list (virtual: most rows are not in the page) scrolls to it and focuses it. The help dialog lists
SHORTCUTS, so what is documented is what works.
"""

# A sequence's next key must come within this many seconds of the previous one.
SEQUENCE_SECONDS = 1.5
# (keys separated by spaces, command, argument), in the help dialog's order (lite_app/ui/help.py).
SHORTCUTS = (
    ("g d", "go", "dashboard"),
    ("g v", "go", "vms"),
    ("g s", "go", "storage"),
    ("g n", "go", "networks"),
    ("g p", "go", "pool"),
    ("g t", "go", "tasks"),
    ("n", "go", "new-vm"),
    ("/", "search", ""),
    ("?", "help", ""),
)
# The console screen gives the keyboard back on this chord (static/console.js): a VM rarely needs it.
CONSOLE_RELEASE = "Ctrl+Alt+Shift"
# The VM list's navigation keys (Enter opens the row's VM, Space selects it).
ROW_KEYS = ("ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown")


def parse(text):
    """A shortcut's written form -> its keys ("g d" -> ["g", "d"])."""
    return [key for key in (text or "").split(" ") if key]


def press(pending, since, key, now, shortcuts=SHORTCUTS):
    """One key outside the fields: (command or None, pending keys, when the sequence started).

    `pending` holds the keys of a sequence begun within SEQUENCE_SECONDS; a command is
    (name, argument). A key that continues no sequence starts a new one (or completes a
    one-key shortcut)."""
    if pending and now - since > SEQUENCE_SECONDS:
        pending = []
    for keys in (list(pending) + [key], [key]):
        command, prefix = _match(keys, shortcuts)
        if command is not None:
            return command, [], now
        if prefix:
            return None, keys, (since if len(keys) > 1 else now)
    return None, [], now


def _match(keys, shortcuts):
    """(command completed by exactly `keys` or None, whether `keys` begins a longer shortcut)."""
    prefix = False
    for text, name, argument in shortcuts:
        wanted = parse(text)
        if wanted == keys:
            return (name, argument), False
        if len(wanted) > len(keys) and wanted[:len(keys)] == keys:
            prefix = True
    return None, prefix


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
