"""One origin per host, the stub and local bundle, TLS with the generated certificate, activity."""
import asyncio
import ssl

import aiohttp

from support.xapi import PASSWORD, error_description, jsonrpc
from xapi_sim import runtime
from xapi_sim.sim import Config


async def test_each_member_has_its_own_origin(start_sim, http):
    running = await start_sim(hosts=3, vms=9)
    sim = running.sim
    addresses = {sim.db.get("host", h)["address"] for h in sim.db.all("host")}
    assert addresses == {"127.0.0.1", "127.0.0.2", "127.0.0.3"}
    for address in sorted(addresses - {"127.0.0.1"}):
        url = "http://%s:%d" % (address, running.port)
        reply = await jsonrpc(http, url, "session.login_with_password", ["root", PASSWORD])
        assert error_description(reply["error"]) == ["HOST_IS_SLAVE", "127.0.0.1"]


async def test_console_location_points_at_the_host_running_the_vm(start_sim):
    running = await start_sim(hosts=2, vms=8)
    db = running.sim.db
    seen = set()
    for console in db.all("console"):
        rec = db.get("console", console)
        host = db.get("VM", rec["VM"])["resident_on"]
        address = db.get("host", host)["address"]
        expected = "http://%s:%d/console?" % (address, running.port)
        assert rec["location"].startswith(expected), rec["location"]
        assert rec["uuid"] in rec["location"] or console in rec["location"]
        seen.add(address)
    assert seen == {"127.0.0.1", "127.0.0.2"}


async def test_cors_preflight_and_headers(running, http):
    async with http.options(running.url + "/jsonrpc", headers={
            "Origin": "http://127.0.1.1:9", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"}) as resp:
        assert resp.status == 200
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert resp.headers["Access-Control-Allow-Headers"] == "content-type, X-Requested-With"
        assert resp.headers["Access-Control-Allow-Methods"] == "PUT"


async def test_stub_and_local_bundle(tmp_path, http):
    stub = tmp_path / "index.html"
    stub.write_text("<!doctype html><script src=boot.js></script>")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "boot.js").write_text("console.log(1)")
    (bundle / "mp.wasm").write_bytes(b"\0asm")
    running = await runtime.start(Config(hosts=1, vms=0, port=0), stub=str(stub),
                                  local_bundle=str(bundle))
    try:
        async with http.get(running.url + "/") as resp:
            assert resp.headers["Content-Type"].startswith("text/html")
            assert await resp.text() == stub.read_text()
        async with http.get(running.url + "/xcplite/boot.js") as resp:
            assert resp.status == 200 and await resp.text() == "console.log(1)"
            assert resp.headers["Content-Type"].startswith("text/javascript")
        async with http.get(running.url + "/xcplite/mp.wasm") as resp:
            assert resp.headers["Content-Type"] == "application/wasm"
        async with http.get(running.url + "/xcplite/%2e%2e/index.html") as resp:
            assert resp.status != 200
    finally:
        await running.stop()


async def test_tls_with_the_generated_certificate(tmp_path):
    running = await runtime.start(Config(hosts=2, vms=2, port=0), tls_enabled=True)
    try:
        assert running.url.startswith("https://127.0.0.1:")
        trusted = ssl.create_default_context(cadata=running.cert_pem.decode())
        async with aiohttp.ClientSession() as client:
            for address in ("127.0.0.1", "127.0.0.2"):
                url = "https://%s:%d/jsonrpc" % (address, running.port)
                body = {"jsonrpc": "2.0", "method": "system.listMethods", "params": [], "id": 1}
                async with client.post(url, json=body, ssl=trusted) as resp:
                    assert resp.status == 200
                    assert "VM.start" in (await resp.json())["result"]
            untrusted = ssl.create_default_context()
            try:
                async with client.post(running.url + "/jsonrpc", json={}, ssl=untrusted):
                    raise AssertionError("an untrusted self-signed certificate was accepted")
            except aiohttp.ClientConnectorCertificateError:
                pass
        console = running.sim.db.get("console", running.sim.db.all("console")[0])
        assert console["location"].startswith("https://")
    finally:
        await running.stop()


async def test_activity_changes_the_pool():
    running = await runtime.start(Config(hosts=2, vms=12, op_time=0.02, port=0, seed=3),
                                  activity=40.0)
    try:
        sim = running.sim
        gen, messages = sim.db.gen, sim.messages.gen
        tasks_seen = set()
        for _ in range(40):
            await asyncio.sleep(0.05)
            tasks_seen.update(sim.db.all("task"))
        assert sim.db.gen - gen > 20
        assert sim.messages.gen > messages
        assert tasks_seen, "activity created no task"
    finally:
        await running.stop()
