"""What destroying, forgetting and repairing an SR will do, named before anything runs (sr_pool.py)."""
from sr_pool import pool, ref

from lite_app.logic import sr_plans


def halt_web(cache):
    cache.records["VM"][ref("web")] = dict(cache.get("VM", ref("web")), power_state="Halted")
    cache.records["VBD"][ref("b-web")] = dict(cache.get("VBD", ref("b-web")), currently_attached=False)
    return cache


def test_destroy_lists_every_disk_and_who_uses_it_and_waits_for_running_vms():
    cache = pool()
    plan = sr_plans.destroy_plan(cache, ref("nfs"))
    listed = [d["ref"] for d in plan["disks"]]
    assert ref("base") not in listed  # hidden base copies go with the SR, they are not "disks"
    assert sorted(listed) == sorted([ref(n) for n in ("web-sys", "web-sys-snap", "db-sys", "old", "lost-snap",
                                                      "golden", "golden-snap", "suspend", "busy")])
    assert sorted(vm["name_label"] for vm in plan["vms"].values()) == ["db", "web", "web before upgrade"]
    assert plan["blocked"] == ("plan.running", {"vms": "web"})


def test_destroy_calls_plug_then_erase_then_unplug_then_destroy():
    plan = sr_plans.destroy_plan(halt_web(pool()), ref("nfs"))
    assert plan["blocked"] is None
    calls = plan["calls"]
    assert calls[0] == ("Async.PBD.plug", [ref("pn2")])  # VDI.destroy needs the SR plugged
    erased = [c[1][0] for c in calls if c[0] == "Async.VDI.destroy"]
    assert sorted(erased) == sorted(d["ref"] for d in plan["disks"])
    assert calls[-3:] == [("Async.PBD.unplug", [ref("pn2")]), ("Async.PBD.unplug", [ref("pn1")]),
                          ("Async.SR.destroy", [ref("nfs")])]  # the master's PBD last


def test_an_empty_sr_is_just_unplugged_and_destroyed():
    plan = sr_plans.destroy_plan(pool(), ref("fast"))
    assert plan["disks"] == [] and plan["blocked"] is None
    assert plan["calls"] == [("Async.PBD.unplug", [ref("pf1")]), ("Async.SR.destroy", [ref("fast")])]


def test_what_is_not_destroyed_from_here():
    assert sr_plans.destroy_plan(pool(), ref("iso"))["blocked"] == ("plan.iso_destroy", {})
    assert sr_plans.destroy_plan(pool(), ref("tools"))["blocked"] == ("plan.tools", {})
    cache = pool()
    cache.records["SR"][ref("fast")] = dict(cache.get("SR", ref("fast")), PBDs=[])
    assert sr_plans.destroy_plan(cache, ref("fast"))["blocked"] == ("plan.no_pbds", {})


def test_forget_keeps_the_data_and_names_the_vms_that_lose_their_disks():
    plan = sr_plans.forget_plan(pool(), ref("nfs"))
    assert plan["blocked"] == ("plan.running", {"vms": "web"})
    plan = sr_plans.forget_plan(halt_web(pool()), ref("nfs"))
    assert plan["blocked"] is None
    assert plan["calls"] == [("Async.PBD.unplug", [ref("pn1")]), ("Async.SR.forget", [ref("nfs")])]
    assert sorted(vm["name_label"] for vm in plan["vms"].values()) == ["db", "web", "web before upgrade"]
    iso = sr_plans.forget_plan(pool(), ref("iso"))
    assert iso["blocked"] is None and len(iso["calls"]) == 3


def test_repair_plugs_the_unplugged_pbds_master_first():
    cache = pool()
    nfs = cache.get("SR", ref("nfs"))
    assert sr_plans.repair_targets(cache, nfs) == [(ref("pn2"), ref("h2"))]
    cache.records["PBD"][ref("pn1")] = dict(cache.get("PBD", ref("pn1")), currently_attached=False)
    assert sr_plans.repair_targets(cache, nfs) == [(ref("pn1"), ref("h1")), (ref("pn2"), ref("h2"))]
    assert sr_plans.connections(cache, nfs) == (0, 2)
    assert sr_plans.plug_call(ref("pn1")) == ("Async.PBD.plug", [ref("pn1")])


def test_default_sr():
    cache = pool()
    assert sr_plans.is_default(cache, ref("nfs"))
    assert sr_plans.default_refusal(cache, ref("nfs"), cache.get("SR", ref("nfs"))) == ("sr.refuse.is_default", {})
    assert sr_plans.default_refusal(cache, ref("iso"), cache.get("SR", ref("iso"))) == ("sr.refuse.no_disks", {})
    assert sr_plans.default_refusal(cache, ref("local"), cache.get("SR", ref("local"))) is None
    assert sr_plans.default_call(cache, ref("local")) == ("pool.set_default_SR", [ref("pool"), ref("local")])


def test_a_plan_runs_as_job_steps_that_put_connections_back():
    plan = sr_plans.destroy_plan(halt_web(pool()), ref("nfs"))
    steps = sr_plans.job_steps(plan["calls"])
    assert [s["call"] for s in steps] == plan["calls"]
    assert steps[0]["undo"](None, {}) == ("Async.PBD.unplug", [ref("pn2")])
    assert steps[-2]["undo"](None, {}) == ("Async.PBD.plug", [ref("pn1")])
    assert "undo" not in steps[1] and "undo" not in steps[-1]  # an erased disk or SR stays erased
