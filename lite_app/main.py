"""The app's entry point: wires the browser edge to the controller.

The loader script (written by boot.js) imports this module and calls start(). Nothing runs at import time,
so the module can be imported by tests under CPython. The logic lives in lite_app/shell/controller.py (sign-in,
live loop, renders) and lite_app/shell/dispatch.py (what input does); this module only connects them.

Start-up order matters for the first screen: compiling the controller, the client and the views takes
MicroPython a few hundred milliseconds, so without a stored session the login form is enabled first and
those modules are imported right after; a submit arriving meanwhile is queued, not lost. The form is
enabled inside start(), while the loader script still runs (a task would first wait for PyScript to
finish that script, ~8 ms), and the language's strings are read after it (~8 ms): the form needs none.
"""
import asyncio
import gc

from lite_app.shell.session import read_cookie
from lite_app.text import catalog

# MicroPython's WebAssembly port collects after every 16 KiB allocated (at the next return to JS). Each
# collection marks the whole heap, which holds the pool's records (16+ MB at 10,000 VMs): a single
# change then cost ~150 ms of collections before its render even started. After each MiB, a live pool
# of 10,000 VMs with 50 changes a second still spent a third of its time collecting; after each 4 MiB
# it is under a tenth. After each 8 MiB the 10,000-VM list loads in ~1.55 s instead of ~1.95 (half as
# many collections of the growing heap while the records arrive) and a keystroke there answers in ~35 ms
# instead of ~55-80, with the same wasm memory (~41 MB). After each 16 MiB the list and the keystroke are
# the same, and so is the memory, but a live pool of 10,000 VMs pauses ~55 ms for a collection half as
# often: change -> DOM p95 ~80 -> ~70 ms, the slowest change ~100 -> ~80 ms (three interleaved A/B rounds).
GC_THRESHOLD = 16 * 1024 * 1024

# The running controller, reachable from the interpreter for profiling and benchmarks.
CONTROLLER = None


def start():
    """Make the login form ready now, then run the rest of the app as a task (top-level awaits with
    wait_for hang under MicroPython)."""
    from lite_app import browser  # the browser edge exists only in the browser
    env = browser.Env()
    return asyncio.create_task(run(env, begin(env)))


class Wiring:
    """Page events before and after the controller exists."""

    def __init__(self):
        self.controller = None
        self.dispatch = None
        self.queue = []

    def action(self, text):
        if self.controller is None:
            self.queue.append(text)
        else:
            self.dispatch.dispatch(self.controller, text)

    def hash_changed(self, hash_text):
        if self.controller is not None:
            self.dispatch.navigate(self.controller, hash_text)

    def resized(self, width, height):
        if self.controller is not None:
            self.controller.state.viewport = (int(width), int(height))
            self.controller.invalidate()

    def attach(self, controller, dispatch):
        self.controller, self.dispatch = controller, dispatch
        queued, self.queue = self.queue, []
        for text in queued:
            self.action(text)


def begin(env):
    """Listen to the page and, without a stored session, make the login form ready; (wiring, resuming)."""
    env.mark("xl-python")
    if hasattr(gc, "threshold"):
        gc.threshold(GC_THRESHOLD)
    wiring = Wiring()
    env.listen(wiring.action, wiring.hash_changed, wiring.resized)
    resuming = read_cookie(env.cookie()) is not None
    if not resuming:
        env.set_login(False, "[]", False)
        env.focus("xl-password")  # the user name is filled in already: the password is what to type
        env.mark("xl-interactive")
    return wiring, resuming


async def run(env, begun=None):
    """Wire the page `env` to a controller, showing the login form as early as possible."""
    wiring, resuming = begun or begin(env)
    if not resuming:
        await env.idle()  # let the browser show the enabled form before compiling the rest
    catalog.use(env.language())
    from lite_app.shell import dispatch
    from lite_app.shell.controller import Controller

    global CONTROLLER
    controller = CONTROLLER = Controller(env)
    controller.state.viewport = env.viewport()
    await controller.boot()
    wiring.attach(controller, dispatch)
    env.mark("xl-ready")
