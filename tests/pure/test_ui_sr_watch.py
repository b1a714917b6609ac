"""An SR's page without the pool's VBDs: it lists the SR's disks at once, knows which are used from the
disks' own VBD lists, watches the VBDs of the disks it shows (who uses them), refuses to delete or
resize a disk whose users are still on their way, and loads the VBD class only past a budget or for a
dialog that plans for every disk (forget, destroy). At 10,000 VMs the VBD class was ~10,000 records the
page waited for."""
from sr_pool import pool, ref

from lite_app.shell.state import State
from lite_app.ui import sr as sr_page
from lite_app.ui import sr_dialogs, sr_disks
from lite_app.ui.vdom import by_attr, find_all, text_of
from lite_app.xapi.cache import Cache

NFS_VBDS = ("b-web", "b-db", "b-snap")  # the VBDs of the NFS SR's disks (b-iso holds an ISO SR's image)


def without_vbds():
    """The SR pool as the storage pages load it: every class but VBD."""
    full, cache = pool(), Cache()
    for cls in ("pool", "host", "SR", "PBD", "VM", "VDI"):
        cache.load(cls, dict(full.all(cls)))
    return full, cache


def sr_state(cache):
    state = State(cache)
    state.route = ("sr", {"uuid": "nfs-uuid"})
    return state


def disk_row(nodes, name):
    rows = find_all(nodes[0], lambda n: n[0] == "tr" and name in text_of(n))
    return rows[0]


def delete_button(row):
    return [b for b in by_attr(row, "data-op", "delete") if b[0] == "button"][0]


def test_the_page_lists_the_disks_and_watches_the_vbds_of_those_it_shows():
    assert sr_page.CLASSES == ("VDI",)
    full, cache = without_vbds()
    state = sr_state(cache)
    nodes = sr_page.render(state)
    text = text_of(nodes[0])
    assert "web system" in text and "old data" in text and "db system" in text
    watched, needed = state.take_watches()
    assert sorted(watched) == sorted("VBD/" + ref(name) for name in NFS_VBDS) and needed == []
    web = disk_row(nodes, "web system")
    assert "Loading" in text_of(web) and delete_button(web)[1].get("aria-disabled") == "true"
    assert "Loading" in delete_button(web)[1]["title"]
    old = disk_row(nodes, "old data")  # no VBD at all: unused, an orphan, deletable
    assert "Orphan" in text_of(old) and delete_button(old)[1].get("aria-disabled") is None
    assert "Orphan" not in text_of(web)


def test_the_users_show_once_their_vbds_arrive():
    full, cache = without_vbds()
    state = sr_state(cache)
    sr_page.render(state)
    state.take_watches()
    listing = sr_disks.listing(state, ref("nfs"), cache.get("SR", ref("nfs")))
    events = [{"class": "vbd", "ref": ref(name), "operation": "add", "snapshot": full.get("VBD", ref(name))}
              for name in NFS_VBDS]
    state.bump(cache.apply(events))
    nodes = sr_page.render(state)
    # the disk tree (over 10,000 disks on a big SR) is not made again as each user's VBD arrives
    assert sr_disks.listing(state, ref("nfs"), cache.get("SR", ref("nfs"))) is listing
    web = disk_row(nodes, "web system")
    assert "Loading" not in text_of(web) and by_attr(web, "href", "#/vm/web-uuid")
    assert "web" in delete_button(web)[1]["title"]  # refused: the VM uses it


def test_past_the_budget_the_vbd_class_is_loaded_instead():
    full, cache = without_vbds()
    vdis = {}
    for n in range(sr_disks.PAGE_SIZE):
        vdis[ref("d%d" % n)] = {"uuid": "d%d" % n, "name_label": "disk-%03d" % n, "SR": ref("nfs"),
                                "VBDs": [ref("d%d-a" % n), ref("d%d-b" % n), ref("d%d-c" % n)]}
    cache.apply([{"class": "vdi", "ref": r, "operation": "add", "snapshot": vdis[r]} for r in vdis])
    state = sr_state(cache)
    sr_page.render(state)
    watched, needed = state.take_watches()
    assert watched == {} and needed == ["VBD"]


def test_forget_and_destroy_load_the_vbds_of_every_disk_they_plan_for():
    full, cache = without_vbds()
    state = sr_state(cache)
    spec = {"sr": ref("nfs")}
    assert sr_dialogs.current_plan(state, spec, "destroy") is None
    assert state.take_watches()[1] == ["VBD"]
    cache.load("VBD", dict(full.all("VBD")))
    plan = sr_dialogs.current_plan(state, spec, "forget")
    assert plan is not None and state.take_watches()[1] == []
