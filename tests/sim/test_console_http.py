"""/console over real loopback sockets: websocket RFB, sessions, errors, reboots, and Xvnc behind --vnc-backend."""
import asyncio
import struct

import aiohttp
import pytest

from support.xapi import guest_refs, login
from support.xvnc import running_xvnc
from xapi_sim import runtime
from xapi_sim.sim import Config

TOKEN = "console-tests"


@pytest.fixture
async def pool():
    running = await runtime.start(Config(hosts=2, vms=6, op_time=0.02, port=0), control_token=TOKEN)
    yield running
    await running.stop()


def running_vm(sim):
    return guest_refs(sim.db, "Running")[0]


def ws_url(sim, vm):
    console = sorted(sim.db.referrers("VM", "consoles", vm))[0]
    return sim.db.get("console", console)["location"].replace("http://", "ws://")


async def rfb_handshake(ws):
    version = (await ws.receive_bytes(timeout=5))
    assert version == b"RFB 003.008\n"
    await ws.send_bytes(b"RFB 003.008\n")
    assert await ws.receive_bytes(timeout=5) == b"\x01\x01"
    await ws.send_bytes(b"\x01")
    assert await ws.receive_bytes(timeout=5) == b"\x00\x00\x00\x00"
    await ws.send_bytes(b"\x01")
    init = await ws.receive_bytes(timeout=5)
    width, height = struct.unpack(">HH", init[:4])
    name_len = struct.unpack(">I", init[20:24])[0]
    return width, height, init[24:24 + name_len].decode()


async def read_exactly(ws, size, buffer):
    while len(buffer) < size:
        buffer += await ws.receive_bytes(timeout=5)
    data = bytes(buffer[:size])
    del buffer[:size]
    return data


async def full_frame(ws, width, height):
    await ws.send_bytes(struct.pack(">BBHHHH", 3, 0, 0, 0, width, height))
    buffer = bytearray()
    _kind, count = struct.unpack(">BxH", await read_exactly(ws, 4, buffer))
    x, y, w, h, enc = struct.unpack(">HHHHi", await read_exactly(ws, 12, buffer))
    pixels = await read_exactly(ws, w * h * 4, buffer)
    return (count, x, y, w, h, enc), pixels


async def test_websocket_rfb_with_the_session_cookie(pool):
    sim = pool.sim
    session, vm = await login(sim), running_vm(sim)
    async with aiohttp.ClientSession(cookies={"session_id": session}) as http:
        async with http.ws_connect(ws_url(sim, vm), protocols=("binary",)) as ws:
            assert ws.protocol == "binary"
            width, height, name = await rfb_handshake(ws)
            assert (width, height, name) == (640, 400, sim.db.get("VM", vm)["name_label"])
            header, pixels = await full_frame(ws, width, height)
            assert header == (1, 0, 0, 640, 400, 0)
            assert len(set(pixels[i:i + 4] for i in range(0, len(pixels), 4))) > 1, "blank frame"


async def test_typed_keys_reach_the_screen_and_the_control_endpoint(pool):
    sim = pool.sim
    session, vm = await login(sim), running_vm(sim)
    url = ws_url(sim, vm) + "&session_id=" + session
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            await rfb_handshake(ws)
            for ch in "uptime\r":
                sym = 0xFF0D if ch == "\r" else ord(ch)
                await ws.send_bytes(struct.pack(">BBxxI", 4, 1, sym) + struct.pack(">BBxxI", 4, 0, sym))
            for sym in (0xFFE3, 0xFFE9, 0xFFFF):
                await ws.send_bytes(struct.pack(">BBxxI", 4, 1, sym))
            await asyncio.sleep(0.2)
        uuid = sim.db.get("VM", vm)["uuid"]
        async with http.get(pool.url + "/_sim/console/" + uuid, headers={"X-Sim-Token": TOKEN}) as resp:
            state = await resp.json()
    assert state["typed_text"] == "uptime\n" and state["ctrl_alt_del_count"] == 1
    assert any(line.endswith("login: uptime") for line in state["lines"])


