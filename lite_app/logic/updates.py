"""XCP-ng updates through its updater plugin: what is pending per host, installing, and reboots.

Pure (CPython and MicroPython). `host.call_plugin(host, "updater.py", "check_update", {})` answers a JSON
list of yum's pending packages ({name, version, release, description, changelog, url, size, license});
`update` installs them all and answers JSON {stdout, stderr, command, returncode}. The plugin holds one
lock per host, so checks run once per visit and on request, never on a timer.

Which packages need a reboot: XCP-ng's updates that change what is loaded at boot: the hypervisor and
its libraries (`xen-*`), the dom0 kernel, CPU microcode and NIC firmware (REBOOT_NAMES, REBOOT_PREFIXES);
the rest (xapi, sm, qemu…) takes effect when its service restarts, which the update does.

Whether a host needs a reboot: XAPI keeps no such flag on XCP-ng. After a successful update this app
writes other_config:rpm_patch_installation_time (epoch seconds, as Xen Orchestra does, so both agree),
taken from the host's own clock (host.get_servertime) so a browser with a wrong clock cannot hide the
flag; the host needs a reboot while its other_config:boot_time is older. Hosts are updated one at a
time, the pool master first, as XCP-ng requires.
"""
import json

from lite_app.logic import hostpower, model
from lite_app.logic.hoststate import live
from lite_app.text import fmt
from lite_app.xapi.errors import XapiError

PLUGIN = "updater.py"
INSTALLED_KEY = "rpm_patch_installation_time"
REBOOT_NAMES = ("kernel", "microcode_ctl", "linux-firmware")
REBOOT_PREFIXES = ("xen-",)


def needs_reboot(name):
    return name in REBOOT_NAMES or any([name.startswith(p) for p in REBOOT_PREFIXES])


def check_call(host_ref):
    return ("Async.host.call_plugin", [host_ref, PLUGIN, "check_update", {}])


def package(item):
    """One pending package as the views show it; ValueError when the plugin sent something else."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ValueError("not a package")
    size = item.get("size")
    changelog = item.get("changelog") if isinstance(item.get("changelog"), dict) else {}
    return {"name": item["name"], "version": str(item.get("version") or ""), "release": str(item.get("release") or ""),
            "description": str(item.get("description") or ""), "size": size if isinstance(size, int) else None,
            "changes": str(changelog.get("description") or ""), "reboot": needs_reboot(item["name"])}


def parse_check(text):
    """The packages of a check_update answer, by name; ValueError when it is not the plugin's JSON."""
    items = json.loads(text) if isinstance(text, str) else text
    if not isinstance(items, list):
        raise ValueError("not a list")
    packages = [package(item) for item in items]
    packages.sort(key=lambda p: p["name"])
    return packages


def check_result(text):
    """Raise when an update's answer says it failed (returncode; `exit` from XCP-ng before 8.2.1)."""
    try:
        result = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return  # an answer that is not JSON came with a success: the packages are in
    if not isinstance(result, dict):
        return
    code = result.get("returncode", result.get("exit", 0))
    if code not in (0, None, "0"):
        raise XapiError("UPDATE_FAILED", [str(result.get("stderr") or result.get("stdout") or code).strip()])


def reboot_required(host):
    """True when updates were installed after the host's last boot."""
    config = host.get("other_config") or {}
    installed = fmt.parse_epoch(config.get(INSTALLED_KEY))
    if installed is None:
        return False
    booted = fmt.parse_epoch(config.get("boot_time"))
    return booted is None or booted < installed


def install_order(cache):
    """[(ref, host)] of the hosts to update: up, the pool master first, then by name."""
    hosts = cache.all("host")
    out = [(ref, hosts[ref]) for ref in hosts if live(cache, hosts[ref])]
    out.sort(key=lambda pair: (not hostpower.is_master(cache, pair[0]), model.name_key(pair[1])))
    return out


def stamp(time_text):
    """other_config's epoch string of a host's clock reading (an XAPI DateTime)."""
    seconds = fmt.parse_time(time_text)
    if seconds is None:
        raise XapiError("INTERNAL_ERROR", ["host.get_servertime: " + str(time_text)])
    return "%d" % seconds


def install_steps(host_ref):
    """Update one host, then record when (remove first: add_to_other_config refuses an existing key)."""
    key = "time:" + host_ref
    return [{"call": ("Async.host.call_plugin", [host_ref, PLUGIN, "update", {}]), "check": check_result, "weight": 6},
            {"call": ("host.get_servertime", [host_ref]), "key": key, "weight": 0.2},
            {"call": ("host.remove_from_other_config", [host_ref, INSTALLED_KEY]), "weight": 0.2},
            {"call": lambda results: ("host.add_to_other_config", [host_ref, INSTALLED_KEY, stamp(results[key])]),
             "weight": 0.2}]


def install_job_steps(host_refs):
    steps = []
    for ref in host_refs:
        steps.extend(install_steps(ref))
    return steps
