"""The New VM page in Chromium, every creation read back through the XenAPI SDK: a template with an
ISO and two disks, started; cloud-init (the config drive read from the simulator with an independent
ISO reader); network boot; a failure mid-way (a thick SR filled meanwhile) that leaves nothing behind
and says which step failed; refused values never reach XAPI."""
import io
import urllib.request

import pycdlib
from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, wait_for

GIB = 1024 ** 3
WAIT = 20000
ED25519 = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f admin@laptop")

pool, sdk, app = module_fixtures(hosts=2, vms=4, seed=3, extra=FAST)


def open_wizard(app, template):
    """A fresh form: a VM created by an earlier test is forgotten once the page is left."""
    page = app.page
    app.goto("#/tasks")
    expect(page.get_by_role("heading", name="Tasks", exact=True, level=1)).to_be_visible(timeout=WAIT)
    app.goto("#/new-vm")
    page.get_by_role("radio", name=template).check()
    expect(page.locator("#newvm-name")).to_have_value(template, timeout=WAIT)
    return page


def iso_named(sdk, name):
    return sdk.x.VDI.get_by_name_label(name)[0]


def created(page, name):
    expect(page.get_by_text("VM %s was created." % name, exact=True).first).to_be_visible(timeout=WAIT)


def vm_devices(sdk, ref):
    vbds = [sdk.x.VBD.get_record(v) for v in sdk.x.VM.get_VBDs(ref)]
    disks = sorted((int(sdk.x.VDI.get_virtual_size(v["VDI"])), sdk.x.VDI.get_SR(v["VDI"]))
                   for v in vbds if v["type"] == "Disk")
    return vbds, disks


def test_a_template_with_an_iso_and_two_disks_created_and_started(app, sdk):
    page = open_wizard(app, "Debian Bookworm 12")
    page.locator("#newvm-name").fill("web-e2e")
    page.locator("#newvm-tags").fill("e2e, web")
    page.locator("#newvm-iso").select_option(label="debian-12.8.0-amd64-netinst.iso (ISO library)")
    page.locator("#newvm-vcpus").fill("4")
    page.locator("#newvm-cps").select_option("2")
    page.locator("#newvm-memory").fill("3 GiB")
    page.get_by_role("button", name="Add a disk").click()
    page.locator("#newvm-disk-1-size").fill("20 GiB")
    local = [r for r, sr in sdk.x.SR.get_all_records().items() if sr["type"] == "ext"][0]
    page.locator("#newvm-disk-1-sr").select_option(local)
    page.get_by_role("checkbox", name="Virtual TPM (vTPM)").check()
    summary = page.get_by_role("group", name="Summary")
    expect(summary).to_contain_text("TPM 2.0")
    expect(summary).to_contain_text("web-e2e")
    expect(summary).to_contain_text("3 GiB")
    page.get_by_role("button", name="Create", exact=True).click()
    created(page, "web-e2e")
    expect(page.get_by_role("list", name="Steps")).to_contain_text("Start the VM")
    ref = sdk.vm("web-e2e")
    record = sdk.record("web-e2e")
    assert record["power_state"] == "Running"
    assert (record["VCPUs_max"], record["platform"]["cores-per-socket"]) == ("4", "2")
    assert record["memory_static_max"] == str(3 * GIB) and sorted(record["tags"]) == ["e2e", "web"]
    assert [sdk.x.VTPM.get_VM(v) for v in record["VTPMs"]] == [ref]
    vbds, disks = vm_devices(sdk, ref)
    default = sdk.x.pool.get_default_SR(sdk.x.pool.get_all()[0])
    assert disks == sorted([(10 * GIB, default), (20 * GIB, local)])
    assert [v["VDI"] for v in vbds if v["type"] == "CD"] == [iso_named(sdk, "debian-12.8.0-amd64-netinst.iso")]
    page.get_by_role("link", name="Open web-e2e").click()
    expect(page.get_by_role("heading", name="web-e2e", level=1)).to_be_visible(timeout=WAIT)


def test_a_custom_template_brings_its_own_disks_and_network_cards(app, sdk):
    """A template made from an installed VM: the form offers its own disks as the install media and its
    own network cards, read from the VBDs and VIFs the page watches (their classes are not loaded)."""
    name = "Debian 12 Cloud-init (Hub)"
    template = sdk.x.VM.get_by_name_label(name)[0]
    own_vifs = [sdk.x.VIF.get_record(v) for v in sdk.x.VM.get_VIFs(template)]
    own_disks = [v for v in sdk.x.VM.get_VBDs(template) if sdk.x.VBD.get_type(v) == "Disk"]
    assert own_disks and own_vifs
    page = open_wizard(app, name)
    expect(page.get_by_role("radio", name="The template's own disks")).to_be_checked(timeout=WAIT)
    page.locator("#newvm-name").fill("from-hub")
    page.get_by_role("checkbox", name="Start the VM once it is created").uncheck()
    page.get_by_role("button", name="Create", exact=True).click()
    created(page, "from-hub")
    ref = sdk.vm("from-hub")
    vbds, disks = vm_devices(sdk, ref)
    assert len(disks) == len(own_disks)
    assert sorted(sdk.x.VIF.get_network(v) for v in sdk.x.VM.get_VIFs(ref)) == sorted(v["network"] for v in own_vifs)


