"""GET /export and PUT /import over real loopback sockets: headers, tasks, sessions, refusals,
redirects, the import reply before the body, and round trips with aiohttp, raw sockets and the
XenAPI SDK plus urllib."""
import asyncio
import gzip
import io
import json
import os
import tarfile
import urllib.error
import urllib.request
import xmlrpc.client

import aiohttp
import pytest
import XenAPI

from support.waiting import until as wait_until
from support.xapi import PASSWORD, login

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from test_xva import halted_vm, summary, with_disks
from xapi_sim import inventory, server, vmstate
from xapi_sim.handlers import transfer
from xapi_sim.sim import Config, Simulator

NULL = "OpaqueRef:NULL"


class Pool:
    def __init__(self, sim, runner, url):
        self.sim, self.db, self.runner, self.url = sim, sim.db, runner, url


@pytest.fixture
async def pool():
    sim = Simulator(Config(hosts=2, vms=8, op_time=0.02, port=0))
    app = server.make_app(sim)
    routes = {(r.method, r.resource.canonical) for r in app.router.routes()}
    if ("GET", "/export") not in routes:     # until handlers.add_routes mounts them itself
        transfer.add_routes(app)
    runner, port = await server.start(app, sim.config.addresses, 0)
    sim.config.port = port
    inventory.build(sim)
    yield Pool(sim, runner, "http://127.0.0.1:%d" % port)
    sim.close()              # first: ends imports still waiting for a body
    await runner.cleanup()


@pytest.fixture
async def session(pool):
    return await login(pool.sim)


async def new_task(pool, session):
    return await pool.sim.call("task.create", [session, "test transfer", ""])


async def finished(pool, task):
    await wait_until(lambda: pool.db.get("task", task)["status"] != "pending")
    return pool.db.get("task", task)


def result_refs(task_rec):
    return xmlrpc.client.loads("<methodResponse><params><param>%s</param></params>"
                               "</methodResponse>" % task_rec["result"])[0][0]


def tar_names(body):
    with tarfile.open(fileobj=io.BytesIO(body), mode="r|") as tar:
        return [m.name for m in tar]


async def export(http, pool, session, vm, task=None, **query):
    params = dict(query, session_id=session, ref=vm)
    if task:
        params["task_id"] = task
    async with http.get(pool.url + "/export", params=params, allow_redirects=False) as resp:
        return resp, await resp.read()


async def put(http, pool, session, body, task=None, **query):
    params = dict(query, session_id=session)
    if task:
        params["task_id"] = task
    async with http.put(pool.url + "/import", params=params, data=body,
                        allow_redirects=False) as resp:
        return resp, await resp.read()


# ---------------------------------------------------------------- export
async def test_export_streams_an_xva_while_the_vm_shows_export(pool, session, http):
    vm = halted_vm(pool.db)
    task = await new_task(pool, session)
    params = {"session_id": session, "ref": vm, "task_id": task}
    async with http.get(pool.url + "/export", params=params) as resp:
        assert resp.status == 200
        assert resp.headers["task-id"] == task
        assert resp.headers["Content-Type"] == "application/octet-stream"
        assert resp.headers["Content-Disposition"] == 'attachment; filename="export.xva"'
        first = await resp.content.readexactly(512)
        assert pool.db.get("VM", vm)["current_operations"] == {task: "export"}
        assert "start" not in pool.db.get("VM", vm)["allowed_operations"]
        body = first + await resp.read()
    assert tar_names(body)[0] == "ova.xml"
    rec = await finished(pool, task)
    assert rec["status"] == "success" and rec["progress"] == 1.0
    assert pool.db.get("VM", vm)["current_operations"] == {}
    assert "start" in pool.db.get("VM", vm)["allowed_operations"]


