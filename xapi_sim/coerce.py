"""Unmarshal RPC params to datamodel types with XAPI's coercions (reference §1.4 'Input coercions').

int64 takes an int or a decimal string; float takes a float, int or numeric string; bool takes only a
bool; datetime a DateTime or string. A mismatch is INTERNAL_ERROR; a string carrying invalid UTF-8
(decoded with surrogateescape by the JSON codec) is INVALID_VALUE.
"""
import re

from . import schema
from .errors import XapiFailure, internal_error
from .xtypes import DateTime, parse_datetime


_SURROGATE = re.compile("[\ud800-\udfff]")


def coerce(ty, value):
    if isinstance(ty, str):
        return _SCALARS[ty](value)
    kind = ty[0]
    if kind in ("ref", "enum"):
        text = _string(value)
        if kind == "enum" and text not in schema.ENUMS.get(ty[1], [text]):
            raise internal_error("Enum value not valid for %s: %s" % (ty[1], text))
        return text
    if kind == "set":
        if not isinstance(value, list):
            raise _mismatch(ty, value)
        return [coerce(ty[1], v) for v in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise _mismatch(ty, value)
        return {_map_key(k): coerce(ty[2], v) for k, v in value.items()}
    if kind == "record":
        return coerce_record(ty[1], value)
    if kind == "option":
        return None if value is None else coerce(ty[1], value)
    return value


def coerce_record(cls, value):
    """A constructor argument: known fields typed, required ones present, the rest ignored."""
    if not isinstance(value, dict):
        raise _mismatch(["record", cls], value)
    for key in schema.required_create_fields(cls):
        if key not in value:
            raise internal_error('Server_helpers.Dispatcher_FieldNotFound("%s")' % key)
    flds = schema.fields(cls)
    return {k: coerce(flds[k][0], v) for k, v in value.items() if k in flds}


def _map_key(key):
    return _string(key) if isinstance(key, str) else str(key)


def _string(value):
    if not isinstance(value, str):
        raise _mismatch("string", value)
    if _SURROGATE.search(value):        # invalid UTF-8 bytes, or a lone escaped surrogate
        raise XapiFailure("INVALID_VALUE", "Invalid UTF-8 string in parameter", value)
    return value


def _int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise _mismatch("int", value)


def _float(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise _mismatch("float", value)


def _bool(value):
    if isinstance(value, bool):
        return value
    raise _mismatch("bool", value)


def _datetime(value):
    if isinstance(value, DateTime):
        return value
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            pass
    raise _mismatch("datetime", value)


_SCALARS = {"string": _string, "int": _int, "float": _float, "bool": _bool,
            "datetime": _datetime}


def _mismatch(ty, value):
    return internal_error("Rpc.Runtime_error(%s expected, got %s)" % (_type_name(ty), _short(value)))


def _type_name(ty):
    return ty if isinstance(ty, str) else " ".join(str(t) for t in ty)


def _short(value):
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."
