"""The VM list (search, filters, sorting, virtual rows), storage and network pages."""
from views_fixture import GiB, HOSTILE, page_state, ref

from lite_app.ui import network, sr_disks, storage, vmlist
from lite_app.ui import sr as sr_page
from lite_app.ui.vdom import by_attr, find_all, text_of


def rows(nodes):
    """The VM rows rendered (spacers excluded), as their name cell's text."""
    found = []
    for node in nodes:
        found += find_all(node, lambda n: n[0] == "tr" and n[1].get("class") == "xl-row")
    return [text_of([c for c in row[2] if c[1].get("class") == "xl-col-name"][0]) for row in found]


def act(state, name, **payload):
    payload["action"] = name
    vmlist.actions[name](state, payload)
    return vmlist.render(state)


def status(nodes):
    return text_of(find_all(nodes[0], lambda n: n[1].get("role") == "status")[0])


def test_list_shows_guests_sorted_by_name_with_accessible_controls():
    state = page_state("vms")
    nodes = vmlist.render(state)
    assert rows(nodes) == [HOSTILE, "app-01", "db-01", "mail-01", "web-01"]
    assert status(nodes) == "5 of 5 VMs"
    search = by_attr(nodes[0], "aria-label", "Search VMs")[0]
    assert search[0] == "input" and search[1]["type"] == "search"
    assert by_attr(nodes[0], "aria-label", "Filter by power state")[0][0] == "select"
    assert by_attr(nodes[0], "aria-label", "Filter by host")[0][0] == "select"
    sorted_by = by_attr(nodes[0], "aria-sort")
    assert [(text_of(th), th[1]["aria-sort"]) for th in sorted_by] == [("Name", "ascending")]
    table = find_all(nodes[0], lambda n: n[0] == "table")[0]
    assert table[1]["aria-rowcount"] == "6"


def test_search_filter_and_sort_actions():
    state = page_state("vms")
    assert rows(act(state, "vmlist.search", type="input", value="prod")) == ["db-01", "web-01"]
    assert status(vmlist.render(state)) == "2 of 5 VMs"
    assert rows(act(state, "vmlist.search", type="input", value="")) == [HOSTILE, "app-01", "db-01", "mail-01",
                                                                         "web-01"]
    assert rows(act(state, "vmlist.power", type="change", value="Running")) == [HOSTILE, "web-01"]
    assert rows(act(state, "vmlist.host", type="change", value="host-1")) == ["web-01"]
    act(state, "vmlist.host", type="change", value="")
    nodes = act(state, "vmlist.sort", type="click", data={"column": "name"})
    assert rows(nodes) == ["web-01", HOSTILE]
    assert by_attr(nodes[0], "aria-sort")[0][1]["aria-sort"] == "descending"
    nodes = act(state, "vmlist.sort", type="click", data={"column": "memory"})
    assert by_attr(nodes[0], "aria-sort")[0][1]["aria-sort"] == "ascending"


def test_the_search_text_is_made_when_idle_or_by_the_first_search():
    state = page_state("vms")
    vmlist.render(state)
    index = vmlist.index(state)
    assert index.unindexed() and "vmlist.text" in state.deferred  # the first render did not make it
    state.deferred.pop("vmlist.text")(state)
    assert not index.unindexed()
    state = page_state("vms")
    vmlist.render(state)
    assert rows(act(state, "vmlist.search", type="input", value="prod")) == ["db-01", "web-01"]  # made on demand


def test_route_params_preset_the_filters_once():
    state = page_state("vms", {"host": "host-2", "power": "Paused"})
    assert rows(vmlist.render(state)) == ["db-01"]
    act(state, "vmlist.power", type="change", value="")
    assert rows(vmlist.render(state)) == [HOSTILE, "db-01"], "the user's change wins over the route"


def bulk_state(count):
    state = page_state("vms")
    template = state.cache.get("VM", ref("app"))
    events = []
    for n in range(count):
        record = dict(template, uuid="bulk-%05d" % n, name_label="bulk-%05d" % n)
        events.append({"class": "vm", "operation": "add", "ref": ref("bulk%d" % n), "snapshot": record})
    state.cache.apply(events)
    return state


def test_rows_are_virtual_only_the_window_is_rendered():
    state = bulk_state(2000)
    nodes = vmlist.render(state)
    shown = rows(nodes)
    visible = 800 // vmlist.ROW_HEIGHT + 1
    assert len(shown) == visible + vmlist.MARGIN, "first screen: visible rows and the margin below"
    spacers = find_all(nodes[0], lambda n: n[1].get("class") == "xl-spacer")
    assert [s[1]["style"] for s in spacers][0] == "height:0px"
    total = 2005 * vmlist.ROW_HEIGHT
    below = int(spacers[1][1]["style"][7:-2])
    assert below + len(shown) * vmlist.ROW_HEIGHT == total
    nodes = act(state, "vmlist.scroll", type="scroll", scroll=[1000 * vmlist.ROW_HEIGHT, 440])
    shown = rows(nodes)
    assert shown[0] == "bulk-%05d" % (1000 - vmlist.MARGIN - 2)  # the hostile name and app-01 sort first
    assert len(shown) == 440 // vmlist.ROW_HEIGHT + 1 + 2 * vmlist.MARGIN
    first_row = find_all(nodes[0], lambda n: n[1].get("class") == "xl-row")[0]
    assert first_row[1]["aria-rowindex"] == str(1000 - vmlist.MARGIN + 2)


