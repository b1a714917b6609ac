"""A fake XAPI at the transport seam: canned handlers per method, every request recorded.

Shared by the pure tests; it runs under CPython and MicroPython like them.
"""
import json

from lite_app.xapi.errors import XapiError


def v2_error(code, params, request_id):
    return {"jsonrpc": "2.0", "error": {"code": 1, "message": code, "data": params}, "id": request_id}


class FakeXapi:
    """`handlers` maps a method name to a function of the params (session included)."""

    def __init__(self, handlers=None):
        self.handlers = dict(handlers or {})
        self.requests = []
        self.texts = []

    async def transport(self, text):
        self.texts.append(text)
        request = json.loads(text)
        self.requests.append(request)
        handler = self.handlers.get(request["method"])
        if handler is None:
            return v2_error("MESSAGE_METHOD_UNKNOWN", [request["method"]], request["id"])
        try:
            result = handler(*request["params"])
        except XapiError as error:
            return v2_error(error.code, error.params, request["id"])
        return {"jsonrpc": "2.0", "result": result, "id": request["id"]}

    def methods(self):
        return [request["method"] for request in self.requests]

    def params(self, method):
        """The params of the last request for `method`."""
        found = [request["params"] for request in self.requests if request["method"] == method]
        return found[-1] if found else None


def session_check(valid):
    """A handler wrapper raising SESSION_INVALID unless the session is in `valid`."""

    def wrap(handler):
        def checked(session, *args):
            if session not in valid:
                raise XapiError("SESSION_INVALID", [session])
            return handler(*args)

        return checked

    return wrap


async def failure(awaitable, kind=XapiError):
    """The `kind` error an awaitable raises; fails the test when it raises nothing (pytest.raises is
    not there under MicroPython)."""
    try:
        await awaitable
    except kind as error:
        return error
    raise AssertionError("expected %s, nothing was raised" % kind.__name__)
