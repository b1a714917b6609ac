"""XAPI failures as plain English sentences, with the code and params kept for the details view.

Pure (CPython and MicroPython). `describe(error)` takes an XapiError, a TransportError, a task's
`error_info` list or any exception and returns `{"code", "params", "key", "text"}`: `key` is the
catalog key of the sentence ("err.<CODE>"), `text` the sentence with the params filled in under the
names PARAMS gives them. Refs in params are shown by name through `name_of(ref)` (lite_app.logic.model.namer), byte
counts in binary units, operations and power states in words. Codes not in PARAMS get a generic
sentence naming the code.
"""
from lite_app.text import fmt
from lite_app.text.catalog import has, translate
from lite_app.xapi.cache import NULL_REF
from lite_app.xapi.errors import TransportError, XapiError

# (name, kind) of each param, in XAPI's order, of the codes with their own sentence ("err.<CODE>"):
# ref = an object reference, bytes = a size, op = an operation name, text = shown as sent.
PARAMS = {
    "VM_BAD_POWER_STATE": (("vm", "ref"), ("expected", "states"), ("actual", "states")),
    "OTHER_OPERATION_IN_PROGRESS": (("cls", "text"), ("object", "ref"), ("operation", "op")),
    "HOST_NOT_ENOUGH_FREE_MEMORY": (("needed", "bytes"), ("free", "bytes")),
    "VM_LACKS_FEATURE": (("vm", "ref"),),
    "VM_MISSING_PV_DRIVERS": (("vm", "ref"),),
    "OPERATION_BLOCKED": (("object", "ref"), ("reason", "text")),
    "OPERATION_NOT_ALLOWED": (("reason", "text"),),
    "VDI_IN_USE": (("vdi", "ref"), ("operation", "op")),
    "SR_FULL": (("needed", "bytes"), ("free", "bytes")),
    "MEMORY_CONSTRAINT_VIOLATION_ORDER": (),
    "MEMORY_CONSTRAINT_VIOLATION_MAXPIN": (),
    "MEMORY_CONSTRAINT_VIOLATION": (),
    "HOST_DISABLED": (("host", "ref"),),
    "HOST_OFFLINE": (("host", "ref"),),
    "XENAPI_MISSING_PLUGIN": (("plugin", "text"),),
    "HOST_NOT_LIVE": (),
    "NO_HOSTS_AVAILABLE": (),
    "SESSION_INVALID": (),
    "SESSION_AUTHENTICATION_FAILED": (),
    "TASK_CANCELLED": (),
    "HANDLE_INVALID": (("cls", "text"), ("ref", "ref")),
    "VM_IS_TEMPLATE": (("vm", "ref"), ("operation", "op")),
    "VM_IS_SNAPSHOT": (("vm", "ref"), ("operation", "op")),
    "VM_REQUIRES_SR": (("vm", "ref"), ("sr", "ref")),
    "VM_REQUIRES_NETWORK": (("vm", "ref"), ("network", "ref")),
    "VM_HAS_PCI_ATTACHED": (("vm", "ref"),),
    "VM_NO_SUSPEND_SR": (("vm", "ref"),),
    "REVERT_ONLY_ALLOWED_ON_SNAPSHOT": (),
    "PROVISION_ONLY_ALLOWED_ON_TEMPLATE": (),
    "INVALID_VALUE": (("field", "text"), ("value", "text")),
    "RBAC_PERMISSION_DENIED": (("permission", "text"), ("reason", "text")),
    "PERMISSION_DENIED": (("reason", "text"),),
    "LICENCE_RESTRICTION": (("feature", "text"),),
    "SR_HAS_NO_PBDS": (("sr", "ref"),),
    "SR_OPERATION_NOT_SUPPORTED": (("sr", "ref"),),
    "VDI_MISSING": (("sr", "ref"), ("vdi", "ref")),
    "CANNOT_CONTACT_HOST": (("host", "ref"),),
    "MESSAGE_METHOD_UNKNOWN": (("method", "text"),),
    "INTERNAL_ERROR": (("detail", "text"),),
    "APP_ERROR": (("detail", "text"),),          # not from XAPI: an exception in the app itself
    "NETWORK_CONTAINS_VIF": (),
    "NETWORK_CONTAINS_PIF": (),
    "PIF_IS_MANAGEMENT_INTERFACE": (("pif", "ref"),),
    "PIF_VLAN_EXISTS": (("pif", "ref"),),
    "VLAN_TAG_INVALID": (("tag", "text"),),
    "PIF_ALREADY_BONDED": (("pif", "ref"),),
    "PIF_BOND_MORE_THAN_ONE_IP": (),
    "CANNOT_DESTROY_SYSTEM_NETWORK": (("network", "ref"),),
    "CANNOT_EVACUATE_HOST": (("reason", "text"),),
    "HOST_NOT_DISABLED": (),
    "HOST_POWER_ON_MODE_DISABLED": (),
    "HOST_IS_LIVE": (("host", "ref"),),
    "XENAPI_PLUGIN_FAILURE": (("function", "text"), ("detail", "text")),
    "UPDATE_FAILED": (("detail", "text"),),      # not from XAPI: the updater's command failed (logic/updates.py)
}
# Codes whose short form (fewer params) has its own sentence "err.<CODE>.short".
SHORT_FORMS = ("HOST_NOT_ENOUGH_FREE_MEMORY", "OTHER_OPERATION_IN_PROGRESS")
# Families of codes with a number suffix: prefix -> sentence key. XAPI puts the back end's own
# message in the second or third param.
PREFIXES = (("SR_BACKEND_FAILURE", "err.SR_BACKEND_FAILURE"),)

