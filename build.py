#!/usr/bin/env python3
"""xcplite build tool: builds the browser bundle, writes the host stub, runs the development pool.

Run with the project venv: `.venv/bin/python build.py --help`.
"""
import json
import sys
import time
from pathlib import Path

import click

from devserver import bundle, project, release, stub


@click.group()
def cli():
    """Build the xcplite bundle and stub, or run the simulated pool plus CDN (serve)."""


@cli.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Private key file to write (keep it off the CDN and out of the repository); FILE.pub gets the public key.")
def keygen(out):
    """Make a release signing key pair (ECDSA P-256): FILE (private, owner-only) and FILE.pub."""
    try:
        pub = release.keygen(out)
    except release.ReleaseError as error:
        raise click.ClickException(str(error))
    key = release.load_public(pub)
    click.echo(f"wrote {out} (private: keep it offline) and {pub}\nfingerprint sha256:{release.fingerprint(key)}")


@cli.command()
@click.option("--out", default="dist", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (replaced). Serve it from the CDN, or install it on a host as /xcplite/.")
@click.option("--base-url", default="", help="Public URL the bundle will be served from (recorded in the manifest).")
@click.option("--sign-key", type=click.Path(exists=True, dir_okay=False),
              help="Private release key: writes the signed release statement a CDN copy needs (release.json, release.sig).")
@click.option("--expires-days", default=release.EXPIRES_DAYS, show_default=True,
              help="Days the signed statement stays valid (sign again before then: build.py sign).")
def build(out, base_url, sign_key, expires_days):
    """Build the bundle: vendored runtime, app sources, boot.js, manifest.json (and the signed statement)."""
    started = time.monotonic()
    manifest = bundle.build(Path(out), base_url, int(time.time()), sign_key, expires_days)
    total = sum(f["size"] for f in manifest["files"].values())
    signed = f", signed by {release.key_id(release.load_public(sign_key))}" if sign_key else ", not signed"
    click.echo(f"built {out}: {len(manifest['files'])} files, {total} bytes, version {manifest['version']} "
               f"({manifest['revision'][:12]}){signed} in {time.monotonic() - started:.1f} s")


@cli.command()
@click.option("--dist", default="dist", show_default=True, type=click.Path(exists=True, file_okay=False),
              help="A built bundle.")
@click.option("--sign-key", required=True, type=click.Path(exists=True, dir_okay=False), help="Private release key.")
@click.option("--expires-days", default=release.EXPIRES_DAYS, show_default=True)
def sign(dist, sign_key, expires_days):
    """Sign (again) a built bundle: a fresh statement of its files, e.g. before the last one expires."""
    manifest = json.loads((Path(dist) / "manifest.json").read_text(encoding="utf-8"))
    body = release.write_signed(dist, manifest, release.bundle_files(dist), sign_key, expires_days=expires_days)
    doc = json.loads(body)
    click.echo(f"signed {dist}: version {doc['version']}, {len(doc['files'])} files, expires "
               f"{time.strftime('%Y-%m-%d', time.gmtime(doc['expires']))}")


@cli.command()
@click.option("--dist", default="dist", show_default=True, type=click.Path(exists=True, file_okay=False))
@click.option("--key", "keys", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False),
              help="Trusted public key (repeat for each).")
def verify(dist, keys):
    """Check a bundle's signed statement and every file against it, as the stub and boot.js would."""
    folder = Path(dist)
    try:
        key = release.verify((folder / release.STATEMENT).read_bytes(), (folder / release.SIGNATURE).read_bytes(),
                             [release.load_public(k) for k in keys])
        doc = release.parse((folder / release.STATEMENT).read_bytes())
    except (OSError, release.ReleaseError) as error:
        raise click.ClickException(str(error))
    files = release.bundle_files(folder)
    bad = release.mismatches(doc, files)
    if bad:
        raise click.ClickException("files differ from the signed release: " + ", ".join(bad))
    click.echo(f"ok: version {doc['version']} ({doc['revision'][:12]}) signed by {key}, {len(files)} files match")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def fingerprint(files):
    """Print the fingerprints of public keys (.pub) or of the keys an installed stub (index.html) trusts."""
    for name in files:
        text = Path(name).read_text(encoding="utf-8", errors="replace")
        if "<html" in text:
            for kid, fp in stub.embedded_keys(text) or [("none", "this stub trusts no key (local copy only)")]:
                click.echo(f"{name}: {kid} sha256:{fp}")
        else:
            click.echo(f"{name}: sha256:{release.fingerprint(release.load_public(name))}")


@cli.command(name="stub")
@click.option("--base-url", default="", help="CDN folder holding boot.js; empty = use only the host-local copy.")
@click.option("--key", "keys", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Public key trusted to sign releases (FILE.pub from keygen; repeat while rotating keys). Required with --base-url.")
@click.option("--min-version", default="", help="Refuse CDN releases older than this version (revokes older ones everywhere).")
@click.option("--pool-host", "pool_hosts", multiple=True,
              help="Address[:port] of a pool member the console and stats may connect to (repeat); none = any host.")
@click.option("--out", default="build/stub/index.html", show_default=True, type=click.Path(dir_okay=False),
              help="Where to write the stub ('-' for stdout).")
@click.option("--timeout-ms", default=stub.CDN_TIMEOUT_MS, show_default=True,
              help="Deadline of each start-up fetch before the host-local copy is used.")
def stub_command(base_url, keys, min_version, pool_hosts, out, timeout_ms):
    """Write the one-line host stub (the pool master's index.html)."""
    if base_url and not keys:
        raise click.UsageError("a stub loading from a CDN needs at least one --key (the release public key)")
    try:
        public = [release.load_public(k) for k in keys]
        html = stub.render(base_url, timeout_ms, keys=public, min_version=min_version, pool_hosts=pool_hosts)
    except (ValueError, release.ReleaseError) as error:
        raise click.ClickException(str(error))
    if out == "-":
        sys.stdout.write(html)
        return
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(html, encoding="utf-8")
    trusted = ", ".join(release.key_id(k) for k in public) or "no key"
    click.echo(f"wrote {out} ({len(html)} bytes, CDN {stub.normalise(base_url) or 'none: local copy only'}, "
               f"trusting {trusted})")


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
