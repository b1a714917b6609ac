"""XCP-ng's updater plugin, `host.call_plugin(host, "updater.py", fn, args)` (xcp-ng-xapi-plugins,
SOURCES/etc/xapi.d/plugins/updater.py and xcpngutils/__init__.py).

- check_update: a JSON list of yum's pending updates, each as display_package() writes it:
  {name, version, release, description (the summary), changelog {date, author, description} or
  null, url, size (bytes), license}.
- update (args: optional `packages`, space- or comma-separated names; `repos` ignored): installs
  them (all pending by default), taking op_time("update") (3x the base). Like the plugin it
  creates a task "Update host NAME (UUID)" meanwhile and destroys it after; it answers
  json.dumps(run_command's result): {"stdout", "stderr", "command", "returncode"}.
- query_installed (args `packages`): {name: "name-version-release.arch" or ""}.
- get_proxies: {repo id: proxy or "_none_"}.
The plugin holds one lock per host: check_update and get_proxies fail at once while another call
holds it, update waits up to 10 s for it (and at once if an update holds it). Its failures reach
the client as the plugin raises them (error_wrapped): ["-1", message, details, traceback], e.g.
["-1", "The updater plugin is busy (current operation: update)", "", "Traceback …"] or
["-1", "Update already in progress", "", "Traceback …"]. The updates_unreachable fault makes
check_update fail as yum's RepoError does (["-1", "Cannot retrieve repository metadata …", "",
traceback]) and update as its failed yum command does (["1", "Command '[…]' failed with code: 1",
"stdout: '…', stderr: '…'", traceback]).

What the host shows after an update: XCP-ng has no XAPI field for it (updates_requiring_reboot
is XenServer's update mechanism). The plugin records nothing; Xen Orchestra, after a successful
update, writes host.other_config:rpm_patch_installation_time (seconds since the epoch, a string)
and shows "reboot required" while other_config:boot_time (which XAPI writes at boot) is older.
The simulator does the same on its side: boot_time is renewed at each boot, and updated
packages reach host.software_version only after a reboot (dbsync refreshes it at start).
Every host starts with a few pending updates drawn from CATALOGUE by the seed.
"""
import asyncio
import hashlib
import json

from ..errors import XapiFailure
from .host_info import PLUGINS

PLUGIN = "/etc/xapi.d/plugins/updater.py"
LOCK_TIMEOUT = 10.0          # update's operationlock(timeout=10)
REPOS = ("xcp-ng-base", "xcp-ng-updates", "xcp-ng-linstor")
AUTHOR = "XCP-ng packaging team <packaging@xcp-ng.org>"
CHANGELOG_DATE = 1735689600   # yum changelog dates are epoch seconds (2025-01-01)
# name, installed version-release, new version-release, summary, changelog line, size KiB,
# license, url, needs a reboot to take effect (xen, kernel, microcode, firmware)
CATALOGUE = (
    ("xen-hypervisor", "4.17.5-3.xcpng8.3", "4.17.5-5.xcpng8.3",
     "Xen is a virtual machine monitor (the hypervisor)", "Security update for XSA-466",
     1207, "GPLv2 and LGPLv2+ and BSD", "https://xenproject.org/", True),
    ("xen-libs", "4.17.5-3.xcpng8.3", "4.17.5-5.xcpng8.3", "Libraries for Xen tools",
     "Security update for XSA-466", 612, "GPLv2 and LGPLv2+ and BSD", "https://xenproject.org/",
     True),
    ("kernel", "4.19.19-8.0.37.1.xcpng8.3", "4.19.19-8.0.38.2.xcpng8.3", "The Linux kernel",
     "Backport NIC driver fixes for Intel X710", 30124, "GPLv2", "https://www.kernel.org/", True),
    ("microcode_ctl", "2.1-26.xs29.5.xcpng8.3", "2.1-26.xs30.1.xcpng8.3",
     "CPU microcode updates for Intel and AMD processors", "Intel microcode 20250211",
     9830, "GPLv2+ and Redistributable, no modification permitted",
     "https://pagure.io/microcode_ctl", True),
    ("xapi-core", "24.39.1-1.5.xcpng8.3", "24.39.1-1.6.xcpng8.3", "xapi - xen toolstack for XCP",
     "Fix a race between VM.pool_migrate and host.evacuate", 2941,
     "LGPL+linking exception", "http://www.xen.org", False),
    ("xapi-xe", "24.39.1-1.5.xcpng8.3", "24.39.1-1.6.xcpng8.3", "The xapi toolstack CLI",
     "Fix a race between VM.pool_migrate and host.evacuate", 1320,
     "LGPL+linking exception", "http://www.xen.org", False),
    ("sm", "3.2.12-3.2.xcpng8.3", "3.2.12-3.3.xcpng8.3", "sm - XCP storage managers",
     "Fix coalesce of VHD chains on NFS SRs", 812, "LGPL", "https://github.com/xapi-project/sm",
     False),
    ("qemu", "4.2.1-5.2.10.xcpng8.3", "4.2.1-5.2.11.xcpng8.3", "qemu-dm device model",
     "Fix a crash of the emulated e1000 NIC", 5102, "GPLv2 and BSD and MIT",
     "http://www.qemu.org/", False),
    ("openssl-libs", "1.0.2k-26.2.xcpng8.3", "1.0.2k-26.3.xcpng8.3",
     "A general purpose cryptography library with TLS implementation",
     "Fix CVE-2024-13176", 1210, "OpenSSL", "http://www.openssl.org/", False),
    ("tzdata", "2024a-1.el7", "2025a-1.el7", "Timezone data", "Update to tzdata-2025a",
     504, "Public Domain", "https://www.iana.org/time-zones", False),
    ("xcp-ng-xapi-plugins", "1.11.0-1.xcpng8.3", "1.12.0-1.xcpng8.3", "XAPI plugins for XCP-ng",
     "updater.py: report the busy operation", 88, "AGPLv3",
     "https://github.com/xcp-ng/xcp-ng-xapi-plugins", False),
    ("xcp-ng-release", "8.3.0-30", "8.3.0-31", "XCP-ng release file", "Update repository keys",
     44, "GPLv2", "https://github.com/xcp-ng/xcp-ng-release", False),
)
BY_NAME = {p[0]: p for p in CATALOGUE}
REBOOT_PACKAGES = tuple(p[0] for p in CATALOGUE if p[8])


