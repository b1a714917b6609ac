"""`build.py serve`: one ready line, a working host origin and CDN origin, and Ctrl+C stops everything."""
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from urllib.parse import urlsplit

from harness import ROOT
from support.waiting import wait_for
from support.xapi import login_sync

READY = re.compile(r"^xcplite ready: (http://127\.0\.0\.1:\d+/) user=root password=(\S+)$")


def start_serve(tmp_path, *flags):
    proc = subprocess.Popen([sys.executable, "build.py", "serve", "--port", "0", "--cdn-port", "0", "--hosts", "1",
                             "--vms", "2", "--password", "s3cret", "--out", str(tmp_path / "dist"), *flags],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().rstrip("\n")
    return proc, line


def refused(url):
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_serve_prints_one_ready_line_and_stops_everything_on_ctrl_c(tmp_path):
    proc, line = start_serve(tmp_path)
    try:
        found = READY.match(line)
        assert found, line
        url, password = found.groups()
        assert password == "s3cret"
        stub = urllib.request.urlopen(url, timeout=10).read().decode()
        cdn_url = re.search(r'CDN="(http://127\.0\.1\.1:\d+/)"', stub).group(1)
        assert urllib.request.urlopen(cdn_url + "boot.js", timeout=10).status == 200
        assert urllib.request.urlopen(url + "xcplite/boot.js", timeout=10).status == 200
        assert login_sync(url, password).startswith("OpaqueRef:")
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) is not None
    wait_for(lambda: refused(url) and refused(cdn_url), timeout=5.0,
             what="the simulator and the CDN to stop with serve")


def test_serve_cdn_down_points_the_stub_at_a_closed_port(tmp_path):
    proc, line = start_serve(tmp_path, "--cdn-down")
    try:
        url = READY.match(line).group(1)
        stub = urllib.request.urlopen(url, timeout=10).read().decode()
        assert refused(re.search(r'CDN="([^"]+)"', stub).group(1))
        assert urllib.request.urlopen(url + "xcplite/boot.js", timeout=10).status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def test_a_busy_port_is_named_with_how_to_choose_another(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "build.py", "serve", "--port", str(port), "--cdn-port", "0",
                               "--out", str(tmp_path / "dist")], cwd=ROOT, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode != 0
    assert "Port %d on 127.0.0.1 is busy" % port in done.stderr and 'DEMO_ARGS="--port' in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) < 8, done.stderr
