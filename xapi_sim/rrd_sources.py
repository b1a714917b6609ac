"""What the statistics are about, read from the database: hosts, VMs and SRs as the plain descriptors
`rrd_series` turns into signals, and the archive of VMs' past runs.

XAPI keeps a VM's RRD outside the database: rrdd holds it while the VM runs, archives it on the pool
master when the VM halts or suspends (xapi_vm_lifecycle.ml `archive_rrd`, xapi_vm.ml `suspend`),
restores it when the VM starts again (message_forwarding.ml `push_rrd`) and deletes it with the VM
(xapi_vm.ml `destroy`: `remove_rrd`). The simulator's series are functions of time, so all an RRD
needs to remember is when the VM ran: `db.rrd_runs[vm uuid]` lists its closed runs (start, end).
"""
import calendar
import time

NULL = "OpaqueRef:NULL"
MAX_RUNS = 64      # older runs fall out of every archive (a year of 1-day rows) long before this


def archive_run(db, vm_uuid, start, end):
    """The VM stopped: keep (start, end) of the run that ended, as rrdd archives the RRD."""
    if start and end > start:
        runs = db.rrd_runs.setdefault(vm_uuid, [])
        runs.append((start, end))
        del runs[:-MAX_RUNS]


def remove_rrd(db, vm_uuid):
    db.rrd_runs.pop(vm_uuid, None)


def describe(db, host):
    """(host, VMs, SRs) descriptors for `rrd_series.select_sources`, read from the database."""
    vms = [vm_descriptor(db, ref) for ref in sorted(db.referrers("host", "resident_VMs", host))]
    return host_descriptor(db, host), [v for v in vms if v is not None], sr_descriptors(db, host)


def host_descriptor(db, host):
    rec = db.get("host", host)
    metrics = db.get("host_metrics", rec["metrics"]) or {}
    pifs = [db.get("PIF", ref)["device"] for ref in db.referrers("host", "PIFs", host)]
    return {"uuid": rec["uuid"], "cpus": len(db.referrers("host", "host_CPUs", host)),
            "memory_total": metrics.get("memory_total", 0), "memory_overhead": rec["memory_overhead"],
            "pifs": sorted(set(pifs))}


def vm_descriptor(db, ref, archived=False):
    """A running or paused VM's descriptor; None for any other state (it has no RRD loaded), or with
    `archived`, the descriptor of its archived RRD (None if it never ran)."""
    rec = db.get("VM", ref)
    live = rec["power_state"] in ("Running", "Paused")
    runs = list(db.rrd_runs.get(rec["uuid"], ()))
    if not live and not (archived and runs):
        return None
    metrics = db.get("VM_metrics", rec["metrics"]) or {}
    return {"uuid": rec["uuid"], "vcpus": metrics.get("VCPUs_number") or rec["VCPUs_at_startup"],
            "memory_target": rec["memory_target"] or rec["memory_dynamic_max"],
            "memory_static_max": rec["memory_static_max"],
            "vifs": _devices(db, "VIF", db.referrers("VM", "VIFs", ref), live),
            "vbds": _devices(db, "VBD", db.referrers("VM", "VBDs", ref), live),
            "running_since": epoch_of(metrics.get("start_time")) if live else None,
            "runs": runs, "paused": rec["power_state"] == "Paused"}


def _devices(db, cls, refs, attached_only=True):
    devices = [db.get(cls, r)["device"] for r in refs
               if db.get(cls, r)["currently_attached"] or not attached_only]
    return sorted(d for d in devices if d)


def sr_descriptors(db, host):
    """The SRs this host has a plugged PBD for."""
    srs = set()
    for ref in db.referrers("host", "PBDs", host):
        pbd = db.get("PBD", ref)
        if pbd["currently_attached"] and db.exists("SR", pbd["SR"]):
            srs.add(db.get("SR", pbd["SR"])["uuid"])
    return [{"uuid": u} for u in sorted(srs)]


# Parsed DateTimes: a host's free memory is derived from every running VM's start time at each VM
# started or stopped, and strptime was most of the simulator's time under --activity at 10,000 VMs.
_EPOCHS = {}


def epoch_of(stamp):
    """Unix seconds of a XAPI DateTime; 0.0 when unset (the VM has been up as long as the RRD)."""
    text = str(stamp)
    found = _EPOCHS.get(text)
    if found is None:
        try:
            found = float(calendar.timegm(time.strptime(text, "%Y%m%dT%H:%M:%SZ")))
        except ValueError:
            found = 0.0
        if len(_EPOCHS) > 100000:
            _EPOCHS.clear()
        _EPOCHS[text] = found
    return found
