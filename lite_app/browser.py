"""The browser edge: the only module of the app that imports `js` / `pyscript`.

Everything else in lite_app talks to the page through the small functions here, so it stays pure and
testable under CPython and MicroPython.
"""
import js

try:  # MicroPython's own FFI: importing `pyscript` would compile its whole package at start-up
    from jsffi import create_proxy
except ImportError:  # Pyodide
    from pyodide.ffi import create_proxy

# Proxies handed to JS must stay referenced, or MicroPython may collect them while JS still calls them.
_proxies = []


def element(element_id):
    """The DOM element with this id, or None."""
    return js.document.getElementById(element_id)


def on(target, event, handler):
    """Call handler(event) on each DOM event; returns the JS proxy (keep it to remove the listener)."""
    proxy = create_proxy(handler)
    _proxies.append(proxy)
    target.addEventListener(event, proxy)
    return proxy


def set_text(target, text):
    target.textContent = text


def set_attribute(target, name, value):
    target.setAttribute(name, value)


def build_info():
    """(version, revision) of the running bundle, as boot.js read them from the manifest."""
    boot = js.window.xcplite
    return str(boot.version), str(boot.revision)


def now_ms():
    """Milliseconds since navigation started (performance.now())."""
    return js.performance.now()
