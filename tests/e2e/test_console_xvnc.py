"""A console against a real VNC server: TigerVNC's Xvnc behind the simulator's --vnc-backend, drawn by noVNC
in Chromium (its own size, the white root window it was started with)."""
import os
import shutil
import socket
import subprocess
import time

import pytest
from console_harness import Pool, canvas_rgb, canvas_size, open_console, wait_for, wait_status

WIDTH, HEIGHT = 320, 200


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def xvnc():
    binary = shutil.which("Xvnc")
    assert binary, "Xvnc missing: `make test` installs tigervnc-standalone-server"
    port = free_port()
    display = next(n for n in range(60, 300) if not os.path.exists("/tmp/.X11-unix/X%d" % n)
                   and not os.path.exists("/tmp/.X%d-lock" % n))
    proc = subprocess.Popen([binary, ":%d" % display, "-rfbport", str(port), "-SecurityTypes", "None", "-localhost",
                             "-geometry", "%dx%d" % (WIDTH, HEIGHT), "-depth", "24", "-wr", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "Xvnc did not start listening"
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(5)


def test_a_real_vnc_server_renders_in_the_browser(start_sim, xvnc, app_page, guard):
    pool = Pool(start_sim(hosts=1, vms=3, seed=5, extra=("--vnc-backend", "127.0.0.1:%d" % xvnc)))
    vm = pool.pick("Running")[1]
    open_console(app_page, pool.sim, guard, vm["uuid"])
    wait_status(app_page, "connected")
    wait_for(lambda: canvas_size(app_page) == [WIDTH, HEIGHT], what="the canvas at Xvnc's size", page=app_page)
    white = b"\xff\xff\xff" * (WIDTH * HEIGHT)
    wait_for(lambda: canvas_rgb(app_page, 0, 0, WIDTH, HEIGHT) == white, what="Xvnc's white root window",
             page=app_page)
