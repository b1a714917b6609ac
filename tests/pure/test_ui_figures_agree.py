"""Figures shown in two places come from one derivation: from one pool state, the dashboard, the host pages,
the Top 5 and the alarms page say the same thing about each host's memory and each alarm, and the status
card's breakdown adds up to the VMs it counts (at 10,000 VMs too)."""
from views_fixture import page_state, ref, vm

from lite_app.ui import alarms, charts, dashboard, host
from lite_app.ui.vdom import find_all, text_of


def meter_text(nodes, label):
    found = []
    for node in nodes:
        found += [n for n in find_all(node, lambda n: n[1].get("role") == "meter") if n[1].get("aria-label") == label]
    assert len(found) == 1, label
    return found[0][1]["aria-valuetext"]


def used_of(valuetext):
    """ "16 GiB of 32 GiB (50%)" -> "16 GiB"."""
    return valuetext.split(" of ")[0]


def test_a_hosts_memory_is_the_same_on_the_dashboard_the_host_page_and_the_top_5():
    state = page_state()
    board = dashboard.render(state)
    top = charts.top_card(state)
    ram_table = [n for n in find_all(top, lambda n: n[0] == "table")
                 if text_of(find_all(n, lambda c: c[0] == "caption")[0]) == "Hosts by RAM"][0]
    top_rows = dict((text_of(r[2][0]), text_of(r[2][1])) for r in find_all(ram_table, lambda n: n[0] == "tr")[1:])
    for name, host_ref in (("xcp-ng-01", ref("h1")), ("xcp-ng-02", ref("h2"))):
        on_dashboard = meter_text(board, "Memory used on " + name)
        state.route = ("host", {"uuid": state.cache.get("host", host_ref)["uuid"]})
        on_host_page = meter_text(host.render(state), "Memory")
        state.route = ("dashboard", {})
        assert on_dashboard == on_host_page, name
        assert top_rows[name] == used_of(on_dashboard), name


def test_an_alarm_reads_the_same_on_the_dashboard_and_the_alarms_page():
    state = page_state()
    card = [n for n in dashboard.render(state)[0][2][1][2] if n[1].get("key") == "dash-alarms"][0]
    dash_rows = dict((r[1]["key"], [text_of(c) for c in r[2]]) for r in find_all(card, lambda n: n[0] == "tr")[1:])
    state.route = ("alarms", {})
    page_rows = dict((r[1]["key"], [text_of(c) for c in r[2]]) for r in
                     find_all(alarms.render(state)[0], lambda n: n[0] == "tr" and n[1].get("key")))
    assert dash_rows
    for key, (when, title, obj, level) in dash_rows.items():
        severity, page_title, page_obj = page_rows[key][:3]
        assert (title, obj, level) == (page_title, page_obj, severity), key


def many_vms(count, paused_every):
    state = page_state()
    table = {}
    for n in range(count):
        power = "Paused" if n % paused_every == 0 else ("Running" if n % 3 else "Halted")
        table["OpaqueRef:vm%05d" % n] = vm("vm-%05d" % n, power, ref("h1") if power != "Halted" else "OpaqueRef:NULL")
    state.cache.load("VM", table)
    return state


def test_the_status_breakdown_adds_up_to_the_vms_it_counts_at_10000_vms():
    state = many_vms(10000, 20)
    status = [n for n in find_all(dashboard.render(state)[0], lambda n: n[1].get("role") == "group")
              if n[1].get("aria-label") == "VMs running"][0]
    text = text_of(status)
    head, detail = text.split("VMs running")  # "2 / 5" then "Paused 1 \u00b7 Suspended 1 \u00b7 Halted 1"
    running, total = [int(x) for x in head.split(" / ")]
    others = [int(part.split()[-1]) for part in detail.split("\u00b7")]
    assert total == 10000 and running + sum(others) == total, text