def test_refused_values_are_marked_and_nothing_is_created(app, sdk):
    page = open_wizard(app, "Other install media")
    before = len(sdk.x.VM.get_all())
    page.locator("#newvm-name").fill("  ")
    page.locator("#newvm-vcpus").fill("3")
    page.locator("#newvm-cps").select_option("1")
    page.get_by_role("button", name="Add a network interface").click()
    page.locator("#newvm-nic-1-mac").fill("01:00:5e:00:00:01")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Correct the marked fields")).to_be_visible()
    expect(page.locator("#newvm-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#newvm-name")).to_have_accessible_description("The name cannot be empty.")
    expect(page.locator("#newvm-iso")).to_have_accessible_description("Choose an ISO image.")
    expect(page.locator("#newvm-nic-1-mac")).to_have_accessible_description(
        "That is a multicast address; a network card needs a unicast one.")
    assert len(sdk.x.VM.get_all()) == before


def test_network_boot_with_bios_and_a_typed_mac(app, sdk):
    page = open_wizard(app, "Generic Linux BIOS")
    page.locator("#newvm-name").fill("pxe-e2e")
    page.get_by_role("radio", name="The network (PXE)").check()
    page.locator("#newvm-nic-0-mac").fill("2A:14:3C:00:00:01")
    page.get_by_role("checkbox", name="Start the VM once it is created").uncheck()
    page.get_by_role("button", name="Create", exact=True).click()
    created(page, "pxe-e2e")
    record = sdk.record("pxe-e2e")
    assert record["power_state"] == "Halted"
    assert record["HVM_boot_params"]["order"] == "nc" and record["HVM_boot_params"]["firmware"] == "bios"
    assert [sdk.x.VIF.get_MAC(v) for v in record["VIFs"]] == ["2a:14:3c:00:00:01"]


def test_cloud_init_drive_built_in_the_browser(app, sdk, pool):
    page = open_wizard(app, "Debian 12 Cloud-init (Hub)")
    page.locator("#newvm-name").fill("cloud-e2e")
    page.get_by_role("checkbox", name="Configure with cloud-init").check()
    page.locator("#newvm-hostname").fill("cloud-e2e")
    page.locator("#newvm-ssh_keys").fill(ED25519)
    page.locator("#newvm-user_data").fill("#cloud-config\npackages: [nginx]\n")
    page.get_by_role("button", name="Create", exact=True).click()
    created(page, "cloud-e2e")
    record = sdk.record("cloud-e2e")
    drives = [v for v in record["VBDs"] if sdk.x.VBD.get_type(v) == "Disk"
              and sdk.x.VDI.get_name_label(sdk.x.VBD.get_VDI(v)) == "cloud-init config drive"]
    assert len(drives) == 1 and sdk.x.VBD.get_mode(drives[0]) == "RO"
    vdi = sdk.x.VBD.get_VDI(drives[0])
    url = "%s/export_raw_vdi?vdi=%s&format=raw&session_id=%s" % (pool.url.rstrip("/"), vdi, sdk.session._session)
    with urllib.request.urlopen(url, timeout=20) as reply:
        image = reply.read()
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(image))
    try:
        files = {}
        for name in ("meta-data", "user-data"):
            out = io.BytesIO()
            iso.get_file_from_iso_fp(out, joliet_path="/" + name)
            files[name] = out.getvalue().decode()
    finally:
        iso.close()
    assert files["user-data"] == "#cloud-config\npackages: [nginx]\n"
    assert files["meta-data"] == ('instance-id: "%s"\nlocal-hostname: "cloud-e2e"\npublic-keys:\n  - "%s"\n'
                                  % (record["uuid"], ED25519))


def test_a_full_sr_mid_way_leaves_nothing_and_names_the_step(app, sdk, pool):
    x = sdk.x
    master = x.pool.get_master(x.pool.get_all()[0])
    sr = x.SR.create(master, {"device": "/dev/sdd"}, "0", "Small LVM", "", "lvm", "user", False, {})
    page = open_wizard(app, "Debian Bookworm 12")
    page.locator("#newvm-name").fill("too-big")
    page.get_by_role("radio", name="Nothing yet (an empty CD drive)").check()
    page.get_by_role("button", name="Add a disk").click()
    page.locator("#newvm-disk-1-size").fill("40 GiB")
    page.locator("#newvm-disk-1-sr").select_option(sr)
    before = {cls: set(getattr(x, cls).get_all()) for cls in ("VM", "VDI", "VBD", "VIF")}
    pool.fault("latency", seconds=0.25)  # room for someone else to take the space mid-way
    try:
        page.get_by_role("button", name="Create", exact=True).click()
        wait_for(lambda: x.VM.get_by_name_label("too-big"), what="the clone")
        free = int(x.SR.get_physical_size(sr)) - int(x.SR.get_physical_utilisation(sr))
        thief = x.VDI.create({"SR": sr, "virtual_size": str(free - 8 * GIB), "type": "user", "sharable": False,
                              "read_only": False, "other_config": {}, "name_label": "someone else's"})
        failure = page.get_by_role("alert").filter(has_text="Nothing was created")
        expect(failure).to_contain_text("Create disk too-big 1", timeout=WAIT)
    finally:
        pool.fault("latency", seconds=0)
    expect(page.get_by_text("Everything made before that step was removed.")).to_be_visible()
    wait_for(lambda: not x.VM.get_by_name_label("too-big"), what="the VM removed")
    after = {cls: set(getattr(x, cls).get_all()) for cls in ("VM", "VDI", "VBD", "VIF")}
    assert after["VM"] == before["VM"] and after["VBD"] == before["VBD"] and after["VIF"] == before["VIF"]
    assert after["VDI"] == before["VDI"] | {thief}
    expect(page.locator("#newvm-name")).to_have_value("too-big")  # the form stays, to try again