class HostPackages:
    """One host's yum state: installed version-release per package, and its plugin lock."""

    def __init__(self, seed, host_uuid):
        self.installed = {p[0]: p[1] for p in CATALOGUE}
        self.pending = set(_draw(seed, host_uuid))
        self.lock_holder = None               # the plugin operation holding the lock
        self.released = asyncio.Event()
        self.released.set()
        self.booted_with = dict(self.installed)   # what the running system was booted with


def _draw(seed, host_uuid):
    """A few pending updates per host: always one that needs a reboot, some that do not."""
    ranked = sorted(CATALOGUE, key=lambda p: hashlib.sha256(
        ("%s:%s:%s" % (seed, host_uuid, p[0])).encode()).hexdigest())
    reboot = [p[0] for p in ranked if p[8]][:2]
    others = [p[0] for p in ranked if not p[8]][:3]
    return reboot + others


def packages(sim, host):
    store = sim.yum
    uuid = sim.db.get("host", host)["uuid"]
    if uuid not in store:
        store[uuid] = HostPackages(sim.config.seed, uuid)
    return store[uuid]


def _fail(message, details=""):
    trace = ("Traceback (most recent call last):\n  File \"/etc/xapi.d/plugins/xcpngutils/"
             "__init__.py\", line 119, in wrapper\n    return func(*args, **kwds)\n"
             "OperationException: %s\n" % message)
    return XapiFailure("-1", message, details, trace)


class Locked:
    """updater.py's OperationLocker: the lock file names the operation holding it."""

    def __init__(self, state, operation, timeout=0.0):
        self.state, self.operation, self.timeout = state, operation, timeout

    async def __aenter__(self):
        state = self.state
        if state.lock_holder is not None:
            if self.operation == "update" and state.lock_holder == "update":
                raise _fail("Update already in progress")
            if self.timeout <= 0:
                raise _fail("The updater plugin is busy (current operation: %s)"
                            % state.lock_holder)
            try:
                await asyncio.wait_for(state.released.wait(), self.timeout)
            except asyncio.TimeoutError:
                raise _fail("The updater plugin is busy (current operation: %s)"
                            % state.lock_holder) from None
            if state.lock_holder is not None:
                raise _fail("The updater plugin is busy (current operation: %s)"
                            % state.lock_holder)
        state.lock_holder = self.operation
        state.released.clear()
        return self

    async def __aexit__(self, *exc):
        self.state.lock_holder = None
        self.state.released.set()
        return False


def display_package(name):
    _n, _old, new, summary, change, kib, lic, url, _reboot = BY_NAME[name]
    version, _, release = new.partition("-")
    return {"name": name, "version": version, "release": release, "description": summary,
            "changelog": {"date": CHANGELOG_DATE, "author": AUTHOR, "description": "- " + change},
            "url": url, "size": kib * 1024, "license": lic}


