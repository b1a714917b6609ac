"""The New SR form: kinds offered from the pool's drivers, the device config of each kind, the checks
before any call, secrets hidden from what is shown, the SR.create and probe calls, attaching an SR a
probe found (and undoing a half-done attach)."""
from lite_app.logic import jobs, sr_create

SUPPORTED = ["ext", "iso", "lvm", "nfs", "smb", "udev"]
HOSTS = ["OpaqueRef:h1", "OpaqueRef:h2"]


def form(**fields):
    base = {"name": "New SR", "description": "", "scope": "shared"}
    base.update(fields)
    return base


def test_kinds_offered_follow_the_pools_drivers():
    assert sr_create.offered(SUPPORTED) == ["nfs", "smb", "iso_nfs", "iso_smb", "ext", "lvm"]
    assert sr_create.offered(["nfs"]) == ["nfs"]
    assert sr_create.missing_drivers(SUPPORTED) == ["lvmoiscsi", "lvmohba"]
    assert sr_create.missing_drivers(SUPPORTED + ["lvmohba"]) == ["lvmoiscsi"]


def test_device_config_per_kind():
    nfs = form(server=" nfs.lab.local ", path="/export/new", nfs_version="4.1")
    assert sr_create.device_config("nfs", nfs) == {"server": "nfs.lab.local", "serverpath": "/export/new",
                                                   "nfsversion": "4.1"}
    assert sr_create.device_config("iso_nfs", nfs) == {"location": "nfs.lab.local:/export/new", "type": "nfs_iso",
                                                       "nfsversion": "4.1"}
    smb = form(share="//smb.lab.local/vms", username="xcp", password="xcp-secret")
    assert sr_create.device_config("smb", smb) == {"server": "\\\\smb.lab.local\\vms", "username": "xcp",
                                                   "password": "xcp-secret"}
    assert sr_create.device_config("iso_smb", smb) == {"location": "\\\\smb.lab.local\\vms", "type": "cifs",
                                                       "username": "xcp", "cifspassword": "xcp-secret"}
    assert sr_create.device_config("lvm", form(device="/dev/sdb")) == {"device": "/dev/sdb"}
    assert sr_create.device_config("nfs", form(server="nfs.lab.local")) == {"server": "nfs.lab.local",
                                                                           "nfsversion": "3"}


def test_secrets_are_never_shown():
    config = sr_create.device_config("iso_smb", form(share="\\\\smb\\isos", username="u", password="p4ss"))
    shown = sr_create.shown_config(config)
    assert ("cifspassword", None) in shown and ("username", "u") in shown
    assert "p4ss" not in repr(shown)
    assert sr_create.shown_config({"password_secret": "OpaqueRef:s", "server": "x"}) == [
        ("password_secret", None), ("server", "x")]


def test_checks_before_any_call():
    assert sr_create.form_error("nfs", form(), HOSTS) == ("server", ("newsr.need_server", {}))
    assert sr_create.form_error("nfs", form(server="s", path="export"), HOSTS) == ("path", ("newsr.need_path", {}))
    assert sr_create.form_error("nfs", form(server="s", path="/e", nfs_version="2"), HOSTS)[0] == "nfs_version"
    assert sr_create.form_error("smb", form(share="\\\\onlyserver"), HOSTS) == ("share", ("newsr.need_share", {}))
    assert sr_create.form_error("ext", form(device="sdb"), HOSTS) == ("device", ("newsr.need_device", {}))
    assert sr_create.form_error("ext", form(device="/dev/sdb"), HOSTS) == ("host", ("newsr.need_host", {}))
    assert sr_create.form_error("ext", form(device="/dev/sdb", host="OpaqueRef:h2", name=" "), HOSTS) == (
        "name", ("valid.name_empty", {}))
    assert sr_create.form_error("ext", form(device="/dev/sdb", host="OpaqueRef:h2"), HOSTS) is None
    assert sr_create.form_error("nfs", form(server="s", path="/e", scope="host"), HOSTS)[0] == "host"
    assert sr_create.form_error("bogus", form(), HOSTS)[0] == "kind"


