"""XAPI API errors: an error code plus string parameters, sent as a Failure (never an HTTP error)."""


class XapiFailure(Exception):
    """An API-level failure; `description` is XAPI's ErrorDescription: [CODE, param, ...]."""

    def __init__(self, code, *params):
        self.description = [code] + [str(p) for p in params]
        super().__init__(self.description)

    @property
    def code(self):
        return self.description[0]

    @property
    def params(self):
        return self.description[1:]


def internal_error(text):
    return XapiFailure("INTERNAL_ERROR", text)
