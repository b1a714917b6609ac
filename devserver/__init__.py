"""Build and development tooling for xcplite: bundle builder, host stub, CDN origin server, `serve`.

CPython only and never shipped to the browser.
"""
