"""GET /export and PUT /import: whole VMs as XVA streams (reference §6.3; export.ml, import.ml).

Both authenticate like every handler (cookie, then query; 401 fails a given `task_id` with
SESSION_AUTHENTICATION_FAILED), run as the client's task or as one of their own that is destroyed
at the end, and answer 302 when another host sees the storage. Export streams the tar while the VM
has `export` in current_operations. Import answers 200 with `task-id` before reading the body,
creates the objects as soon as ova.xml is read (`xva_import.Importer`) and ends the task with the new
VM refs.
"""
import asyncio
import zlib

import aiohttp
from aiohttp import web

from .. import vmrules, xva, xva_import
from ..codecs import http_500_body
from ..errors import XapiFailure
from .common import CORS, served_host, session_of, unauthorized

READ_SIZE = 256 * 1024
STREAM = dict(CORS, **{"Content-Type": "application/octet-stream"})
DISPOSITION = 'attachment; filename="export.xva"'
GZIP = {"true", "gzip"}


class Transfer:
    """The task a transfer reports to: the client's `task_id`, else our own (destroyed at end)."""

    def __init__(self, sim, given, label):
        self.sim = sim
        self.given = given
        self.label = label
        self.ref = given

    def ensure(self):
        if self.ref is None:
            self.ref = self.sim.tasks.create(self.label)
        return self.ref

    def succeed(self, result=None):
        if self.given:
            self.sim.tasks.succeed(self.given, result)
        elif self.ref:
            self.sim.tasks.destroy(self.ref)

    def fail(self, description):
        if self.given:
            self.sim.tasks.fail(self.given, description)
        elif self.ref:
            self.sim.tasks.destroy(self.ref)


def error_reply(status, err):
    body = http_500_body(" ".join(err.description)) if status == 500 else b""
    resp = web.Response(status=status, body=body,
                        headers=dict(CORS, **{"Content-Type": "text/html"}))
    resp.force_close()
    return resp


def flag(query, key):
    return query.get(key) == "true"


# ---------------------------------------------------------------- which host serves the data
def sees(db, host, srs):
    """Whether `host` has a plugged PBD for every SR in `srs`."""
    plugged = {db.get("PBD", p)["SR"] for p in db.referrers("host", "PBDs", host)
               if db.get("PBD", p)["currently_attached"]}
    return set(srs) <= plugged


def redirect(request, srs):
    """A 302 to a host that sees `srs` when the receiving one does not, else None."""
    sim = request.app["sim"]
    db = sim.db
    here = served_host(request)
    if not srs or sees(db, here, srs):
        return None
    for host in sorted(db.all("host")):
        if sees(db, host, srs):
            origin = sim.config.origin(db.get("host", host)["address"])
            return web.Response(status=302, headers=dict(CORS, Location=origin + request.path_qs))
    return None


def vm_srs(db, vm):
    srs = set()
    for vbd in db.field("VM", vm, "VBDs"):
        vdi = db.get("VDI", db.get("VBD", vbd)["VDI"])
        if vdi is not None and db.get("VBD", vbd)["type"] != "CD":
            srs.add(vdi["SR"])
    return srs


# ---------------------------------------------------------------- GET /export
def find_vm(db, query):
    if "ref" in query:
        db.require("VM", query["ref"])
        return query["ref"]
    if "uuid" not in query:
        raise XapiFailure("INTERNAL_ERROR", "export needs uuid= or ref=")
    ref = db.find_by_uuid("VM", query["uuid"])
    if ref is None:
        raise XapiFailure("UUID_INVALID", "VM", query["uuid"])
    return ref


def compressor(query):
    mode = query.get("use_compression", "false")
    if mode == "zstd":
        # the standard library of this Python has no zstd
        raise XapiFailure("INTERNAL_ERROR", "use_compression=zstd is not supported by xapi_sim")
    return zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS) if mode in GZIP else None


async def export_handler(request):
    sim = request.app["sim"]
    task = Transfer(sim, request.query.get("task_id"), "VM.export")
    if session_of(request) is None:
        task.fail(["SESSION_AUTHENTICATION_FAILED"])
        return unauthorized()
    try:
        vm = find_vm(sim.db, request.query)
        moved = redirect(request, vm_srs(sim.db, vm))
        if moved is not None:
            return moved
        gzip = compressor(request.query)
        vmrules.require(sim.db, vm, "export")
    except XapiFailure as err:
        task.fail(err.description)
        return error_reply(500, err)
    ref = task.ensure()
    set_operation(sim.db, vm, ref, "export")
    try:
        resp = await send_export(request, sim, vm, ref, gzip)
    except BaseException as err:  # the client went away (or was cancelled): record it, unlock
        set_operation(sim.db, vm, ref, None)
        task.fail(["CLIENT_ERROR", repr(err)])
        raise
    set_operation(sim.db, vm, ref, None)
    task.succeed()
    return resp