async def test_export_by_uuid_with_gzip(pool, session, http):
    vm = halted_vm(pool.db)
    params = {"session_id": session, "uuid": pool.db.get("VM", vm)["uuid"],
              "use_compression": "true"}
    async with http.get(pool.url + "/export", params=params) as resp:
        body = await resp.read()
    assert body[:2] == b"\x1f\x8b"
    names = tar_names(gzip.decompress(body))
    assert names[0] == "ova.xml" and names[2].endswith("/00000000.checksum")
    assert len(body) < 64 * 1024
    assert not pool.db.find("task", name_label="VM.export")   # its own task is gone


@pytest.mark.parametrize("case, query, code", [
    ("running", {}, "VM_BAD_POWER_STATE"),
    ("zstd", {"use_compression": "zstd"}, "INTERNAL_ERROR"),
    ("bad uuid", {"uuid": "nope"}, "UUID_INVALID"),
])
async def test_export_failures_are_500_with_the_task_failed(pool, session, http, case, query, code):
    vm = halted_vm(pool.db)
    if case == "running":
        vmstate.enter_running(pool.db, vm, pool.sim.master_ref())
    task = await new_task(pool, session)
    params = dict({"session_id": session, "task_id": task, "ref": vm}, **query)
    if "uuid" in query:
        del params["ref"]
    async with http.get(pool.url + "/export", params=params) as resp:
        assert resp.status == 500
    rec = pool.db.get("task", task)
    assert rec["status"] == "failure" and rec["error_info"][0] == code
    if case == "running":
        assert rec["error_info"] == [code, vm, "halted, suspended", "running"]
    assert pool.db.get("VM", vm)["current_operations"] == {}


async def test_session_from_cookie_or_query_else_401_failing_the_task(pool, session, http):
    vm = halted_vm(pool.db)
    url = pool.url + "/export?ref=" + vm
    async with aiohttp.ClientSession(cookies={"session_id": session}) as with_cookie:
        async with with_cookie.get(url) as resp:
            assert resp.status == 200 and (await resp.read())[:7] == b"ova.xml"
    async with http.get(url + "&session_id=" + session) as resp:
        assert resp.status == 200
    for bad in ("", "&session_id=OpaqueRef:nope"):
        task = await new_task(pool, session)
        async with http.get(url + bad + "&task_id=" + task) as resp:
            assert resp.status == 401 and "WWW-Authenticate" in resp.headers
        assert pool.db.get("task", task)["error_info"] == ["SESSION_AUTHENTICATION_FAILED"]
    async with http.put(pool.url + "/import", data=b"x") as resp:
        assert resp.status == 401


def local_sr(db, host):
    return [s for s in db.find("SR", shared=False, content_type="user")
            if {db.get("PBD", p)["host"] for p in db.referrers("SR", "PBDs", s)} == {host}][0]


def master_local_sr(pool):
    return local_sr(pool.db, pool.sim.master_ref())


async def test_export_from_a_host_that_cannot_see_the_disks_redirects(pool, session, http):
    db = pool.db
    member = sorted(h for h in db.all("host") if h != pool.sim.master_ref())[0]
    local = local_sr(db, member)
    vm = halted_vm(db)
    vdi = db.get("VBD", with_disks(db, vm)[0])["VDI"]
    db.set("VDI", vdi, "SR", local)
    resp, _ = await export(http, pool, session, vm)
    assert resp.status == 302
    member_url = pool.url.replace("127.0.0.1", "127.0.0.2")
    assert resp.headers["Location"].startswith(member_url + "/export?")
    resp, _ = await put(http, pool, session, b"", sr_id=local)
    assert resp.status == 302


# ---------------------------------------------------------------- import
async def test_round_trip_over_http_gives_an_equivalent_vm(pool, session, http):
    db = pool.db
    vm = halted_vm(db)
    _, body = await export(http, pool, session, vm, use_compression="gzip")
    task = await new_task(pool, session)
    resp, _ = await put(http, pool, session, body, task, restore="true")
    assert resp.status == 200 and resp.headers["task-id"] == task
    rec = await finished(pool, task)
    assert rec["status"] == "success", rec["error_info"]
    assert rec["other_config"] == {"object_creation": "complete"}
    new = result_refs(rec)
    assert len(new) == 1 and new[0] != vm
    assert summary(db, new[0]) == summary(db, vm)
    assert db.get("VM", new[0])["current_operations"] == {}


