"""The dashboard, host and VM pages rendered from a simulator-shaped cache: texts, roles, links."""
from views_fixture import GiB, HOSTILE, NOW, page_state, ref

from lite_app.ui import dashboard, host, vm
from lite_app.ui.vdom import by_attr, find_all, text_of


def page_text(nodes):
    return " ".join([text_of(node) for node in nodes])


def labelled(nodes, role, label):
    """The element with this role and aria-label (exactly one expected)."""
    found = []
    for node in nodes:
        found += find_all(node, lambda n: n[1].get("role") == role and n[1].get("aria-label") == label)
    assert len(found) == 1, (role, label, len(found))
    return found[0]


def links(nodes):
    out = {}
    for node in nodes:
        for a in find_all(node, lambda n: n[0] == "a"):
            out[text_of(a)] = a[1]["href"]
    return out


def card(nodes, card_id):
    for node in nodes:
        found = by_attr(node, "key", card_id)
        if found:
            return found[0]
    raise AssertionError("no card " + card_id)


def test_dashboard_status_figures():
    nodes = dashboard.render(page_state())
    assert text_of(labelled(nodes, "group", "Hosts up")).startswith("2 / 2")
    # guests: web, evil running; db paused; app halted; mail suspended (templates, snapshots, dom0 excluded)
    vms = text_of(labelled(nodes, "group", "VMs running"))
    # running, then paused, suspended, halted: the four add up to the five guests (paused counted once)
    assert vms.startswith("2 / 5") and "Paused 1 \u00b7 Suspended 1 \u00b7 Halted 1" in vms
    assert dashboard.title(page_state()) == "Dashboard"


def test_dashboard_cpu_ram_and_storage_meters():
    nodes = dashboard.render(page_state())
    cpu = labelled(nodes, "meter", "CPU provisioning")
    assert cpu[1]["aria-valuenow"] == "14" and "8 vCPUs" in cpu[1]["aria-valuetext"]
    ram = labelled(nodes, "meter", "Memory used on xcp-ng-02")
    assert ram[1]["aria-valuenow"] == "50" and ram[1]["aria-valuetext"] == "16 GiB of 32 GiB (50%)"
    nfs = labelled(nodes, "meter", "Space used on NFS storage")
    assert nfs[1]["aria-valuenow"] == "94" and "xl-level-high" in nfs[1]["class"]
    storage = text_of(card(nodes, "dash-storage"))
    assert "Removable storage" not in storage, "no capacity, not listed"
    local = labelled(nodes, "meter", "Space used on Local storage (xcp-ng-01)")
    assert local[1]["aria-valuenow"] == "4"


def test_dashboard_tasks_and_alarms():
    nodes = dashboard.render(page_state())
    task = labelled(nodes, "progressbar", "Async.VM.start")
    assert task[1]["aria-valuenow"] == "42"
    assert "Async.VM.copy" not in text_of(card(nodes, "dash-tasks")), "finished tasks are not pending"
    alarms = text_of(card(nodes, "dash-alarms"))
    # named and ranked as the alarms page does (lite_app.logic.alarms)
    assert "CPU usage: 95.4%" in alarms and "Warning" in alarms and "Host clock skew detected" in alarms
    assert "Vm started" not in alarms, "priority 5 is not an alarm"
    assert "5 min ago" in alarms and "1 d ago" in alarms
    assert links([card(nodes, "dash-alarms")])["web-01"] == "#/vm/uuid-web-01"


def test_dashboard_follows_a_host_going_down():
    state = page_state()
    metrics = dict(state.cache.get("host_metrics", ref("hm2")), live=False)
    state.cache.apply([{"class": "host_metrics", "operation": "mod", "ref": ref("hm2"), "snapshot": metrics}])
    assert text_of(labelled(dashboard.render(state), "group", "Hosts up")).startswith("1 / 2")


