#!/usr/bin/env python3
"""xcplite build tool: builds the browser bundle, writes the host stub, runs the development pool.

Run with the project venv: `.venv/bin/python build.py --help`.
"""
import sys
import time
from pathlib import Path

import click

from devserver import bundle, project, stub


@click.group()
def cli():
    """Build the xcplite bundle and stub, or run the simulated pool plus CDN (serve)."""


@cli.command()
@click.option("--out", default="dist", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (replaced). Serve it from the CDN, or install it on a host as /xcplite/.")
@click.option("--base-url", default="", help="Public URL the bundle will be served from (recorded in the manifest).")
def build(out, base_url):
    """Build the bundle: vendored runtime, app sources, boot.js, manifest.json."""
    started = time.monotonic()
    manifest = bundle.build(Path(out), base_url, int(time.time()))
    total = sum(f["size"] for f in manifest["files"].values())
    click.echo(f"built {out}: {len(manifest['files'])} files, {total} bytes, version {manifest['version']} "
               f"({manifest['revision'][:12]}) in {time.monotonic() - started:.1f} s")


@cli.command(name="stub")
@click.option("--base-url", default="", help="CDN folder holding boot.js; empty = use only the host-local copy.")
@click.option("--out", default="build/stub/index.html", show_default=True, type=click.Path(dir_okay=False),
              help="Where to write the stub ('-' for stdout).")
@click.option("--timeout-ms", default=stub.CDN_TIMEOUT_MS, show_default=True,
              help="How long the CDN may take before the host-local copy is used.")
def stub_command(base_url, out, timeout_ms):
    """Write the one-line host stub (the pool master's index.html)."""
    html = stub.render(base_url, timeout_ms)
    if out == "-":
        sys.stdout.write(html)
        return
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(html, encoding="utf-8")
    click.echo(f"wrote {out} ({len(html)} bytes, CDN {stub.normalise(base_url) or 'none: local copy only'})")


@cli.command()
@click.option("--hosts", default=3, show_default=True, help="Hosts in the simulated pool.")
@click.option("--vms", default=10, show_default=True, help="VMs in the simulated pool.")
@click.option("--seed", default=1, show_default=True, help="Seed of the simulated pool.")
@click.option("--password", default="xcplite", show_default=True, help="root's password on the simulated pool.")
@click.option("--port", default=8080, show_default=True, help="Host origin port (0 = any free port).")
@click.option("--cdn-port", default=8081, show_default=True, help="CDN origin port (0 = any free port).")
@click.option("--cdn-down", is_flag=True, help="Nothing listens at the CDN address: shows the local fallback.")
@click.option("--cdn-hang", is_flag=True, help="The CDN accepts connections and never answers.")
@click.option("--no-local", is_flag=True, help="Do not install the local copy on the host (/xcplite/).")
@click.option("--out", default="dist", show_default=True, type=click.Path(file_okay=False), help="Build folder.")
def serve(**options):
    """Build, then run the simulated pool (host origin, 127.0.0.1) and the CDN origin (127.0.1.1) until Ctrl+C."""
    from devserver import serve as runner
    if options["cdn_down"] and options["cdn_hang"]:
        raise click.UsageError("--cdn-down and --cdn-hang are exclusive")
    runner.run(options)


if __name__ == "__main__":
    if str(project.ROOT) not in sys.path:
        sys.path.insert(0, str(project.ROOT))
    cli()
