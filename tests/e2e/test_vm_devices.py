"""Disks, CD drive and network cards of existing VMs, changed from the VM page in Chromium and read back
through the XenAPI SDK: add, grow, detach, attach again and delete a disk; a refused step takes back
the disk it made; eject and insert an ISO; add a card with a typed MAC, move it, remove it."""
import json
import re

from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, wait_for

GIB = 1024 ** 3
WAIT = 20000

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)


def disk_named(sdk, name):
    found = sdk.x.VDI.get_by_name_label(name)
    return found[0] if found else None


def drives(sdk, vm, kind):
    return [sdk.x.VBD.get_record(v) for v in sdk.x.VM.get_VBDs(sdk.vm(vm)) if sdk.x.VBD.get_type(v) == kind]


def row_button(page, card, label):
    return page.locator("section[key='%s']" % card).get_by_role("button", name=label, exact=True)


def dialog_named(page, title):
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible(timeout=WAIT)
    return dialog


def closed(dialog):
    expect(dialog).to_have_count(0, timeout=WAIT)


def test_add_grow_detach_attach_and_delete_a_disk(app, sdk):
    page = app.open_vm(sdk, "app-01")
    nfs = [r for r, s in sdk.x.SR.get_all_records().items() if s["type"] == "nfs"][0]
    page.get_by_role("toolbar", name="Disk actions").get_by_role("button", name="Add a disk").click()
    dialog = dialog_named(page, "Add a disk")
    dialog.get_by_label("Name").fill("data-e2e")
    dialog.get_by_label("Size").fill("2 GiB")
    dialog.get_by_label("Storage repository").select_option(nfs)
    dialog.get_by_role("button", name="Add disk").click()
    closed(dialog)
    vdi = wait_for(lambda: disk_named(sdk, "data-e2e"), what="the new disk")
    assert int(sdk.x.VDI.get_virtual_size(vdi)) == 2 * GIB and sdk.x.VDI.get_SR(vdi) == nfs
    assert [sdk.x.VBD.get_VM(v) for v in sdk.x.VDI.get_VBDs(vdi)] == [sdk.vm("app-01")]
    expect(page.locator("section[key='vm-disks']")).to_contain_text("data-e2e", timeout=WAIT)

    row_button(page, "vm-disks", "Resize disk data-e2e").click()
    dialog = dialog_named(page, "Grow disk")
    dialog.get_by_label("Size").fill("1 GiB")
    dialog.get_by_role("button", name="Grow disk").click()
    expect(dialog.get_by_label("Size")).to_have_accessible_description(re.compile("can only grow"))
    dialog.get_by_label("Size").fill("3 GiB")
    dialog.get_by_role("button", name="Grow disk").click()
    closed(dialog)
    wait_for(lambda: int(sdk.x.VDI.get_virtual_size(vdi)) == 3 * GIB, what="the disk grown")

    row_button(page, "vm-disks", "Detach disk data-e2e").click()
    dialog = dialog_named(page, "Detach disk")
    expect(dialog).to_contain_text("The disk and its data stay")
    dialog.get_by_role("button", name="Detach").click()
    closed(dialog)
    wait_for(lambda: sdk.x.VDI.get_VBDs(vdi) == [], what="the disk detached")
    assert disk_named(sdk, "data-e2e") == vdi  # detached, not deleted
    expect(page.locator("section[key='vm-disks']")).not_to_contain_text("data-e2e", timeout=WAIT)

    page.get_by_role("toolbar", name="Disk actions").get_by_role("button", name="Attach a disk").click()
    dialog = dialog_named(page, "Attach a disk")
    dialog.get_by_role("searchbox", name="Search").fill("data-e2e")
    expect(dialog.get_by_label("Disk")).to_have_value(vdi)
    dialog.get_by_role("button", name="Attach").click()
    closed(dialog)
    wait_for(lambda: len(sdk.x.VDI.get_VBDs(vdi)) == 1, what="the disk attached again")

    row_button(page, "vm-disks", "Delete disk data-e2e").click()
    dialog = dialog_named(page, "Delete disk")
    expect(dialog).to_contain_text("Everything on it (3 GiB on NFS storage) is lost for good.")
    dialog.get_by_role("button", name="Delete disk").click()
    closed(dialog)
    wait_for(lambda: disk_named(sdk, "data-e2e") is None, what="the disk deleted")


