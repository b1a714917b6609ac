"""Wire codecs of the simulated XAPI: JSON-RPC (`jsonrpc`) and XML-RPC (`xmlrpc`).

Both write exactly what XAPI writes (ocaml-rpc's output forms), because third-party clients depend on
those forms byte for byte. This package holds what both codecs share: the error for requests XAPI
answers with an HTML 500, the body of that answer, the reply content types, and the UTF-8 encoder
that gives back any invalid bytes a request smuggled in.
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


def _raw_bytes_handler(error):
    # XAPI handles strings as bytes, so invalid UTF-8 it receives goes back out unchanged. Requests are
    # decoded with surrogateescape (U+DC80..U+DCFF stand for the bytes 0x80..0xFF); other lone
    # surrogates (from JSON \ud800 escapes) are written the way OCaml would hold them, as 3 raw bytes.
    out = bytearray()
    for ch in error.object[error.start:error.end]:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(code - 0xDC00)
        else:
            out += ch.encode("utf-8", "surrogatepass")
    return bytes(out), error.end


_RAW = "xapi_sim.raw_bytes"
codecs.register_error(_RAW, _raw_bytes_handler)


def utf8_bytes(text):
    """Encode reply text as UTF-8, writing escaped invalid input bytes back as they came."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", _RAW)
