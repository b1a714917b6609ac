"""CONNECT /console (XAPI's raw mode) over a real loopback socket: 200 then raw RFB, and the refusals."""
import asyncio
import struct

import pytest

from support.xapi import guest_refs
from xapi_sim import runtime
from xapi_sim.sim import Config


@pytest.fixture
async def pool():
    running = await runtime.start(Config(hosts=2, vms=6, op_time=0.02, port=0))
    yield running
    await running.stop()


def running_vm(sim):
    return guest_refs(sim.db, "Running")[0]


async def connect(running, target, headers=b""):
    host = running.sim.db.get("host", running.sim.db.get("VM", running_vm(running.sim))["resident_on"])
    reader, writer = await asyncio.open_connection(host["address"], running.port)
    writer.write(b"CONNECT " + target.encode() + b" HTTP/1.0\r\n" + headers + b"\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    return reader, writer, head


async def test_connect_gives_200_then_raw_rfb(pool):
    sim = pool.sim
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    vm = running_vm(sim)
    target = "/console?uuid=%s&session_id=%s" % (sim.db.get("VM", vm)["uuid"], session)
    reader, writer, head = await connect(pool, target)
    try:
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert await asyncio.wait_for(reader.readexactly(12), 5) == b"RFB 003.008\n"
        writer.write(b"RFB 003.003\n")
        assert await asyncio.wait_for(reader.readexactly(4), 5) == struct.pack(">I", 1)
        writer.write(b"\x01")
        init = await asyncio.wait_for(reader.readexactly(24), 5)
        assert struct.unpack(">HH", init[:4]) == (640, 400)
        name = await reader.readexactly(struct.unpack(">I", init[20:24])[0])
        assert name.decode() == sim.db.get("VM", vm)["name_label"]
        writer.write(struct.pack(">BBHHHH", 3, 0, 0, 0, 8, 16))
        update = await asyncio.wait_for(reader.readexactly(4 + 12 + 8 * 16 * 4), 5)
        assert struct.unpack(">BxH", update[:4]) == (0, 1)
    finally:
        writer.close()


async def test_connect_takes_the_session_from_the_cookie(pool):
    sim = pool.sim
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    vm = running_vm(sim)
    console = sorted(sim.db.referrers("VM", "consoles", vm))[0]
    target = "/console?uuid=" + sim.db.get("console", console)["uuid"]
    reader, writer, head = await connect(pool, target, b"Cookie: session_id=" + session.encode() + b"\r\n")
    try:
        assert head.startswith(b"HTTP/1.1 200 OK")
        assert await asyncio.wait_for(reader.readexactly(12), 5) == b"RFB 003.008\n"
    finally:
        writer.close()


async def test_connect_refusals(pool):
    sim = pool.sim
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    uuid = sim.db.get("VM", running_vm(sim))["uuid"]
    cases = [("/console?uuid=%s" % uuid, b"401"),
             ("/console?uuid=nope&session_id=%s" % session, b"404"),
             ("/other?uuid=%s&session_id=%s" % (uuid, session), b"404")]
    for target, status in cases:
        reader, writer, head = await connect(pool, target)
        assert head.split(b" ")[1] == status, (target, head)
        if status == b"401":
            assert b"WWW-Authenticate: Basic" in head
        writer.close()


async def test_ordinary_http_still_works_next_to_connect(pool):
    sim = pool.sim
    reader, writer = await asyncio.open_connection("127.0.0.1", pool.port)
    body = b'{"jsonrpc":"2.0","method":"session.login_with_password","params":["root","xcplite"],"id":1}'
    writer.write(b"POST /jsonrpc HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert head.startswith(b"HTTP/1.1 200") and b"application/json" in head
    writer.close()
    assert sim.sessions.records
