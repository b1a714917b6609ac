"""--state FILE: a simulator loads FILE when it exists and saves every change to it atomically,
so a restarted simulator (a new process) keeps what clients changed."""
import asyncio
import json
import os
import urllib.request

import pytest


def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url + "/jsonrpc", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        reply = json.loads(resp.read())
    assert "error" not in reply, reply
    return reply["result"]


def login(url):
    return rpc(url, "session.login_with_password", ["root", "xcplite"])


def a_guest(url, session):
    records = rpc(url, "VM.get_all_records_where", [session, 'field "is_a_template"="false" and '
                                                             'field "is_control_domain"="false"'])
    ref = sorted(records)[0]
    return ref, records[ref]


def saved_names(path):
    with open(path) as fh:
        return {rec["name_label"] for rec in json.load(fh)["db"]["tables"]["VM"].values()}


def test_restarted_process_keeps_a_renamed_vm(spawn_sim, tmp_path):
    state = str(tmp_path / "pool.json")
    first = spawn_sim("--hosts", "2", "--vms", "6", "--state", state)
    session = login(first.url)
    ref, vm = a_guest(first.url, session)
    rpc(first.url, "VM.set_name_label", [session, ref, "renamed before restart"])
    rpc(first.url, "VM.add_to_other_config", [session, ref, "kept", "yes"])
    first.stop()
    assert first.proc.returncode == 0
    assert "renamed before restart" in saved_names(state)
    # Other sizes and seed on the command line: the saved state wins.
    second = spawn_sim("--hosts", "1", "--vms", "0", "--seed", "99", "--state", state)
    session = login(second.url)
    again = rpc(second.url, "VM.get_by_uuid", [session, vm["uuid"]])
    assert again == ref
    record = rpc(second.url, "VM.get_record", [session, ref])
    assert record["name_label"] == "renamed before restart"
    assert record["other_config"]["kept"] == "yes"
    assert len(rpc(second.url, "host.get_all", [session])) == 2


def test_missing_file_is_created_from_the_inventory(spawn_sim, tmp_path):
    state = str(tmp_path / "new.json")
    proc = spawn_sim("--hosts", "1", "--vms", "3", "--state", state)
    session = login(proc.url)
    assert os.path.exists(state)
    with open(state) as fh:
        data = json.load(fh)
    assert set(data["db"]["tables"]["VM"]) == set(rpc(proc.url, "VM.get_all", [session]))


async def test_every_change_is_saved_and_the_file_is_always_whole(start_sim, tmp_path):
    state = str(tmp_path / "pool.json")
    running = await start_sim(hosts=1, vms=4, state_file=state)
    sim = running.sim
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    vm = sorted(r for r in sim.db.all("VM") if not sim.db.get("VM", r)["is_a_template"])[0]
    for n in range(20):
        await sim.call("VM.set_name_label", [session, vm, "name %d" % n])
        await asyncio.sleep(0)               # one save per loop turn
        assert "name %d" % n in saved_names(state)      # parses: never a torn file
    leftovers = [f for f in os.listdir(tmp_path) if f != "pool.json"]
    assert leftovers == []


async def test_new_refs_after_reload_do_not_collide(start_sim, tmp_path):
    state = str(tmp_path / "pool.json")
    first = await start_sim(hosts=1, vms=2, state_file=state)
    before = set(first.sim.db.tables["network"])
    await first.stop()
    second = await start_sim(hosts=1, vms=2, state_file=state)
    session = await second.sim.call("session.login_with_password", ["root", "xcplite"])
    net = await second.sim.call("network.create", [session, {"name_label": "n",
                                                             "other_config": {}}])
    assert net not in before and set(second.sim.db.tables["network"]) == before | {net}


@pytest.mark.parametrize("content", ["{not json", ""])
def test_corrupt_state_file_is_reported(spawn_sim, tmp_path, content):
    state = tmp_path / "broken.json"
    state.write_text(content)
    with pytest.raises(RuntimeError):
        spawn_sim("--hosts", "1", "--vms", "1", "--state", str(state))
