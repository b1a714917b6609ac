"""Implicit messages every DB class has: getters, setters, map/set adders, create/destroy, queries.

`watch(cls, field)` registers what runs after a client writes that field through them: XAPI keeps
some fields in step with others by watching writes (xapi_host_helpers.ml watches host.other_config
for `iscsi_iqn` and `multipathing`); the simulator runs the watcher right after the write.
"""
from .. import schema
from ..errors import XapiFailure
from ..records import Records
from ..xmlchars import truncated
from . import where

WATCHERS = {}    # (cls, field) -> [fn(db, ref)]


def watch(cls, field):
    """Decorator: run fn(db, ref) after every implicit write of `cls.field`."""
    def register(fn):
        WATCHERS.setdefault((cls, field), []).append(fn)
        return fn
    return register


def _written(db, cls, field, ref):
    for fn in WATCHERS.get((cls, field), ()):
        fn(db, ref)


def implicit_handler(cls, msg):
    """A generic handler for `cls.msg`, or None when the name is not an implicit message."""
    if cls not in schema.TABLES:
        return None
    fixed = _FIXED.get(msg)
    if fixed:
        return lambda ctx, *args: fixed(ctx, cls, *args)
    for prefix, maker in _PREFIXED:
        if msg.startswith(prefix):
            return maker(cls, msg[len(prefix):])
    return None


def get_record(ctx, cls, ref):
    return ctx.db.record(cls, ref)


def get_by_uuid(ctx, cls, uuid):
    ref = ctx.db.find_by_uuid(cls, uuid)
    if ref is None:
        raise XapiFailure("UUID_INVALID", cls, uuid)
    return ref


def get_by_name_label(ctx, cls, label):
    return ctx.db.find(cls, name_label=label)


def get_all(ctx, cls):
    return ctx.db.all(cls)


def get_all_records(ctx, cls):
    return Records(ctx.db, cls, ctx.db.tables[cls])


def get_all_records_where(ctx, cls, expr):
    test = where.compile_expr(expr)
    db = ctx.db
    return Records(db, cls, [r for r in db.tables[cls] if test(db.record(cls, r))])


def create(ctx, cls, record):
    check_refs(ctx.db, cls, record)
    return ctx.db.create(cls, record)


def destroy(ctx, cls, ref):
    ctx.db.require(cls, ref)
    ctx.db.destroy(cls, ref)


def check_refs(db, cls, record):
    """HANDLE_INVALID for any non-NULL reference in `record` that names no object."""
    flds = schema.fields(cls)
    for name, value in record.items():
        ty = flds[name][0]
        if schema.is_ref_type(ty) and value != "OpaqueRef:NULL" and ty[1] in db.tables:
            db.require(ty[1], value)


_FIXED = {
    "get_record": get_record, "get_by_uuid": get_by_uuid, "get_by_name_label": get_by_name_label,
    "get_all": get_all, "get_all_records": get_all_records,
    "get_all_records_where": get_all_records_where, "create": create, "destroy": destroy,
}


def _getter(cls, field):
    if field not in schema.fields(cls):
        return None
    return lambda ctx, ref: ctx.db.field(cls, ref, field)


def _setter(cls, field):
    if field not in schema.fields(cls) or (cls, field) in schema.MANY_SIDE:
        return None

    def set_field(ctx, ref, value):
        ctx.db.require(cls, ref)
        check_refs(ctx.db, cls, {field: value})
        ctx.db.set(cls, ref, field, value)
        _written(ctx.db, cls, field, ref)
    return set_field


def _map_adder(cls, field):
    def add_to(ctx, ref, key, value):
        key, value = truncated(key), truncated(value)      # process_structured_field
        if key in ctx.db.require(cls, ref)[field]:
            raise XapiFailure("MAP_DUPLICATE_KEY", cls, field, ref, key)
        ctx.db.add_to(cls, ref, field, key, value)
        _written(ctx.db, cls, field, ref)
    return add_to if _is_kind(cls, field, "map") else None


def _map_remover(cls, field):
    def remove_from(ctx, ref, key):
        ctx.db.require(cls, ref)
        ctx.db.remove_from(cls, ref, field, key)
        _written(ctx.db, cls, field, ref)
    return remove_from if _is_kind(cls, field, "map") else None


def _set_adder(cls, field):
    def add(ctx, ref, value):
        value = truncated(value)
        current = ctx.db.require(cls, ref)[field]
        if value not in current:
            ctx.db.set(cls, ref, field, current + [value])
    return add if _is_kind(cls, field, "set") else None


def _set_remover(cls, field):
    def remove(ctx, ref, value):
        current = ctx.db.require(cls, ref)[field]
        ctx.db.set(cls, ref, field, [v for v in current if v != value])
    return remove if _is_kind(cls, field, "set") else None


def _is_kind(cls, field, kind):
    flds = schema.fields(cls)
    return (field in flds and (cls, field) not in schema.MANY_SIDE
            and isinstance(flds[field][0], list) and flds[field][0][0] == kind)


# Longest prefixes first: "remove_from_" before "remove_", "add_to_" before "add_".
_PREFIXED = [("get_", _getter), ("set_", _setter), ("add_to_", _map_adder),
             ("remove_from_", _map_remover), ("add_", _set_adder), ("remove_", _set_remover)]