def words(value):
    """An XAPI identifier as words: clean_shutdown -> clean shutdown."""
    return str(value).replace("_", " ")


def states(value, t=translate):
    """XAPI's "paused, suspended, running" in the language's words: "paused, suspended or running"."""
    names = [_state(name.strip(), t) for name in str(value).split(",") if name.strip()]
    if len(names) < 2:
        return names[0] if names else ""
    return t("list.or", a=", ".join(names[:-1]), b=names[-1])


def _state(name, t):
    """A power state as a word of the sentence ("running"); an unknown one as XAPI wrote it."""
    key = "state." + name[:1].upper() + name[1:].lower()
    if not has(key):
        return name
    text = t(key)
    return text[:1].lower() + text[1:]


def _param(kind, value, name_of, t):
    if kind == "ref":
        if value.startswith("OpaqueRef:") or value == NULL_REF:
            name = name_of(value) if name_of is not None and value != NULL_REF else None
            return "\u201c" + name + "\u201d" if name else t("err.some_object")
        return value
    if kind == "bytes":
        try:
            return fmt.size(int(value))
        except ValueError:
            return value
    if kind == "op":
        return words(value)
    if kind == "states":
        return states(value, t)
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
    """(catalog key, ((name, kind), ...)) of an error's sentence."""
    if code in PARAMS:
        if code in SHORT_FORMS and len(params) < len(PARAMS[code]):
            return "err." + code + ".short", (("vm", "ref"),) * len(params)
        return "err." + code, PARAMS[code]
    if code == "TRANSPORT_HTTP":
        return http_key(params[0] if params else ""), ()
    if code.startswith("TRANSPORT_"):
        return "err.transport." + code[len("TRANSPORT_"):].lower(), (("status", "text"), ("detail", "text"))
    if _is_number(code):  # a host plugin's own failure (XCP-ng's plugins): [code, message, details, trace]
        return "err.PLUGIN_ERROR", (("message", "text"),)
    for prefix, key in PREFIXES:
        if code.startswith(prefix):
            return key, ()
    return "err.unknown", ()


def _is_number(code):
    return code.lstrip("-").isdigit()


# HTTP statuses a host answers instead of an API reply -> the sentence's key (never the bare number).
HTTP_KEYS = {"401": "err.transport.http.denied", "403": "err.transport.http.denied",
             "404": "err.transport.http.missing", "413": "err.transport.http.too_large"}


def http_key(status):
    status = str(status)
    if status in HTTP_KEYS:
        return HTTP_KEYS[status]
    return "err.transport.http.failed" if status.startswith("5") else "err.transport.http"


def _backend_message(params):
    for value in params[1:] + params[:1]:
        if value.strip():
            return value.strip()
    return ""


def describe(error, name_of=None, t=translate):
    """{"code", "params", "key", "text"} for an error; `t` translates keys (default: the catalog)."""
    code, params = _as_error(error)
    key, named = _key(code, params)
    shown = {}
    for i in range(min(len(params), len(named))):
        shown[named[i][0]] = _param(named[i][1], params[i], name_of, t)
    if key == "err.unknown":
        key = "err.unknown" if params else "err.unknown.bare"
        shown = {"code": code, "params": ", ".join(params)}
    elif key == "err.SR_BACKEND_FAILURE":
        shown = {"detail": _backend_message(params) or code}
    return {"code": code, "params": params, "key": key, "text": t(key, **shown)}


def sentence(error, name_of=None, t=translate):
    """Just the sentence of `describe`."""
    return describe(error, name_of, t)["text"]
