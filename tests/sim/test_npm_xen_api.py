"""Conformance with Vates' npm `xen-api` client: runs `node --test tests/node/` against a simulator.

The Node tests (tests/node/xen_api.test.mjs) connect with `createClient`, load the objects, watch
events and start a VM, over JSON-RPC (auto transport) and forced XML-RPC. node_modules comes from
`npm ci`; a missing client is a failure, not a skip.
"""
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_npm_xen_api_client_drives_the_simulator(spawn_sim):
    node = shutil.which("node")
    assert node, "Node.js is required for the xen-api conformance tests"
    assert os.path.isfile(os.path.join(ROOT, "node_modules", "xen-api", "index.mjs")), \
        "run `npm ci` first: the xen-api devDependency is missing"
    sim = spawn_sim("--hosts", "2", "--vms", "8", "--op-time", "0.02")
    env = dict(os.environ, XAPI_URL=sim.url, XAPI_PASSWORD=sim.password)
    done = subprocess.run([node, "--test", os.path.join("tests", "node")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 8" in done.stdout, done.stdout[-2000:]
