"""Console websocket URL rules: scheme switch, same vs other origin, session encoding."""
from lite_app.xapi.urls import console_ws_url, origin_of, percent_encode, split_url, with_session

SESSION = "OpaqueRef:0b6f-4c2e"


def test_same_origin_keeps_the_session_out_of_the_url():
    cases = [
        ("https://10.0.0.2/console?uuid=abc", "https://10.0.0.2", "wss://10.0.0.2/console?uuid=abc"),
        ("https://10.0.0.2:443/console?uuid=abc", "https://10.0.0.2", "wss://10.0.0.2/console?uuid=abc"),
        ("http://127.0.0.2:8080/console?uuid=abc", "http://127.0.0.2:8080", "ws://127.0.0.2:8080/console?uuid=abc"),
        ("HTTP://LocalHost:8080/console?ref=OpaqueRef:c", "http://localhost:8080",
         "ws://localhost:8080/console?ref=OpaqueRef:c"),
    ]
    for location, origin, want in cases:
        got = console_ws_url(location, origin, SESSION)
        assert got == want, (location, origin, got, want)
        assert "session_id" not in got


def test_other_origin_appends_the_encoded_session():
    cases = [
        ("http://127.0.0.2:8080/console?uuid=abc", "http://127.0.0.1:8080",
         "ws://127.0.0.2:8080/console?uuid=abc&session_id=OpaqueRef%3A0b6f-4c2e"),
        ("https://10.0.0.3/console?uuid=abc", "https://10.0.0.2",
         "wss://10.0.0.3/console?uuid=abc&session_id=OpaqueRef%3A0b6f-4c2e"),
        ("http://10.0.0.2/console?uuid=abc", "https://10.0.0.2",
         "ws://10.0.0.2/console?uuid=abc&session_id=OpaqueRef%3A0b6f-4c2e"),
        ("http://127.0.0.1:8081/console", "http://127.0.0.1:8080",
         "ws://127.0.0.1:8081/console?session_id=OpaqueRef%3A0b6f-4c2e"),
        ("https://10.0.0.3/console?uuid=abc#frag", "https://10.0.0.2",
         "wss://10.0.0.3/console?uuid=abc&session_id=OpaqueRef%3A0b6f-4c2e"),
    ]
    for location, origin, want in cases:
        got = console_ws_url(location, origin, SESSION)
        assert got == want, (location, origin, got, want)


def test_percent_encoding():
    cases = [
        ("abcXYZ019-_.~", "abcXYZ019-_.~"),
        ("OpaqueRef:x", "OpaqueRef%3Ax"),
        ("a b&c=d/e?f#g+h%", "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25"),
        ("\u00e9\u20ac", "%C3%A9%E2%82%AC"),
    ]
    for text, want in cases:
        assert percent_encode(text) == want, (text, percent_encode(text), want)


def test_split_url():
    assert split_url("https://h/x?y=1") == ("https", "h", 443, "/x?y=1")
    assert split_url("http://h:81") == ("http", "h", 81, "/")
    assert split_url("http://user@h?q") == ("http", "h", 80, "?q")
    assert split_url("https://[::1]:8443/c") == ("https", "[::1]", 8443, "/c")
    assert split_url("https://[::1]/c") == ("https", "[::1]", 443, "/c")
    assert origin_of("http://127.0.0.1:8080") == ("http", "127.0.0.1", 8080)
    try:
        split_url("/relative")
        assert False, "a relative URL has no origin"
    except ValueError:
        pass


def test_with_session_for_other_handlers():
    assert with_session("http://127.0.0.1:8080/rrd_updates?json=true", "http://127.0.0.1:8080", SESSION) == \
        "http://127.0.0.1:8080/rrd_updates?json=true"
    assert with_session("http://127.0.0.2:8080/rrd_updates", "http://127.0.0.1:8080", SESSION) == \
        "http://127.0.0.2:8080/rrd_updates?session_id=OpaqueRef%3A0b6f-4c2e"


def test_non_http_location_is_rejected():
    try:
        console_ws_url("ftp://h/console", "http://h", SESSION)
        assert False, "ftp is not a console scheme"
    except ValueError:
        pass


def test_plain_text_is_kept_and_anything_else_is_encoded_byte_by_byte():
    from lite_app.xapi.urls import percent_encode
    assert percent_encode("0b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b4a") == "0b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b4a"
    assert percent_encode("a.b_c~d-") == "a.b_c~d-" and percent_encode("") == "" and percent_encode("--") == "--"
    assert percent_encode("é") == "%C3%A9" and percent_encode("x²") == "x%C2%B2"
    assert percent_encode("a b/c?d=e&f%") == "a%20b%2Fc%3Fd%3De%26f%25"


def test_a_uuid_is_recognised_without_a_loop_and_nothing_else_is():
    from lite_app.xapi.urls import uuid_like
    assert uuid_like("0b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b4a") and uuid_like("0B5E4C1A-5D8A-4A1F-9C3B-2F8E7D6C5B4A")
    for text in ("0b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b4", "0b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b4g",
                 "+b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b4a", "0b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b_a",
                 " b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b4a", "0b5e4c1a-5d8a-4a1f-9c3b-2f8e7d6c5b\\ta",
                 "0b5e4c1a-5d8a-4a1f-9c3b-2f8e-d6c5b4ab", "é" * 36, ""):
        assert not uuid_like(text), text
