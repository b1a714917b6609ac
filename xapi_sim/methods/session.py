"""session.*: login, logout, and the session getters (which take the session to read as a param)."""
from ..errors import XapiFailure
from . import api

AUTH_FAILURE = "Authentication failure"


@api("session.login_with_password")
def login_with_password(ctx, uname, pwd, version, originator):
    sim = ctx.sim
    if ctx.host != sim.master_ref():
        raise XapiFailure("HOST_IS_SLAVE", sim.master_address())
    if uname != "root" or pwd != sim.config.password:
        raise XapiFailure("SESSION_AUTHENTICATION_FAILED", uname, AUTH_FAILURE)
    return sim.sessions.login(uname, originator, ctx.host)


@api("session.logout")
def logout(ctx):
    ctx.sim.sessions.end(ctx.session)


@api("session.local_logout")
def local_logout(ctx):
    ctx.sim.sessions.end(ctx.session)


def _target(ctx, ref):
    return ctx.sim.sessions.require(ref)


@api("session.get_record")
def get_record(ctx, ref):
    return dict(_target(ctx, ref))


@api("session.get_this_host")
def get_this_host(ctx, ref):
    return _target(ctx, ref)["this_host"]


@api("session.get_this_user")
def get_this_user(ctx, ref):
    _target(ctx, ref)
    return "OpaqueRef:NULL"


@api("session.get_uuid")
def get_uuid(ctx, ref):
    return _target(ctx, ref)["uuid"]


@api("session.get_all_subject_identifiers")
def get_all_subject_identifiers(ctx):
    return []


@api("session.change_password")
def change_password(ctx, old, new):
    if old != ctx.sim.config.password:
        raise XapiFailure("SESSION_AUTHENTICATION_FAILED", "root", AUTH_FAILURE)
    ctx.sim.config.password = new
