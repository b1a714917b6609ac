"""Session fixtures for browser tests: one build, the CDN origin, simulated pools, Chromium.

Fixtures for tests (and for later app tests in this folder):
- `release_key` a throwaway release signing key (private key file; its .pub next to it)
- `bundle`      the built bundle folder (built and signed once per session into a temp dir) and its manifest
- `cdn`         the CDN origin (127.0.1.1, free port) serving the bundle, with its request log
- `start_sim`   factory: start_sim(cdn="up"|"down"|"hang"|URL, local=True, hosts=..., vms=..., timeout_ms=...,
                keys=[public key files], min_version=..., edit_stub=html -> html) -> Sim
- `sim`         the session's default pool: stub pointing at `cdn`, local copy installed
- `browser`     Debian's Chromium driven by Playwright (one per test module)
- `guard`       a fresh browser context with every check armed (see harness.Guard)
- `app_page`    a page of that context; harness.open_app(page, sim, guard) navigates to a pool's stub
- `signed_in`   `app_page` logged in to `sim` (harness.sign_in(page, sim, guard, route) for other pools/routes)
Each Sim also reaches its faults (`sim.fault("reset_connections")`) and the XenAPI SDK (`sim.sdk()`).
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # devserver/ is tooling, not an installed package
from playwright.sync_api import sync_playwright

from devserver import bundle as bundler
from devserver import cdn as cdn_server
from devserver import procs, release, stub
from harness import CHROMIUM, LAUNCH_ARGS, Cdn, Guard, Sim, sign_in

CDN_HOST = "127.0.1.1"


@pytest.fixture(scope="session")
def release_key(tmp_path_factory):
    key = tmp_path_factory.mktemp("keys") / "release-key"
    release.keygen(key)
    return key


@pytest.fixture(scope="session")
def bundle(tmp_path_factory, release_key):
    out = tmp_path_factory.mktemp("bundle") / "dist"
    manifest = bundler.build(out, "", 0, sign_key=release_key)
    return {"dir": out, "manifest": manifest}


def _stop_later(request, child):
    request.addfinalizer(child.stop)
    return child


@pytest.fixture(scope="session")
def cdn(request, bundle):
    return Cdn(_stop_later(request, procs.cdn(bundle["dir"], CDN_HOST)))


@pytest.fixture(scope="session")
def hanging_cdn(request):
    return Cdn(_stop_later(request, procs.cdn(None, CDN_HOST, mode="hang")))


@pytest.fixture(scope="session")
def start_sim(request, tmp_path_factory, bundle, cdn, release_key):
    """Start another simulated pool; `cdn` is "up", "down" (connection refused), "hang" or a base URL. Its stub
    trusts `keys` (public key files; default: the session's release key)."""
    def start(cdn_mode="up", local=True, hosts=2, vms=6, seed=1, password="xcplite-test", extra=(),
              timeout_ms=stub.CDN_TIMEOUT_MS, keys=None, min_version="", edit_stub=None):
        base = {"up": lambda: cdn.url, "down": lambda: f"http://{CDN_HOST}:{cdn_server.free_port(CDN_HOST)}/",
                "hang": lambda: request.getfixturevalue("hanging_cdn").url}
        base_url = base[cdn_mode]() if cdn_mode in base else cdn_mode
        stub_file = tmp_path_factory.mktemp("stub") / "index.html"
        trusted = [release.load_public(k) for k in (keys or [release.public_file(release_key)])]
        members = [f"127.0.0.{i}:*" for i in range(1, hosts + 1)]
        html = stub.render(base_url, timeout_ms, keys=trusted, min_version=min_version, pool_hosts=members)
        stub_file.write_text(edit_stub(html) if edit_stub else html, encoding="utf-8")
        child = procs.simulator(stub_file, bundle["dir"] if local else None, hosts=hosts, vms=vms, seed=seed,
                                password=password, extra=extra)
        sim = Sim(_stop_later(request, child), password, hosts)
        sim.cdn_url = base_url
        return sim
    return start


@pytest.fixture(scope="session")
def sim(start_sim):
    return start_sim()


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: while sync Playwright is alive it marks this thread's event loop as running,
    # which would break the async tests of other folders that run after this one.
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        except Exception as error:
            pytest.fail(f"cannot start {CHROMIUM} (make test installs Debian's chromium when run as root): {error}")
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, "report_" + report.when, report)
    return report


@pytest.fixture
def guard(request, browser, cdn, sim):
    """A fresh context (cold cache, no cookies) with every check armed; fails the test on any violation."""
    context = browser.new_context()
    armed = Guard(context, {cdn.origin} | sim.origins, [cdn])
    yield armed
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    problems = armed.violations()
    if failed or problems:
        folder = armed.save(request.node.nodeid, context.pages)
        print(f"kept screenshots and console log in {folder}")
    context.close()
    if problems:
        pytest.fail("browser checks failed:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def app_page(guard):
    return guard.context.new_page()


@pytest.fixture
def signed_in(guard, app_page, sim):
    """A page of the default pool, logged in as root and showing the dashboard."""
    return sign_in(app_page, sim, guard)


@pytest.fixture
def manifest_version(bundle):
    manifest = bundle["manifest"]
    return manifest["version"], manifest["revision"][:12]