async def test_binary_protocol_is_answered_even_when_not_offered(pool):
    sim = pool.sim
    session, vm = await login(sim), running_vm(sim)
    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    url = ws_url(sim, vm).replace("ws://", "http://") + "&session_id=" + session
    async with aiohttp.ClientSession() as http:
        async with http.get(url, headers=headers) as resp:
            assert resp.status == 101
            assert resp.headers["Sec-WebSocket-Protocol"] == "binary"
            assert resp.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


async def test_missing_or_bad_session_is_401_and_unknown_console_404(pool):
    sim = pool.sim
    vm = running_vm(sim)
    async with aiohttp.ClientSession() as http:
        for url in (ws_url(sim, vm), ws_url(sim, vm) + "&session_id=OpaqueRef:bad"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                await http.ws_connect(url)
            assert err.value.status == 401
            assert err.value.headers["WWW-Authenticate"].startswith("Basic")
        session = await login(sim)
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await http.ws_connect(pool.url.replace("http", "ws") + "/console?uuid=nope&session_id=" + session)
        assert err.value.status == 404


async def test_halted_vm_is_refused_and_a_reboot_closes_the_connection(pool):
    sim = pool.sim
    session, vm = await login(sim), running_vm(sim)
    url = ws_url(sim, vm) + "&session_id=" + session
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            await rfb_handshake(ws)
            await sim.call("VM.hard_reboot", [session, vm])
            msg = await ws.receive(timeout=5)
            assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        await sim.call("VM.hard_shutdown", [session, vm])
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await http.ws_connect(url)
        assert err.value.status == 404, "a halted VM has no console object any more"
        by_vm = "%s/console?uuid=%s&session_id=%s" % (pool.url.replace("http", "ws"),
                                                     sim.db.get("VM", vm)["uuid"], session)
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await http.ws_connect(by_vm)
        assert err.value.status == 500, "the VM exists but is not running"


async def test_control_domain_console_by_ref(pool):
    sim = pool.sim
    session = await login(sim)
    host = sim.master_ref()
    dom0 = sim.db.get("host", host)["control_domain"]
    console = sorted(sim.db.referrers("VM", "consoles", dom0))[0]
    location = sim.db.get("console", console)["location"]
    assert "?ref=" + console in location
    async with aiohttp.ClientSession(cookies={"session_id": session}) as http:
        async with http.ws_connect(location.replace("http://", "ws://")) as ws:
            assert (await rfb_handshake(ws))[2].startswith("Control domain on host")


@pytest.fixture
def xvnc():
    with running_xvnc(320, 200) as port:
        yield port


async def test_consoles_proxied_to_a_real_vnc_server(xvnc):
    running = await runtime.start(Config(hosts=1, vms=3, op_time=0.02, port=0),
                                  vnc_backend=("127.0.0.1", xvnc))
    try:
        sim = running.sim
        session, vm = await login(sim), running_vm(sim)
        async with aiohttp.ClientSession(cookies={"session_id": session}) as http:
            async with http.ws_connect(ws_url(sim, vm)) as ws:
                buffer = bytearray()
                version = await read_exactly(ws, 12, buffer)
                assert version.startswith(b"RFB 003.")
                await ws.send_bytes(b"RFB 003.008\n")
                count = (await read_exactly(ws, 1, buffer))[0]
                types = await read_exactly(ws, count, buffer)
                assert 1 in types, "Xvnc was started with security type None"
                await ws.send_bytes(b"\x01")
                assert await read_exactly(ws, 4, buffer) == b"\x00\x00\x00\x00"
                await ws.send_bytes(b"\x01")
                width, height = struct.unpack(">HH", await read_exactly(ws, 4, buffer))
                assert (width, height) == (320, 200)
                await read_exactly(ws, 16, buffer)
                name_len = struct.unpack(">I", await read_exactly(ws, 4, buffer))[0]
                await read_exactly(ws, name_len, buffer)
                await ws.send_bytes(struct.pack(">BxHi", 2, 1, 0))
                await ws.send_bytes(struct.pack(">BBHHHH", 3, 0, 0, 0, width, height))
                kind = (await read_exactly(ws, 1, buffer))[0]
                assert kind == 0, "expected a FramebufferUpdate from Xvnc"
    finally:
        await running.stop()
