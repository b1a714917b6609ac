"""A VM's statistics outlive its runs, and whole RRDs are served at /host_rrd and /vm_rrd.

XAPI archives a VM's RRD when it halts or suspends (xapi_vm_lifecycle.ml `archive_rrd`) and restores
it when the VM starts (message_forwarding.ml `push_rrd`): the week chart of a VM started an hour ago
still shows the days it ran before. /host_rrd and /vm_rrd give the full RRD (rrd.ml `xml_to_output`,
`Json.rrd`), served by rrdd behind xapi's rrdd_proxy.ml.
"""
import json
import math
import xml.etree.ElementTree as ET

import pytest

from support.xapi import guest_refs
from xapi_sim import inventory, rrd_format
from xapi_sim.rrd_sources import describe
from xapi_sim.sim import Config, Simulator

HOUR, DAY = 3600, 86400
ROWS = [120, 120, 168, 366]       # xcp-rrdd's timescales: 5 s, 1 min, 1 h, 1 day


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
async def timed():
    """(simulator on a test clock, its clock, a root session); operations take no time."""
    clock = Clock(1_700_000_002.5)
    sim = Simulator(Config(hosts=1, vms=4, op_time=0.0, session_timeout=30 * DAY), clock=clock)
    inventory.build(sim)
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    yield sim, clock, session
    sim.close()


def week_chart(sim, vm):
    """The hourly AVERAGE cpu_usage rows of `vm` for the last week, oldest first: [(t, value)]."""
    db = sim.db
    host = db.get("VM", vm)["resident_on"]
    uuid = db.get("VM", vm)["uuid"]
    pairs = [("start", str(-7 * DAY)), ("interval", str(HOUR)), ("vm_uuid", uuid), ("json", "")]
    _ctype, body = rrd_format.render(pairs, None, *describe(db, host), now=sim.clock())
    doc = json.loads(body)
    column = doc["meta"]["legend"].index("AVERAGE:vm:%s:cpu_usage" % uuid)
    assert doc["meta"]["step"] == str(HOUR)
    return sorted((int(row["t"]), float(row["values"][column])) for row in doc["data"])


async def test_a_restarted_vms_week_chart_keeps_its_earlier_days(timed):
    sim, clock, session = timed
    vm = guest_refs(sim.db, "Halted")[0]
    first_start = clock.now
    await sim.call("VM.start", [session, vm, False, False])
    clock.now += 2 * DAY
    stopped = clock.now
    await sim.call("VM.hard_shutdown", [session, vm])
    clock.now += DAY
    restarted = clock.now
    await sim.call("VM.start", [session, vm, False, False])
    clock.now += HOUR
    rows = week_chart(sim, vm)
    ran_before = [v for t, v in rows if first_start + HOUR <= t <= stopped]
    halted = [v for t, v in rows if stopped + HOUR <= t <= restarted]
    assert len(ran_before) >= 46 and all(not math.isnan(v) for v in ran_before), \
        "the days of the first run are still in the chart"
    assert halted and all(math.isnan(v) for v in halted), "nothing is known while it was halted"
    assert not math.isnan(rows[-1][1]), "and the hour since the restart is there"


async def test_destroying_a_vm_drops_its_archive(timed):
    sim, clock, session = timed
    vm = guest_refs(sim.db, "Halted")[0]
    uuid = sim.db.get("VM", vm)["uuid"]
    await sim.call("VM.start", [session, vm, False, False])
    clock.now += HOUR
    await sim.call("VM.hard_shutdown", [session, vm])
    assert sim.db.rrd_runs[uuid] and sim.db.rrd_runs[uuid][-1][1] == clock.now
    await sim.call("VM.destroy", [session, vm])
    assert uuid not in sim.db.rrd_runs


# -- /host_rrd and /vm_rrd over HTTP ---------------------------------------------------------------

