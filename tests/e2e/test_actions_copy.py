"""Snapshots, copies and deletion from the VM page, checked through the XenAPI SDK: take a snapshot (name
prompt), revert (confirmation naming the VM and the snapshot), delete a snapshot with its disks, fast
clone, full copy to a chosen SR, delete a VM after a confirmation naming it with no orphaned VDI left;
dialogs take focus, keep Tab inside and give focus back when Escape closes them."""
from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)


def press(page, label):
    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name=label, exact=True).click()


def snapshots_of(sdk, name):
    return {sdk.x.VM.get_name_label(s): s for s in sdk.record(name)["snapshots"]}


def test_dialog_focus_is_trapped_and_returned(app, sdk):
    page = app.open_vm(sdk, "app-01")
    press(page, "Take snapshot")
    dialog = page.get_by_role("dialog", name="Take a snapshot")
    expect(dialog.get_by_role("textbox")).to_be_focused()
    for _ in range(4):  # textbox, submit, cancel, then back to the textbox
        page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Take snapshot")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Take snapshot")).to_be_focused()


def test_take_a_named_snapshot(app, sdk):
    page = app.open_vm(sdk, "app-01")
    press(page, "Take snapshot")
    dialog = page.get_by_role("dialog", name="Take a snapshot")
    dialog.get_by_role("textbox", name="Name of the new snapshot").fill("")
    dialog.get_by_role("button", name="Take snapshot").click()
    expect(dialog.get_by_role("alert")).to_contain_text("The name cannot be empty.")
    dialog.get_by_role("textbox", name="Name of the new snapshot").fill("e2e-snap")
    dialog.get_by_role("button", name="Take snapshot").click()
    expect(dialog).to_have_count(0)
    assert "e2e-snap" in snapshots_of(sdk, "app-01")
    expect(page.get_by_role("region", name="Snapshots")).to_contain_text("e2e-snap")


def test_delete_a_snapshot_with_its_disks(app, sdk):
    page = app.open_vm(sdk, "app-01")
    snap = snapshots_of(sdk, "app-01")["e2e-snap"]
    snap_vdis = [sdk.x.VBD.get_VDI(v) for v in sdk.x.VM.get_VBDs(snap) if sdk.x.VBD.get_type(v) == "Disk"]
    assert snap_vdis
    page.get_by_role("button", name="Delete snapshot e2e-snap").click()
    dialog = page.get_by_role("dialog", name="Delete snapshot")
    expect(dialog).to_contain_text("Delete the snapshot \u201ce2e-snap\u201d and its disks?")
    expect(dialog.get_by_role("checkbox")).to_have_count(len(snap_vdis))
    dialog.get_by_role("button", name="Delete snapshot").click()
    expect(dialog).to_have_count(0)
    assert "e2e-snap" not in snapshots_of(sdk, "app-01")
    vdis = sdk.x.VDI.get_all()
    assert not [v for v in snap_vdis if v in vdis]
    assert sdk.orphans() == []


def test_revert_to_a_snapshot(app, sdk):
    page = app.open_vm(sdk, "web-01")  # running; its snapshot "before-upgrade" was taken halted
    assert sdk.record("web-01")["power_state"] == "Running"
    page.get_by_role("button", name="Revert to before-upgrade").click()
    dialog = page.get_by_role("dialog", name="Revert")
    expect(dialog).to_contain_text("Revert \u201cweb-01\u201d to the snapshot \u201cbefore-upgrade\u201d?")
    dialog.get_by_role("button", name="Revert").click()
    expect(dialog).to_have_count(0)
    assert sdk.record("web-01")["power_state"] == "Halted"


def test_fast_clone(app, sdk):
    page = app.open_vm(sdk, "app-01")
    press(page, "Copy")
    dialog = page.get_by_role("dialog", name="Copy the VM")
    dialog.get_by_role("textbox", name="Name of the new VM").fill("app-01 clone")
    expect(dialog.get_by_role("radio", name="Fast clone")).to_be_checked()
    dialog.get_by_role("button", name="Copy", exact=True).click()
    expect(dialog).to_have_count(0)
    assert sdk.record("app-01 clone")["power_state"] == "Halted"


def test_full_copy_to_a_chosen_sr(app, sdk):
    page = app.open_vm(sdk, "app-01")
    nfs = sdk.x.SR.get_by_name_label("NFS storage")[0]
    local = [r for r in sdk.x.SR.get_by_name_label("Local storage")][0]
    press(page, "Copy")
    dialog = page.get_by_role("dialog", name="Copy the VM")
    dialog.get_by_role("textbox", name="Name of the new VM").fill("app-01 full")
    dialog.get_by_role("radio", name="Full copy").check()
    sr = dialog.get_by_role("combobox", name="Storage repository")
    expect(sr.locator("option", has_text="ISO library")).to_have_count(0)
    sr.select_option(local)
    dialog.get_by_role("button", name="Copy", exact=True).click()
    expect(dialog).to_have_count(0)
    copy = sdk.record("app-01 full")
    disks = [sdk.x.VBD.get_VDI(v) for v in copy["VBDs"] if sdk.x.VBD.get_type(v) == "Disk"]
    assert disks and all(sdk.x.VDI.get_SR(d) == local for d in disks)
    assert nfs != local


def test_delete_a_vm_leaves_no_orphaned_disk(app, sdk):
    app.open_vm(sdk, "app-01 full")
    page = app.page
    doomed = [sdk.x.VBD.get_VDI(v) for v in sdk.record("app-01 full")["VBDs"] if sdk.x.VBD.get_type(v) == "Disk"]
    press(page, "Delete")
    dialog = page.get_by_role("dialog", name="Delete VM")
    expect(dialog).to_contain_text("Delete the VM \u201capp-01 full\u201d? This cannot be undone.")
    boxes = dialog.get_by_role("checkbox")
    expect(boxes).to_have_count(len(doomed))
    for index in range(len(doomed)):
        expect(boxes.nth(index)).to_be_checked()
    expect(dialog).to_contain_text("in a CD drive")  # the ISO stays, and says why
    dialog.get_by_role("button", name="Delete VM").click()
    expect(dialog).to_have_count(0)
    assert not sdk.x.VM.get_by_name_label("app-01 full")
    remaining = sdk.x.VDI.get_all()
    assert not [v for v in doomed if v in remaining]
    assert sdk.orphans() == []
    expect(page.get_by_role("heading", name="VM")).to_be_visible()
