"""PUT /import_raw_vdi and GET /export_raw_vdi over loopback sockets (import_raw_vdi.ml,
export_raw_vdi.ml, importexport.ml, vhd_tool_wrapper.ml): a 50 MiB image up and back byte for
byte with progress and bounded memory, cancel, refusals and failures, ISO libraries that take
uploads and those that do not."""
import asyncio
import hashlib
import tracemalloc
import xmlrpc.client

import aiohttp
import pytest

from support.waiting import until
from xapi_sim import vdi_content

MiB = 1024 ** 2
NULL = "OpaqueRef:NULL"
MD50 = 3 * 512 + 512                         # a 50 MiB VHD's metadata (a 100-byte block table)


def piece(i):
    return hashlib.sha256(b"%d" % i).digest() * (MiB // 32)


async def image(pieces, gate=None):
    """A streamed body of `pieces` MiB; with `gate`, it waits after the second piece."""
    for i in range(pieces):
        if gate is not None and i == 2:
            await gate.wait()
        yield piece(i)


def image_sha(pieces):
    digest = hashlib.sha256()
    for i in range(pieces):
        digest.update(piece(i))
    return digest.hexdigest()


async def new_vdi(call, sr, size, **extra):
    rec = {"SR": sr, "virtual_size": size, "type": "user", "sharable": False, "read_only": False,
           "other_config": {}, "name_label": "upload"}
    rec.update(extra)
    return await call("VDI.create", rec)


def default_sr(db):
    return db.get("pool", db.all("pool")[0])["default_SR"]


async def put(http, running, session, body, length=None, **query):
    params = dict(query, session_id=session)
    headers = {"Content-Length": str(length)} if length is not None else {}
    async with http.put(running.url + "/import_raw_vdi", params=params, data=body,
                        headers=headers, allow_redirects=False) as resp:
        return resp, await resp.read()


async def finished(db, task):
    await until(lambda: db.get("task", task)["status"] != "pending", timeout=20)
    return db.get("task", task)


async def test_a_50_mib_image_goes_up_and_comes_back(running, sim, session, call, http):
    db = sim.db
    sr = default_sr(db)
    vdi = await new_vdi(call, sr, 50 * MiB)
    task = await call("task.create", "upload", "")
    seen = []
    db.listeners.append(lambda: seen.append(db.get("task", task)["progress"])
                        if db.exists("task", task) else None)
    sr_before = db.get("SR", sr)["physical_utilisation"]
    tracemalloc.start()
    try:
        resp, _ = await put(http, running, session, image(50), 50 * MiB, vdi=vdi, format="raw",
                            task_id=task)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert resp.status == 200 and resp.headers["task-id"] == task
    rec = await finished(db, task)
    assert rec["status"] == "success", rec["error_info"]
    assert xmlrpc.client.loads("<methodResponse><params><param>%s</param></params>"
                               "</methodResponse>" % rec["result"])[0][0] == vdi
    steps = sorted(set(p for p in seen if 0 < p < 1))
    assert len(steps) >= 5, steps                        # progress followed the bytes
    assert peak < 24 * MiB, peak                         # streamed, never held whole
    used = MD50 + 25 * (2 * MiB + 512)                   # every 2 MiB block written
    assert db.get("VDI", vdi)["physical_utilisation"] == used
    assert db.get("SR", sr)["physical_utilisation"] == sr_before + used - MD50
    assert not db.referrers("VDI", "VBDs", vdi)          # dom0's VBD went at the end
    digest, size = hashlib.sha256(), 0
    uuid = db.get("VDI", vdi)["uuid"]
    async with http.get(running.url + "/export_raw_vdi",
                        params={"session_id": session, "vdi": uuid, "format": "raw"}) as down:
        assert down.status == 200 and down.headers["Content-Length"] == str(50 * MiB)
        assert down.headers["Content-Disposition"] == 'attachment; filename="%s.raw"' % uuid
        assert down.headers["task-id"].startswith("OpaqueRef:")
        async for data in down.content.iter_chunked(MiB):
            digest.update(data)
            size += len(data)
    assert (size, digest.hexdigest()) == (50 * MiB, image_sha(50))
    await until(lambda: not db.exists("task", down.headers["task-id"]))     # its own task


async def test_cancel_stops_the_upload_and_keeps_the_disk(running, sim, session, call, http):
    db = sim.db
    vdi = await new_vdi(call, default_sr(db), 20 * MiB)
    task = await call("task.create", "upload", "")
    gate = asyncio.Event()
    upload = asyncio.ensure_future(put(http, running, session, image(20, gate), 20 * MiB,
                                       vdi=vdi, task_id=task))
    await until(lambda: db.get("task", task)["progress"] > 0
                and "cancel" in db.get("task", task)["allowed_operations"])
    dom0_vbd = list(db.referrers("VDI", "VBDs", vdi))
    assert [db.get("VM", db.get("VBD", b)["VM"])["is_control_domain"] for b in dom0_vbd] == [True]
    assert "destroy" not in db.get("VDI", vdi)["allowed_operations"]
    await call("task.cancel", task)
    gate.set()
    try:
        await upload
    except aiohttp.ClientError:
        pass                                             # the server stopped reading
    rec = await finished(db, task)
    assert (rec["status"], rec["error_info"]) == ("cancelled", ["TASK_CANCELLED", task])
    assert db.exists("VDI", vdi) and not db.referrers("VDI", "VBDs", vdi)
    written = sim.content.info(db.get("VDI", vdi)["uuid"])
    assert 0 < written.length < 20 * MiB
    assert "destroy" in db.get("VDI", vdi)["allowed_operations"]
    await call("VDI.destroy", vdi)                       # what the app does next


@pytest.mark.parametrize("query, headers, status, error", [
    ({"vdi": "bogus"}, {}, 400, ["UUID_INVALID", "VDI", "bogus"]),
    ({}, {}, 400, ["VDI_MISSING"]),
    ({"vdi": "VDI", "format": "vhd"}, {}, 404, ["INTERNAL_ERROR",
                                               "xapi_sim does not convert vhd images"]),
    ({"vdi": "VDI", "format": "zip"}, {}, 404, ["INTERNAL_ERROR", "Unknown format zip"]),
    ({"vdi": "VDI"}, "chunked", 404, ["INTERNAL_ERROR", "Cannot handle encoding: chunked"]),
])
async def test_refused_before_the_body(running, sim, session, call, http, query, headers, status,
                                       error):
    db = sim.db
    vdi = await new_vdi(call, default_sr(db), 4 * MiB)
    task = await call("task.create", "upload", "")
    params = {k: (vdi if v == "VDI" else v) for k, v in query.items()}
    params.update(session_id=session, task_id=task)
    body = image(1) if headers == "chunked" else piece(0)   # no length: aiohttp sends chunks
    async with http.put(running.url + "/import_raw_vdi", params=params, data=body) as resp:
        assert resp.status == status
    assert db.get("task", task)["error_info"] == error


async def test_failures_after_the_200(running, sim, session, call, http):
    db = sim.db
    small = await new_vdi(call, default_sr(db), 2 * MiB)
    busy_vm = [v for v in db.all("VM") if db.get("VM", v)["power_state"] == "Running"
               and not db.get("VM", v)["is_control_domain"]][0]
    busy = [db.get("VBD", b)["VDI"] for b in db.referrers("VM", "VBDs", busy_vm)
            if db.get("VBD", b)["type"] == "Disk"][0]
    image_vdi = [v for v in db.all("VDI") if db.get("VDI", v)["name_label"].endswith(".iso")][0]
    cases = [(small, 3, ["VDI_IO_ERROR", "Device I/O errors"]),
             (busy, 1, ["SR_BACKEND_FAILURE_46", "", "The VDI is not available [opterr=VDI %s "
                                                     "not detached cleanly]"
                        % db.get("VDI", busy)["uuid"], ""]),
             (image_vdi, 1, ["VDI_READONLY", image_vdi])]
    for vdi, pieces, error in cases:
        task = await call("task.create", "upload", "")
        try:
            resp, _ = await put(http, running, session, image(pieces), pieces * MiB, vdi=vdi,
                                task_id=task)
            assert resp.status == 200
        except aiohttp.ClientError:
            pass                                         # it stopped reading a body too long
        assert (await finished(db, task))["error_info"] == error


async def test_no_session_is_a_401(running, sim, call, http):
    task = await call("task.create", "upload", "")
    async with http.put(running.url + "/import_raw_vdi", params={"task_id": task, "vdi": "x"},
                        data=b"x") as resp:
        assert resp.status == 401
    assert sim.db.get("task", task)["error_info"] == ["SESSION_AUTHENTICATION_FAILED"]


async def test_sr_id_and_a_length_make_an_imported_vdi(running, sim, session, call, http):
    db = sim.db
    sr = default_sr(db)
    http.cookie_jar.update_cookies({"session_id": session})   # the session from the cookie
    async with http.put(running.url + "/import_raw_vdi", params={"sr_id": sr},
                        data=piece(0), headers={"Content-Length": str(MiB)}) as resp:
        assert resp.status == 200
    made = [v for v in db.referrers("SR", "VDIs", sr)
            if db.get("VDI", v)["name_label"] == "Imported VDI"]
    assert len(made) == 1 and db.get("VDI", made[0])["virtual_size"] == 2 * MiB   # VHD minimum


async def test_iso_libraries_that_take_uploads_and_those_that_do_not(running, sim, session,
                                                                      call, http):
    db = sim.db
    library = [s for s in db.all("SR") if db.get("SR", s)["name_label"] == "ISO library"][0]
    seed = await new_vdi(call, library, MiB, sm_config={"path": "seed.iso"})
    rec = db.get("VDI", seed)
    assert (rec["location"], rec["read_only"], rec["virtual_size"]) == ("seed.iso", False, MiB)
    task = await call("task.create", "upload", "")
    await put(http, running, session, image(1), MiB, vdi=seed, task_id=task)
    assert (await finished(db, task))["status"] == "success"
    async with http.get(running.url + "/export_raw_vdi",
                        params={"session_id": session, "vdi": seed}) as down:
        assert hashlib.sha256(await down.read()).hexdigest() == image_sha(1)
    assert await _error(call, library, "seed.iso") == ["SR_BACKEND_FAILURE_43", "",
                                                       "The VDI already exists", ""]
    assert await _error(call, library, "seed.exe") == [
        "SR_BACKEND_FAILURE_78", "", 'VDI Creation failed [opterr=Invalid path "seed.exe"]', ""]
    read_only = await call("SR.create", sim.master_ref(),
                           {"location": "nfs.lab.local:/export/iso-ro", "type": "nfs_iso"}, 0,
                           "old isos", "", "iso", "iso", True, {})
    assert await _error(call, read_only, "seed.iso") == [
        "SR_BACKEND_FAILURE_78", "", 'VDI Creation failed [opterr=could not create file: '
        '"/var/run/sr-mount/%s/seed.iso"]' % db.get("SR", read_only)["uuid"], ""]
    tools = [s for s in db.all("SR") if db.get("SR", s)["is_tools_sr"]][0]
    assert await _error(call, tools, "seed.iso") == ["SR_OPERATION_NOT_SUPPORTED", tools]


async def _error(call, sr, path):
    from xapi_sim.errors import XapiFailure
    try:
        await new_vdi(call, sr, MiB, sm_config={"path": path})
    except XapiFailure as err:
        return err.description
    raise AssertionError("VDI.create succeeded")


async def test_beyond_the_limit_only_the_length_and_hash_are_kept(running, sim, session, call,
                                                                 http, monkeypatch):
    monkeypatch.setattr(vdi_content, "KEEP_LIMIT", 2 * MiB)
    db = sim.db
    vdi = await new_vdi(call, default_sr(db), 4 * MiB)
    task = await call("task.create", "upload", "")
    await put(http, running, session, image(3), 3 * MiB, vdi=vdi, task_id=task)
    assert (await finished(db, task))["status"] == "success"
    written = sim.content.info(db.get("VDI", vdi)["uuid"])
    assert (written.length, written.sha256, written.kept) == (3 * MiB, image_sha(3), False)
    async with http.get(running.url + "/export_raw_vdi",
                        params={"session_id": session, "vdi": vdi}) as down:
        assert await down.read() == bytes(4 * MiB)      # not kept: the disk reads as zeros


async def test_a_body_shorter_than_its_content_length(running, sim, session, call):
    """vhd-tool reads Content-Length bytes; a client that stops early fails the task."""
    db = sim.db
    vdi = await new_vdi(call, default_sr(db), 4 * MiB)
    task = await call("task.create", "upload", "")
    _, writer = await asyncio.open_connection("127.0.0.1", running.port)
    writer.write(("PUT /import_raw_vdi?session_id=%s&task_id=%s&vdi=%s HTTP/1.1\r\nHost: x\r\n"
                  "Content-Length: %d\r\n\r\n" % (session, task, vdi, 2 * MiB)).encode()
                 + piece(0))
    await writer.drain()
    # the client leaves once the simulator has read the half it sent (an unread socket buffer is
    # discarded when the connection drops, so closing earlier would make the count a race)
    await until(lambda: db.get("task", task)["progress"] >= 0.5, what="first MiB read")
    writer.close()
    assert (await finished(db, task))["error_info"] == ["VDI_IO_ERROR", "Device I/O errors"]
    assert sim.content.info(db.get("VDI", vdi)["uuid"]).length == MiB     # what it had received


async def test_a_client_leaving_mid_download(running, sim, session, call):
    db = sim.db
    vdi = await new_vdi(call, default_sr(db), 64 * MiB)
    task = await call("task.create", "download", "")
    reader, writer = await asyncio.open_connection("127.0.0.1", running.port)
    writer.write(("GET /export_raw_vdi?session_id=%s&task_id=%s&vdi=%s HTTP/1.1\r\nHost: x\r\n\r\n"
                  % (session, task, vdi)).encode())
    await writer.drain()
    await reader.readexactly(1024 * 1024)
    writer.transport.abort()
    rec = await finished(db, task)
    assert rec["status"] == "failure" and rec["error_info"][0] == "CLIENT_ERROR"
    await until(lambda: not db.referrers("VDI", "VBDs", vdi))       # dom0 let go of the disk


async def test_an_empty_put_and_a_shorter_image_keep_what_lies_beyond(running, sim, session,
                                                                      call, http):
    """The npm client's empty probe PUT (on /import_raw_vdi/, as Xen Orchestra spells it) writes
    nothing; a shorter image overwrites the start of the disk only."""
    db = sim.db
    vdi = await new_vdi(call, default_sr(db), 4 * MiB)
    await put(http, running, session, image(2), 2 * MiB, vdi=vdi)
    async with http.put(running.url + "/import_raw_vdi/", params={"session_id": session,
                                                                  "vdi": vdi}, data=b"") as resp:
        assert resp.status == 200
    await put(http, running, session, piece(7), MiB, vdi=vdi)
    async with http.get(running.url + "/export_raw_vdi/",
                        params={"session_id": session, "vdi": vdi}) as down:
        body = await down.read()
    assert body == piece(7) + piece(1) + bytes(2 * MiB)
