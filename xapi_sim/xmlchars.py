"""What XAPI's database accepts in a string: UTF-8 that XML can hold (Xapi_stdext_encodings.Utf8.XML).

Control characters other than tab, line feed and carriage return have no place in XML, and XAPI's
database is XML on disk, so (ocaml/database/db_cache_impl.ml):
- a field write (every setter) holding one is refused: Db_exn.Invalid_value, which reaches the
  client as INTERNAL_ERROR ["Db_exn.Invalid_value"];
- a created row, and a key or value added to a map or set (create_row, process_structured_field),
  is cut at its first such character instead.
Invalid UTF-8 (lone surrogates included) never gets this far: dispatch refuses it (INVALID_VALUE).
U+FFFE and U+FFFF are valid UTF-8 and XAPI stores them; the XML-RPC writer leaves them out
(codecs/xmlrpc.py), since no XML may contain them.
"""
import re

from .errors import XapiFailure

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
INVALID_VALUE = "Db_exn.Invalid_value"


def legal(value):
    """True if every string in `value` (a string, a set's items, a map's keys and values) is legal."""
    kind = type(value)
    if kind is str or isinstance(value, str):
        return ILLEGAL.search(value) is None
    if kind is list:
        return all(legal(item) for item in value)
    if kind is dict:
        return all(legal(k) and legal(v) for k, v in value.items())
    return True


def refuse_illegal(changes):
    """Raise what XAPI's write_field raises if any written value holds an illegal character."""
    for value in changes.values():
        if not legal(value):
            raise XapiFailure("INTERNAL_ERROR", INVALID_VALUE)


def truncated(value):
    """`value` with each string cut at its first illegal character (ensure_utf8_xml)."""
    if isinstance(value, str):
        found = ILLEGAL.search(value)
        return value if found is None else type(value)(value[:found.start()])
    if type(value) is list:
        return [truncated(item) for item in value]
    if type(value) is dict:
        return {truncated(k): truncated(v) for k, v in value.items()}
    return value


def truncated_fields(fields):
    if all(legal(v) for v in fields.values()):
        return fields
    return {name: truncated(value) for name, value in fields.items()}
