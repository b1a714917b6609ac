"""xapi_sim: a simulated XCP-ng / XenServer pool speaking XAPI (JSON-RPC, XML-RPC, HTTP handlers)."""
