"""The New VM page with a custom template (one made from an installed VM): its own disks are the install
media and its own network cards the form's, read from the VBDs and VIFs its full record names, which the
page watches (the VBD and VIF classes are not loaded: ~20,000 records at 10,000 VMs). The form is filled
only once they are in, never before with the template's disks or cards missing."""
from newvm_pool import GIB, pool, template

from lite_app.logic import vm_create
from lite_app.shell.state import State
from lite_app.ui import new_vm
from lite_app.ui.vdom import text_of

CUSTOM = "OpaqueRef:golden"
VBDS = {"OpaqueRef:g-sys": {"VM": CUSTOM, "VDI": "OpaqueRef:g-disk", "type": "Disk", "userdevice": "0"},
        "OpaqueRef:g-data": {"VM": CUSTOM, "VDI": "OpaqueRef:g-data-disk", "type": "Disk", "userdevice": "1"},
        "OpaqueRef:g-cd": {"VM": CUSTOM, "VDI": "OpaqueRef:NULL", "type": "CD", "userdevice": "3"}}
VIFS = {"OpaqueRef:g-nic1": {"VM": CUSTOM, "network": "OpaqueRef:net1", "device": "1"},
        "OpaqueRef:g-nic0": {"VM": CUSTOM, "network": "OpaqueRef:net0", "device": "0"}}


def custom_pool():
    """newvm_pool's records as after login: no VBD or VIF class; a custom template's full record."""
    full = pool()
    from lite_app.xapi.cache import Cache
    cache = Cache()
    for cls in ("pool", "host_metrics", "host", "SR", "VDI", "network", "PIF", "VM"):
        cache.load(cls, dict(full.all(cls)))
    golden = template("golden web", is_default_template=False, other_config={}, VBDs=sorted(VBDS),
                      VIFs=sorted(VIFS), memory_dynamic_max=4 * GIB)
    cache.apply([{"class": "vm", "ref": CUSTOM, "operation": "add", "snapshot": golden}])
    state = State(cache)
    state.route = ("new-vm", {})
    new_vm.choose_template(state, CUSTOM)
    return state


def arrive(state, cls, records):
    state.bump(state.cache.apply([{"class": cls.lower(), "ref": ref, "operation": "add", "snapshot": records[ref]}
                                  for ref in records]))


def test_the_page_loads_the_vdis_only():
    assert new_vm.CLASSES == ("VDI",)


def test_the_form_waits_for_the_templates_own_devices_and_watches_them():
    state = custom_pool()
    nodes = new_vm.render(state)
    assert "Loading" in text_of(nodes[0]) and not state.ui[new_vm.FORM].get("_filled")
    watched, needed = state.take_watches()
    assert sorted(watched) == sorted(["VBD/" + r for r in VBDS] + ["VIF/" + r for r in VIFS]) and needed == []
    arrive(state, "VBD", VBDS)
    new_vm.render(state)
    assert not state.ui[new_vm.FORM].get("_filled")  # the network cards are still on their way
    arrive(state, "VIF", VIFS)
    nodes = new_vm.render(state)
    form = state.ui[new_vm.FORM]
    assert form["_filled"] and form["media"] == "template"  # its own disks are the install media
    assert [nic["network"] for nic in form["nics"]] == ["OpaqueRef:net0", "OpaqueRef:net1"]  # by device
    assert "Loading" not in text_of(nodes[0])
    assert vm_create.own_disks(state.cache, CUSTOM) == ["OpaqueRef:g-sys", "OpaqueRef:g-data"]


def test_a_template_without_devices_of_its_own_fills_at_once():
    state = custom_pool()
    new_vm.choose_template(state, "OpaqueRef:debian")
    new_vm.render(state)
    form = state.ui[new_vm.FORM]
    assert form["_filled"] and form["media"] == "iso" and state.take_watches() == ({}, [])


def test_a_template_trimmed_again_by_a_resync_is_waited_for_not_judged():
    """A reconnect's resync brings every template back trimmed (its full record is asked again): the
    filled form neither says the template has no disks of its own nor creates meanwhile."""
    state = custom_pool()
    new_vm.render(state)
    arrive(state, "VBD", VBDS)
    arrive(state, "VIF", VIFS)
    new_vm.render(state)
    assert state.ui[new_vm.FORM]["_filled"]
    trimmed = {k: v for k, v in state.cache.get("VM", CUSTOM).items() if k not in ("VBDs", "VIFs", "recommendations")}
    state.bump(state.cache.apply([{"class": "vm", "ref": CUSTOM, "operation": "mod", "snapshot": trimmed}]))
    nodes = new_vm.render(state)
    assert "Loading" in text_of(nodes[0]) and "no disks of its own" not in text_of(nodes[0])
    assert new_vm.on_create(state, {}) is None and new_vm.new_vm_run.current(state) is None
