"""Editing a VM in the browser, checked through the XenAPI SDK: name, description, tags added and
removed, vCPUs, memory, auto power-on and boot order are saved; invalid values are refused with a
message tied to the field before any call (the SDK sees no change); XAPI's limits for a running VM."""
import re

from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures

GIB = 1024 ** 3

pool, sdk, app = module_fixtures(hosts=2, vms=6, seed=1, extra=FAST)


def open_edit(app, sdk, name):
    page = app.open_vm(sdk, name)
    page.get_by_role("toolbar", name="VM actions").get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Edit the VM")
    expect(dialog.get_by_role("textbox", name="Name", exact=True)).to_be_visible()
    return page, dialog


def test_invalid_values_are_refused_before_any_call(app, sdk):
    before = sdk.record("app-01")
    page, dialog = open_edit(app, sdk, "app-01")
    dialog.get_by_role("textbox", name="Name", exact=True).fill("   ")
    dialog.get_by_role("spinbutton", name="vCPUs", exact=True).fill("0")
    dialog.get_by_role("textbox", name="Memory").fill("lots")
    dialog.get_by_role("textbox", name="Boot order").fill("cx")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Nothing was changed")
    expect(dialog.get_by_role("textbox", name="Name", exact=True)).to_have_accessible_description(
        "The name cannot be empty.")
    expect(dialog.get_by_role("spinbutton", name="vCPUs", exact=True)).to_have_accessible_description(
        "The number of vCPUs must be between 1 and 64.")
    expect(dialog.get_by_role("textbox", name="Memory")).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_contain_text("\u201cx\u201d is not a boot device")
    after = sdk.record("app-01")
    for field in ("name_label", "VCPUs_at_startup", "memory_static_max", "memory_dynamic_max", "HVM_boot_params"):
        assert after[field] == before[field], field
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)


def test_more_vcpus_at_startup_than_the_maximum_is_refused(app, sdk):
    page, dialog = open_edit(app, sdk, "app-01")
    dialog.get_by_role("spinbutton", name="Maximum vCPUs").fill("2")
    dialog.get_by_role("spinbutton", name="vCPUs", exact=True).fill("3")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_contain_text("3 vCPUs at startup is more than the maximum of 2.")
    assert sdk.record("app-01")["VCPUs_max"] == "4"
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


def test_edit_name_description_tags_vcpus_memory_and_boot(app, sdk):
    page, dialog = open_edit(app, sdk, "app-01")
    dialog.get_by_role("textbox", name="Name", exact=True).fill("app-02")
    dialog.get_by_role("textbox", name="Description").fill("edited in the browser")
    dialog.get_by_role("button", name="Remove tag pci").click()
    new_tag = dialog.get_by_role("textbox", name="New tag")
    new_tag.fill("web")
    dialog.get_by_role("button", name="Add tag").click()
    # Wait as a person would for the tag to be added and the field cleared: refilling a field that
    # still shows "web" changes nothing, so no input event would tell the app about it.
    expect(new_tag).to_have_value("")
    new_tag.fill("web")
    dialog.get_by_role("button", name="Add tag").click()
    expect(dialog).to_contain_text("The VM already has the tag \u201cweb\u201d.")
    new_tag.fill("prod")
    dialog.get_by_role("button", name="Add tag").click()
    expect(new_tag).to_have_value("")
    dialog.get_by_role("spinbutton", name="Maximum vCPUs").fill("6")
    dialog.get_by_role("spinbutton", name="vCPUs", exact=True).fill("6")
    dialog.get_by_role("textbox", name="Memory").fill("3 GiB")
    dialog.get_by_role("checkbox", name="Start automatically with the pool").check()
    dialog.get_by_role("textbox", name="Boot order").fill("dcn")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    vm = sdk.record("app-02")
    assert vm["name_description"] == "edited in the browser"
    assert sorted(vm["tags"]) == ["prod", "web"]
    assert (vm["VCPUs_max"], vm["VCPUs_at_startup"]) == ("6", "6")
    assert int(vm["memory_dynamic_max"]) == int(vm["memory_dynamic_min"]) == 3 * GIB
    assert int(vm["memory_static_max"]) == 3 * GIB
    assert vm["other_config"].get("auto_poweron") == "true"
    assert vm["HVM_boot_params"]["order"] == "dcn"
    expect(page.get_by_role("heading", name="app-02")).to_be_visible()


def test_a_running_vm_keeps_its_static_limits(app, sdk):
    before = sdk.record("db-01")
    page, dialog = open_edit(app, sdk, "db-01")
    expect(dialog).to_contain_text("Changes only while the VM is halted.")
    dialog.get_by_role("spinbutton", name="Maximum vCPUs").fill("8")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_contain_text("The maximum number of vCPUs can only change while the VM is halted.")
    dialog.get_by_role("spinbutton", name="Maximum vCPUs").fill(before["VCPUs_max"])
    dialog.get_by_role("textbox", name="Memory").fill("64 GiB")  # above the static maximum of a running VM
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("textbox", name="Memory")).to_have_accessible_description(
        re.compile(r"dynamic maximum \(64 GiB\) ≤ static maximum \(8 GiB\)"))
    assert sdk.record("db-01")["memory_static_max"] == before["memory_static_max"]
    dialog.get_by_role("textbox", name="Memory").fill("4 GiB")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    vm = sdk.record("db-01")
    assert int(vm["memory_dynamic_max"]) == int(vm["memory_dynamic_min"]) == 4 * GIB
    assert vm["memory_static_max"] == before["memory_static_max"]
