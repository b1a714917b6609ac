"""message.*: messages live outside the DB; these are their explicit implicit-style handlers."""
from ..errors import XapiFailure
from ..xtypes import parse_datetime
from . import api


def _store(ctx):
    return ctx.sim.messages


@api("message.create")
def create(ctx, name, priority, cls, obj_uuid, body):
    return _store(ctx).create(name, priority, cls, obj_uuid, body)


@api("message.destroy")
def destroy(ctx, ref):
    _store(ctx).destroy(ref)


@api("message.destroy_many")
def destroy_many(ctx, refs):
    for ref in refs:
        _store(ctx).require(ref)
    for ref in refs:
        _store(ctx).destroy(ref)


@api("message.get_record")
def get_record(ctx, ref):
    return dict(_store(ctx).require(ref))


@api("message.get_by_uuid")
def get_by_uuid(ctx, uuid):
    for ref, rec in _store(ctx).records.items():
        if rec["uuid"] == uuid:
            return ref
    raise XapiFailure("UUID_INVALID", "message", uuid)


@api("message.get_all")
def get_all(ctx):
    return list(_store(ctx).records)


@api("message.get_all_records")
def get_all_records(ctx):
    return {ref: dict(rec) for ref, rec in _store(ctx).records.items()}


@api("message.get_since")
def get_since(ctx, since):
    cut = parse_datetime(since)
    return {r: dict(m) for r, m in _store(ctx).records.items() if m["timestamp"] > cut}


@api("message.get")
def get(ctx, cls, obj_uuid, since):
    cut = parse_datetime(since)
    return {r: dict(m) for r, m in _store(ctx).records.items()
            if m["cls"] == cls and m["obj_uuid"] == obj_uuid and m["timestamp"] > cut}


@api("message.get_all_records_where")
def get_all_records_where(ctx, expr):
    from .where import compile_expr
    test = compile_expr(expr)
    return {r: dict(m) for r, m in _store(ctx).records.items() if test(m)}
