"""The transport policy of the app's XAPI client: timeouts per method and the projection of big replies.

Pure (CPython and MicroPython); the browser is reached only through `env.rpc` (lite_app/browser.py).
An `event.from` may legitimately block for EVENT_TIMEOUT seconds, so its fetch gets EVENT_GRACE more; past
that the host is hung (it accepted the request and does not answer) and the Live loop says "not answering"
(at most 2 x EVENT_TIMEOUT + EVENT_GRACE = 8 s after a hang starts, see lite_app/xapi/sync.py). Every other call gets CALL_TIMEOUT. `get_all_records` replies are parsed by the browser and trimmed in JS to the
fields the views read (lite_app.logic.model.FIELDS), so Python parses only those (DESIGN §4); so are
`event.from`'s snapshots, except those of the records the app read whole (`events_spec`).
"""
import json

from lite_app.xapi.errors import TransportError
from lite_app.xapi.sync import EVENT_TIMEOUT

EVENT_GRACE = 2.0
EVENT_FETCH_TIMEOUT = EVENT_TIMEOUT + EVENT_GRACE  # the fetch outlives the call by the grace, no more
CALL_TIMEOUT = 15.0
RECORDS_SUFFIX = ".get_all_records"


def method_of(text):
    """The method name in a request text written by lite_app.xapi.jsonrpc (compact or spaced JSON)."""
    at = text.find('"method":')
    if at < 0:
        return ""
    start = text.find('"', at + 9) + 1
    return text[start:text.find('"', start)]


_MAKERS = {}


def maker(fields):
    """A function building a record from a row of `fields`' values: a dict display, compiled once per
    list of fields, makes each record at its final size (growing a dict key by key rehashes it)."""
    key = tuple(fields)
    found = _MAKERS.get(key)
    if found is None:
        pairs = ["%s: r[%d]" % (json.dumps(str(name)), i) for i, name in enumerate(fields)]
        found = _MAKERS[key] = eval("lambda r: {" + ", ".join(pairs) + "}")
    return found


def expand(compact):
    """{ref: record} from the bridge's columns of a get_all_records reply: [fields, refs, rows, others]."""
    fields, refs, rows, others = compact
    out = dict(zip(refs, map(maker(fields), rows)))
    for ref in others:
        out[ref] = others[ref]
    return out


def events_spec(fields, whole):
    """The JSON the bridge projects event.from's snapshots by: {"fields": {class in lower case: [field]},
    "whole": [ref]} (`fields` as lite_app.logic.model.FIELDS; `whole`, the refs read whole with get_record,
    whose events keep every field)."""
    lower = {}
    for cls in fields:
        lower[cls.lower()] = list(fields[cls])
    return json.dumps({"fields": lower, "whole": sorted(whole)})


def make_transport(env, fields_json, events=None):
    """An async transport for lite_app.xapi.client.Client; `fields_json` is {class: JSON list of fields};
    `events()`, when given, the events_spec text for event.from's replies."""
    async def transport(text):
        method = method_of(text)
        timeout = EVENT_FETCH_TIMEOUT if method == "event.from" else CALL_TIMEOUT
        fields = None
        if method.endswith(RECORDS_SUFFIX):
            fields = fields_json.get(method[:-len(RECORDS_SUFFIX)])
        elif method == "event.from" and events is not None:
            fields = events()
        reply = await env.rpc(text, timeout, fields)
        started = env.clock_ms() if fields is not None and method != "event.from" else None
        try:
            decoded = json.loads(reply)
        except ValueError:
            raise TransportError("protocol", None, "the reply is not JSON")
        if started is not None:
            result = decoded.get("result") if isinstance(decoded, dict) else None
            if isinstance(result, list):
                decoded["result"] = expand(result)
            env.measure("xl-decode " + method, started)  # bench/app.py: moving a big reply into Python
        return decoded
    return transport
