"""GET / serves the host stub (as XAPI serves /opt/xensource/www); /xcplite/ the local app bundle."""
import os

from aiohttp import web

NO_STUB = ("<!doctype html><title>XCP-ng host</title><p>This simulated XCP-ng host has no web "
           "console installed. Start the simulator with --stub FILE to serve one.</p>")


async def stub(request):
    path = request.app["stub"]
    if path and os.path.isfile(path):
        return web.FileResponse(path, headers={"Content-Type": "text/html",
                                               "Cache-Control": "no-cache"})
    return web.Response(text=NO_STUB, content_type="text/html")


async def no_bundle(request):
    return web.Response(status=404, text="No local copy of the app is installed on this host.")


def add_routes(app, local_bundle=None):
    app.router.add_get("/", stub)
    if local_bundle:
        app.router.add_static("/xcplite/", local_bundle, show_index=False)
    else:
        app.router.add_get("/xcplite/{tail:.*}", no_bundle)
