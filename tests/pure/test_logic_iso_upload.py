"""ISO uploads: which SRs take them and why not, the image's file name, whether a file fits, the
VDI.create and the /import_raw_vdi path (never the session), the speed and the time left."""
from sr_pool import GIB, pool, ref

from lite_app.logic import iso_upload
from lite_app.xapi import urls


def test_only_plugged_iso_libraries_that_create_images_take_uploads():
    cache = pool()
    sr = lambda name: cache.get("SR", ref(name))  # noqa: E731
    assert iso_upload.sr_refusal(cache, sr("iso")) is None
    assert iso_upload.sr_refusal(cache, sr("nfs")) == ("upload.refuse.not_iso", {})
    assert iso_upload.sr_refusal(cache, sr("tools")) == ("upload.refuse.tools", {})
    no_create = dict(sr("iso"), allowed_operations=["scan"])
    assert iso_upload.sr_refusal(cache, no_create) == ("upload.refuse.no_create", {})
    for pbd in ("pi1", "pi2"):
        cache.records["PBD"][ref(pbd)] = dict(cache.get("PBD", ref(pbd)), currently_attached=False)
    assert iso_upload.sr_refusal(cache, sr("iso")) == ("upload.refuse.unplugged", {})


def test_image_names_as_the_iso_driver_accepts_them():
    assert iso_upload.image_name("debian-12.8.0-amd64-netinst.iso") == "debian-12.8.0-amd64-netinst.iso"
    assert iso_upload.image_name("SERVER_EVAL x64 (1).ISO") == "SERVER-EVAL-x64-1-.ISO"
    assert iso_upload.image_name("C:\\fakepath\\boot.img") == "boot.img"
    assert iso_upload.image_name("notes.txt") is None and iso_upload.image_name(".iso") is None
    assert iso_upload.image_name("") is None and iso_upload.image_name(None) is None
    assert iso_upload.image_name("é.iso") is None


def test_a_file_must_fit_and_be_new():
    iso = pool().get("SR", ref("iso"))  # 1000 GiB, 100 GiB used
    assert iso_upload.file_refusal("a.iso", 50 * 1024 ** 2, iso, ["b.iso"]) is None
    assert iso_upload.file_refusal(None, 10, iso, []) == ("upload.not_iso", {})
    assert iso_upload.file_refusal("a.iso", 0, iso, []) == ("upload.empty", {})
    assert iso_upload.file_refusal("a.iso", 901 * GIB, iso, []) == ("upload.no_room", {"free": "900 GiB"})
    assert iso_upload.file_refusal("b.iso", 10, iso, ["b.iso"]) == ("upload.exists", {"name": "b.iso"})


def test_the_image_and_the_upload_path():
    method, params = iso_upload.create_call(ref("iso"), "a.iso", 123)
    assert method == "VDI.create"
    assert (params[0]["SR"], params[0]["virtual_size"], params[0]["sm_config"]) == (ref("iso"), 123, {"path": "a.iso"})
    path = urls.import_raw_vdi_path("OpaqueRef:v-1", "OpaqueRef:t-2")
    assert path == "/import_raw_vdi?format=raw&vdi=OpaqueRef%3Av-1&task_id=OpaqueRef%3At-2"
    assert "session" not in path


def test_speed_over_the_last_seconds_and_time_left():
    meter = iso_upload.Meter()
    assert meter.speed() is None and meter.left(100) is None
    meter.add(10.0, 0)
    meter.add(11.0, 10 * 1024 ** 2)
    assert meter.speed() == 10 * 1024 ** 2
    assert meter.left(50 * 1024 ** 2) == 4
    for second in range(12, 20):
        meter.add(float(second), 10 * 1024 ** 2 + (second - 11) * 2 * 1024 ** 2)
    assert meter.speed() == 2 * 1024 ** 2  # the old, faster start no longer counts
    meter.add(19.0, 30 * 1024 ** 2)
    assert meter.left(30 * 1024 ** 2) == 0
