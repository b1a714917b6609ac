"""Command line: run a simulated XCP-ng pool.

    python -m xapi_sim --port 0 --hosts 2 --vms 12
"""
import asyncio
import signal
import sys

import click

from . import runtime
from .sim import Config

DEFAULT_PASSWORD = "xcplite"


@click.command()
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address of the pool master (a loopback address).")
@click.option("--port", default=8080, show_default=True, type=int, help="Port; 0 picks a free one.")
@click.option("--hosts", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--vms", default=12, show_default=True, type=click.IntRange(0, 100000))
@click.option("--seed", default=0, show_default=True, type=int,
              help="Same seed, same inventory.")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True, help="root's password.")
@click.option("--session-timeout", default=86400.0, show_default=True, type=float,
              help="Seconds a session may stay idle before it expires.")
@click.option("--state", "state_file", default=None, type=click.Path(dir_okay=False),
              help="Load the inventory from FILE if it exists; save every change to it.")
@click.option("--db", "db_file", default=None, type=click.Path(exists=True, dir_okay=False),
              help="Start from a XAPI database (xe pool-dump-database, a status report's xapi-db.xml).")
@click.option("--op-time", default=1.0, show_default=True, type=float,
              help="Base duration in seconds of simulated operations (start, copy…).")
@click.option("--member-addresses", default=None,
              help="Comma-separated addresses of the other members (default 127.0.0.2, …).")
@click.option("--stub", default=None, type=click.Path(dir_okay=False),
              help="HTML file served at / (the host stub).")
@click.option("--local-bundle", default=None, type=click.Path(file_okay=False),
              help="Directory served at /xcplite/ (the air-gapped copy of the app).")
@click.option("--tls", is_flag=True, help="Serve https/wss with a generated self-signed certificate.")
@click.option("--tls-cert-out", default=None, type=click.Path(dir_okay=False),
              help="With --tls, write the generated certificate (PEM) to this file.")
@click.option("--activity", default=0.0, show_default=True, type=float,
              help="Background changes per second (VMs started/stopped, alarms, tasks).")
@click.option("--vnc-backend", default=None, metavar="HOST:PORT",
              help="Proxy every console to this VNC server instead of the simulated screens.")
@click.option("--control-token", default=None,
              help="Token for the /_sim/ control endpoint (default: random, printed on stderr).")
def main(bind, port, hosts, vms, seed, password, session_timeout, state_file, db_file, op_time,
         member_addresses, stub, local_bundle, tls, tls_cert_out, activity, vnc_backend,
         control_token):
    """Run xapi_sim, a simulated XCP-ng pool speaking XAPI (JSON-RPC, XML-RPC, HTTP handlers).

    When ready it prints one line: `xapi_sim listening on http://ADDR:PORT`.
    """
    members = member_addresses.split(",") if member_addresses else default_members(bind, hosts)
    config = Config(hosts=hosts, vms=vms, seed=seed, password=password,
                    session_timeout=session_timeout, op_time=op_time,
                    addresses=[bind] + members[:hosts - 1], port=port)
    if password == DEFAULT_PASSWORD:
        click.echo("xapi_sim: root password is %s" % password, err=True)
    options = dict(state_file=state_file, db_file=db_file, stub=stub, local_bundle=local_bundle,
                   tls_enabled=tls,
                   control_token=control_token, activity=activity,
                   vnc_backend=parse_backend(vnc_backend))
    asyncio.run(serve(config, options, tls_cert_out))


def parse_backend(text):
    if not text:
        return None
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("expected HOST:PORT", param_hint="--vnc-backend")
    return host.strip("[]"), int(port)


def default_members(bind, hosts):
    base = 2 if bind == "127.0.0.1" else 1
    return ["127.0.0.%d" % (base + i) for i in range(hosts - 1) if "127.0.0.%d" % (base + i) != bind]


async def serve(config, options, tls_cert_out):
    running = await runtime.start(config, **options)
    if tls_cert_out and running.cert_pem:
        with open(tls_cert_out, "wb") as fh:
            fh.write(running.cert_pem)
    click.echo("xapi_sim: control token %s" % running.control_token, err=True)
    for item in running.skipped:
        click.echo("xapi_sim: --db: skipped %s (not in this datamodel)" % item, err=True)
    print("xapi_sim listening on %s" % running.url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await running.stop()


if __name__ == "__main__":
    sys.exit(main())
