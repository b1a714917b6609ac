"""`build.py serve`: the whole development topology on one machine, until Ctrl+C.

    host origin  http://127.0.0.1:PORT      xapi_sim: stub at /, local bundle at /xcplite/, XAPI at /jsonrpc
    CDN origin   http://127.0.1.1:CDN_PORT  devserver.cdn serving the bundle (or down, or hanging)

The CDN copy is signed with a throwaway release key made at start (in a temporary folder removed on exit),
and the stub trusts only that key: the demo runs the same checks as a real host.
"""
import signal
import socket
import tempfile
import time
from pathlib import Path

import click

from devserver import bundle, cdn, procs, release, stub

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


BUSY = ("Port {port} on {host} is busy: another demo (or another program) listens there. Stop it, or choose "
        "free ports, for example:\n  make demo DEMO_ARGS=\"--port {alt} --cdn-port {alt_cdn}\"\n"
        "  (or build.py serve --port {alt} --cdn-port {alt_cdn})")


def port_busy(host, port):
    """Whether something already listens on host:port (port 0 is never busy: any free one is taken)."""
    if not port:
        return False
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def check_ports(options):
    """Refuse to start, with a sentence saying what to do, when a requested port is taken."""
    wanted = [(HOST, options["port"])]
    if not options["cdn_down"]:
        wanted.append((CDN_HOST, options["cdn_port"]))
    for host, port in wanted:
        if port_busy(host, port):
            alt = (options["port"] or 8080) + 10
            raise click.ClickException(BUSY.format(port=port, host=host, alt=alt, alt_cdn=alt + 1))


def member_hosts(hosts):
    """The simulated pool's addresses (members listen on 127.0.0.2, 127.0.0.3 … on the master's port)."""
    return [f"127.0.0.{i}:*" for i in range(1, hosts + 1)]


def stop_on_sigterm(_signum, _frame):
    """SIGTERM (timeout, a service manager) stops the children like Ctrl+C does."""
    raise KeyboardInterrupt


def run(options):
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    # Ctrl+C stops everything even when a script started us in the background (where the shell
    # leaves SIGINT ignored, and Python would keep it so).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    check_ports(options)
    out = Path(options["out"]).resolve()
    children = []
    try:
        cdn_child, base_url = start_cdn(options, out)
        children.append(cdn_child)
        with tempfile.TemporaryDirectory(prefix="xcplite-demo-") as tmp:
            key = release.keygen(Path(tmp) / "release-key")
            started = time.monotonic()
            manifest = bundle.build(out, base_url, int(time.time()), sign_key=Path(tmp) / "release-key")
            click.echo(f"built {out} (version {manifest['version']}, signed by the throwaway key "
                       f"{release.key_id(release.load_public(key))}) in {time.monotonic() - started:.1f} s; "
                       f"CDN {base_url} ({'down' if options['cdn_down'] else 'hanging' if options['cdn_hang'] else 'up'})",
                       err=True)
            stub_file = Path(tmp) / "index.html"
            stub_file.write_text(stub.render(base_url, keys=[release.load_public(key)],
                                             pool_hosts=member_hosts(options["hosts"])), encoding="utf-8")
            sim = procs.simulator(stub_file, None if options["no_local"] else out, HOST, options["port"],
                                  options["hosts"], options["vms"], options["seed"], options["password"])
            children.append(sim)
            click.echo(f"xcplite ready: {sim.url}/ user=root password={options['password']}")
            wait(sim)
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    except RuntimeError as error:  # a server that did not start: say which and why, not a traceback
        raise click.ClickException(str(error))
    finally:
        for child in reversed(children):
            if child:
                child.stop()


def wait(sim):
    """Block until the simulator exits (then show why) or Ctrl+C."""
    code = sim.proc.wait()
    raise click.ClickException(f"xapi_sim exited with status {code}:\n{sim.log()[-4000:]}")
