"""The shell: the state every view reads, the controller that signs in, keeps the pool live and renders,
the dispatch of user input, the page registry, and the drivers that act on the page (the console's
socket, the stats poller). It may import every other layer; nothing imports it but main.py and browser.py.
"""
