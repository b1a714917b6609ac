"""Replaying a pool's database: GET /pool/xmldbdump writes XAPI's format, --db starts from one.

The format is XAPI's db_xml.ml (through Xmlm), xml_spaces.ml and sExpr.ml. No database written by
XAPI itself is in its repository, so tests/sim/data/pool-dump.xml was built by hand from that code:
a 2-host pool as XAPI 5.909 would write it, with a table (Rate_limit) and a column
(VM.secureboot_certificates_state) this datamodel lacks, real addresses, protected spaces and
escaped S-expressions.
"""
import os
import re
import xml.etree.ElementTree as ET

import pytest

from support.xapi import PASSWORD, login, rpc_sync
from xapi_sim import dbxml, schema
from xapi_sim.dbdump import NOT_PERSISTED, column_names

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "data", "pool-dump.xml")
HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<database><manifest><pair key="schema_major_vsn"'


async def dump_of(http, running, session=None, query=""):
    cookies = {"session_id": session} if session else {}
    async with http.get(running.url + "/pool/xmldbdump" + query, cookies=cookies) as resp:
        return resp.status, await resp.read()


def persisted_records(sim):
    return {cls: {ref: sim.db.record(cls, ref) for ref in sim.db.all(cls)}
            for cls in schema.TABLES if cls not in NOT_PERSISTED}


async def test_dump_load_dump_is_byte_stable_and_keeps_every_record(start_sim, http, tmp_path):
    first = await start_sim(hosts=2, vms=8)
    session = await login(first.sim)
    vm = sorted(first.sim.db.all("VM"))[-1]
    await first.sim.call("VM.set_name_description", [session, vm, "100% up, it's \"quoted\"\t<ok>"])
    await first.sim.call("VM.add_to_other_config", [session, vm, "path", "C:\\temp 'x'"])
    status, dumped = await dump_of(http, first, session)
    assert status == 200 and dumped.startswith(HEADER)
    path = tmp_path / "pool.xml"
    path.write_bytes(dumped)
    second = await start_sim(hosts=2, vms=0, db_file=str(path))
    assert second.skipped == []
    assert persisted_records(second.sim) == persisted_records(first.sim)
    _status, again = await dump_of(http, second, await login(second.sim))
    assert again == dumped, "dump -> load -> dump changes nothing"


async def test_the_dump_is_xapis_format(running, session, http):
    _status, dumped = await dump_of(http, running, session)
    text = dumped.decode("utf-8")
    assert text.count("\n") == 1 and not text.endswith("\n")
    root = ET.fromstring(dumped)
    names = [t.get("name") for t in root.findall("table")]
    assert names == sorted(schema.CLASSES) and "Rate_limit" not in names
    for table in root.findall("table"):
        rows = table.findall("row")
        assert (not rows) == (table.get("name") in NOT_PERSISTED or table.get("name") not in schema.TABLES
                              or not running.sim.db.count(table.get("name")))
    vm_row = re.search(r'<table name="VM"><row ([^/]*)/>', text).group(1)
    attrs = re.findall(r'(\S+?)="', vm_row)
    assert attrs[:3] == ["ref", "__ctime", "__mtime"] and attrs[3:] == sorted(attrs[3:])
    assert {"name__label", "memory__static_max", "VCPUs__at_startup", "HVM__boot_policy", "_ref",
            "VBDs"} <= set(attrs) and "name_label" not in attrs
    assert 'name_label="Demo%.pool"' in text, "the pool's names are not in a namespace"
    assert column_names("host")["API_version_major"] == "API_version__major"


def test_value_strings_round_trip():
    for text in ("", "plain", "two  spaces\tand\nlines\r", "100%", "%.", "a%%b"):
        assert dbxml.unprotect(dbxml.protect(text)) == text
    assert dbxml.protect("a b%c") == "a%.b%%c"
    assert dbxml.unprotect("old%_style") == "old  style"       # xml_spaces.ml, backward compatible
    assert dbxml.sexpr_map([("it's", "C:\\x")]) == "(('it\\'s' 'C:\\\\x'))"
    assert dbxml.parse_sexpr("(('it\\'s' 'C:\\\\x') ('k' \"v\"))") == [["it's", "C:\\x"], ["k", "v"]]
    assert dbxml.sexpr_set([]) == "()" and dbxml.parse_sexpr("()") == []
    with pytest.raises(dbxml.FormatError):
        dbxml.parse_sexpr("('open'")


async def test_a_pool_replayed_from_a_xapi_database(start_sim, http):
    running = await start_sim(hosts=1, vms=0, db_file=SAMPLE)
    sim = running.sim
    assert running.skipped == ["column VM.secureboot_certificates_state", "table Rate_limit (1 rows)"]
    assert sim.config.addresses == ["127.0.0.1", "127.0.0.2"], "one address per host of the dump"
    session = await login(sim)
    vms = {v["name_label"]: (ref, v) for ref, v in (await sim.call("VM.get_all_records", [session])).items()}
    web_ref, web = vms["web-01"]
    assert web["name_description"] == "front end, 100% up"
    assert web["other_config"] == {"owner": "it's me", "path": "C:\\temp"}
    assert web["tags"] == ["prod", "team web"] and web["current_operations"] == {}
    assert "hard_shutdown" in web["allowed_operations"]
    assert web["VBDs"] and sim.db.get("VBD", web["VBDs"][0])["VM"] == web_ref
    assert (await sim.call("VM_metrics.get_record", [session, web["metrics"]]))["VCPUs_utilisation"] == {"0": 0.0}
    hosts = {h["name_label"]: h for h in (await sim.call("host.get_all_records", [session])).values()}
    assert hosts["pool-a1"]["address"] == "127.0.0.1" and hosts["pool-a2"]["address"] == "127.0.0.2"
    assert hosts["pool-a1"]["API_version_vendor"] == "XenSource"
    console = sim.db.get("console", web["consoles"][0])
    assert console["location"].startswith(running.url + "/console?uuid=")
    pool = sim.db.get("pool", sim.pool_ref())
    assert pool["name_label"] == "Lab pool" and sim.db.gen >= 4321
    halted_ref, _halted = vms["db-01"]
    await sim.call("VM.start", [session, halted_ref, False, False])
    assert sim.db.get("VM", halted_ref)["power_state"] == "Running"


async def test_the_handler_authenticates_and_completes_the_clients_task(running, session, http):
    status, _body = await dump_of(http, running)
    assert status == 401
    task = await running.sim.call("task.create", [session, "dump database", ""])
    status, body = await dump_of(http, running, session, "?task_id=" + task)
    assert status == 200 and body.startswith(HEADER)
    assert running.sim.db.get("task", task)["status"] == "success"
    doomed = await running.sim.call("task.create", [session, "dump database", ""])
    status, _body = await dump_of(http, running, None, "?session_id=OpaqueRef:nope&task_id=" + doomed)
    assert status == 401
    assert running.sim.db.get("task", doomed)["error_info"] == ["SESSION_AUTHENTICATION_FAILED"]


def test_the_cli_starts_from_a_database(spawn_sim):
    proc = spawn_sim("--db", SAMPLE, "--op-time", "0.02")
    session = rpc_sync(proc.url, "session.login_with_password", ["root", PASSWORD])
    names = sorted(v["name_label"] for v in rpc_sync(proc.url, "VM.get_all_records", [session]).values())
    assert names == ["Control domain on host: pool-a1", "db-01", "web-01"]
    assert "skipped table Rate_limit" in proc.stderr_text()
