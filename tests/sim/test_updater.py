"""XCP-ng's updater plugin as the simulator runs it (xcp-ng-xapi-plugins SOURCES/etc/xapi.d/plugins/
updater.py and xcpngutils/__init__.py; XAPI's xapi_plugins.ml passes a plugin's Failure on as it
is): check_update's package list, update's reply and task, the plugin's lock, and what a host
shows after an update (boot_time renewed at boot, software_version refreshed then)."""
import asyncio
import json
import xmlrpc.client

import pytest
import XenAPI

from infrafixtures import error
from support.xapi import login

PACKAGE_KEYS = {"name", "version", "release", "description", "changelog", "url", "size",
                "license"}


def hosts(sim):
    master = sim.master_ref()
    return master, [h for h in sorted(sim.db.all("host")) if h != master][0]


async def test_check_update_lists_packages_as_the_plugin_does(sim, call, rpc):
    master, member = hosts(sim)
    lists = {}
    for host in (master, member):
        updates = json.loads(await rpc("host.call_plugin", host, "updater.py", "check_update",
                                       {}))
        assert 3 <= len(updates) <= 8
        for package in updates:
            assert set(package) == PACKAGE_KEYS
            assert set(package["changelog"]) == {"date", "author", "description"}
            assert isinstance(package["size"], int) and package["size"] > 0
            assert package["release"].endswith(("xcpng8.3", "el7")) or package["release"].isdigit()
        names = [p["name"] for p in updates]
        assert {"xen-hypervisor", "xen-libs", "kernel", "microcode_ctl"} & set(names)
        lists[host] = names
    assert lists[master] != lists[member]              # each host has its own
    assert await error(call, "host.call_plugin", master, "nope.py", "x", {}) == [
        "XENAPI_MISSING_PLUGIN", "nope.py"]
    assert await error(call, "host.call_plugin", master, "updater.py", "bogus", {}) == [
        "UNKNOWN_XENAPI_PLUGIN_FUNCTION", "bogus"]


async def test_the_same_seed_gives_the_same_updates(start_sim):
    answers = []
    for seed in (7, 7, 8, 9):
        running = await start_sim(seed=seed)
        session = await login(running.sim)
        host = running.sim.master_ref()
        answers.append(await running.sim.call("host.call_plugin", [session, host, "updater.py",
                                                                   "check_update", {}]))
    assert answers[0] == answers[1] and len(set(answers)) > 1


async def test_update_installs_as_a_task_then_nothing_is_pending(sim, call, until):
    db = sim.db
    _, member = hosts(sim)
    name = db.get("host", member)["name_label"]
    uuid = db.get("host", member)["uuid"]
    pending = json.loads(await call("host.call_plugin", member, "updater.py", "check_update", {}))
    task = await call("Async.host.call_plugin", member, "updater.py", "update", {})
    await until(lambda: any(db.get("task", t)["name_label"] == "Update host %s (%s)" % (name, uuid)
                            for t in db.all("task")))
    busy = await error(call, "host.call_plugin", member, "updater.py", "check_update", {})
    assert busy[:3] == ["-1", "The updater plugin is busy (current operation: update)", ""]
    assert busy[3].startswith("Traceback")
    again = await error(call, "host.call_plugin", member, "updater.py", "update", {})
    assert again[:2] == ["-1", "Update already in progress"]
    await until(lambda: db.get("task", task)["status"] != "pending")
    assert db.get("task", task)["status"] == "success"
    assert not any(db.get("task", t)["name_label"].startswith("Update host") for t in db.all("task"))
    reply = await call("task.get_result", task)      # an XML-RPC value holding the string
    result = json.loads(xmlrpc.client.loads(
        "<methodResponse><params><param>%s</param></params></methodResponse>" % reply)[0][0])
    assert result["returncode"] == 0 and result["stderr"] == ""
    assert result["command"][:2] == ["yum", "update"] and result["command"][-1] == "-y"
    assert all(p["name"] in result["stdout"] for p in pending)
    assert json.loads(await call("host.call_plugin", member, "updater.py", "check_update",
                                 {})) == []
    installed = json.loads(await call("host.call_plugin", member, "updater.py", "query_installed",
                                      {"packages": "xen-hypervisor, nothing"}))
    assert installed["nothing"] == "" and installed["xen-hypervisor"].startswith("xen-hypervisor-")


