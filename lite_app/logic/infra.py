"""Derived data about hosts and storage repositories for the views (pure: CPython and MicroPython).

A host's CPUs, memory use, uptime and interfaces; an SR's host and display name (its space is
lite_app/logic/space.py).
"""
from lite_app.logic import model
from lite_app.text import fmt


def host_memory(cache, host, domains=None, ref=None):
    """(used, total) bytes of a host.

    XAPI's host_metrics.memory_free when it reports one; otherwise the host's own overhead plus what
    its running domains (dom0 included) use, as XAPI computes free memory. `domains` is that sum when
    the caller has it (the dashboard's one pass), else it is summed over the VMs resident on host `ref`.
    """
    metrics = model.deref(cache, "host_metrics", host.get("metrics"))
    total = int(metrics.get("memory_total") or 0) if metrics else 0
    free = int(metrics.get("memory_free") or 0) if metrics else 0
    if free > 0:
        return max(0, total - free), total
    if domains is None:
        domains = 0
        for _vm_ref, vm in model.residents(cache, ref) if ref else ():
            domains += model.vm_memory(cache, vm)
    used = int(host.get("memory_overhead") or 0) + domains
    return min(used, total) if total else used, total


def host_live(cache, host):
    metrics = model.deref(cache, "host_metrics", host.get("metrics"))
    return bool(metrics and metrics.get("live"))


def host_cpus(host):
    info = host.get("cpu_info") or {}
    count = info.get("cpu_count") or "0"
    return int(count) if str(count).isdigit() else 0


def host_uptime(host, now):
    boot = fmt.parse_epoch((host.get("other_config") or {}).get("boot_time"))
    if boot is None or now is None:
        return None
    return max(0, now - boot)


def host_pifs(cache, host):
    """[(ref, PIF)] of a host sorted by device then VLAN."""
    found = []
    for ref in host.get("PIFs") or ():
        pif = cache.get("PIF", ref)
        if pif is not None:
            found.append((ref, pif))
    found.sort(key=lambda pair: (pair[1].get("device") or "", pair[1].get("VLAN") or -1))
    return found


def sr_host(cache, sr):
    """The host of a local (not shared) SR, through its PBD; None for shared SRs."""
    if sr.get("shared"):
        return None
    for ref in sr.get("PBDs") or ():
        pbd = cache.get("PBD", ref)
        if pbd is not None:
            return model.deref(cache, "host", pbd.get("host"))
    return None


def sr_label(cache, sr):
    """An SR's name, with its host for a local SR: every host has a "Local storage"."""
    name = sr.get("name_label") or sr.get("uuid") or ""
    host = sr_host(cache, sr)
    return name + " (" + host.get("name_label") + ")" if host and host.get("name_label") else name
