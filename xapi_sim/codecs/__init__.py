"""Wire codecs of the simulated XAPI: JSON-RPC (`jsonrpc`) and XML-RPC (`xmlrpc`).

Both write exactly what XAPI writes (ocaml-rpc's output forms), because third-party clients depend on
those forms byte for byte. This package holds what both codecs share: the error for requests XAPI
answers with an HTML 500, the body of that answer, the reply content types, and the UTF-8 encoder.

One departure: XAPI echoes invalid UTF-8 it was sent (INVALID_VALUE's param) byte for byte, making
its reply invalid UTF-8 itself; the simulator never sends invalid UTF-8 and writes U+FFFD there.
"""
import codecs
import html

JSON_CONTENT_TYPE = "application/json"
XML_CONTENT_TYPE = "text/xml"

_HTTP_500_HEAD = (
    "<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while"
    " and try again. If the problem persists, please contact your support representative."
    "<h1> Additional information </h1>"
)


class MalformedRequest(Exception):
    """A request XAPI cannot even parse; its message goes into the HTML 500 body."""


def http_500_body(detail):
    """XAPI's HTML body for a malformed request, with `detail` escaped."""
    return (_HTTP_500_HEAD + html.escape(detail, quote=False) + "</body></html>").encode("utf-8")


_REPLACE = "xapi_sim.replacement_character"


def _replacement(error):
    # U+FFFD for each character UTF-8 cannot hold (CPython's encoder takes bytes here, not text)
    return b"\xef\xbf\xbd" * (error.end - error.start), error.end


codecs.register_error(_REPLACE, _replacement)


def utf8_bytes(text):
    """Encode reply text as UTF-8; what cannot be (bytes a request smuggled in, kept as lone
    surrogates) becomes U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", _REPLACE)
