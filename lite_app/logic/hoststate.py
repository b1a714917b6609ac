"""Whether a host is up, in maintenance, rebooting or shutting down, from the live cache.

Pure (CPython and MicroPython). Small on purpose: the shell's frame reads `master_going_down` on every
render of the banner (and the controller when the session ends), so it is part of the first download.
XAPI marks a host that is going down with `shutdown` in its current_operations, for a reboot too; the
task that operation names is titled "Host is rebooting" or "Host is shutting down", which tells them
apart. Once down, host_metrics.live is false.
"""
from lite_app.xapi.cache import NULL_REF

REBOOT_TASK = "Host is rebooting"


def live(cache, host):
    """False only when host_metrics says the host is down (an unknown metrics record counts as up)."""
    metrics = cache.get("host_metrics", host.get("metrics") or NULL_REF)
    return metrics is None or bool(metrics.get("live"))


def operation(host, name):
    """The task ref of a running host operation `name`, or None."""
    ops = host.get("current_operations") or {}
    for task in ops:
        if ops[task] == name:
            return task
    return None


def going_down(cache, host):
    """"reboot" or "shutdown" while XAPI takes the host down (and, for a reboot, until it is back); None."""
    task = operation(host, "shutdown")
    if task is None:
        return None
    record = cache.get("task", task) or {}
    return "reboot" if record.get("name_label") == REBOOT_TASK else "shutdown"


def status(cache, host):
    """"rebooting", "shutting_down", "down", "evacuating", "maintenance" or "up"."""
    down = going_down(cache, host)
    if down is not None:
        return "rebooting" if down == "reboot" else "shutting_down"
    if not live(cache, host):
        return "down"
    if operation(host, "evacuate") is not None:
        return "evacuating"
    return "up" if host.get("enabled", True) else "maintenance"


def master_going_down(cache):
    """(operation, master's name) when the pool master is being rebooted or shut down, else None."""
    pool = cache.first("pool")[1] or {}
    master = cache.get("host", pool.get("master") or NULL_REF)
    if master is None:
        return None
    down = going_down(cache, master)
    return None if down is None else (down, master.get("name_label") or "")
