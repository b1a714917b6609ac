"""The dashboard's pool-wide figures: one pass over the cache, reused until the records change."""
from views_fixture import GiB, page_state, ref

from lite_app.logic.dashboard import figures, summary


def test_dashboard_summary_in_one_pass():
    figures = summary(page_state().cache)
    assert (figures["hosts"], figures["hosts_up"], figures["vms"]) == (2, 2, 5)
    assert (figures["Running"], figures["Paused"], figures["Halted"], figures["Suspended"]) == (2, 1, 1, 1)
    assert (figures["vcpus"], figures["cpus"]) == (4 + 2 + 2, 24 + 32)


def test_dashboard_figures_are_reused_until_the_shell_counts_a_change():
    state = page_state()
    first = figures(state)
    assert figures(state) is first, "no change: no new pass over the VMs"
    record = dict(state.cache.get("VM", ref("app")), power_state="Running", resident_on=ref("h1"))
    changes = state.cache.apply([{"class": "vm", "operation": "mod", "ref": ref("app"), "snapshot": record}])
    state.bump(changes)
    again = figures(state)
    assert again is not first and again["Running"] == first["Running"] + 1
    assert again["used"][ref("h1")] == first["used"][ref("h1")] + 2 * GiB


def test_the_pool_figures_ignore_the_metrics_of_a_few_watched_vms():
    cache = page_state().cache
    running = [vm for vm in cache.all("VM").values() if vm["power_state"] == "Running" and not vm["is_control_domain"]]
    watched = running[0]["metrics"]
    changed = dict(cache.get("VM_metrics", watched), VCPUs_number=7, memory_actual=3 * GiB)
    cache.apply([{"class": "VM_metrics", "ref": watched, "operation": "mod", "snapshot": changed}])
    whole = summary(cache)
    cache.load("VM_metrics", {})
    del cache.complete["VM_metrics"]
    plain = summary(cache)
    assert whole["vcpus"] != plain["vcpus"], "the class loaded whole counts the metrics"
    cache.apply([{"class": "VM_metrics", "ref": watched, "operation": "add", "snapshot": changed}])
    assert summary(cache) == plain, "one VM's watched metrics do not move the pool's figures"
