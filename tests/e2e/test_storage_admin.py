"""Storage administration in Chromium, every action read back through the XenAPI SDK: New SR after
probing (NFS exports found, an ISO library, a local ext SR on a device picked from the host's disks,
a typed path when a host cannot list them), unplug and repair,
the pool's default SR, disks created, resized and deleted, orphans deleted after one confirmation,
forgetting an SR and attaching it again from what the probe finds, destroying an SR only once its
name is typed, and the same free space on the dashboard and the SR page."""
import json
import re

from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, wait_for

from lite_app.logic import space
from lite_app.text import fmt

GIB = 1024 ** 3
WAIT = 20000

pool, sdk, app = module_fixtures(hosts=2, vms=4, seed=3, extra=FAST)


def sr_named(sdk, name):
    found = sdk.x.SR.get_by_name_label(name)
    return found[0] if found else None


def new_sr_page(app):
    """A fresh New SR form (the form is forgotten once an SR was made)."""
    app.goto("#/storage")
    expect(app.page.get_by_role("heading", name="Storage", level=1)).to_be_visible(timeout=WAIT)
    app.page.get_by_role("link", name="New storage repository").click()
    page = app.page
    expect(page.get_by_role("heading", name="New storage repository", level=1)).to_be_visible(timeout=WAIT)
    return page


def create_from_review(page, name):
    """Review, check that the dialog shows the call, Create, wait for the SR's own page."""
    page.get_by_role("button", name="Review").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("SR.create")
    return dialog


def open_sr(app, sdk, name):
    uuid = sdk.x.SR.get_uuid(sr_named(sdk, name))
    app.goto("#/sr/" + uuid)
    expect(app.page.get_by_role("heading", name=name, level=1)).to_be_visible(timeout=WAIT)
    app.page.locator("section[key='sr-vdis'] table, section[key='sr-vdis'] .xl-empty").first.wait_for(timeout=WAIT)
    return app.page


def test_an_nfs_sr_created_from_the_exports_the_probe_found(app, sdk):
    page = new_sr_page(app)
    page.get_by_role("radio", name="NFS", exact=True).check()
    page.get_by_label("Server").fill("nfs.lab.local")
    page.get_by_role("button", name="Find exports").click()
    exports = page.get_by_role("group", name="Exports of nfs.lab.local")
    expect(exports).to_contain_text("/export/vms")
    exports.get_by_role("radio", name="/export/new").check()
    expect(page.get_by_label("Export path")).to_have_value("/export/new")
    page.get_by_role("button", name="Check what is there").click()
    expect(page.get_by_text("No SR there yet: a new one can be created.")).to_be_visible(timeout=WAIT)
    page.get_by_role("textbox", name="Name", exact=True).fill("E2E NFS")
    dialog = create_from_review(page, "E2E NFS")
    expect(dialog).to_contain_text("serverpath")
    expect(dialog).to_contain_text("/export/new")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="E2E NFS", level=1)).to_be_visible(timeout=WAIT)
    ref = sr_named(sdk, "E2E NFS")
    record = sdk.x.SR.get_record(ref)
    assert (record["type"], record["shared"], record["content_type"]) == ("nfs", True, "user")
    pbds = [sdk.x.PBD.get_record(p) for p in record["PBDs"]]
    assert len(pbds) == 2 and all(p["currently_attached"] for p in pbds)
    assert pbds[0]["device_config"]["serverpath"] == "/export/new"
    expect(page.get_by_role("table", name="Hosts connected")).to_contain_text("Plugged")


def test_a_probe_failure_is_a_sentence(app, sdk):
    page = new_sr_page(app)
    page.get_by_role("radio", name="NFS", exact=True).check()
    page.get_by_label("Server").fill("nfs-down.lab.local")
    page.get_by_label("Export path").fill("/srv")
    page.get_by_role("button", name="Check what is there").click()
    expect(page.get_by_role("alert").filter(has_text="The check failed")).to_be_visible(timeout=WAIT)


