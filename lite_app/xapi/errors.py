"""Errors raised by the XAPI client.

XapiError is an API failure reported by XAPI (HTTP 200 with an error in the body); its `code` is the
XAPI error name (`SESSION_INVALID`, `VM_BAD_POWER_STATE`, ...) and `params` the strings after it.
XAPI writes it in two wire forms, both accepted here:
- JSON-RPC V2: `{"code": 1, "message": CODE, "data": [p1, ...]}`
- JSON-RPC V1, XML-RPC `ErrorDescription` and task `error_info`: `[CODE, p1, ...]`

TransportError means no usable answer came back, so the UI can tell "host unreachable" or "timed
out" from "server error". Its `kind` is one of TRANSPORT_KINDS.
"""

TRANSPORT_KINDS = ("unreachable", "timeout", "http", "protocol")


class XapiError(Exception):
    """An XAPI failure: `code` (str) and `params` (list of str)."""

    def __init__(self, code, params=None):
        self.code = str(code)
        self.params = [str(p) for p in (params or [])]
        super().__init__(self.code, self.params)

    def __str__(self):
        if not self.params:
            return self.code
        return self.code + " " + ", ".join(self.params)

    def __repr__(self):
        return "XapiError(%r, %r)" % (self.code, self.params)

    @classmethod
    def from_wire(cls, error):
        """Build from either wire form; anything else becomes INTERNAL_ERROR with its text."""
        if isinstance(error, dict) and "message" in error:
            data = error.get("data")
            if isinstance(data, list):
                return cls(error["message"], data)
            # V2 servers other than XAPI may send a scalar or nothing as data.
            return cls(error["message"], [] if data is None else [data])
        if isinstance(error, (list, tuple)) and error:
            return cls(error[0], list(error[1:]))
        return cls("INTERNAL_ERROR", [str(error)])


class TransportError(Exception):
    """The request got no usable reply: `kind` in TRANSPORT_KINDS, `status` the HTTP status or None.

    - unreachable: the connection failed (network down, host gone, CORS refusal)
    - timeout: no reply in time
    - http: a reply with a status other than 200 (XAPI sends 500 for malformed requests)
    - protocol: a 200 reply that is not a JSON-RPC answer to our request (bad body, wrong id)
    """

    def __init__(self, kind, status=None, detail=""):
        if kind not in TRANSPORT_KINDS:
            raise ValueError("unknown transport error kind: " + str(kind))
        self.kind = kind
        self.status = status
        self.detail = detail
        super().__init__(kind, status, detail)

    def __str__(self):
        text = self.kind
        if self.status is not None:
            text += " " + str(self.status)
        if self.detail:
            text += ": " + self.detail
        return text

    def __repr__(self):
        return "TransportError(%r, %r, %r)" % (self.kind, self.status, self.detail)
