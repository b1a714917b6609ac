"""Every route and dialog of the app, as a person sees them: at 1440x900 and 375x812, in light and dark,
each page state passes sweep.problems() (really visible, a heading, content, no sideways overflow, no
clipped text, no axe violation of any impact). A screenshot of each lands in test-results/route-sweep/.
Controls keep their contrast when hovered, focused or refused (sweep.state_contrast), and under
prefers-reduced-motion nothing moves (sweep.moving: no running transition or animation)."""
import re

import pytest

from harness import RESULTS, sign_in
from sweep import clipped, moving, problems, state_contrast

VIEWPORTS = (("desktop", 1440, 900), ("phone", 375, 812))
SCHEMES = ("light", "dark")
SHOTS = RESULTS / "route-sweep"
WAIT = 15000


@pytest.fixture(scope="module")
def pool(start_sim):
    return start_sim(hosts=2, vms=6, seed=1)


@pytest.fixture(scope="module")
def objects(pool):
    """uuids of the objects whose pages are swept, read through the XenAPI SDK."""
    session = pool.sdk()
    x = session.xenapi
    try:
        vms = x.VM.get_all_records()
        guests = {v["name_label"]: v for v in vms.values()
                  if not (v["is_a_template"] or v["is_a_snapshot"] or v["is_control_domain"])}
        srs = x.SR.get_all_records().values()
        movable = next(v for v in guests.values() if "pool_migrate" in v["allowed_operations"])
        nfs = next(ref for ref, s in x.SR.get_all_records().items() if s["type"] == "nfs")
        # A disk no VM uses, so the SR page offers deleting orphans.
        x.VDI.create({"SR": nfs, "virtual_size": str(1024 ** 3), "type": "user", "sharable": False, "read_only": False,
                      "other_config": {}, "xenstore_data": {}, "sm_config": {}, "tags": [],
                      "name_label": "forgotten scratch disk", "name_description": ""})
        return {"running": movable["uuid"], "halted": guests["app-01"]["uuid"],
                "host": list(x.host.get_all_records().values())[0]["uuid"],
                "sr": next(s["uuid"] for s in srs if s["type"] == "nfs"),
                "iso_sr": next(s["uuid"] for s in srs if s["type"] == "iso" and not s["is_tools_sr"]),
                "network": list(x.network.get_all_records().values())[0]["uuid"],
                "vlan": x.network.get_uuid(x.network.get_by_name_label("Storage VLAN 20")[0]),
                "host_name": x.host.get_name_label(x.host.get_by_uuid(list(x.host.get_all_records().values())[0]["uuid"]))}
    finally:
        session.xenapi.session.logout()


def routes(o):
    """(name, hash route) of every page and tab."""
    return [("dashboard", "#/"), ("vms", "#/vms"), ("vm", "#/vm/%s" % o["running"]),
            ("vm-console", "#/vm/%s?tab=console" % o["running"]), ("vm-stats", "#/vm/%s?tab=stats" % o["running"]),
            ("vm-halted", "#/vm/%s" % o["halted"]), ("host", "#/host/%s" % o["host"]),
            ("host-console", "#/host/%s?tab=console" % o["host"]), ("host-stats", "#/host/%s?tab=stats" % o["host"]),
            ("storage", "#/storage"), ("sr", "#/sr/%s" % o["sr"]), ("networks", "#/networks"),
            ("network", "#/network/%s" % o["network"]), ("network-vlan", "#/network/%s" % o["vlan"]),
            ("pool", "#/pool"), ("tasks", "#/tasks"), ("alarms", "#/alarms"), ("python", "#/python"),
            ("new-vm", "#/new-vm"), ("console-window", "#/console/%s" % o["running"]),
            ("new-sr", "#/new-sr"), ("sr-iso", "#/sr/%s" % o["iso_sr"])]


def dialogs(o):
    """(name, route, how to open it) of every dialog."""
    vm_running, vm_halted = "#/vm/%s" % o["running"], "#/vm/%s" % o["halted"]
    toolbar = lambda label: lambda page: page.get_by_role("toolbar", name="VM actions").get_by_role(
        "button", name=label, exact=True).click()
    return [("dialog-snapshot", vm_running, toolbar("Take snapshot")), ("dialog-copy", vm_halted, toolbar("Copy")),
            ("dialog-migrate", vm_running, toolbar("Migrate")), ("dialog-edit", vm_running, toolbar("Edit")),
            ("dialog-delete", vm_halted, toolbar("Delete")), ("dialog-start-on", vm_halted, toolbar("Start on host")),
            ("dialog-revert", vm_running, lambda page: page.get_by_role("button", name=re.compile("^Revert to ")).first.click()),
            ("dialog-disk-add", vm_halted, card_tool("Disk actions", "Add a disk")),
            ("dialog-disk-attach", vm_halted, card_tool("Disk actions", "Attach a disk")),
            ("dialog-disk-delete", vm_halted, row_action("vm-disks", re.compile("^Delete disk "))),
            ("dialog-disk-resize", vm_halted, row_action("vm-disks", re.compile("^Resize disk "))),
            ("dialog-nic-add", vm_running, card_tool("Network card actions", "Add a network card")),
            ("dialog-nic-remove", vm_running, row_action("vm-nics", re.compile("^Remove network card "))),
            ("dialog-help", "#/", lambda page: page.get_by_role("button", name="Keyboard shortcuts").click()),
            ("dialog-bulk", "#/vms", open_bulk), ("dialog-dismiss-all", "#/alarms",
                                                  lambda page: page.get_by_role("button", name="Dismiss all shown").click())
            ] + storage_dialogs(o) + admin_dialogs(o)