async def test_import_answers_before_reading_the_body(pool, session, http):
    """200 and task-id arrive while most of the body is still unsent; then the VM appears."""
    _, body = await export(http, pool, session, halted_vm(pool.db))
    task = await new_task(pool, session)
    reader, writer = await asyncio.open_connection("127.0.0.1", pool.sim.config.port)
    try:
        writer.write(("PUT /import?session_id=%s&task_id=%s HTTP/1.1\r\nHost: x\r\n"
                      "Content-Length: %d\r\n\r\n" % (session, task, len(body))).encode()
                     + body[:1000])
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200") and ("task-id: %s" % task).encode() in head
        assert pool.db.get("task", task)["status"] == "pending"
        writer.write(body[1000:])
        await writer.drain()
        rec = await finished(pool, task)
    finally:
        writer.close()
    assert rec["status"] == "success" and len(result_refs(rec)) == 1


async def test_unknown_length_hack_and_truncated_body(pool, session, http):
    """npm's huge Content-Length then close succeeds; a body cut short fails and leaves nothing."""
    _, body = await export(http, pool, session, halted_vm(pool.db))
    before = pool.db.count("VM")
    outcomes = []
    for length, sent in ((1125899906842624, body), (len(body), body[:-3 * 1024 * 1024])):
        task = await new_task(pool, session)
        _, writer = await asyncio.open_connection("127.0.0.1", pool.sim.config.port)
        writer.write(("PUT /import?session_id=%s&task_id=%s HTTP/1.1\r\nHost: x\r\n"
                      "Content-Length: %d\r\n\r\n" % (session, task, length)).encode() + sent)
        await writer.drain()
        writer.close()
        outcomes.append(await finished(pool, task))
    assert outcomes[0]["status"] == "success"
    assert outcomes[1]["error_info"] == ["IMPORT_ERROR_PREMATURE_EOF"]
    assert pool.db.count("VM") == before + 1


async def test_import_refusals(pool, session, http):
    db = pool.db
    iso = sorted(db.find("SR", content_type="iso"))[0]
    refusals = []
    for data, query in ((b"junk", {"sr_id": iso}), (chunks(b"junk"), {})):
        task = await new_task(pool, session)
        resp, _ = await put(http, pool, session, data, task, **query)
        refusals.append((resp.status, db.get("task", task)["error_info"]))
    assert refusals == [(400, ["SR_OPERATION_NOT_SUPPORTED"]),
                        (403, ["IMPORT_ERROR_CANNOT_HANDLE_CHUNKED"])]
    task = await new_task(pool, session)
    resp, _ = await put(http, pool, session, b"not a tar" * 200, task)
    assert resp.status == 200
    assert (await finished(pool, task))["error_info"][0] == "IMPORT_ERROR"


async def chunks(data):
    yield data


async def test_empty_probe_put_creates_nothing(pool, session, http):
    counts = {cls: pool.db.count(cls) for cls in ("VM", "task", "VDI")}
    resp, body = await put(http, pool, session, b"")
    assert (resp.status, body, "task-id" in resp.headers) == (200, b"", False)
    assert {cls: pool.db.count(cls) for cls in counts} == counts


