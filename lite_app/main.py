"""The app's entry point: wires the browser edge to the views and owns the event loop.

The loader script (written by boot.js) imports this module and calls start(). Nothing runs at import time,
so the module can be imported by tests under CPython.
"""
import asyncio

from lite_app.i18n import translate

LOGIN_FORM = "xl-login-form"
LOGIN_BUTTON = "xl-login-submit"
LOGIN_STATUS = "xl-login-status"


def start():
    """Start the app as a task (top-level awaits with wait_for hang under MicroPython)."""
    return asyncio.create_task(main())


async def main():
    from lite_app import browser  # the browser edge exists only in the browser
    make_login_interactive(browser)


def make_login_interactive(browser):
    """Enable the static login form that boot.js painted before Python started."""
    form = browser.element(LOGIN_FORM)
    browser.on(form, "submit", lambda event: on_submit(browser, event))
    browser.element(LOGIN_BUTTON).disabled = False
    browser.set_attribute(form, "aria-busy", "false")
    browser.set_attribute(form, "data-ready", "1")
    browser.set_text(browser.element(LOGIN_STATUS), "")


def on_submit(browser, event):
    # Signing in arrives with the login view; until then the form must not navigate away.
    event.preventDefault()
    browser.set_text(browser.element(LOGIN_STATUS), translate("login.pending"))
