"""XAPI failures as plain English sentences, with the code and params kept for the details view.

Pure (CPython and MicroPython). `describe(error)` takes an XapiError, a TransportError, a task's
`error_info` list or any exception and returns `{"code", "params", "key", "text"}`: `key` is the
catalog key of the sentence (i18n_actions.STRINGS), `text` the sentence with the params filled in.
Refs in params are shown by name through `name_of(ref)` (see `namer`), byte counts in binary units,
operations and power states in words. Codes not in PARAMS get a generic sentence naming the code.
"""
from lite_app.text import fmt
from lite_app.text.strings_actions import text as render
from lite_app.xapi.errors import TransportError, XapiError

# Param kinds, in XAPI's order, of the codes with their own sentence ("err.<CODE>"):
# ref = an object reference, bytes = a size, op = an operation name, text = shown as sent.
PARAMS = {
    "VM_BAD_POWER_STATE": ("ref", "states", "states"),
    "OTHER_OPERATION_IN_PROGRESS": ("text", "ref", "op"),
    "HOST_NOT_ENOUGH_FREE_MEMORY": ("bytes", "bytes"),
    "VM_LACKS_FEATURE": ("ref",),
    "VM_MISSING_PV_DRIVERS": ("ref",),
    "OPERATION_BLOCKED": ("ref", "text"),
    "OPERATION_NOT_ALLOWED": ("text",),
    "VDI_IN_USE": ("ref", "op"),
    "SR_FULL": ("bytes", "bytes"),
    "MEMORY_CONSTRAINT_VIOLATION_ORDER": (),
    "MEMORY_CONSTRAINT_VIOLATION_MAXPIN": (),
    "MEMORY_CONSTRAINT_VIOLATION": (),
    "HOST_DISABLED": ("ref",),
    "HOST_OFFLINE": ("ref",),
    "HOST_NOT_LIVE": (),
    "NO_HOSTS_AVAILABLE": (),
    "SESSION_INVALID": (),
    "SESSION_AUTHENTICATION_FAILED": (),
    "TASK_CANCELLED": (),
    "HANDLE_INVALID": ("text", "ref"),
    "VM_IS_TEMPLATE": ("ref", "op"),
    "VM_IS_SNAPSHOT": ("ref", "op"),
    "VM_REQUIRES_SR": ("ref", "ref"),
    "VM_REQUIRES_NETWORK": ("ref", "ref"),
    "VM_HAS_PCI_ATTACHED": ("ref",),
    "VM_NO_SUSPEND_SR": ("ref",),
    "ONLY_REVERT_SNAPSHOT": (),
    "INVALID_VALUE": ("text", "text"),
    "RBAC_PERMISSION_DENIED": ("text", "text"),
    "PERMISSION_DENIED": ("text",),
    "LICENCE_RESTRICTION": ("text",),
    "SR_NO_PBDS": ("ref",),
    "SR_HAS_NO_PBDS": ("ref",),
    "SR_OPERATION_NOT_SUPPORTED": ("ref",),
    "VDI_MISSING": ("ref", "ref"),
    "CANNOT_CONTACT_HOST": ("ref",),
    "MESSAGE_METHOD_UNKNOWN": ("text",),
    "INTERNAL_ERROR": ("text",),
    "APP_ERROR": ("text",),          # not from XAPI: an exception in the app itself
}
# Codes whose short form (fewer params) has its own sentence "err.<CODE>.short".
SHORT_FORMS = ("HOST_NOT_ENOUGH_FREE_MEMORY", "OTHER_OPERATION_IN_PROGRESS")
# Families of codes with a number suffix: prefix -> sentence key. XAPI puts the back end's own
# message in the second or third param.
PREFIXES = (("SR_BACKEND_FAILURE", "err.SR_BACKEND_FAILURE"),)

# Classes searched (in this order) to name a ref found in an error's params.
NAMED_CLASSES = ("VM", "host", "SR", "VDI", "network", "pool", "task", "PIF", "VBD", "VIF")
NULL = "OpaqueRef:NULL"


def namer(cache, classes=NAMED_CLASSES):
    """A `name_of(ref)` over the record cache: the name_label of the first class holding `ref`."""
    def name_of(ref):
        for cls in classes:
            record = cache.get(cls, ref)
            if record is not None:
                return record.get("name_label") or record.get("device") or record.get("uuid") or ref
        return None
    return name_of


def words(value):
    """An XAPI identifier as words: clean_shutdown -> clean shutdown."""
    return str(value).replace("_", " ")


def states(value):
    """XAPI's "paused, suspended, running" as "paused, suspended or running"."""
    value = str(value)
    cut = value.rfind(", ")
    return value if cut < 0 else value[:cut] + " or " + value[cut + 2:]


def _param(kind, value, name_of, t):
    if kind == "ref":
        if value.startswith("OpaqueRef:") or value == NULL:
            name = name_of(value) if name_of is not None and value != NULL else None
            return "\u201c" + name + "\u201d" if name else render("err.some_object", (), t)
        return value
    if kind == "bytes":
        try:
            return fmt.size(int(value))
        except ValueError:
            return value
    if kind == "op":
        return words(value)
    if kind == "states":
        return states(value)
    return value


def _as_error(error):
    """(code, params) of whatever failed."""
    if isinstance(error, XapiError):
        return error.code, list(error.params)
    if isinstance(error, TransportError):
        return "TRANSPORT_" + error.kind.upper(), [str(error.status or ""), error.detail]
    if isinstance(error, (list, tuple)):
        wire = XapiError.from_wire(list(error))
        return wire.code, list(wire.params)
    return "APP_ERROR", [str(error)]


def _key(code, params):
    if code in PARAMS:
        if code in SHORT_FORMS and len(params) < len(PARAMS[code]):
            return "err." + code + ".short", ("ref",) * len(params)
        return "err." + code, PARAMS[code]
    if code.startswith("TRANSPORT_"):
        return "err.transport." + code[len("TRANSPORT_"):].lower(), ("text", "text")
    for prefix, key in PREFIXES:
        if code.startswith(prefix):
            return key, ()
    return "err.unknown", ()


def _backend_message(params):
    for value in params[1:] + params[:1]:
        if value.strip():
            return value.strip()
    return ""


def describe(error, name_of=None, t=None):
    """{"code", "params", "key", "text"} for an error; `t` translates keys (default: English)."""
    code, params = _as_error(error)
    key, kinds = _key(code, params)
    shown = [_param(kinds[i] if i < len(kinds) else "text", params[i], name_of, t)
             for i in range(len(params))]
    if key == "err.unknown":
        key = "err.unknown" if params else "err.unknown.bare"
        shown = [code, ", ".join(params)]
    elif key == "err.SR_BACKEND_FAILURE":
        shown = [_backend_message(params) or code]
    return {"code": code, "params": params, "key": key, "text": render(key, shown, t)}


def sentence(error, name_of=None, t=None):
    """Just the sentence of `describe`."""
    return describe(error, name_of, t)["text"]
