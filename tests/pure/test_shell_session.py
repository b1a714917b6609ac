"""session: the session_id cookie (attributes, parsing) and what each failed login tells the user."""
from lite_app.shell import session
from lite_app.xapi.errors import TransportError, XapiError

REF = "OpaqueRef:1e4f0a43-0f8b-4fd4-a4f1-1f1a9e4c9d3c"


def attributes(text):
    return [part.strip() for part in text.split(";")]


def test_a_browser_session_cookie_by_default():
    parts = attributes(session.cookie_string(REF, secure=False, keep=False))
    assert parts[0] == "session_id=" + REF
    assert "Path=/" in parts and "SameSite=Strict" in parts
    assert not [p for p in parts if p.startswith("Max-Age") or p.startswith("Expires")]
    assert "Secure" not in parts


def test_keep_me_signed_in_lasts_thirty_days_and_https_adds_secure():
    parts = attributes(session.cookie_string(REF, secure=True, keep=True))
    assert "Max-Age=2592000" in parts and "Secure" in parts


def test_clearing_expires_the_same_cookie():
    parts = attributes(session.clear_cookie_string(secure=True))
    assert parts[0] == "session_id=" and "Max-Age=0" in parts and "Path=/" in parts and "Secure" in parts


def test_read_cookie_finds_the_session_among_others():
    assert session.read_cookie("theme=dark; session_id=" + REF + "; other=1") == REF
    assert session.read_cookie("session_id=" + REF) == REF
    assert session.read_cookie("xsession_id=1; session_idx=2") is None
    assert session.read_cookie("session_id=") is None
    assert session.read_cookie("") is None and session.read_cookie(None) is None


def test_is_secure_only_on_https():
    assert session.is_secure("https://pool.example") and not session.is_secure("http://127.0.0.1:8080")


def test_login_errors_in_plain_words():
    cases = [
        (XapiError("SESSION_AUTHENTICATION_FAILED", ["root", "Authentication failure"]), ("login.error.credentials", "")),
        (XapiError("HOST_IS_SLAVE", ["10.0.0.1"]), ("login.error.slave", "")),
        (TransportError("unreachable"), ("login.error.unreachable", "")),
        (TransportError("timeout"), ("login.error.unreachable", "")),
        (TransportError("http", 500), ("login.error.server",
                                       "The host failed while handling the request. Try again in a moment.")),
        (TransportError("protocol", None, "bad"), ("login.error.server", "The host sent an answer that is not XAPI's.")),
        (XapiError("INTERNAL_ERROR", ["boom"]), ("login.error.server", "XAPI reported an internal error: boom")),
    ]
    for error, expected in cases:
        assert session.login_error(error) == expected, error


def test_master_url_keeps_the_pages_scheme_and_port():
    assert session.master_url("http://127.0.0.2:8080", "127.0.0.1") == "http://127.0.0.1:8080/"
    assert session.master_url("https://10.0.0.2", "10.0.0.1") == "https://10.0.0.1/"
    assert session.master_url("https://[fd00::2]:443", "fd00::1") == "https://[fd00::1]:443/"
