"""PUT /import_raw_vdi and GET /export_raw_vdi: a disk's bytes in and out (import_raw_vdi.ml,
export_raw_vdi.ml, importexport.ml).

Both authenticate like every handler (cookie, then query; 401), run as the client's `task_id`
or as a task of their own (destroyed at the end), find the disk from `vdi` (a ref, else a uuid)
and answer 302 when the receiving host cannot see its SR. `format` defaults to raw; another
name fails the task with INTERNAL_ERROR "Unknown format" and a 404, and vhd/tar/qcow2 (which
XAPI converts with vhd-tool or qcow-tool) are not simulated. Then, as XAPI does, the handler
answers 200 with `task-id` before touching the disk, plugs the disk into the control domain
(a VBD of dom0, RW to import, RO to export) and streams: an upload is read in pieces, written to
the simulator's content store (xapi_sim/vdi_content.py), the task's progress following the
bytes received; a download sends the disk's virtual size (with a Content-Length, which XAPI does
not send). The task is cancellable meanwhile; a cancel stops the transfer at the next piece and
leaves the disk with what it had received.

Failures after the 200: a disk another VM has attached read-write cannot be attached by the
storage manager (blktap2 refuses: SR_BACKEND_FAILURE_46); a body longer than the disk or
shorter than its Content-Length makes vhd-tool fail (VDI_IO_ERROR "Device I/O errors"). A
read-only VDI (an image of an ISO library, the tools ISO) cannot get the RW VBD the import needs
(VDI_READONLY). Without `vdi`, `sr_id`/`sr_uuid` and a Content-Length create an "Imported VDI"
of that size; with neither the task fails with VDI_MISSING and a 400.
"""
import asyncio

import aiohttp
from aiohttp import web

from .. import devnames, disks, sm
from ..errors import XapiFailure
from ..methods import devices, storage
from .common import CORS, served_host, session_of, unauthorized
from .transfer import Transfer, error_reply, redirect

READ_SIZE = 256 * 1024
FORMATS = ("raw", "vhd", "tar", "qcow2")
NULL = "OpaqueRef:NULL"


def _param(request, key):
    return request.query.get(key, request.cookies.get(key))


def _fail(task, err, status):
    task.fail(err.description)
    return error_reply(status, err)


def _format(request):
    """The `format` asked for, or the failure and status XAPI answers (import_raw_vdi.ml)."""
    fmt = (_param(request, "format") or "raw").lower()
    if fmt not in FORMATS:
        return XapiFailure("INTERNAL_ERROR", "Unknown format " + fmt), 404
    if fmt != "raw":
        return XapiFailure("INTERNAL_ERROR", "xapi_sim does not convert %s images" % fmt), 404
    return None, None


def find_vdi(db, value):
    """importexport.vdi_of_req: a valid ref, else a uuid (UUID_INVALID otherwise)."""
    if db.exists("VDI", value):
        return value
    ref = db.find_by_uuid("VDI", value)
    if ref is None:
        raise XapiFailure("UUID_INVALID", "VDI", value)
    return ref


def _sr_of(db, request):
    if _param(request, "sr_id"):
        return _param(request, "sr_id")
    if _param(request, "sr_uuid"):
        ref = db.find_by_uuid("SR", _param(request, "sr_uuid"))
        if ref is None:
            raise XapiFailure("UUID_INVALID", "SR", _param(request, "sr_uuid"))
        return ref
    return None