async def test_xenapi_sdk_session_with_urllib(pool, session):
    """The official SDK logs in and makes the task; urllib moves the bytes, as its docs show."""
    vm = halted_vm(pool.db)
    sr_uuid = pool.db.get("SR", master_local_sr(pool))["uuid"]

    def transfer_with_sdk():
        api = XenAPI.Session(pool.url)
        api.xenapi.login_with_password("root", PASSWORD, "1.0", "tests")
        sid = api._session
        task = api.xenapi.task.create("export", "")
        body = urllib.request.urlopen("%s/export?session_id=%s&task_id=%s&uuid=%s" % (
            pool.url, sid, task, api.xenapi.VM.get_uuid(vm))).read()
        exported = api.xenapi.task.get_record(task)
        task = api.xenapi.task.create("import", "")
        request = urllib.request.Request("%s/import?session_id=%s&task_id=%s&sr_uuid=%s" % (
            pool.url, sid, task, sr_uuid), data=body, method="PUT")
        with urllib.request.urlopen(request) as resp:
            assert resp.headers["task-id"] == task
            resp.read()
        return exported, task

    exported, task = await asyncio.to_thread(transfer_with_sdk)
    assert exported["status"] == "success"
    rec = await finished(pool, task)
    new = result_refs(rec)
    assert summary(pool.db, new[0])[1] == summary(pool.db, vm)[1]
    assert {pool.db.get("SR", pool.db.get("VDI", pool.db.get("VBD", b)["VDI"])["SR"])["uuid"]
            for b in with_disks(pool.db, new[0])} == {sr_uuid}
    with pytest.raises(urllib.error.HTTPError) as err:
        await asyncio.to_thread(urllib.request.urlopen, pool.url + "/export?ref=" + vm)
    assert err.value.code == 401


async def test_a_client_leaving_mid_export_fails_the_task_and_unlocks_the_vm(pool, session):
    vm = halted_vm(pool.db)
    task = await new_task(pool, session)
    reader, writer = await asyncio.open_connection("127.0.0.1", pool.sim.config.port)
    writer.write(("GET /export?session_id=%s&task_id=%s&ref=%s HTTP/1.1\r\nHost: x\r\n\r\n"
                  % (session, task, vm)).encode())
    await reader.readexactly(4096)
    assert pool.db.get("VM", vm)["current_operations"] == {task: "export"}
    writer.transport.abort()
    rec = await finished(pool, task)
    assert rec["status"] == "failure" and rec["error_info"][0] == "CLIENT_ERROR"
    assert pool.db.get("VM", vm)["current_operations"] == {}


NODE_SCRIPT = r"""
import { Readable } from 'node:stream'
import { createClient } from 'xen-api'

const xapi = createClient({ url: process.env.XAPI_URL, allowUnauthorized: true,
                            auth: { user: 'root', password: process.env.XAPI_PASSWORD } })
await xapi.connect()
await xapi.objectsFetched
const response = await xapi.getResource('/export/', {
  query: { ref: process.env.VM_REF, use_compression: 'true' }, task: true })
const chunks = []
for await (const chunk of response.body) chunks.push(chunk)
await response.task
const body = Buffer.concat(chunks)
// a stream without a length: the probe PUT, then the 1 PiB Content-Length and a cut connection
const result = await xapi.putResource(Readable.from([body]), '/import/', {
  query: { sr_id: process.env.SR_REF }, task: true })
console.log(JSON.stringify({ bytes: body.length, gzip: body[0] === 0x1f, result }))
await xapi.disconnect()
"""


async def test_npm_xen_api_get_and_put_resource(pool, session):
    """Xen Orchestra's client: getResource('/export/') then putResource of an unsized stream."""
    vm = halted_vm(pool.db)
    sr = master_local_sr(pool)
    before = set(pool.db.all("VM"))
    env = dict(os.environ, XAPI_URL=pool.url, XAPI_PASSWORD=PASSWORD, VM_REF=vm, SR_REF=sr)
    proc = await asyncio.create_subprocess_exec(
        "node", "--input-type=module", "-e", NODE_SCRIPT, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    report = json.loads(out.decode().strip().splitlines()[-1])
    assert report["gzip"] and report["bytes"] > 512
    new = sorted(set(pool.db.all("VM")) - before)
    assert report["result"] == new and len(new) == 1
    assert summary(pool.db, new[0])[1] == summary(pool.db, vm)[1]
    assert pool.db.get("VM", new[0])["current_operations"] == {}
    assert "missing length" in err.decode()       # the unsized-stream path was taken