def test_a_refused_drive_takes_back_the_new_disk(app, sdk):
    page = app.open_vm(sdk, "app-01")
    before = set(sdk.x.VDI.get_all())

    def refuse(route):
        body = json.loads(route.request.post_data or "{}")
        if body.get("method") == "VBD.create":
            route.fulfill(status=200, content_type="application/json", body=json.dumps(
                {"jsonrpc": "2.0", "id": body.get("id"),
                 "error": {"code": 1, "message": "VM_BAD_POWER_STATE", "data": ["x", "halted", "running"]}}))
        else:
            route.continue_()
    page.route("**/jsonrpc", refuse)
    try:
        page.get_by_role("toolbar", name="Disk actions").get_by_role("button", name="Add a disk").click()
        dialog = dialog_named(page, "Add a disk")
        dialog.get_by_label("Name").fill("never-e2e")
        dialog.get_by_role("button", name="Add disk").click()
        expect(dialog.get_by_role("alert")).to_contain_text("What was done before that step was undone.",
                                                             timeout=WAIT)
    finally:
        page.unroute("**/jsonrpc", refuse)
    wait_for(lambda: disk_named(sdk, "never-e2e") is None, what="the disk taken back")
    assert set(sdk.x.VDI.get_all()) == before
    dialog.get_by_role("button", name="Cancel").click()
    closed(dialog)


def test_a_running_vms_disk_says_why_it_cannot_grow(app, sdk):
    page = app.open_vm(sdk, "web-01")
    button = page.locator("section[key='vm-disks']").get_by_role("button", name=re.compile("^Resize disk")).first
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_attribute("title", re.compile("Stop the VM to grow this disk"))


def test_eject_and_insert_an_iso(app, sdk):
    page = app.open_vm(sdk, "app-01")
    cd = drives(sdk, "app-01", "CD")[0]
    if not cd["empty"]:
        row_button(page, "vm-disks", "Eject " + sdk.x.VDI.get_name_label(cd["VDI"])).click()
        wait_for(lambda: drives(sdk, "app-01", "CD")[0]["empty"], what="the ISO ejected")
    isos = sorted((sdk.x.VDI.get_name_label(v), v) for v in sdk.x.VDI.get_all()
                  if sdk.x.SR.get_content_type(sdk.x.VDI.get_SR(v)) == "iso")
    wanted, ref = isos[-1]
    row_button(page, "vm-disks", "Insert an ISO into the CD drive of app-01").click()
    dialog = dialog_named(page, "Insert an ISO")
    dialog.get_by_role("searchbox", name="Search").fill(wanted[:8])
    dialog.get_by_label("ISO image").select_option(ref)
    dialog.get_by_role("button", name="Insert").click()
    closed(dialog)
    wait_for(lambda: not drives(sdk, "app-01", "CD")[0]["empty"], what="the ISO inserted")
    assert sdk.x.VDI.get_name_label(drives(sdk, "app-01", "CD")[0]["VDI"]) == wanted
    expect(row_button(page, "vm-disks", "Eject " + wanted)).to_be_visible(timeout=WAIT)
    row_button(page, "vm-disks", "Eject " + wanted).click()
    wait_for(lambda: drives(sdk, "app-01", "CD")[0]["empty"], what="the ISO ejected")


def test_add_move_and_remove_a_network_card(app, sdk):
    x = sdk.x
    vm = sdk.vm("web-01")
    before = set(x.VM.get_VIFs(vm))
    nets = {r: n for r, n in x.network.get_all_records().items()
            if n["other_config"].get("is_host_internal_management_network") != "true" and n["PIFs"]}
    first, second = sorted(nets, key=lambda r: nets[r]["name_label"])[:2]
    page = app.open_vm(sdk, "web-01")
    page.get_by_role("toolbar", name="Network card actions").get_by_role("button", name="Add a network card").click()
    dialog = dialog_named(page, "Add a network card")
    dialog.get_by_label("Network").select_option(first)
    dialog.get_by_label("MAC address").fill("01:00:5e:00:00:01")
    dialog.get_by_role("button", name="Add card").click()
    expect(dialog.get_by_label("MAC address")).to_have_attribute("aria-invalid", "true")
    assert set(x.VM.get_VIFs(vm)) == before  # refused before any call
    dialog.get_by_label("MAC address").fill("2A-14-3C-00-00-42")
    dialog.get_by_role("button", name="Add card").click()
    closed(dialog)
    new = wait_for(lambda: set(x.VM.get_VIFs(vm)) - before, what="the new card")
    vif = x.VIF.get_record(new.pop())
    assert vif["MAC"] == "2a:14:3c:00:00:42" and vif["network"] == first and vif["currently_attached"]
    ref = x.VIF.get_by_uuid(vif["uuid"])

    row_button(page, "vm-nics", "Change the network of card " + vif["device"]).click()
    dialog = dialog_named(page, "Change network")
    dialog.get_by_label("Network").select_option(second)
    dialog.get_by_role("button", name="Move").click()
    closed(dialog)
    wait_for(lambda: x.VIF.get_network(ref) == second, what="the card moved")

    row_button(page, "vm-nics", "Remove network card " + vif["device"]).click()
    dialog = dialog_named(page, "Remove network card")
    expect(dialog).to_contain_text("web-01 is running: it loses this connection now.")
    dialog.get_by_role("button", name="Remove card").click()
    closed(dialog)
    wait_for(lambda: set(x.VM.get_VIFs(vm)) == before, what="the card removed")