async def send_export(request, sim, vm, task, gzip):
    ova, disks = xva.export_metadata(sim.db, vm, served_host(request))
    resp = web.StreamResponse(headers=dict(STREAM, **{"task-id": task,
                                                      "Content-Disposition": DISPOSITION}))
    resp.force_close()
    await resp.prepare(request)
    pause = sim.config.op_time("export") / (1 + 4 * len(disks))
    for data, done in xva.stream(ova, disks):
        await resp.write(gzip.compress(data) if gzip else data)
        sim.tasks.set_progress(task, done)
        await asyncio.sleep(pause)
    if gzip:
        await resp.write(gzip.flush())
    await resp.write_eof()
    return resp


def set_operation(db, vm, task, op):
    """Add (op) or remove (None) this task's entry in the VM's current_operations."""
    if not db.exists("VM", vm):
        return
    ops = {k: v for k, v in db.get("VM", vm)["current_operations"].items() if k != task}
    if op is not None:
        ops[task] = op
    db.set("VM", vm, "current_operations", ops)
    vmrules.update(db, vm)


# ---------------------------------------------------------------- PUT /import
def target_sr(sim, query):
    db = sim.db
    if "sr_id" in query:
        db.require("SR", query["sr_id"])
        return query["sr_id"]
    if "sr_uuid" in query:
        ref = db.find_by_uuid("SR", query["sr_uuid"])
        if ref is None:
            raise XapiFailure("UUID_INVALID", "SR", query["sr_uuid"])
        return ref
    ref = db.get("pool", sim.pool_ref())["default_SR"]
    if not db.exists("SR", ref):
        raise XapiFailure("DEFAULT_SR_NOT_FOUND", ref)
    return ref


def refusal(request, sim, sr, task):
    """The early answer import.ml gives before reading anything, or None to go on."""
    if sim.db.get("SR", sr)["content_type"] == "iso":
        err = XapiFailure("SR_OPERATION_NOT_SUPPORTED")
        status = 400
    elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        err = XapiFailure("IMPORT_ERROR_CANNOT_HANDLE_CHUNKED")
        status = 403
    elif request.content_length is None:
        # XAPI would read to EOF and hit it at once; HTTP/1.1 without a length has no body
        err = XapiFailure("IMPORT_ERROR_PREMATURE_EOF")
        status = 411
    else:
        return None
    task.fail(err.description)
    return error_reply(status, err)


async def import_handler(request):
    sim = request.app["sim"]
    task = Transfer(sim, request.query.get("task_id"), "VM.import")
    if session_of(request) is None:
        task.fail(["SESSION_AUTHENTICATION_FAILED"])
        return unauthorized()
    try:
        sr = target_sr(sim, request.query)
    except XapiFailure as err:
        task.fail(err.description)
        return error_reply(500, err)
    early = redirect(request, {sr}) or refusal(request, sim, sr, task)
    if early is not None:
        return early
    if request.content_length == 0 and task.given is None:
        return web.Response(status=200, headers=STREAM)   # the npm client's redirect probe
    resp = web.StreamResponse(headers=dict(STREAM, **{"task-id": task.ensure()}))
    resp.force_close()
    await resp.prepare(request)
    # The import runs as its own job: a client that drops the connection once it has sent
    # everything (the npm client without a known length) must not cancel it.
    job = asyncio.ensure_future(run_import(request, sim, sr, task, served_host(request)))
    sim.tasks.running.add(job)
    job.add_done_callback(sim.tasks.running.discard)
    await asyncio.shield(job)
    await resp.write_eof()
    return resp


async def run_import(request, sim, sr, task, host):
    options = {"restore": flag(request.query, "restore"), "force": flag(request.query, "force")}
    job = xva_import.Importer(sim.db, sr, task.ref, host, options)
    try:
        await receive(request, job, sim, task.ref)
        await asyncio.sleep(sim.config.op_time("import"))
        vms = job.complete()
    except XapiFailure as err:
        job.cleanup()
        task.fail(err.description)
        return
    except Exception as err:  # a simulator bug still ends the task, as XAPI's handler does
        job.cleanup()
        task.fail(["IMPORT_ERROR", repr(err)])
        return
    task.succeed(vms)


async def receive(request, job, sim, task):
    reader = job.reader
    while not reader.ended:
        data = await read_some(request.content)
        if not data:
            break
        job.feed(data)
        sim.tasks.set_progress(task, job.progress())
    reader.finish()
    job.check_disks()


async def read_some(content):
    """The next piece of the body; b"" when it ends or the client went away (premature EOF)."""
    try:
        return await content.read(READ_SIZE)
    except (ConnectionError, aiohttp.ClientPayloadError, asyncio.IncompleteReadError):
        return b""


def add_routes(app):
    # Xen Orchestra asks for /export/ and /import/: XAPI serves both spellings
    for path in ("/export", "/export/"):
        app.router.add_get(path, export_handler)
    for path in ("/import", "/import/"):
        app.router.add_put(path, import_handler)
