"""Which XAPI calls of the Python console change the pool (and ask first), and how a call reads.

Pure (CPython and MicroPython). The rule is a table of name prefixes: reading calls (`get_*`, which
takes in `get_all`, `get_all_records`, `get_record` and `get_by_*`) and the event classes' calls
change nothing; every other message may change the pool, so with "Confirm changes" on, the console
asks before each one. The rule errs on the safe side: a message that changes nothing but does not
start with `get_` (say `VM.assert_can_boot_here`) still asks.
"""
from lite_app.logic.pyformat import short_repr

READ_PREFIXES = ("get_",)
EVENT_CLASSES = ("event",)
ASYNC = "Async."


def split_method(method):
    """(is_async, class, message) of "Async.VM.clean_shutdown" / "VM.start"."""
    is_async = method.startswith(ASYNC)
    name = method[len(ASYNC):] if is_async else method
    dot = name.find(".")
    if dot < 0:
        return is_async, "", name
    return is_async, name[:dot], name[dot + 1:]


def changes_state(method):
    """True when `method` may change the pool (the console asks before it with Confirm changes on)."""
    _is_async, cls, message = split_method(method)
    if cls in EVENT_CLASSES:
        return False
    for prefix in READ_PREFIXES:
        if message.startswith(prefix):
            return False
    return True


def call_text(method, args, limit=60):
    """`VM.set_name_label('OpaqueRef:1f…', 'web-02')`: one call as a line of text (each argument
    shortened to `limit` characters)."""
    return "%s(%s)" % (method, ", ".join(short_repr(arg, limit) for arg in args))


def same_call(method, args, other):
    """True when (method, args) is the call `other` ((method, args)) describes, argument for argument."""
    return method == other[0] and list(args) == list(other[1])
