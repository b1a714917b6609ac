"""Value types that the wire codecs must tell apart beyond plain Python types.

Records hold plain JSON-able values (str, int, float, bool, list, dict). Two XAPI types need a marker
so the XML-RPC codec can emit them exactly as XAPI does:
- DateTime: a str subclass holding `YYYYMMDDThh:mm:ssZ`; JSON writes it as a string, XML-RPC as
  `<dateTime.iso8601>`.
- Int32: an int subclass; XML-RPC writes it as `<i4>` (only `valid_ref_counts` uses it); every other
  int is XAPI's int64, written untyped (`<value>123</value>`).
"""
import time

EPOCH = "19700101T00:00:00Z"


class DateTime(str):
    """A XAPI datetime in the basic form `YYYYMMDDThh:mm:ssZ`."""

    __slots__ = ()


class Int32(int):
    """An int that XML-RPC must write as <i4>."""

    __slots__ = ()


def datetime_of_epoch(seconds):
    """DateTime for a Unix time in seconds (fractions dropped)."""
    return DateTime(time.strftime("%Y%m%dT%H:%M:%SZ", time.gmtime(int(seconds))))


def now():
    return datetime_of_epoch(time.time())


def parse_datetime(text):
    """Accept basic (20240131T12:34:56Z) or dashed (2024-01-31T12:34:56Z) forms; no zone = UTC.

    Returns the canonical DateTime or raises ValueError.
    """
    s = text.strip().replace("-", "")
    if s.endswith("Z"):
        s = s[:-1]
    for sep in ("+0000", "+00:00"):
        if s.endswith(sep):
            s = s[:-len(sep)]
    if "." in s:
        s = s.split(".", 1)[0]
    parsed = time.strptime(s, "%Y%m%dT%H:%M:%S")
    return DateTime(time.strftime("%Y%m%dT%H:%M:%SZ", parsed))