class Attached:
    """The control domain's VBD that holds the disk while it is read or written."""

    def __init__(self, sim, host, vdi, mode):
        self.db, self.vdi, self.mode = sim.db, vdi, mode
        self.dom0 = sim.db.get("host", host)["control_domain"]
        self.vbd = None

    def __enter__(self):
        db, vdi = self.db, self.vdi
        rec = db.get("VDI", vdi)
        if self.mode == "RW" and rec["read_only"]:
            raise XapiFailure("VDI_READONLY", vdi)
        for vbd in storage.active_vbds(db, vdi):
            if db.get("VBD", vbd)["mode"] == "RW":
                raise sm.failure("VDIUnavailable", "VDI %s not detached cleanly" % rec["uuid"])
        if db.exists("VM", self.dom0):
            number = min(n for n in range(devices.MAX_VBD + 1)
                         if n not in devices.used_disks(db, self.dom0))
            self.vbd = db.create("VBD", {"VM": self.dom0, "VDI": vdi, "userdevice": str(number),
                                         "device": devnames.linux_device(str(number)),
                                         "mode": self.mode, "type": "Disk",
                                         "currently_attached": True, "unpluggable": True})
            devices.update_vbd(db, self.vbd)
        return self

    def __exit__(self, *exc):
        if self.vbd is not None and self.db.exists("VBD", self.vbd):
            self.db.destroy("VBD", self.vbd)
        if self.db.exists("VDI", self.vdi):
            storage.update_vdi(self.db, self.vdi)
        return False


# ---------------------------------------------------------------- PUT /import_raw_vdi
async def import_handler(request):
    sim = request.app["sim"]
    task = Transfer(sim, request.query.get("task_id"), "VDI.import")
    if session_of(request) is None:
        task.fail(["SESSION_AUTHENTICATION_FAILED"])
        return unauthorized()
    err, status = _format(request)
    if err is None and request.headers.get("Transfer-Encoding"):
        err = XapiFailure("INTERNAL_ERROR", "Cannot handle encoding: " +
                          request.headers["Transfer-Encoding"])
        status = 404
    if err is not None:
        return _fail(task, err, status)
    try:
        vdi = _target_vdi(sim, request)
    except XapiFailure as failure:
        return _fail(task, failure, 400)
    moved = redirect(request, {sim.db.get("VDI", vdi)["SR"]})
    if moved is not None:
        return moved
    resp = web.StreamResponse(headers=dict(CORS, **{"task-id": task.ensure(),
                                                    "Content-Type": "application/octet-stream"}))
    resp.force_close()
    await resp.prepare(request)
    # Its own job: a client leaving mid-body cancels this handler, not the task's ending.
    job = asyncio.ensure_future(_receive_into(request, sim, task, vdi))
    sim.tasks.running.add(job)
    job.add_done_callback(sim.tasks.running.discard)
    await asyncio.shield(job)
    await resp.write_eof()
    return resp


def _target_vdi(sim, request):
    db = sim.db
    if _param(request, "vdi"):
        return find_vdi(db, _param(request, "vdi"))
    sr = _sr_of(db, request)
    if sr is None:
        raise XapiFailure("VDI_MISSING")
    if request.content_length is None:
        raise XapiFailure("INTERNAL_ERROR", "Not enough info supplied to import")
    db.require("SR", sr)
    from ..methods import vdi as vdi_methods
    return vdi_methods.create(_Ctx(sim), {
        "name_label": "Imported VDI", "name_description": "", "SR": sr,
        "virtual_size": request.content_length, "type": "user", "sharable": False,
        "read_only": False, "other_config": {}, "xenstore_data": {}, "sm_config": {}, "tags": []})


class _Ctx:
    """Enough of a call context for VDI.create made on the client's behalf."""

    def __init__(self, sim):
        self.sim, self.db, self.task = sim, sim.db, None


async def _receive_into(request, sim, task, vdi):
    db = sim.db
    ref = task.ref
    _cancellable(db, ref, True)
    writer = None
    try:
        with Attached(sim, served_host(request), vdi, "RW"):
            writer = sim.content.writer(db.get("VDI", vdi)["uuid"])
            await _copy_body(request, sim, ref, vdi, writer)
            written = writer.close()
            disks.written(db, vdi, written.length)
    except XapiFailure as err:
        if writer is not None:
            disks.written(db, vdi, writer.abort().length)
        _cancellable(db, ref, False)
        task.fail(err.description)
        return
    _cancellable(db, ref, False)
    task.succeed(vdi)


