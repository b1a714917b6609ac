"""The pure XAPI core of the browser app: no module here imports `js`, `pyscript` or does I/O.

- errors: XapiError (an API failure) and TransportError (the request did not get an answer)
- jsonrpc: the JSON-RPC 2.0 envelope (encode a request, decode a parsed reply)
- client: Client over an injected async transport; sessions and calls
- cache, changes: the record cache `{class: {ref: record}}` fed by get_all_records and event.from, and
  what an update touched as (class, ref) pairs
- sync: the first load (token first, every class in parallel), event polling, the Live loop with its
  backoff, resync and error triage
- tasks: XML-RPC `<value>` parsing for task results, task outcomes
- urls: URL rules of the host's HTTP handlers (console websockets, the session only for other origins)
"""
