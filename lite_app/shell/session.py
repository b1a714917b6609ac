"""The XAPI session in the browser: the `session_id` cookie and what a failed login means to the user.

Pure (CPython and MicroPython). XAPI's HTTP handlers read the `session_id` cookie before the query
string, so a same-origin URL never needs the session in it; the cookie is SameSite=Strict, Path=/,
Secure on https, and a browser-session cookie unless the user asked to stay signed in.
"""
from lite_app.xapi.errors import TransportError, XapiError

COOKIE = "session_id"
KEEP_SECONDS = 30 * 24 * 3600

# XAPI error code -> catalog key of the message shown under the login form.
LOGIN_ERRORS = {
    "SESSION_AUTHENTICATION_FAILED": "login.error.credentials",
    "HOST_IS_SLAVE": "login.error.slave",
}
TRANSPORT_ERRORS = {
    "unreachable": "login.error.unreachable",
    "timeout": "login.error.unreachable",
    "http": "login.error.server",
    "protocol": "login.error.server",
}


def cookie_string(session, secure, keep):
    """The `document.cookie` assignment that stores `session`."""
    parts = [COOKIE + "=" + session, "Path=/", "SameSite=Strict"]
    if keep:
        parts.append("Max-Age=%d" % KEEP_SECONDS)
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def clear_cookie_string(secure):
    """The `document.cookie` assignment that deletes the session cookie."""
    parts = [COOKIE + "=", "Path=/", "SameSite=Strict", "Max-Age=0"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def read_cookie(cookie_header):
    """The session id in a `document.cookie` string, or None."""
    for part in (cookie_header or "").split(";"):
        eq = part.find("=")
        if eq < 0:
            continue
        if part[:eq].strip() == COOKIE:
            value = part[eq + 1:].strip()
            return value or None
    return None


def is_secure(page_origin):
    return page_origin.lower().startswith("https:")


def login_error(error, t=None):
    """(catalog key, detail) for a failed login; detail is the error as a sentence (never a bare code or
    HTTP status) when the key alone does not say it, else "". The catalog is imported here, not at the
    top: main.py imports this module before the login form is usable, for read_cookie alone."""
    from lite_app.text.catalog import translate
    from lite_app.text.errors import sentence
    t = t or translate
    if isinstance(error, XapiError):
        key = LOGIN_ERRORS.get(error.code, "login.error.server")
        return key, "" if error.code in LOGIN_ERRORS else sentence(error, None, t)
    if isinstance(error, TransportError):
        key = TRANSPORT_ERRORS.get(error.kind, "login.error.server")
        return key, "" if key == "login.error.unreachable" else sentence(error, None, t)
    return "login.error.server", sentence(error, None, t)


def master_url(page_origin, address):
    """The pool master's URL with the page's scheme and port: http(s)://<address>[:port]/."""
    sep = page_origin.find("://")
    scheme = page_origin[:sep] if sep > 0 else "https"
    netloc = page_origin[sep + 3:] if sep > 0 else ""
    port = ""
    colon = netloc.rfind(":")
    if colon >= 0 and "]" not in netloc[colon:]:
        port = netloc[colon:]
    host = address.strip()
    if ":" in host and not host.startswith("["):
        host = "[" + host + "]"  # an IPv6 address
    return scheme + "://" + host + port + "/"