async def fetch(http, url, session, accept="text/xml"):
    headers = {"Cookie": "session_id=" + session}
    if accept:
        headers["Accept"] = accept
    async with http.get(url, headers=headers, allow_redirects=False,
                        skip_auto_headers=() if accept else ("Accept",)) as resp:
        return resp.status, resp.headers, await resp.read()


def check_xml_rrd(body, ds_names):
    root = ET.fromstring(body)
    assert root.tag == "rrd" and root.findtext("version") == "0003" and root.findtext("step") == "5"
    assert [ds.findtext("name") for ds in root.findall("ds")] == ds_names
    for ds in root.findall("ds"):
        assert ds.findtext("minimal_heartbeat") == "300"
    rras = root.findall("rra")
    assert [len(r.find("database").findall("row")) for r in rras] == ROWS
    for rra in rras:
        assert rra.findtext("cf") == "AVERAGE"
        assert len(rra.find("cdp_prep").findall("ds")) == len(ds_names)
        assert all(len(row.findall("v")) == len(ds_names) for row in rra.find("database"))
    return root


async def test_host_rrd_is_the_whole_rrd_of_the_host_reached(running, session, http):
    sim = running.sim
    status, headers, body = await fetch(http, running.url + "/host_rrd", session)
    assert status == 200 and headers["Content-Type"] == "text/xml"
    assert headers["Access-Control-Allow-Origin"] == "*"
    root = check_xml_rrd(body, [n for n, _ in host_sources(sim)])
    assert abs(int(root.findtext("lastupdate")) - sim.clock()) < 5
    status, headers, body = await fetch(http, running.url + "/host_rrd?json", session, accept=None)
    doc = json.loads(body)
    assert headers["Content-Type"] == "application/json" and doc["version"] == "0003"
    assert [len(r["database"]) for r in doc["rra"]] == ROWS
    status, _headers, _body = await fetch(http, running.url + "/host_rrd", "OpaqueRef:nope")
    assert status == 401


def host_sources(sim):
    from xapi_sim import rrd_series
    host, vms, _srs = describe(sim.db, sim.master_ref())
    return rrd_series.host_sources(host, vms)


async def test_vm_rrd_live_elsewhere_archived_or_missing(running, session, http):
    sim = running.sim
    db = sim.db
    status, _headers, _body = await fetch(http, running.url + "/vm_rrd", session)
    assert status == 400
    here = [v for v in guest_refs(db, "Running") if db.get("VM", v)["resident_on"] == sim.master_ref()]
    there = [v for v in guest_refs(db, "Running") if db.get("VM", v)["resident_on"] != sim.master_ref()]
    uuid = db.get("VM", here[0])["uuid"]
    status, _headers, body = await fetch(http, running.url + "/vm_rrd?uuid=" + uuid, session)
    root = check_xml_rrd(body, [ds.findtext("name") for ds in ET.fromstring(body).findall("ds")])
    assert status == 200 and root.find("ds").findtext("name") == "cpu0"
    other = db.get("VM", there[0])
    status, headers, _body = await fetch(http, running.url + "/vm_rrd?uuid=" + other["uuid"], session)
    member = db.get("host", other["resident_on"])["address"]
    assert status == 302 and headers["Location"].startswith("http://%s:" % member)
    assert headers["Location"].endswith("/vm_rrd?uuid=" + other["uuid"])
    never_ran = db.get("VM", guest_refs(db, "Halted")[0])["uuid"]
    status, _headers, _body = await fetch(http, running.url + "/vm_rrd?uuid=" + never_ran, session)
    assert status == 404
    await sim.call("VM.hard_shutdown", [session, here[0]])
    status, _headers, body = await fetch(http, running.url + "/vm_rrd?uuid=" + uuid, session)
    assert status == 200, "the master serves a halted VM's archived RRD"
    assert int(ET.fromstring(body).findtext("lastupdate")) == int(db.rrd_runs[uuid][-1][1])