def test_an_iso_library_on_nfs(app, sdk):
    page = new_sr_page(app)
    page.get_by_role("radio", name="ISO library on NFS").check()
    page.get_by_label("Server").fill("nfs.lab.local")
    page.get_by_label("Export path").fill("/export/backup")
    page.get_by_role("textbox", name="Name", exact=True).fill("E2E ISOs")
    dialog = create_from_review(page, "E2E ISOs")
    expect(dialog).to_contain_text("nfs.lab.local:/export/backup")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="E2E ISOs", level=1)).to_be_visible(timeout=WAIT)
    record = sdk.x.SR.get_record(sr_named(sdk, "E2E ISOs"))
    assert (record["type"], record["content_type"], record["shared"]) == ("iso", "iso", True)


def test_a_local_ext_sr_on_a_hosts_device(app, sdk):
    page = new_sr_page(app)
    page.get_by_role("radio", name="Local ext").check()
    host = sdk.x.host.get_all_records()
    second = sorted(host, key=lambda r: host[r]["name_label"])[1]
    page.get_by_label("Host", exact=True).select_option(second)
    disks = page.get_by_role("group", name="Disks of " + host[second]["name_label"])
    expect(disks).to_be_visible(timeout=WAIT)                   # listed by the host's lsblk plugin
    expect(disks.get_by_role("radio", name="/dev/sda3")).to_be_disabled()
    expect(page.locator("#xl-dev-sda3")).to_contain_text("holds the SR Local storage")
    expect(page.locator("#xl-dev-sda")).to_contain_text("447 GiB disk: holds the SR Local storage")
    expect(disks.get_by_role("radio", name="/dev/sda1")).to_be_disabled()
    expect(page.locator("#xl-dev-sda1")).to_contain_text("mounted at /")
    expect(page.locator("#xl-dev-sda2")).to_contain_text("18 GiB partition: on the system disk")
    expect(page.locator("#xl-dev-sdc")).to_contain_text("894 GiB disk, free")
    disks.get_by_role("radio", name="/dev/sdc").check()
    page.get_by_role("button", name="Check what is there").click()
    expect(page.get_by_text("No SR there yet: a new one can be created.")).to_be_visible(timeout=WAIT)
    page.get_by_role("textbox", name="Name", exact=True).fill("E2E local")
    dialog = create_from_review(page, "E2E local")
    expect(dialog).to_contain_text("Everything on /dev/sdc is erased. /dev/sdc is a 894 GiB disk.")
    expect(dialog.get_by_role("list", name="Device configuration the driver gets:")).to_have_text("device = /dev/sdc")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="E2E local", level=1)).to_be_visible(timeout=WAIT)
    record = sdk.x.SR.get_record(sr_named(sdk, "E2E local"))
    assert (record["type"], record["shared"]) == ("ext", False)
    pbds = [sdk.x.PBD.get_record(p) for p in record["PBDs"]]
    assert [(p["host"], p["device_config"]) for p in pbds] == [(second, {"device": "/dev/sdc"})]
    listed = json.loads(sdk.x.host.call_plugin(second, "lsblk.py", "list_block_devices", {}))
    sdc = [d for d in listed["blockdevices"] if d["name"] == "sdc"][0]
    assert [v["mountpoint"] for v in sdc["children"]] == ["/run/sr-mount/" + record["uuid"]]


def test_a_host_without_the_lsblk_plugin_falls_back_to_a_typed_path(app, sdk, pool):
    hosts = sdk.x.host.get_all_records()
    first = sorted(hosts, key=lambda r: hosts[r]["name_label"])[0]
    pool.fault("plugin_missing", plugin="lsblk.py", host=first)
    try:
        page = new_sr_page(app)
        page.get_by_role("radio", name="Local LVM").check()
        page.get_by_label("Host", exact=True).select_option(first)
        expect(page.get_by_role("alert").filter(has_text="could not be listed")).to_contain_text(
            "The host has no plugin named lsblk.py. Type the device's path instead.", timeout=WAIT)
        expect(page.get_by_label("Device")).to_be_visible()
    finally:
        pool.fault("plugin_missing", plugin="lsblk.py", host=first, on=False)
    page.get_by_role("button", name="List the disks again").click()
    expect(page.get_by_role("radio", name="/dev/nvme0n1")).to_be_enabled(timeout=WAIT)


