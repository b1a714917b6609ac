"""What can be done to a host now, and why not: maintenance, reboot, shutdown, power on, edit.

Pure (CPython and MicroPython). The rules follow XAPI's (xapi_host_helpers valid_operations): a host
that is down only powers on, and only with a power-on method (`power_on_mode`, HOST_POWER_ON_MODE_DISABLED
otherwise); a host going down or being evacuated takes no other operation meanwhile
(OTHER_OPERATION_IN_PROGRESS). Reboot and shutdown are offered on an enabled host with VMs too: the
dialog puts it in maintenance first (XAPI refuses them while the host is enabled, HOST_NOT_DISABLED).
`action_state(cache, host_ref, host, op)` -> (allowed, reason catalog key or None).
"""
from lite_app.logic import hoststate

OPS = ("maintenance", "enable", "reboot", "shutdown", "power_on", "edit")


def busy_reason(cache, host):
    status = hoststate.status(cache, host)
    if status in ("rebooting", "shutting_down"):
        return "adm.why.going_down"
    if status == "evacuating" or hoststate.operation(host, "apply_updates") is not None:
        return "adm.why.busy"
    return None


def action_state(cache, host_ref, host, op):
    """(allowed, reason key) of a host operation (OPS)."""
    if op == "edit":
        return True, None
    up = hoststate.live(cache, host)
    if op == "power_on":
        if up:
            return False, "adm.why.live"
        return (True, None) if host.get("power_on_mode") else (False, "adm.why.no_power_on")
    if not up:
        return False, "adm.why.down"
    reason = busy_reason(cache, host)
    if reason is not None:
        return False, reason
    if op == "maintenance" and not host.get("enabled", True):
        return False, "adm.why.in_maintenance"
    if op == "enable" and host.get("enabled", True):
        return False, "adm.why.enabled"
    return True, None


def is_master(cache, host_ref):
    return (cache.first("pool")[1] or {}).get("master") == host_ref
