"""Proves the MicroPython runner (tests/mpy/run.mjs) runs sync and async tests and sees lite_app.

Also collected by pytest, so the same assertions hold under CPython.
"""
import asyncio
import sys

from lite_app.text.catalog import translate


def test_sync_function_runs():
    assert sum([1, 2, 3]) == 6


async def _late(value):
    await asyncio.sleep(0)
    return value


async def test_coroutine_is_awaited():
    # wait_for inside a task: the pattern the app relies on (it hangs at top level under MicroPython)
    assert await asyncio.wait_for(_late("late"), 1) == "late"


def test_lite_app_is_importable():
    assert translate("login.submit") == "Log in"
    assert translate("no.such.key") == "no.such.key"


def test_runs_on_expected_implementation():
    assert sys.implementation.name in ("micropython", "cpython")