def test_host_page_shows_identity_resources_vms_and_pifs():
    state = page_state("host", {"uuid": "host-1"})
    nodes = host.render(state)
    text = page_text(nodes)
    for expected in ("xcp-ng-01", "Rack 1, slot 1", "Pool master", "127.0.0.1", "Xeon 1", "24 (2 sockets)",
                     "XCP-ng 8.3.0", "24.39", "3 d 1 h", "Enabled"):
        assert expected in text, expected
    assert labelled(nodes, "meter", "Memory")[1]["aria-valuenow"] == "13"
    vms = text_of(card(nodes, "host-vms"))
    assert "web-01" in vms and "Control domain" not in vms and "db-01" not in vms
    pifs = card(nodes, "host-pifs")
    assert "eth0" in text_of(pifs) and "No carrier" in text_of(pifs) and "20" in text_of(pifs)
    assert links([pifs])["Storage VLAN 20"] == "#/network/net-20"
    assert host.title(state) == "xcp-ng-01"


def test_host_in_maintenance_and_unknown_host():
    state = page_state("host", {"uuid": "host-2"})
    record = dict(state.cache.get("host", ref("h2")), enabled=False)
    state.cache.apply([{"class": "host", "operation": "mod", "ref": ref("h2"), "snapshot": record}])
    text = page_text(host.render(state))
    assert "Maintenance mode" in text and "Pool master" not in text
    missing = page_text(host.render(page_state("host", {"uuid": "nope"})))
    assert "does not exist" in missing


def test_host_page_caps_a_long_vm_list_with_a_link_to_the_filtered_list():
    state = page_state("host", {"uuid": "host-1"})
    cache = state.cache
    extra = []
    for n in range(host.VM_LIMIT + 5):
        name = "bulk-%03d" % n
        record = dict(cache.get("VM", ref("web")), uuid="u-" + name, name_label=name, guest_metrics="OpaqueRef:NULL")
        extra.append({"class": "vm", "operation": "add", "ref": ref(name), "snapshot": record})
    cache.apply(extra)
    resident = cache.get("host", ref("h1"))["resident_VMs"] + [e["ref"] for e in extra]
    cache.apply([{"class": "host", "operation": "mod", "ref": ref("h1"),
                  "snapshot": dict(cache.get("host", ref("h1")), resident_VMs=resident)}])
    vms = card(host.render(state), "host-vms")
    rows = find_all(vms, lambda n: n[0] == "tr")
    assert len(rows) == host.VM_LIMIT + 1, "header + VM_LIMIT rows"
    assert "6 more." in text_of(vms)
    assert links([vms])["Show them all in the VM list"] == "#/vms?host=host-1"


def test_vm_page_overview_disks_nics_snapshots():
    state = page_state("vm", {"uuid": "uuid-web-01"})
    nodes = vm.render(state)
    overview = text_of(card(nodes, "vm-overview"))
    for expected in ("Running", "xcp-ng-01", "4", "2 GiB", "Debian GNU/Linux 12", "10.1.0.2", "fd00::2",
                     "1 h", "Detected", "uuid-web-01"):
        assert expected in overview, expected
    disks = card(nodes, "vm-disks")
    assert "xvda" in text_of(disks) and "20 GiB" in text_of(disks) and "CD drive" in text_of(disks)
    assert links([disks])["Local storage"] == "#/sr/sr-local1"
    assert "Total disk size: 20 GiB" in text_of(disks)
    nics = text_of(card(nodes, "vm-nics"))
    assert "be:ef:12:34:56:79" in nics and "Storage VLAN 20" in nics and "10.2.0.2" in nics
    snaps = card(nodes, "vm-snapshots")
    assert "before-upgrade" in text_of(snaps) and "14 Jun 2025, 10:00 UTC" in text_of(snaps)
    assert "team-web" in page_text(nodes)
    assert vm.title(state) == "web-01"


