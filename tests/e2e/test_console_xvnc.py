"""A console against a real VNC server: TigerVNC's Xvnc behind the simulator's --vnc-backend, drawn by noVNC
in Chromium (its own size, the white root window it was started with)."""
import pytest
from console_harness import Pool, canvas_rgb, canvas_size, open_console, wait_for, wait_status

from support.xvnc import running_xvnc

WIDTH, HEIGHT = 320, 200


@pytest.fixture(scope="module")
def xvnc():
    with running_xvnc(WIDTH, HEIGHT, first_display=60, extra=("-wr",)) as port:
        yield port


def test_a_real_vnc_server_renders_in_the_browser(start_sim, xvnc, app_page, guard):
    pool = Pool(start_sim(hosts=1, vms=3, seed=5, extra=("--vnc-backend", "127.0.0.1:%d" % xvnc)))
    vm = pool.pick("Running")[1]
    open_console(app_page, pool.sim, guard, vm["uuid"])
    wait_status(app_page, "connected")
    wait_for(lambda: canvas_size(app_page) == [WIDTH, HEIGHT], what="the canvas at Xvnc's size", page=app_page)
    white = b"\xff\xff\xff" * (WIDTH * HEIGHT)
    wait_for(lambda: canvas_rgb(app_page, 0, 0, WIDTH, HEIGHT) == white, what="Xvnc's white root window",
             page=app_page)