def admin_dialogs(o):
    """The network, host and pool administration dialogs."""
    host, vlan = "#/host/%s" % o["host"], "#/network/%s" % o["vlan"]
    bar = lambda name, label: lambda page: page.get_by_role("toolbar", name=name).get_by_role(
        "button", name=label, exact=True).click()

    def new_network(kind):
        def opener(page):
            bar("Network actions", "New network")(page)
            page.get_by_role("radio", name=kind, exact=True).check()
        return opener

    def install(page):
        page.get_by_role("table", name=re.compile("^Pending updates of ")).first.wait_for(timeout=WAIT)
        bar("Update actions", "Install updates")(page)

    return [("dialog-net-new", "#/networks", bar("Network actions", "New network")),
            ("dialog-net-vlan", "#/networks", new_network("VLAN")),
            ("dialog-net-bond", "#/networks", new_network("Bond")),
            ("dialog-net-edit", vlan, bar("Network actions", "Edit")),
            ("dialog-net-delete", vlan, bar("Network actions", "Delete")),
            ("dialog-host-maintenance", host, bar("Host actions", "Maintenance mode")),
            ("dialog-host-reboot", host, bar("Host actions", "Reboot")),
            ("dialog-host-shutdown", host, bar("Host actions", "Shut down")),
            ("dialog-host-edit", host, bar("Host actions", "Edit")),
            ("dialog-host-ip", host, lambda page: page.get_by_role(
                "button", name="Configure the IP of eth0 on " + o["host_name"]).click()),
            ("dialog-pool-edit", "#/pool", bar("Pool actions", "Edit")),
            ("dialog-pool-install", "#/pool", install)]


def storage_dialogs(o):
    """The storage pages' dialogs: the SR's toolbar, its disks, the ISO upload and New SR's review."""
    sr, iso = "#/sr/%s" % o["sr"], "#/sr/%s" % o["iso_sr"]
    toolbar = lambda label: lambda page: page.get_by_role("toolbar", name="Storage repository actions").get_by_role(
        "button", name=label, exact=True).click()
    disk = lambda label: lambda page: page.get_by_role("table", name="Virtual disks").get_by_role(
        "button", name=re.compile("^%s " % label)).first.click()
    return [("dialog-sr-edit", sr, toolbar("Edit")), ("dialog-sr-forget", sr, toolbar("Forget")),
            ("dialog-sr-destroy", sr, toolbar("Destroy")), ("dialog-sr-upload", iso, toolbar("Upload ISO")),
            ("dialog-disk-new", sr, lambda page: page.get_by_role("button", name="New disk").click()),
            ("dialog-disk-rename", sr, disk("Rename")), ("dialog-disk-resize", sr, open_resize),
            ("dialog-disk-delete", sr, open_delete), ("dialog-orphans", sr, open_orphans),
            ("dialog-new-sr", "#/new-sr", open_new_sr_review)]


def open_resize(page):
    """Resize a disk no running VM has attached (the only ones it is offered for)."""
    disks = page.get_by_role("table", name="Virtual disks")
    disks.locator("button[data-op=resize]:not([aria-disabled])").first.click()


def open_delete(page):
    disks = page.get_by_role("table", name="Virtual disks")
    disks.locator("button[data-op=delete]:not([aria-disabled])").first.click()


def open_orphans(page):
    page.get_by_role("button", name=re.compile("^Delete orphan disks")).click()


def open_new_sr_review(page):
    page.get_by_role("radio", name="NFS", exact=True).check()
    page.get_by_label("Server").fill("nfs.lab.local")
    page.get_by_label("Export path").fill("/export/new")
    page.get_by_role("button", name="Review").click()


def card_tool(toolbar, label):
    return lambda page: page.get_by_role("toolbar", name=toolbar).get_by_role("button", name=label).click()


def row_action(card, name):
    return lambda page: page.locator("section[key='%s']" % card).get_by_role("button", name=name).first.click()


