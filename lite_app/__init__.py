"""xcplite's browser app: the code that ships to the browser and runs under PyScript + MicroPython.

Everything here except `browser.py` is pure Python that also runs under CPython, so it can be tested
without a browser (tests/pure runs under both interpreters).
"""
