"""The page shortcuts as plain data and arithmetic (the VM list's row keys are in lite_app/logic/rows.py).

Pure (CPython and MicroPython), part of the start-up download (the shortcuts work on every page). The
bridge reports a key pressed outside any field and outside the console's screen ("shell.key"); `press`
follows multi-key sequences ("g" then "d") and says which command a sequence completes. The help
dialog lists SHORTCUTS, so what is documented is what works.
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