def test_create_call_shared_and_per_host():
    nfs = form(server="nfs.lab.local", path="/export/new", name=" Lab NFS ", description="new")
    assert sr_create.create_call("nfs", nfs, "OpaqueRef:h1") == ("Async.SR.create", [
        "OpaqueRef:h1", {"server": "nfs.lab.local", "serverpath": "/export/new", "nfsversion": "3"}, 0, "Lab NFS",
        "new", "nfs", "user", True, {}])
    local = form(device="/dev/sdb", host="OpaqueRef:h2")
    method, params = sr_create.create_call("ext", local, "OpaqueRef:h1")
    assert params[0] == "OpaqueRef:h2" and params[5:8] == ["ext", "user", False]
    one_host = dict(nfs, scope="host", host="OpaqueRef:h2")
    assert sr_create.create_call("nfs", one_host, "OpaqueRef:h1")[1][0] == "OpaqueRef:h2"
    iso = sr_create.create_call("iso_nfs", form(server="nfs.lab.local", path="/export/iso"), "OpaqueRef:h1")[1]
    assert iso[5:8] == ["iso", "iso", True]


def test_probe_calls():
    assert sr_create.exports_call(form(server="nfs.lab.local"), "OpaqueRef:h1") == (
        "Async.SR.probe", ["OpaqueRef:h1", {"server": "nfs.lab.local"}, "nfs", {}])
    method, params = sr_create.probe_call("lvm", form(device="/dev/sdc"), "OpaqueRef:h1")
    assert params == ["OpaqueRef:h1", {"device": "/dev/sdc"}, "lvm", {}]
    assert not sr_create.can_probe("iso_nfs") and sr_create.can_probe("smb")


def test_location_text():
    assert sr_create.location_text("nfs", form(server="n", path="/p")) == "n:/p"
    assert sr_create.location_text("smb", form(share="//s/v")) == "\\\\s\\v"
    assert sr_create.location_text("lvm", form(device="/dev/sdd")) == "/dev/sdd"
    assert sr_create.location_text("nfs", form(server="n")) == ""


def test_attaching_a_found_sr_and_undoing_it():
    nfs = form(server="nfs.lab.local", path="/export/backup", name="Backup")
    steps = sr_create.introduce_steps("nfs", nfs, "3f2c-uuid", HOSTS, "OpaqueRef:h1")
    results = {"sr": "OpaqueRef:sr", "pbd0": "OpaqueRef:p0", "pbd1": "OpaqueRef:p1"}
    calls = [jobs.resolve(step, results) for step in steps]
    assert [c[0] for c in calls] == ["SR.introduce", "PBD.create", "PBD.create", "Async.PBD.plug",
                                     "Async.PBD.plug", "Async.SR.scan"]
    assert calls[0][1] == ["3f2c-uuid", "Backup", "", "nfs", "user", True, {}] and steps[0]["key"] == "sr"
    record = calls[1][1][0]
    assert record["SR"] == "OpaqueRef:sr" and record["host"] == "OpaqueRef:h1"
    assert record["device_config"]["serverpath"] == "/export/backup"
    assert calls[2][1][0]["host"] == "OpaqueRef:h2" and calls[4][1] == ["OpaqueRef:p1"]
    # What the job runs, in reverse, when a later step fails: each step that made something says how
    # to take it back.
    undo = [step["undo"](results.get(step.get("key")), results) for step in steps if step.get("undo")]
    assert undo == [("SR.forget", ["OpaqueRef:sr"]), ("PBD.destroy", ["OpaqueRef:p0"]),
                    ("PBD.destroy", ["OpaqueRef:p1"]), ("Async.PBD.unplug", ["OpaqueRef:p0"]),
                    ("Async.PBD.unplug", ["OpaqueRef:p1"])]
    local = sr_create.introduce_steps("lvm", form(device="/dev/sdc", host="OpaqueRef:h2"), "u", HOSTS, "OpaqueRef:h1")
    local_calls = [jobs.resolve(step, results) for step in local]
    assert [c[0] for c in local_calls].count("PBD.create") == 1 and local_calls[1][1][0]["host"] == "OpaqueRef:h2"
    assert local_calls[0][1][5] is False


def test_creating_is_one_step_xapi_completes():
    nfs = form(server="nfs.lab.local", path="/export/new", name="New")
    steps = sr_create.create_steps("nfs", nfs, "OpaqueRef:h1")
    assert len(steps) == 1 and jobs.resolve(steps[0], {})[0] == "Async.SR.create"
