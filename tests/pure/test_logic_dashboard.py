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