async def _copy_body(request, sim, task, vdi, writer):
    """Write the body into the disk piece by piece; progress, cancel and size as vhd-tool."""
    size = sim.db.get("VDI", vdi)["virtual_size"]
    expected = request.content_length
    while True:
        if sim.tasks.is_cancelling(task):
            raise XapiFailure("TASK_CANCELLED", task)
        data = await _read_some(request.content)
        if not data:
            break
        room = size - writer.length
        writer.write(data[:max(0, room)])
        if len(data) > room:
            raise XapiFailure("VDI_IO_ERROR", "Device I/O errors")
        if expected:
            sim.tasks.set_progress(task, round(min(0.99, writer.length / expected), 2))
        await asyncio.sleep(0)
    if expected is not None and writer.length < expected:
        raise XapiFailure("VDI_IO_ERROR", "Device I/O errors")


async def _read_some(content):
    try:
        return await content.read(READ_SIZE)
    except (ConnectionError, aiohttp.ClientPayloadError, asyncio.IncompleteReadError):
        return b""


def _cancellable(db, task, value):
    """TaskHelper.set_cancellable / set_not_cancellable on the transfer's task."""
    if db.exists("task", task) and db.get("task", task)["status"] == "pending":
        db.set("task", task, "allowed_operations", ["cancel"] if value else [])


# ---------------------------------------------------------------- GET /export_raw_vdi
async def export_handler(request):
    sim = request.app["sim"]
    task = Transfer(sim, request.query.get("task_id"), "VDI.export_raw_vdi")
    if session_of(request) is None:
        task.fail(["SESSION_AUTHENTICATION_FAILED"])
        return unauthorized()
    err, status = _format(request)
    if err is None and not _param(request, "vdi"):
        err, status = XapiFailure("INTERNAL_ERROR", "Missing vdi query parameter"), 500
    if err is not None:
        return _fail(task, err, status)
    try:
        vdi = find_vdi(sim.db, _param(request, "vdi"))
    except XapiFailure as failure:
        return _fail(task, failure, 500)
    moved = redirect(request, {sim.db.get("VDI", vdi)["SR"]})
    if moved is not None:
        return moved
    return await _send(request, sim, task, vdi)


async def _send(request, sim, task, vdi):
    db = sim.db
    rec = db.get("VDI", vdi)
    ref = task.ensure()
    resp = web.StreamResponse(headers=dict(CORS, **{
        "task-id": ref, "Content-Type": "application/octet-stream",
        "Content-Disposition": 'attachment; filename="%s.raw"' % rec["uuid"]}))
    resp.content_length = rec["virtual_size"]
    resp.force_close()
    await resp.prepare(request)
    _cancellable(db, ref, True)
    try:
        with Attached(sim, served_host(request), vdi, "RO"):
            sent = 0
            for piece in sim.content.read(rec["uuid"], rec["virtual_size"]):
                if sim.tasks.is_cancelling(ref):
                    raise XapiFailure("TASK_CANCELLED", ref)
                await resp.write(piece)
                sent += len(piece)
                sim.tasks.set_progress(ref, round(min(0.99, sent / max(1, rec["virtual_size"])), 2))
    except XapiFailure as err:
        _cancellable(db, ref, False)
        task.fail(err.description)
        return resp
    except BaseException as err:  # the client went away: record it, as export.ml does
        _cancellable(db, ref, False)
        task.fail(["CLIENT_ERROR", repr(err)])
        raise
    _cancellable(db, ref, False)
    task.succeed()
    await resp.write_eof()
    return resp


def add_routes(app):
    # Xen Orchestra and the npm xen-api client ask for /import_raw_vdi/: XAPI serves both spellings
    for path in ("/import_raw_vdi", "/import_raw_vdi/"):
        app.router.add_put(path, import_handler)
    for path in ("/export_raw_vdi", "/export_raw_vdi/"):
        app.router.add_get(path, export_handler)