REPO_ERROR = ("Cannot retrieve repository metadata (repomd.xml) for repository: xcp-ng-base. "
              "Please verify its path and try again")


def unreachable(sim, host):
    """The updates_unreachable fault: this host cannot reach XCP-ng's repositories."""
    return host in sim.updates_unreachable or "*" in sim.updates_unreachable


async def check_update(ctx, host, args):
    state = packages(ctx.sim, host)
    async with Locked(state, "check_update"):
        await asyncio.sleep(ctx.op_seconds("quick"))
        if unreachable(ctx.sim, host):
            raise _fail(REPO_ERROR)         # yum's RepoError, through error_wrapped
        return json.dumps([display_package(n) for n in sorted(state.pending)])


def _names(text):
    return [n for n in text.replace(",", " ").split() if n]


async def update(ctx, host, args):
    db, sim = ctx.db, ctx.sim
    state = packages(sim, host)
    async with Locked(state, "update", timeout=LOCK_TIMEOUT):
        wanted = _names(args.get("packages", ""))
        rec = db.get("host", host)
        label = ("Update host %s (%s)" % (rec["name_label"], rec["uuid"]) if not wanted else
                 "Update %s on host %s (%s)" % (args["packages"], rec["name_label"], rec["uuid"]))
        task = sim.tasks.create(label)
        command = ["yum", "update", "--disablerepo=*", "--enablerepo=" + ",".join(REPOS), "-y"]
        if wanted:
            command.append(args["packages"])
        try:
            chosen = sorted(n for n in state.pending if not wanted or n in wanted)
            await ctx.work(ctx.op_seconds("update"), 4)
            if unreachable(sim, host):
                raise _command_failed(command, 1, "Loaded plugins: fastestmirror\n",
                                      "One of the configured repositories failed\n" + REPO_ERROR)
            for name in chosen:
                state.installed[name] = BY_NAME[name][2]
                state.pending.discard(name)
        finally:
            sim.tasks.destroy(task)
    return json.dumps({"stdout": _yum_output(chosen), "stderr": "", "command": command,
                       "returncode": 0})


def _command_failed(command, code, stdout, stderr):
    """run_command's ProcessException through error_wrapped: the exit code is the Failure's code."""
    message = "Command '%r' failed with code: %d" % (command, code)
    failure = _fail(message, "stdout: '%s', stderr: '%s'" % (stdout, stderr))
    failure.description[0] = str(code)
    return failure


def _yum_output(names):
    lines = ["Loaded plugins: fastestmirror", "Loading mirror speeds from cached hostfile"]
    if not names:
        return "\n".join(lines + ["No packages marked for update", ""])
    lines += ["Resolving Dependencies", "--> Running transaction check"]
    lines += ["---> Package %s.x86_64 0:%s will be updated" % (n, BY_NAME[n][1]) for n in names]
    lines += ["Running transaction", "", "Updated:"]
    lines += ["  %s.x86_64 0:%s" % (n, BY_NAME[n][2]) for n in names]
    return "\n".join(lines + ["", "Complete!", ""])


async def query_installed(ctx, host, args):
    state = packages(ctx.sim, host)
    found = {}
    for name in _names(args.get("packages", "")):
        found[name] = "%s-%s.x86_64" % (name, state.installed[name]) if name in state.installed \
            else ""
    return json.dumps(found)


async def get_proxies(ctx, host, args):
    async with Locked(packages(ctx.sim, host), "get_proxies"):
        return json.dumps({"xcp-ng-base": "_none_", "xcp-ng-updates": "_none_",
                           "xcp-ng-testing": "_none_"})


def booted(sim, host):
    """At boot XAPI refreshes software_version: updated Xen and xapi show from then on."""
    store = sim.yum
    uuid = sim.db.get("host", host)["uuid"]
    state = store.get(uuid)
    if state is None:
        return
    state.booted_with = dict(state.installed)
    version = dict(sim.db.get("host", host)["software_version"])
    xen_v, _, xen_r = state.installed["xen-hypervisor"].partition("-")
    xapi_v = state.installed["xapi-core"].partition("-")[0]
    version.update(xen="%s-%s" % (xen_v, xen_r.split(".")[0]), xapi_build=xapi_v,
                   xapi=".".join(xapi_v.split(".")[:2]))
    if version != sim.db.get("host", host)["software_version"]:
        sim.db.set("host", host, "software_version", version)


PLUGINS["updater.py"] = {"check_update": check_update, "update": update,
                         "query_installed": query_installed, "get_proxies": get_proxies}
