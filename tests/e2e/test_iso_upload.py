"""ISO upload in Chromium: a 50 MiB image chosen in the page streams into the ISO library with its
progress shown and arrives byte for byte (read back through /export_raw_vdi); another is cancelled
mid-way and leaves no image behind; what cannot go is refused before anything is sent. Each outcome
is read through the XenAPI SDK. The upload is slowed with Chromium's network throttling so its
progress can be seen and the cancel lands mid-way."""
import hashlib
import random
import re
import urllib.request

from playwright.sync_api import expect

from actions_harness import FAST, module_fixtures, wait_for

MIB = 1024 * 1024
WAIT = 30000

pool, sdk, app = module_fixtures(hosts=2, vms=4, seed=3, extra=FAST)


def iso_file(tmp_path, name, size, seed):
    data = random.Random(seed).randbytes(size)
    path = tmp_path / name
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def throttle(app, bytes_per_second):
    cdp = app.context.new_cdp_session(app.page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                   "uploadThroughput": bytes_per_second})
    return cdp


def open_upload(app, sdk):
    library = sdk.x.SR.get_by_name_label("ISO library")[0]
    app.goto("#/sr/" + sdk.x.SR.get_uuid(library))
    page = app.page
    expect(page.get_by_role("heading", name="ISO library", level=1)).to_be_visible(timeout=WAIT)
    page.get_by_role("toolbar", name="Storage repository actions").get_by_role("button", name="Upload ISO").click()
    return page, page.get_by_role("dialog"), library


def images(sdk, library, name):
    return [v for v in sdk.x.SR.get_VDIs(library) if sdk.x.VDI.get_name_label(v) == name]


def downloaded_sha(pool, sdk, vdi):
    request = urllib.request.Request(pool.url + "export_raw_vdi?format=raw&vdi=" + vdi,
                                     headers={"Cookie": "session_id=" + sdk.session._session})
    digest = hashlib.sha256()
    with urllib.request.urlopen(request, timeout=60) as reply:
        for chunk in iter(lambda: reply.read(MIB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def test_a_50_mib_image_uploads_with_its_progress_shown(app, sdk, pool, tmp_path):
    path, sha = iso_file(tmp_path, "alpine e2e.iso", 50 * MIB, 1)
    page, dialog, library = open_upload(app, sdk)
    dialog.get_by_label("ISO file").set_input_files(str(path))
    expect(dialog).to_contain_text("alpine-e2e.iso")  # the name the library accepts
    expect(dialog).to_contain_text("50 MiB")
    cdp = throttle(app, 12 * MIB)
    try:
        dialog.get_by_role("button", name="Upload", exact=True).click()
        bar = dialog.get_by_role("progressbar", name="Upload of alpine-e2e.iso")
        expect(bar).to_have_attribute("aria-valuetext", re.compile(r" of 50 MiB \u00b7 .+/s"), timeout=WAIT)
        wait_for(lambda: 0 < int(bar.get_attribute("aria-valuenow") or 0) < 100, what="progress mid-way")
        expect(page.get_by_text("alpine-e2e.iso was uploaded to ISO library.")).to_be_visible(timeout=WAIT)
    finally:
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                       "uploadThroughput": -1})
        cdp.detach()
    found = images(sdk, library, "alpine-e2e.iso")
    assert len(found) == 1 and int(sdk.x.VDI.get_virtual_size(found[0])) == 50 * MIB
    assert downloaded_sha(pool, sdk, found[0]) == sha
    pending = [t for t in sdk.x.task.get_all_records().values() if "alpine-e2e.iso" in t["name_label"]]
    assert pending == [], "the upload's task is removed once it ended"
    expect(page.get_by_role("table", name="Virtual disks")).to_contain_text("alpine-e2e.iso")


def test_cancelled_mid_way_leaves_nothing(app, sdk, tmp_path):
    path, _sha = iso_file(tmp_path, "big.iso", 40 * MIB, 2)
    page, dialog, library = open_upload(app, sdk)
    dialog.get_by_label("ISO file").set_input_files(str(path))
    cdp = throttle(app, 2 * MIB)
    try:
        dialog.get_by_role("button", name="Upload", exact=True).click()
        bar = dialog.get_by_role("progressbar", name="Upload of big.iso")
        wait_for(lambda: int(bar.get_attribute("aria-valuenow") or 0) >= 5, timeout=WAIT / 1000,
                 what="some of it sent")
        assert images(sdk, library, "big.iso"), "the image exists while it is sent"
        dialog.get_by_role("button", name="Cancel upload").click()
        expect(page.get_by_text("The upload of big.iso was cancelled; nothing was left in the library.")
               ).to_be_visible(timeout=WAIT)
    finally:
        cdp.detach()
    assert images(sdk, library, "big.iso") == []
    wait_for(lambda: not [t for t in sdk.x.task.get_all_records().values()
                          if "big.iso" in t["name_label"] and t["status"] == "pending"], what="no task left")


def test_what_cannot_go_is_refused_before_sending(app, sdk, tmp_path):
    page, dialog, library = open_upload(app, sdk)
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    dialog.get_by_label("ISO file").set_input_files(str(notes))
    expect(dialog.get_by_role("alert")).to_have_text("Only .iso and .img files can go into an ISO library.")
    expect(dialog.get_by_role("button", name="Upload", exact=True)).to_have_count(0)
    existing = tmp_path / "debian-12.8.0-amd64-netinst.iso"
    existing.write_bytes(b"x" * 4096)
    dialog.get_by_label("ISO file").set_input_files(str(existing))
    expect(dialog.get_by_role("alert")).to_contain_text("already has an image named")
    page.keyboard.press("Escape")
    nfs = sdk.x.SR.get_by_name_label("NFS storage")[0]
    app.goto("#/sr/" + sdk.x.SR.get_uuid(nfs))
    button = page.get_by_role("toolbar", name="Storage repository actions").get_by_role("button", name="Upload ISO")
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_attribute("title", "Only ISO libraries take ISO uploads.")
