"""Talking to a simulated pool from tests: sessions, JSON-RPC over HTTP, and which VMs are guests."""
import json
import urllib.request

PASSWORD = "xcplite"


class XapiCallError(Exception):
    """An XAPI failure received over the wire; `.description` is ErrorDescription as a list."""

    def __init__(self, description):
        super().__init__(description)
        self.description = description


def is_guest(vm):
    """A real VM: not a template, a snapshot or a control domain (as the app counts them)."""
    return not (vm["is_a_template"] or vm["is_a_snapshot"] or vm["is_control_domain"])


def guest_refs(db, power_state=None):
    """Refs of the guest VMs in a simulator's database (in `power_state` if given), in ref order."""
    return sorted(ref for ref in db.all("VM") if is_guest(db.get("VM", ref))
                  and (power_state is None or db.get("VM", ref)["power_state"] == power_state))


def guest_records(records):
    """{ref: record} of the guests among VM records."""
    return {ref: vm for ref, vm in records.items() if is_guest(vm)}


async def login(sim, user="root", password=PASSWORD, address=None):
    """A session ref from the simulator's own session.login_with_password (in process)."""
    return await sim.call("session.login_with_password", [user, password], address)


def error_description(error):
    """ErrorDescription from a JSON-RPC 1.0 or 2.0 error member."""
    if isinstance(error, dict) and "message" in error:
        return [error["message"]] + list(error.get("data") or [])
    return list(error)


async def jsonrpc(http, url, method, params, version="2.0", request_id=1):
    """POST one JSON-RPC request to URL/jsonrpc with an aiohttp session; returns the decoded reply."""
    body = {"method": method, "params": params, "id": request_id}
    if version == "2.0":
        body["jsonrpc"] = "2.0"
    async with http.post(url.rstrip("/") + "/jsonrpc", json=body) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json(content_type=None)


def rpc_sync(url, method, params, timeout=10):
    """One JSON-RPC 2.0 call without an event loop (urllib); the result, or XapiCallError."""
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}).encode()
    request = urllib.request.Request(url.rstrip("/") + "/jsonrpc", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        answer = json.load(reply)
    if answer.get("error"):
        raise XapiCallError(error_description(answer["error"]))
    return answer["result"]


def login_sync(url, password=PASSWORD, user="root"):
    return rpc_sync(url, "session.login_with_password", [user, password])