def open_bulk(page):
    page.get_by_role("checkbox", name="Select web-01").click()
    page.get_by_role("toolbar", name="Selected VMs").get_by_role("button", name="Snapshot").click()


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (name + ".png")), full_page=False)


def each_look(page):
    """Every (viewport, scheme) combination, applied to the page in turn; yields the look's name."""
    for size, width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for scheme in SCHEMES:
            # reduced motion: no colour transition is half-way when contrast is measured (the app honours it)
            page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            page.wait_for_timeout(50)  # one frame for the layout and the theme's colours
            yield size + "-" + scheme


def show(page, route):
    page.evaluate("h => { location.hash = h; }", route)
    page.locator("#xl-main h1").first.wait_for(timeout=WAIT)
    page.wait_for_function("() => !document.querySelector('#xl-main [aria-busy=true]')", timeout=WAIT)


@pytest.mark.timeout(600)
def test_every_route_is_visible_and_readable(app_page, guard, pool, objects):
    page = sign_in(app_page, pool, guard)
    found = []
    for name, route in routes(objects):
        show(page, route)
        for look in each_look(page):
            found.extend(problems(page, "#xl-main > :first-child", page.locator("#xl-main h1").first, name + " " + look))
            found.extend(clipped(page, "#xl-top", name + " " + look))
            shoot(page, name + "-" + look)
    assert found == [], "\n".join(found)


@pytest.mark.timeout(600)
def test_new_sr_device_list_is_visible_and_readable(app_page, guard, pool, objects):
    """New SR for a local SR lists the chosen host's disks (not a route or dialog of its own)."""
    page = sign_in(app_page, pool, guard)
    show(page, "#/new-sr")
    page.get_by_role("radio", name="Local ext").check()
    page.get_by_label("Host", exact=True).select_option(label=objects["host_name"])
    page.get_by_role("group", name="Disks of " + objects["host_name"]).wait_for(timeout=WAIT)
    page.get_by_role("radio", name="/dev/sdb").check()
    page.get_by_role("radio", name="/dev/sdb").scroll_into_view_if_needed()
    found = []
    for look in each_look(page):
        found.extend(problems(page, "#xl-main > :first-child", page.locator("#xl-main h1").first,
                              "new-sr-devices " + look))
        shoot(page, "new-sr-devices-" + look)
    assert found == [], "\n".join(found)


@pytest.mark.timeout(600)
def test_every_dialog_is_visible_and_readable(app_page, guard, pool, objects):
    page = sign_in(app_page, pool, guard)
    found = []
    for name, route, opener in dialogs(objects):
        show(page, route)
        opener(page)
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=WAIT)
        for look in each_look(page):
            found.extend(problems(page, "[role=dialog]", dialog.locator("h2"), name + " " + look))
            shoot(page, name + "-" + look)
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=WAIT)
    assert found == [], "\n".join(found)


@pytest.mark.timeout(600)
def test_controls_keep_their_contrast_when_hovered_focused_or_refused(app_page, guard, pool, objects):
    session = pool.sdk()
    # A task that stays pending, so the top bar shows its running-tasks indicator all along: task.create
    # makes a task in the database (Context.make ~task_in_database:true, ocaml/xapi/xapi_task.ml) that
    # stays pending until its creator ends or destroys it.
    task = session.xenapi.task.create("Async.VM.clean_reboot", "a task left running")
    try:
        page = sign_in(app_page, pool, guard)
        page.set_viewport_size({"width": 1440, "height": 900})
        page.get_by_role("link", name=re.compile("^1 tasks? running$")).wait_for(timeout=WAIT)
        found = []
        for name, route in routes(objects):
            if name in ("python", "console-window", "vm-console", "host-console"):
                continue
            show(page, route)
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
                found.extend(state_contrast(page, "%s %s" % (name, scheme)))
    finally:
        session.xenapi.task.destroy(task)
        session.xenapi.session.logout()
    assert found == [], "\n".join(found)


@pytest.mark.timeout(600)
def test_nothing_moves_under_reduced_motion(app_page, guard, pool, objects):
    page = sign_in(app_page, pool, guard)
    page.emulate_media(reduced_motion="reduce")
    found = []
    for name, route in routes(objects):
        show(page, route)
        found.extend(moving(page, name))
    show(page, "#/vm/%s" % objects["halted"])
    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Copy", exact=True).click()
    page.get_by_role("dialog").wait_for(timeout=WAIT)
    found.extend(moving(page, "dialog-copy"))
    assert page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") != "smooth"
    page.emulate_media(reduced_motion="no-preference")
    assert moving(page, "dialog-copy (motion allowed)"), "the check cannot fail: nothing moves even with motion allowed"
    assert found == [], "\n".join(found)
