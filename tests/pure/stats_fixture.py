"""Pages with stats and rrd_updates replies, for the stats tests (pure)."""
import json

import views_fixture as fx

PAGE = "http://127.0.0.1:8080"
MEMBER = "http://127.0.0.2:8080"
WEB = "uuid-web-01"
SESSION = "OpaqueRef:s3cr3t"


class Client:
    session = SESSION


def state_at(page="vm", params=None):
    state = fx.page_state(page, params)
    state.client = Client()
    return state


def reply(uuid, kind="vm", rows=((1000, "0.25"), (995, "0.5"), (990, "NaN"))):
    """An rrd_updates reply (newest row first) with a cpu_usage (or cpu_avg) and a memory column."""
    ds = "cpu_usage" if kind == "vm" else "cpu_avg"
    legend = ["AVERAGE:%s:%s:%s" % (kind, uuid, ds), "AVERAGE:%s:%s:memory" % (kind, uuid)]
    data = [{"t": str(t), "values": [v, "1073741824.0"]} for t, v in rows]
    meta = {"start": str(rows[-1][0]), "step": "5", "end": str(rows[0][0]), "legend": legend}
    return json.dumps({"meta": meta, "data": data})
