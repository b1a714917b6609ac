"""The simulator's control endpoint (not part of XAPI): faults and introspection for tests.

POST /_sim/fault/<name> with a JSON object of arguments and the header `X-Sim-Token: <token>` (the
token printed at start). Only loopback clients are served. Names: latency {seconds}, hang {seconds},
reset_connections {}, expire_sessions {session?}, restart {down?}, move_master {host},
storage_unreachable {server, host?, on?}, events_lost {session?}, updates_unreachable {host?, on?},
plugin_missing {plugin, host?, on?}.
GET /_sim/console/<vm uuid> (same token) tells what that VM's simulated console received.
"""
import hmac
import ipaddress
import json

from aiohttp import web

PREFIX = "/_sim/"


def _loopback(request):
    try:
        return ipaddress.ip_address((request.remote or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def _authorised(request):
    token = request.app.get("control_token")
    given = request.headers.get("X-Sim-Token", "")
    return bool(token) and _loopback(request) and hmac.compare_digest(given, token)


async def _args(request):
    if not request.can_read_body:
        return {}
    try:
        data = json.loads(await request.text() or "{}")
    except ValueError:
        raise web.HTTPBadRequest(text="body must be a JSON object")
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return data


async def fault(request):
    if not _authorised(request):
        return web.json_response({"error": "forbidden"}, status=403)
    faults = request.app["faults"]
    name = request.match_info["name"]
    args = await _args(request)
    actions = {
        "latency": lambda: faults.latency(args.get("seconds", 0)),
        "hang": lambda: faults.hang(args.get("seconds", 0)),
        "reset_connections": lambda: faults.reset_connections(keep=request.transport),
        "expire_sessions": lambda: faults.expire_sessions(args.get("session")),
        "move_master": lambda: faults.move_master(args.get("host")),
        "storage_unreachable": lambda: faults.storage_unreachable(
            args.get("server"), args.get("host"), args.get("on", True)),
        "events_lost": lambda: faults.events_lost(args.get("session")),
        "updates_unreachable": lambda: faults.updates_unreachable(args.get("host"),
                                                                  args.get("on", True)),
        "plugin_missing": lambda: faults.plugin_missing(args.get("plugin"), args.get("host"),
                                                        args.get("on", True)),
    }
    if name == "restart":
        await faults.restart(args.get("down", 0.5), keep=request.transport)
        return web.json_response({"ok": True})
    if name not in actions:
        return web.json_response({"error": "unknown fault %s" % name}, status=404)
    try:
        result = actions[name]()
    except (KeyError, ValueError, TypeError) as err:
        return web.json_response({"error": str(err)}, status=400)
    return web.json_response({"ok": True, "result": result})


async def console_state(request):
    """What a VM's simulated console received: typed text, Ctrl+Alt+Del count, visible lines."""
    if not _authorised(request):
        return web.json_response({"error": "forbidden"}, status=403)
    db = request.app["sim"].db
    vm = db.find_by_uuid("VM", request.match_info["uuid"])
    screens = [s for (ref, _domid), s in request.app.get("screens", {}).items() if ref == vm]
    if not screens:
        return web.json_response({"error": "no console screen for this VM"}, status=404)
    screen = screens[-1]
    return web.json_response({"typed_text": screen.typed_text, "lines": screen.text_lines(),
                              "ctrl_alt_del_count": screen.ctrl_alt_del_count})


def add_routes(app):
    app.router.add_post(PREFIX + "fault/{name}", fault)
    app.router.add_get(PREFIX + "console/{uuid}", console_state)
