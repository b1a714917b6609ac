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
        "login.pending": "Signing in is not available in this build yet.",
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
