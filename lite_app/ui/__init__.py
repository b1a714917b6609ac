"""Views: pure functions from the record cache to virtual DOM nodes (see vdom.py)."""
