"""The XAPI datamodel as the simulator uses it, loaded from schema.json (see scripts/gen_schema.py).

Tables are the classes that answer `get_all_records`; their records hold every public field. A Set(Ref)
field that lists referrers (e.g. VM.VBDs) is not stored: the database computes it from the Ref field on
the other side (VBD.VM), so both directions are consistent by construction.
"""
import json
import os

from .xtypes import DateTime

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json")
with open(_PATH) as _fh:
    RAW = json.load(_fh)

CLASSES = RAW["classes"]
ENUMS = RAW["enums"]
# Not DB tables even though some answer get_all_records: messages live outside the DB.
NON_DB = {"message", "session", "event", "user", "data_source", "probe_result", "sr_stat",
          "vdi_nbd_server_info", "secret_value"}
TABLES = sorted(name for name, cls in CLASSES.items()
                if "get_all_records" in cls["messages"] and name not in NON_DB)
LOWER = {name.lower(): name for name in CLASSES}

# (many_class, many_field) -> (one_class, one_field), and the reverse index.
MANY_SIDE = {}
ONE_SIDE = {}
for _one_cls, _one_field, _many_cls, _many_field in RAW["relations"]:
    MANY_SIDE[(_many_cls, _many_field)] = (_one_cls, _one_field)
    ONE_SIDE.setdefault((_one_cls, _one_field), []).append((_many_cls, _many_field))

# The Ref fields of each class that other classes list back (the fields a write must relink).
LINK_FIELDS = {}
for (_one_cls, _one_field) in ONE_SIDE:
    LINK_FIELDS.setdefault(_one_cls, []).append(_one_field)

COMPUTED = {}
for (_many_cls, _many_field) in MANY_SIDE:
    COMPUTED.setdefault(_many_cls, []).append(_many_field)


def fields(cls):
    """{field: [type, qualifier, default, has_default]} of a class."""
    return CLASSES[cls]["fields"]


def field_type(cls, field):
    return CLASSES[cls]["fields"][field][0]


def stored_fields(cls):
    computed = set(COMPUTED.get(cls, ()))
    return [f for f in CLASSES[cls]["fields"] if f not in computed]


_DEFAULTS = {}


def default_record(cls):
    """A fresh record of stored fields with the datamodel defaults.

    A shallow copy: stored values are replaced, never mutated in place (see db.py), so the default
    containers can be shared. This keeps creating a 10,000-VM inventory fast.
    """
    if cls not in _DEFAULTS:
        flds = CLASSES[cls]["fields"]
        _DEFAULTS[cls] = {f: typed(flds[f][0], flds[f][2]) for f in stored_fields(cls)}
    return dict(_DEFAULTS[cls])


def required_create_fields(cls):
    """Keys `<cls>.create` needs: RW or constructor fields without a datamodel default."""
    return sorted(f for f, (_t, qual, _d, has_default) in CLASSES[cls]["fields"].items()
                  if qual in ("RW", "RO/constructor") and not has_default)


def message(cls, name):
    return CLASSES.get(cls, {}).get("messages", {}).get(name)


def is_ref_type(ty, target=None):
    return isinstance(ty, list) and ty[0] == "ref" and (target is None or ty[1] == target)


def typed(ty, value):
    """Re-attach the wire markers plain JSON loses (datetimes), recursively."""
    if ty == "datetime" and isinstance(value, str):
        return DateTime(value)
    if isinstance(ty, list) and ty[0] == "set" and isinstance(value, list) and _has_dt(ty):
        return [typed(ty[1], v) for v in value]
    if isinstance(ty, list) and ty[0] == "map" and isinstance(value, dict) and _has_dt(ty):
        return {k: typed(ty[2], v) for k, v in value.items()}
    return value


def _has_dt(ty):
    return "datetime" in json.dumps(ty)
