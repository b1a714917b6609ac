"""The pure XAPI core of the browser app.

- errors: XapiError (an API failure) and TransportError (the request did not get an answer)
- jsonrpc: the JSON-RPC 2.0 envelope (encode a request, decode a parsed reply)
- client: Client over an injected async transport; sessions and calls
- cache: the record cache `{class: {ref: record}}` fed by get_all_records and event.from
- changes: what a cache update touched, as (class, ref) pairs
- sync: initial load, event polling and reconnect backoff, used by the app's loop
- tasks: XML-RPC `<value>` parsing for task results, task outcome
- console: websocket URL rules for `console.location`

No module here imports `js`, `pyscript` or does I/O: the transport is passed in.
"""
