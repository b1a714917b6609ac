"""`build.py serve`: the whole development topology on one machine, until Ctrl+C.

    host origin  http://127.0.0.1:PORT      xapi_sim: stub at /, local bundle at /xcplite/, XAPI at /jsonrpc
    CDN origin   http://127.0.1.1:CDN_PORT  devserver.cdn serving the bundle (or down, or hanging)
"""
import signal
import tempfile
import time
from pathlib import Path

import click

from devserver import bundle, cdn, procs, stub

HOST = "127.0.0.1"
CDN_HOST = "127.0.1.1"


def start_cdn(options, out):
    """(Child or None, base URL) for the requested CDN behaviour."""
    if options["cdn_down"]:
        port = options["cdn_port"] or cdn.free_port(CDN_HOST)
        return None, f"http://{CDN_HOST}:{port}/"
    mode = "hang" if options["cdn_hang"] else "serve"
    child = procs.cdn(out, CDN_HOST, options["cdn_port"], mode)
    return child, child.url + "/"


def stop_on_sigterm(_signum, _frame):
    """SIGTERM (timeout, a service manager) stops the children like Ctrl+C does."""
    raise KeyboardInterrupt


def run(options):
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    out = Path(options["out"]).resolve()
    children = []
    try:
        cdn_child, base_url = start_cdn(options, out)
        children.append(cdn_child)
        started = time.monotonic()
        manifest = bundle.build(out, base_url, int(time.time()))
        click.echo(f"built {out} (version {manifest['version']}) in {time.monotonic() - started:.1f} s; "
                   f"CDN {base_url} ({'down' if options['cdn_down'] else 'hanging' if options['cdn_hang'] else 'up'})",
                   err=True)
        with tempfile.TemporaryDirectory(prefix="xcplite-stub-") as tmp:
            stub_file = Path(tmp) / "index.html"
            stub_file.write_text(stub.render(base_url), encoding="utf-8")
            sim = procs.simulator(stub_file, None if options["no_local"] else out, HOST, options["port"],
                                  options["hosts"], options["vms"], options["seed"], options["password"])
            children.append(sim)
            click.echo(f"xcplite ready: {sim.url}/ user=root password={options['password']}")
            wait(sim)
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        for child in reversed(children):
            if child:
                child.stop()


def wait(sim):
    """Block until the simulator exits (then show why) or Ctrl+C."""
    code = sim.proc.wait()
    raise click.ClickException(f"xapi_sim exited with status {code}:\n{sim.log()[-4000:]}")