def test_vm_page_watches_its_own_devices_and_says_loading_until_they_are_in():
    state = page_state("vm", {"uuid": "uuid-web-01"})
    pool = {}
    for cls in ("VBD", "VDI", "VIF", "console", "VM_metrics"):  # as after login: none of these is loaded
        pool[cls] = state.cache.all(cls)
        state.cache.load(cls, {})
        del state.cache.complete[cls]
    web = state.cache.get("VM", ref("web"))
    for step in range(3):  # the page, its VBDs' and NICs' records, then their disks'
        nodes = vm.render(state)
        watched, needed = state.take_watches()
        assert not needed, "the page loads no class whole"
        events = [{"class": cls, "ref": r, "operation": "add", "snapshot": pool[cls][r]}
                  for cls, r in watched.values() if r in pool[cls]]
        if step == 0:
            assert "Loading" in text_of(card(nodes, "vm-disks")) and "Loading" in text_of(card(nodes, "vm-nics"))
            assert sorted(r for cls, r in watched.values() if cls == "VBD") == sorted(web["VBDs"])
            assert sorted(r for cls, r in watched.values() if cls == "VIF") == sorted(web["VIFs"])
            assert ("VM_metrics", web["metrics"]) in watched.values()
            assert not [pair for pair in watched.values() if pair[0] == "VDI"], "a disk is known from its VBD"
        state.cache.apply(events)
    disks = text_of(card(nodes, "vm-disks"))
    assert "web-01 system" in disks and "Loading" not in disks and "Total disk size: 20 GiB" in disks
    assert "be:ef:12:34:56:79" in text_of(card(nodes, "vm-nics"))
    assert len(state.cache.all("VDI")) < len(pool["VDI"]), "only the VM's own disks were asked for"


def test_vm_page_of_a_halted_vm_and_a_missing_one():
    nodes = vm.render(page_state("vm", {"uuid": "uuid-app-01"}))
    overview = text_of(card(nodes, "vm-overview"))
    assert "Halted" in overview and "Not detected" in overview
    assert "No disk." in page_text(nodes) and "No snapshot." in page_text(nodes)
    assert "does not exist" in page_text(vm.render(page_state("vm", {"uuid": "gone"})))


def test_vm_other_config_unfolds_on_request():
    state = page_state("vm", {"uuid": "uuid-" + HOSTILE})
    button = find_all(card(vm.render(state), "vm-other"), lambda n: n[0] == "button")[0]
    assert button[1]["aria-expanded"] == "false" and button[1]["data-action"] == "vm.toggle_other"
    vm.actions["vm.toggle_other"](state, {"action": "vm.toggle_other", "data": {}})
    other = card(vm.render(state), "vm-other")
    assert "note" in text_of(other) and HOSTILE in text_of(other)


def test_vm_page_tracks_events():
    state = page_state("vm", {"uuid": "uuid-web-01"})
    record = dict(state.cache.get("VM", ref("web")), name_label="web-renamed", power_state="Halted",
                  resident_on="OpaqueRef:NULL")
    state.cache.apply([{"class": "vm", "operation": "mod", "ref": ref("web"), "snapshot": record}])
    nodes = vm.render(state)
    assert vm.title(state) == "web-renamed" and "Halted" in text_of(card(nodes, "vm-overview"))
    assert NOW and GiB


def test_vm_page_asks_for_the_records_the_login_load_projected():
    state = page_state("vm", {"uuid": "uuid-web-01"})
    whole = dict(state.cache.get("VM", ref("web")))
    projected = {}
    for field in ("uuid", "name_label", "power_state", "resident_on", "guest_metrics", "tags"):
        projected[field] = whole[field]
    state.cache.apply([{"class": "vm", "operation": "mod", "ref": ref("web"), "snapshot": projected}])
    nodes = vm.render(state)
    assert ("VM", ref("web")) in state.take_requests()
    # not found through VBD.VM meanwhile: at 10,000 VMs that reads every VBD of the pool at each render
    assert "Loading" in text_of(card(nodes, "vm-disks"))
    state.cache.apply([{"class": "vm", "operation": "mod", "ref": ref("web"), "snapshot": whole}])
    assert "xvda" in text_of(card(vm.render(state), "vm-disks"))
    del state.cache.records["VBD"]
    assert "Loading" in text_of(card(vm.render(state), "vm-disks"))
