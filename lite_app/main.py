"""The app's entry point: wires the browser edge to the controller.

The loader script (written by boot.js) imports this module and calls start(). Nothing runs at import time,
so the module can be imported by tests under CPython. The logic lives in lite_app/controller.py (sign-in,
live loop, renders) and lite_app/dispatch.py (what input does); this module only connects them.
"""
import asyncio


def start():
    """Start the app as a task (top-level awaits with wait_for hang under MicroPython)."""
    return asyncio.create_task(main())


async def main():
    from lite_app import browser  # the browser edge exists only in the browser
    from lite_app import dispatch
    from lite_app.controller import Controller

    env = browser.Env()
    controller = Controller(env)
    env.listen(lambda text: dispatch.dispatch(controller, text),
               lambda hash_text: dispatch.navigate(controller, hash_text),
               lambda width, height: resized(controller, width, height))
    await controller.boot()


def resized(controller, width, height):
    controller.state.viewport = (int(width), int(height))
    controller.invalidate()
