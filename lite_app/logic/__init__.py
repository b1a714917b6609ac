"""Pure feature logic: what the pages compute from the record cache (derived figures, rules, call plans,
search, routes). Each module is named like the ui/ module that draws it. Imports only xapi/, text/ and
logic/ itself: never ui/ or shell/, so every function here is testable without a page.
"""
