"""XAPI client over an injected transport.

`transport` is an async callable `await transport(request_text) -> reply` that POSTs the text to
`/jsonrpc` and returns the PARSED reply object; it raises TransportError when no reply arrives. The
transport owns timeouts, so it must allow longer than the `event.from` timeout used by the app.

The session ref is prepended to every call except the few methods XAPI takes without one. When any
call fails with SESSION_INVALID, `session_invalid` is set and `on_session_invalid(error)` is called,
so the app can send the user back to the login form from one place.
"""
from lite_app.xapi.errors import XapiError
from lite_app.xapi.jsonrpc import Codec

# Methods whose params do not start with the session (xapi-protocol.md §1.2).
NO_SESSION_METHODS = (
    "session.login_with_password",
    "session.slave_login",
    "session.slave_local_login",
    "session.slave_local_login_with_password",
    "system.listMethods",
)


class Client:
    """Calls XAPI methods with the current session."""

    def __init__(self, transport, session=None):
        self.transport = transport
        self.codec = Codec()
        self.session = session
        self.session_invalid = False
        self.on_session_invalid = None

    async def request(self, method, params):
        """Send one request with exactly `params`; the result or raise."""
        request_id, text = self.codec.encode(method, params)
        reply = await self.transport(text)
        return self.codec.decode(reply, request_id)

    async def call(self, method, *args):
        """Call `method(session, *args)` (no session for NO_SESSION_METHODS)."""
        if method in NO_SESSION_METHODS:
            return await self.request(method, args)
        if not self.session:
            error = XapiError("SESSION_INVALID", [""])
            self._session_failed(error)
            raise error
        try:
            return await self.request(method, [self.session] + list(args))
        except XapiError as error:
            if error.code == "SESSION_INVALID":
                self._session_failed(error)
            raise

    def _session_failed(self, error):
        self.session_invalid = True
        if self.on_session_invalid is not None:
            self.on_session_invalid(error)

    async def login(self, user, password):
        """Log in with the 2-param form (as XO Lite and the npm client do); returns the session ref.

        HOST_IS_SLAVE [master_address] and SESSION_AUTHENTICATION_FAILED are raised to the caller.
        """
        session = await self.call("session.login_with_password", user, password)
        self.session = session
        self.session_invalid = False
        return session

    async def logout(self):
        """End the session; an already invalid session counts as logged out."""
        session, self.session = self.session, None
        if not session:
            return
        try:
            await self.request("session.logout", [session])
        except XapiError as error:
            if error.code != "SESSION_INVALID":
                raise

    async def event_from(self, classes, token, timeout):
        """One `event.from` batch: `{"events": [...], "token": ..., "valid_ref_counts": {...}}`."""
        # XAPI wants a float timeout; an int is accepted too, but stay on the documented type.
        return await self.call("event.from", list(classes), token, float(timeout))

    async def get_all_records(self, cls):
        """`{ref: record}` of every object of class `cls` (wire name, e.g. "VM")."""
        return await self.call(cls + ".get_all_records")
