"""Waiting for a condition instead of sleeping and hoping: poll it, fail with a sentence at the deadline."""
import asyncio
import time


async def until(predicate, timeout=5.0, step=0.01, what="condition"):
    """Await until `predicate()` is true (simulated operations finish on the event loop)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("%s not met within %.1f s" % (what, timeout))
        await asyncio.sleep(step)


def wait_for(predicate, timeout=10.0, step=0.05, what="condition", page=None):
    """The same for code outside an event loop (threads, processes, a browser driven synchronously);
    returns the predicate's last (true) value. With a Playwright `page`, waits through it, so its
    events (websockets opening, requests finishing) keep arriving meanwhile."""
    deadline = time.monotonic() + timeout
    value = None
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("%s not met within %.1f s; last value: %r" % (what, timeout, value))
        if page is not None:
            page.wait_for_timeout(step * 1000)
        else:
            time.sleep(step)
