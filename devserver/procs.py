"""Starting and stopping the development servers as child processes (used by serve, tests and benchmarks).

Each server prints one line `... listening on http://ADDR:PORT` when ready; spawn() waits for it and then
keeps draining the child's output in a thread (so a chatty child never blocks on a full pipe) into a
bounded buffer that tests can print when something fails.
"""
import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time

from devserver import project

LISTENING = re.compile(r"listening on (http://\S+)")


class Child:
    """A running server process and its URL."""

    def __init__(self, name, proc, url):
        self.name, self.proc, self.url = name, proc, url.rstrip("/")
        self.output = collections.deque(maxlen=500)

    def drain(self, stream):
        for line in stream:
            self.output.append(line.rstrip("\n"))

    def log(self):
        return "\n".join(self.output)

    def stop(self, timeout=5):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def spawn(name, args, timeout=60, echo=False):
    """Start `python args...` from the source root; returns a Child once it printed its URL."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, *args], cwd=project.ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line.rstrip("\n"))
        if echo:
            print(f"[{name}] {seen[-1]}", file=sys.stderr)
        found = LISTENING.search(line)
        if found:
            child = Child(name, proc, found.group(1))
            child.output.extend(seen)
            threading.Thread(target=child.drain, args=(proc.stdout,), daemon=True).start()
            return child
    proc.kill()
    proc.wait()
    raise RuntimeError(f"{name} did not start ({' '.join(args)}):\n" + "\n".join(seen[-40:]))


def cdn(root, host="127.0.1.1", port=0, mode="serve", rules=()):
    """The CDN origin (devserver.cdn) serving `root`, or hanging; `rules` ("REGEX=hang|trickle|404")
    make it misbehave on some files."""
    args = ["-m", "devserver.cdn", "--bind", host, "--port", str(port), "--mode", mode]
    args += [a for rule in rules for a in ("--rule", rule)]
    return spawn(f"cdn-{mode}", args + (["--root", str(root)] if mode == "serve" else []))


def simulator(stub=None, local_bundle=None, bind="127.0.0.1", port=0, hosts=1, vms=3, seed=1, password="xcplite",
              extra=(), echo=False):
    """A simulated pool (xapi_sim) serving the stub at / and the local bundle at /xcplite/."""
    args = ["-m", "xapi_sim", "--bind", bind, "--port", str(port), "--hosts", str(hosts), "--vms", str(vms),
            "--seed", str(seed), "--password", password]
    if stub:
        args += ["--stub", str(stub)]
    if local_bundle:
        args += ["--local-bundle", str(local_bundle)]
    return spawn("xapi_sim", args + list(extra), echo=echo)
