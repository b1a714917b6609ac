"""User text: the string catalog and its one formatting helper, number/size/date formatting, and XAPI
errors as sentences. Imports only xapi/ (error types) and text/ itself.
"""