def test_a_keystroke_renders_the_rows_in_view_and_the_margin_follows_when_idle():
    state = bulk_state(2000)
    redraws = []
    state.on_redraw = lambda: redraws.append(1)
    visible = 800 // vmlist.ROW_HEIGHT + 1
    assert len(rows(vmlist.render(state))) == visible + vmlist.MARGIN
    power = state.cache.get("VM", ref("app"))["power_state"]  # the bulk VMs' state
    for action, value in (("vmlist.search", "bulk"), ("vmlist.power", power), ("vmlist.host", "")):
        shown = rows(act(state, action, type="input", value=value))
        assert len(shown) == visible and shown[0] == "bulk-00000", action + ": the rows in view, no margin"
        assert not redraws
        state.deferred.pop("vmlist.margin")(state)
        assert redraws == [1], action + ": the margin asks for a render"
        redraws.clear()
        widened = rows(vmlist.render(state))
        assert widened[:visible] == shown and len(widened) == visible + vmlist.MARGIN
    vmlist.widen(state)
    assert not redraws, "a render with its margin asks for no other"


def test_a_search_after_scrolling_far_still_shows_its_matches():
    state = bulk_state(500)
    act(state, "vmlist.scroll", type="scroll", scroll=[400 * vmlist.ROW_HEIGHT, 440])
    assert rows(act(state, "vmlist.search", type="input", value="web")) == ["web-01"]


def test_storage_list_and_sr_page():
    state = page_state("storage")
    nodes = storage.render(state)
    text = text_of(nodes[0])
    assert "NFS storage" in text and "8 TiB" in text and "Removable storage" in text
    meters = find_all(nodes[0], lambda n: n[1].get("role") == "meter")
    assert len(meters) == 3, "SRs without capacity have no meter"
    state = page_state("sr", {"uuid": "sr-local1"})
    nodes = sr_page.render(state)
    text = text_of(nodes[0])
    assert "web-01 system" in text and "20 GiB" in text and "xcp-ng-01" in text
    link = by_attr(nodes[0], "href", "#/vm/uuid-web-01")
    assert text_of(link[0]) == "web-01"
    assert sr_page.title(state) == "Local storage" and storage.title(page_state("storage")) == "Storage"


def test_sr_page_lists_vdis_by_pages():
    state = page_state("sr", {"uuid": "sr-nfs"})
    vdis = []
    for n in range(sr_disks.PAGE_SIZE + 20):
        vdis.append({"class": "vdi", "operation": "add", "ref": ref("v%d" % n),
                     "snapshot": {"uuid": "v%d" % n, "name_label": "disk-%04d" % n, "SR": ref("nfs"),
                                  "virtual_size": GiB, "VBDs": []}})
    state.cache.apply(vdis)
    sr = dict(state.cache.get("SR", ref("nfs")), VDIs=[e["ref"] for e in vdis])
    state.cache.apply([{"class": "sr", "operation": "mod", "ref": ref("nfs"), "snapshot": sr}])
    count = lambda nodes: len(find_all(nodes[0], lambda n: n[0] == "tr" and n[1].get("key", "").startswith(
        "OpaqueRef:v")))
    nodes = sr_page.render(state)
    assert count(nodes) == sr_disks.PAGE_SIZE and "100 of 121 shown." in text_of(nodes[0])
    button = by_attr(nodes[0], "data-action", "disk.more")[0]
    sr_page.actions["disk.more"](state, {"data": {"ref": button[1]["data-ref"]}})
    assert count(sr_page.render(state)) == 120  # and web-01's data disk


def test_network_list_and_page():
    nodes = network.render(page_state("networks"))
    text = text_of(nodes[0])
    assert "Storage VLAN 20" in text and "9000" in text and "xenbr0" in text
    state = page_state("network", {"uuid": "net-0"})
    nodes = network.render(state)
    text = text_of(nodes[0])
    assert "xcp-ng-01" in text and "xcp-ng-02" in text and "be:ef:12:34:56:78" in text
    assert text_of(by_attr(nodes[0], "href", "#/vm/uuid-web-01")[0]) == "web-01"
    assert network.title(state) == "Pool-wide network associated with eth0"
    assert "does not exist" in text_of(network.render(page_state("network", {"uuid": "x"}))[0])