def test_unplug_one_host_then_repair(app, sdk):
    page = open_sr(app, sdk, "E2E NFS")
    hosts = page.get_by_role("table", name="Hosts connected")
    button = hosts.get_by_role("button", name=re.compile("^Unplug on ")).last
    button.click()
    ref = sr_named(sdk, "E2E NFS")
    wait_for(lambda: len([p for p in sdk.x.SR.get_PBDs(ref) if not sdk.x.PBD.get_currently_attached(p)]) == 1,
             what="one PBD unplugged")
    expect(page.get_by_text("1 of 2 hosts").first).to_be_visible(timeout=WAIT)
    page.get_by_role("toolbar", name="Storage repository actions").get_by_role("button", name="Repair").click()
    expect(page.get_by_role("status").filter(has_text="Repair: each host's connection")).to_contain_text(
        "plugged", timeout=WAIT)
    assert all(sdk.x.PBD.get_currently_attached(p) for p in sdk.x.SR.get_PBDs(ref))


def test_set_as_the_pools_default(app, sdk):
    page = open_sr(app, sdk, "E2E local")
    page.get_by_role("toolbar", name="Storage repository actions").get_by_role("button", name="Set as default").click()
    pool_ref = sdk.x.pool.get_all()[0]
    wait_for(lambda: sdk.x.pool.get_default_SR(pool_ref) == sr_named(sdk, "E2E local"), what="the default SR")
    expect(page.get_by_text("Default SR", exact=True)).to_be_visible(timeout=WAIT)


def test_create_resize_and_delete_a_disk(app, sdk):
    page = open_sr(app, sdk, "E2E NFS")
    page.get_by_role("button", name="New disk").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name", exact=True).fill("scratch")
    dialog.get_by_label("Size").fill("2 GiB")
    dialog.get_by_role("button", name="Create disk").click()
    expect(dialog).to_be_hidden(timeout=WAIT)
    vdi = wait_for(lambda: sdk.x.VDI.get_by_name_label("scratch"), what="the new disk")[0]
    assert int(sdk.x.VDI.get_virtual_size(vdi)) == 2 * GIB and sdk.x.VDI.get_SR(vdi) == sr_named(sdk, "E2E NFS")
    disks = page.get_by_role("table", name="Virtual disks")
    expect(disks).to_contain_text("scratch")
    disks.get_by_role("button", name="Resize scratch").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("New size").fill("1 GiB")
    dialog.get_by_role("button", name="Resize", exact=True).click()
    expect(dialog).to_contain_text("A disk only grows")
    dialog.get_by_label("New size").fill("3 GiB")
    dialog.get_by_role("button", name="Resize", exact=True).click()
    expect(dialog).to_be_hidden(timeout=WAIT)
    wait_for(lambda: int(sdk.x.VDI.get_virtual_size(vdi)) == 3 * GIB, what="the resize")
    disks.get_by_role("button", name="Delete scratch").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("scratch (3 GiB)")
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(dialog).to_be_hidden(timeout=WAIT)
    wait_for(lambda: not sdk.x.VDI.get_by_name_label("scratch"), what="the disk deleted")


def test_a_disk_a_vm_uses_is_not_deleted(app, sdk):
    page = open_sr(app, sdk, "NFS storage")
    used = [v for v in sdk.x.SR.get_VDIs(sr_named(sdk, "NFS storage"))
            if sdk.x.VDI.get_VBDs(v) and sdk.x.VDI.get_managed(v) and not sdk.x.VDI.get_is_a_snapshot(v)]
    name = sdk.x.VDI.get_name_label(used[0])
    button = page.get_by_role("table", name="Virtual disks").get_by_role("button", name="Delete " + name).first
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_attribute("title", re.compile("^In use by "))


def test_orphans_deleted_after_one_confirmation(app, sdk):
    ref = sr_named(sdk, "E2E NFS")
    record = {"SR": ref, "virtual_size": str(GIB), "type": "user", "sharable": False, "read_only": False,
              "other_config": {}, "xenstore_data": {}, "sm_config": {}, "tags": []}
    for name in ("lost-a", "lost-b"):
        sdk.x.VDI.create(dict(record, name_label=name, name_description=""))
    page = open_sr(app, sdk, "E2E NFS")
    expect(page.get_by_text("Orphan", exact=True).first).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Delete orphan disks (2)\u2026").click()
    dialog = page.get_by_role("dialog")
    listed = dialog.get_by_role("list", name="Disks to delete")
    expect(listed).to_contain_text("lost-a")
    expect(listed).to_contain_text("lost-b")
    dialog.get_by_role("button", name="Delete orphan disks (2)").click()
    expect(dialog).to_be_hidden(timeout=WAIT)
    assert not sdk.x.VDI.get_by_name_label("lost-a") and not sdk.x.VDI.get_by_name_label("lost-b")


