"""Pool-wide figures of the dashboard, from one pass over the cache (pure: CPython and MicroPython).

The dashboard is the first page after login, so its figures are computed together (`summary`) and kept
until the records they read change (`figures`); the host page reads the same memory figures, so a host's
memory is one derivation wherever it is shown.
"""
from lite_app.logic import infra, memo, model

SUMMARY_CLASSES = ("VM", "VM_metrics", "host", "host_metrics")


def summary(cache):
    """Pool-wide figures in one pass: hosts up/total, guests by power state, running vCPUs vs physical
    CPUs, and `used` {host ref: bytes its running domains (dom0 included) use}."""
    hosts, host_metrics = cache.all("host"), cache.all("host_metrics")
    out = {"hosts": len(hosts), "hosts_up": 0, "cpus": 0, "vcpus": 0, "vms": 0, "used": {}}
    for power in model.POWER_STATES:
        out[power] = 0
    for ref in hosts:
        out["cpus"] += infra.host_cpus(hosts[ref])
        metrics = host_metrics.get(hosts[ref].get("metrics"))
        if metrics is not None and metrics.get("live"):
            out["hosts_up"] += 1
    # The metrics of running VMs count only when loaded whole: those of a few VMs a page watches would
    # make the pool's figures depend on which VM pages were visited.
    vm_metrics = cache.all("VM_metrics") if cache.is_loaded("VM_metrics") else None
    table, used = cache.all("VM"), out["used"]
    for ref in table:
        vm = table[ref]
        power = vm.get("power_state")
        live = power in model.LIVE_STATES
        metrics = vm_metrics.get(vm.get("metrics")) if live and vm_metrics else None
        if live:
            host = vm.get("resident_on")
            memory = (metrics or {}).get("memory_actual") or vm.get("memory_dynamic_max") or 0
            used[host] = used.get(host, 0) + int(memory)
        if not model.is_guest(vm):
            continue
        out["vms"] += 1
        out[power] = out.get(power, 0) + 1
        if live:
            out["vcpus"] += int((metrics or {}).get("VCPUs_number") or vm.get("VCPUs_at_startup") or 0)
    return out


def host_memory(state, ref):
    """(used, total) bytes of a host: the one derivation the dashboard, the host page and the Top 5 show."""
    host = state.cache.get("host", ref) or {}
    return infra.host_memory(state.cache, host, figures(state)["used"].get(ref, 0))


def hosts_by_memory(state, n):
    """[(host uuid, bytes used)] of the n live hosts using the most memory, highest first."""
    hosts = state.cache.all("host")
    found = [(host_memory(state, ref)[0], hosts[ref].get("uuid") or ref) for ref in hosts
             if infra.host_live(state.cache, hosts[ref])]
    found.sort(key=lambda pair: (-pair[0], pair[1]))
    return [(uuid, used) for used, uuid in found[:n]]


def figures(state):
    """summary() of the state's cache, recomputed only when the records it reads change."""
    return memo.by_classes(state, "dashboard.summary", SUMMARY_CLASSES, lambda: summary(state.cache))
