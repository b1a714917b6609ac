"""User-visible strings, one catalog per language.

The build renders the first screen (static HTML shown before Python starts) from this catalog, and the
app uses the same keys at run time, so a string is written once. Pure: runs under CPython and MicroPython.
"""

CATALOGS = {
    "en": {
        "app.name": "xcplite",
        "app.tagline": "XCP-ng pool console",
        "login.title": "Log in",
        "login.heading": "Sign in to the pool",
        "login.username": "Username",
        "login.password": "Password",
        "login.submit": "Log in",
        "login.starting": "Starting the console\u2026",
        "login.ready": "Ready.",
        "login.pending": "Signing in\u2026",
        "login.keep": "Keep me signed in",
        "login.expired": "Your session expired. Please sign in again.",
        "login.signed_out": "You are signed out.",
        "login.resuming": "Opening your session\u2026",
        "login.error.credentials": "Wrong username or password.",
        "login.error.unreachable": "The host did not answer. Check that it is up and reachable, then try again.",
        "login.error.server": "The server reported an error",
        "login.error.slave": "This host is a pool member.",
        "login.open_master": "Open the pool master",
        "shell.skip": "Skip to content",
        "shell.menu": "Menu",
        "shell.nav": "Pool",
        "shell.user": "Signed in as",
        "shell.logout": "Log out",
        "shell.theme": "Theme",
        "shell.theme.auto": "Auto",
        "shell.theme.light": "Light",
        "shell.theme.dark": "Dark",
        "shell.reconnecting": "Reconnecting\u2026 the host is not answering; the figures shown may be out of date.",
        "shell.loading": "Loading the pool\u2026",
        "shell.tasks": "tasks running",
        "shell.tasks.none": "No task running",
        "shell.dismiss": "Dismiss",
        "shell.action_failed": "The action failed",
        "shell.view_failed": "This page could not be shown",
        "nav.pool": "Pool",
        "nav.dashboard": "Dashboard",
        "nav.vms": "VMs",
        "nav.storage": "Storage",
        "nav.networks": "Networks",
        "nav.hosts": "Hosts",
        "nav.other_vms": "Not running",
        "nav.expand": "Expand",
        "nav.collapse": "Collapse",
        "nav.show_all": "Show all",
        "nav.unnamed": "(unnamed)",
        "state.Running": "Running",
        "state.Halted": "Halted",
        "state.Paused": "Paused",
        "state.Suspended": "Suspended",
        "state.host_up": "Up",
        "state.host_down": "Down",
        "state.host_disabled": "Disabled (maintenance)",
        "page.dashboard": "Dashboard",
        "page.vms": "VMs",
        "page.vm": "VM",
        "page.host": "Host",
        "page.storage": "Storage",
        "page.sr": "Storage repository",
        "page.networks": "Networks",
        "page.network": "Network",
        "page.notfound": "Page not found",
        "page.notfound.text": "There is nothing at this address.",
        "page.notfound.home": "Go to the dashboard",
        "page.missing": "This object does not exist (any more).",
        "boot.failed": "The console failed to start",
        "footer.version": "Version",
    },
}

DEFAULT_LANGUAGE = "en"


def translate(key, language=DEFAULT_LANGUAGE):
    """Return the string for `key`, falling back to English, then to the key itself."""
    catalog = CATALOGS.get(language) or CATALOGS[DEFAULT_LANGUAGE]
    if key in catalog:
        return catalog[key]
    return CATALOGS[DEFAULT_LANGUAGE].get(key, key)