def test_forget_then_attach_what_the_probe_finds(app, sdk):
    ref = sr_named(sdk, "E2E local")
    uuid = sdk.x.SR.get_uuid(ref)
    page = open_sr(app, sdk, "E2E local")
    page.get_by_role("toolbar", name="Storage repository actions").get_by_role("button", name="Forget").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("its data stays on the storage")
    dialog.get_by_role("button", name="Forget", exact=True).click()
    expect(page.get_by_role("heading", name="Storage", level=1)).to_be_visible(timeout=WAIT)
    assert not sdk.x.SR.get_by_name_label("E2E local")
    page = new_sr_page(app)
    page.get_by_role("radio", name="Local ext").check()
    hosts = sdk.x.host.get_all_records()
    second = sorted(hosts, key=lambda r: hosts[r]["name_label"])[1]
    page.get_by_label("Host", exact=True).select_option(second)
    page.get_by_role("radio", name="/dev/sdc").check(timeout=WAIT)    # free again: nothing holds it now
    page.get_by_role("button", name="Check what is there").click()
    found = page.get_by_role("status").filter(has_text="SRs found there")
    expect(found).to_contain_text(uuid, timeout=WAIT)
    page.get_by_role("textbox", name="Name", exact=True).fill("E2E local again")
    found.get_by_role("button", name="Attach").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("SR.introduce")
    dialog.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_role("heading", name="E2E local again", level=1)).to_be_visible(timeout=WAIT)
    back = sdk.x.SR.get_by_uuid(uuid)
    assert sdk.x.SR.get_name_label(back) == "E2E local again"
    assert [sdk.x.PBD.get_currently_attached(p) for p in sdk.x.SR.get_PBDs(back)] == [True]


def test_destroy_names_the_disks_lost_and_wants_the_name_typed(app, sdk):
    ref = sr_named(sdk, "E2E NFS")
    sdk.x.VDI.create({"SR": ref, "virtual_size": str(GIB), "type": "user", "sharable": False, "read_only": False,
                      "other_config": {}, "xenstore_data": {}, "sm_config": {}, "tags": [],
                      "name_label": "keepsake", "name_description": ""})
    page = open_sr(app, sdk, "E2E NFS")
    page.get_by_role("toolbar", name="Storage repository actions").get_by_role("button", name="Destroy").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("list", name="These disks will be erased:")).to_contain_text("keepsake")
    dialog.get_by_label(re.compile("^Type the SR's name")).fill("E2E NF")
    dialog.get_by_role("button", name="Destroy", exact=True).click()
    expect(dialog).to_contain_text("The name typed is not this SR's name.")
    assert sr_named(sdk, "E2E NFS") is not None
    dialog.get_by_label(re.compile("^Type the SR's name")).fill("E2E NFS")
    dialog.get_by_role("button", name="Destroy", exact=True).click()
    expect(page.get_by_role("heading", name="Storage", level=1)).to_be_visible(timeout=WAIT)
    assert sr_named(sdk, "E2E NFS") is None and not sdk.x.VDI.get_by_name_label("keepsake")


def test_the_dashboard_and_the_sr_page_show_the_same_free_space(app, sdk):
    ref = sr_named(sdk, "NFS storage")
    record = sdk.x.SR.get_record(ref)
    free = fmt.size(space.sr_space(record)["free"])
    app.goto("#/")
    card = app.page.locator("section[key='dash-storage']")
    item = card.get_by_role("listitem").filter(has=app.page.get_by_role("link", name="NFS storage", exact=True))
    expect(item).to_contain_text(free + " free", timeout=WAIT)
    page = open_sr(app, sdk, "NFS storage")
    expect(page.locator("section[key='sr-space']")).to_contain_text("Free" + free)
    app.goto("#/storage")
    row = app.page.get_by_role("row").filter(has=app.page.get_by_role("link", name="NFS storage", exact=True))
    expect(row).to_contain_text(free, timeout=WAIT)
