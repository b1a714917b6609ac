"""The method table: `Class.message` wire name -> handler(ctx, *args).

Handlers get a `Context` (the simulator, the caller's session, the task running the call) and the
params after the session, already typed. They return the result (None for void) or raise XapiFailure;
they may be coroutines when the operation takes simulated time. Messages without an explicit handler
fall back to the generic implicit ones (get_record, get_<field>, set_<field>, create, destroy…).
Every module of this package is loaded, one per class area (vm, storage, network, host…).
"""
import importlib
import pkgutil

HANDLERS = {}


def api(name):
    """Register the decorated function as the handler of wire name `name` (e.g. "VM.start")."""
    def register(fn):
        HANDLERS[name] = fn
        return fn
    return register


def load_all():
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(__name__ + "." + info.name)