async def test_update_of_named_packages_only(sim, call):
    master, _ = hosts(sim)
    pending = [p["name"] for p in json.loads(await call("host.call_plugin", master, "updater.py",
                                                        "check_update", {}))]
    await call("host.call_plugin", master, "updater.py", "update", {"packages": pending[0]})
    left = [p["name"] for p in json.loads(await call("host.call_plugin", master, "updater.py",
                                                     "check_update", {}))]
    assert left == pending[1:]


async def test_xen_update_shows_in_software_version_after_a_reboot(sim, call, until):
    """The plugin records nothing; a client marks the host (Xen Orchestra writes
    other_config:rpm_patch_installation_time) and the next boot renews boot_time past it."""
    db = sim.db
    _, member = hosts(sim)
    before = dict(db.get("host", member)["software_version"])
    pending = [p["name"] for p in json.loads(await call("host.call_plugin", member, "updater.py",
                                                        "check_update", {}))]
    await call("host.call_plugin", member, "updater.py", "update", {"packages": "xen-hypervisor"})
    assert db.get("host", member)["software_version"] == before     # until it boots again
    boot_time = float(db.get("host", member)["other_config"]["boot_time"])
    await call("host.add_to_other_config", member, "rpm_patch_installation_time",
               "%d" % sim.clock())      # whole seconds: this reboot takes less than one
    rec = db.get("host", member)
    assert float(rec["other_config"]["boot_time"]) < float(
        rec["other_config"]["rpm_patch_installation_time"])          # reboot required
    await call("host.disable", member)
    await call("host.reboot", member)
    await until(lambda: float(db.get("host", member)["other_config"]["boot_time"]) > boot_time)
    rec = db.get("host", member)
    assert float(rec["other_config"]["boot_time"]) >= float(
        rec["other_config"]["rpm_patch_installation_time"])          # no longer
    expected = "4.17.5-5" if "xen-hypervisor" in pending else before["xen"]
    assert rec["software_version"]["xen"] == expected


async def test_sdk_checks_and_updates(running, sim):
    """The official SDK sees the plugin's strings and failures unchanged."""
    master, _ = hosts(sim)

    def scenario():
        session = XenAPI.Session(running.url)
        session.xenapi.login_with_password("root", "xcplite", "1.0", "xcplite-tests")
        try:
            x = session.xenapi
            listed = json.loads(x.host.call_plugin(master, "updater.py", "check_update", {}))
            with pytest.raises(XenAPI.Failure) as info:
                x.host.call_plugin(master, "updater.py", "nope", {})
            reply = json.loads(x.host.call_plugin(master, "updater.py", "update", {}))
            return listed, info.value.details, reply
        finally:
            session.xenapi.session.logout()
    listed, details, reply = await asyncio.to_thread(scenario)
    assert listed and details == ["UNKNOWN_XENAPI_PLUGIN_FUNCTION", "nope"]
    assert reply["returncode"] == 0


async def test_unreachable_repositories(running, sim, call, http):
    """The updates_unreachable fault (over the control endpoint): check_update fails as yum's
    RepoError does, update as its failed command does (exit code 1 as the Failure's code)."""
    master, member = hosts(sim)
    url = "%s/_sim/fault/updates_unreachable" % running.url
    headers = {"X-Sim-Token": running.control_token}
    async with http.post(url, json={"host": member}, headers=headers) as resp:
        assert resp.status == 200
    failed = await error(call, "host.call_plugin", member, "updater.py", "check_update", {})
    assert failed[:3] == ["-1", "Cannot retrieve repository metadata (repomd.xml) for repository:"
                          " xcp-ng-base. Please verify its path and try again", ""]
    failed = await error(call, "host.call_plugin", member, "updater.py", "update", {})
    assert failed[0] == "1" and failed[1].startswith("Command '['yum', 'update'")
    assert failed[1].endswith("failed with code: 1") and failed[2].startswith("stdout: '")
    assert json.loads(await call("host.call_plugin", master, "updater.py", "check_update", {}))
    async with http.post(url, json={"host": member, "on": False}, headers=headers) as resp:
        assert resp.status == 200
    assert json.loads(await call("host.call_plugin", member, "updater.py", "check_update", {}))
