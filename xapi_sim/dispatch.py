"""Dispatch one RPC call in XAPI's order (reference §1.5).

1. strip `Async.`, resolve `Class_method` aliases; 2. name and param count (before the session);
3. unmarshal params; 4. session; 5. (RBAC: root only, always passes); 6. Async check;
7. unknown methods (with params: session first). Then run the handler, inside a task where XAPI
has one.
"""
from . import schema
from .context import Context
from .errors import XapiFailure
from .coerce import coerce
from .methods import HANDLERS
from .methods.implicit import implicit_handler
from .tasks import call

NULL = "OpaqueRef:NULL"
SESSIONLESS = {"session.login_with_password", "session.slave_login",
               "session.slave_local_login", "session.slave_local_login_with_password",
               "system.listMethods"}
# Trailing params that may be omitted, with the values XAPI then uses.
PARAM_DEFAULTS = {
    "session.login_with_password": ["1.1", ""],
    "VM.snapshot": [[]],
    "VM.migrate_send": [{}, {}],
    "host.evacuate": [NULL, 0],
    "VDI.copy": [NULL, NULL],
    "VDI.clone": [{}],
    "VDI.snapshot": [{}],
}
NO_ASYNC_CLASSES = {"session", "event", "message", "system", "user", "auth", "secret"}
NO_ASYNC_PREFIXES = ("get_", "set_", "add_", "remove_")


def strip_async(method):
    for prefix in ("InternalAsync.", "Async."):
        if method.startswith(prefix):
            return method[len(prefix):], True
    return method, False


def resolve(name):
    """(cls, message, schema entry) for a wire name or its Class_method alias; None if unknown."""
    if "." in name:
        cls, _, msg = name.partition(".")
        return _lookup(cls, msg)
    for i, ch in enumerate(name):
        if ch == "_" and name[:i] in schema.CLASSES:
            found = _lookup(name[:i], name[i + 1:])
            if found:
                return found
    return None


def _lookup(cls, msg):
    entry = schema.message(cls, msg)
    if entry is None and cls == "system" and msg == "listMethods":
        entry = {"params": [], "result": ["set", "string"], "implicit": False, "removed": False}
    if entry is None and msg == "get_all_records_where":
        entry = _where_entry(cls)
    return (cls, msg, entry) if entry is not None else None


def _where_entry(cls):
    """get_all_records_where is hidden from the datamodel export; every get_all_records class has it."""
    records = schema.message(cls, "get_all_records")
    if records is None:
        return None
    return {"params": records["params"] + [["string", "expr"]], "result": records["result"],
            "implicit": True, "removed": False}


def async_capable(cls, msg, entry):
    if cls in NO_ASYNC_CLASSES:
        return False
    if entry["implicit"]:
        return msg in ("create", "destroy")
    return not msg.startswith(NO_ASYNC_PREFIXES)


def check_count(name, entry, params):
    """Fill omitted trailing defaults; MESSAGE_PARAMETER_COUNT_MISMATCH if the count is off."""
    types = entry["params"]
    defaults = PARAM_DEFAULTS.get(name, [])
    has_session = name not in SESSIONLESS
    required = len(types) - len(defaults)
    if required <= len(params) <= len(types):
        return list(params) + defaults[len(params) - required:]
    expected = required - (1 if has_session else 0)
    received = len(params) - (1 if has_session else 0)
    raise XapiFailure("MESSAGE_PARAMETER_COUNT_MISMATCH", name, expected, received)


def unknown(sim, method, params):
    if params:
        sim.sessions.require(params[0])
    raise XapiFailure("MESSAGE_METHOD_UNKNOWN", method)


async def dispatch(sim, method, params, host=None):
    """Run one call; returns its result (void as "") or raises XapiFailure."""
    name, is_async = strip_async(method)
    found = resolve(name)
    if found is None:
        unknown(sim, method, params)
    cls, msg, entry = found
    name = cls + "." + msg
    if entry["removed"]:
        raise XapiFailure("MESSAGE_REMOVED")
    args = check_count(name, entry, params)
    args = [coerce(ty, value) for (ty, _pname), value in zip(entry["params"], args)]
    session = None
    if name not in SESSIONLESS:
        session, args = args[0], args[1:]
        sim.sessions.require(session)
    if is_async and not async_capable(cls, msg, entry):
        raise XapiFailure("Fault", "No async mode for this operation (rpc: %s)" % method)
    handler = HANDLERS.get(name) or implicit_handler(cls, msg)
    if handler is None:
        raise XapiFailure("NOT_IMPLEMENTED", name)
    ctx = Context(sim, session, name, host=host or sim.master_ref())
    if is_async:
        return sim.tasks.spawn(ctx, handler, args)
    if async_capable(cls, msg, entry):
        result = await sim.tasks.run_sync(ctx, handler, args)
    else:
        result = await call(handler, ctx, args)
    return "" if result is None else result
