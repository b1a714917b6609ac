"""GET /pool/xmldbdump: the pool's database as XAPI writes it (pool_db_backup.ml, reference §6.4).

What `xe pool-dump-database file-name=...` fetches (cli_operations.ml pool_dump_db, with `session_id`
and `task_id`), and what pool members pull from the master: 200 with the connection closed, then the
dump (xapi_sim/dbdump.py). Authentication as every handler: cookie, then query; 401 fails a given
task with SESSION_AUTHENTICATION_FAILED, and the task succeeds once the dump is written. Without a
`task_id` no task of the handler's own is made (XAPI makes one, invisible but for events), so the
database is dumped as it stands: a dump, loaded and dumped again, is the same bytes.
"""
from aiohttp import web

from .. import dbdump
from .common import session_of, unauthorized
from .transfer import Transfer


async def xmldbdump_handler(request):
    sim = request.app["sim"]
    task = Transfer(sim, request.query.get("task_id"), "Dumping database as XML")
    if session_of(request) is None:
        task.fail(["SESSION_AUTHENTICATION_FAILED"])
        return unauthorized()
    body = dbdump.dump(sim.db)
    task.succeed()
    response = web.Response(body=body, headers={"Cache-Control": "no-cache, no-store",
                                                "Content-Type": "application/octet-stream"})
    response.force_close()
    return response


def add_routes(app):
    app.router.add_get("/pool/xmldbdump", xmldbdump_handler)
