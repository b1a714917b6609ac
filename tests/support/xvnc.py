"""A real VNC server for the console tests: TigerVNC's Xvnc (`make test` installs it) on a free loopback port."""
import contextlib
import os
import shutil
import socket
import subprocess

from support.waiting import wait_for


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_display(first):
    return next(n for n in range(first, first + 240) if not os.path.exists("/tmp/.X11-unix/X%d" % n)
                and not os.path.exists("/tmp/.X%d-lock" % n))


def accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def running_xvnc(width, height, first_display=40, extra=()):
    """Yields the RFB port of an Xvnc with security None, listening on 127.0.0.1 only."""
    binary = shutil.which("Xvnc")
    assert binary, "Xvnc missing: `make test` installs tigervnc-standalone-server"
    port = free_port()
    proc = subprocess.Popen([binary, ":%d" % free_display(first_display), "-rfbport", str(port),
                             "-SecurityTypes", "None", "-localhost", "-geometry", "%dx%d" % (width, height),
                             "-depth", "24", "-nolisten", "tcp"] + list(extra),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: accepts(port), timeout=10.0, what="Xvnc listening")
        yield port
    finally:
        proc.terminate()
        proc.wait(5)
