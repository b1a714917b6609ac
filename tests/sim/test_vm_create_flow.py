"""The New VM plan run by the app's own runner and client against the simulator over loopback HTTP:
a VM from a template with an ISO and two disks, network boot, cloud-init (the drive read back through
GET /export_raw_vdi with an independent ISO reader), and a failure mid-way that leaves nothing behind."""
import asyncio
import io
import json

import pycdlib
import pytest

from support.waiting import until
from lite_app.logic import vm_create, vm_create_run
from lite_app.xapi.cache import Cache
from lite_app.xapi.client import Client
from lite_app.xapi.errors import XapiError
from lite_app.xapi.sync import load_all
from lite_app.xapi.tasks import task_outcome

GiB = 1024 ** 3
NULL = "OpaqueRef:NULL"
CLASSES = ("pool", "host", "host_metrics", "VM", "SR", "PBD", "VDI", "VBD", "VIF", "network", "PIF")


class AppIO:
    """What the shell gives the runner, over the app's client: Async calls followed to their end."""

    def __init__(self, client, running, http, session, before_step=None):
        self.client, self.running, self.http, self.session = client, running, http, session
        self.before_step = before_step
        self.creation = None
        self.seen = set()
        self.progress_values = []

    async def call(self, method, params):
        if not method.startswith("Async."):
            return await self.client.call(method, *params)
        task = await self.client.call(method, *params)
        db = self.running.sim.db
        await until(lambda: db.get("task", task)["status"] != "pending", timeout=30)
        status, value = task_outcome(await self.client.call("task.get_record", task))
        if status != "success":
            raise value
        return value

    async def upload(self, vdi, data):
        params = {"vdi": vdi, "format": "raw", "session_id": self.session}
        async with self.http.put(self.running.url + "/import_raw_vdi", params=params, data=data) as reply:
            assert reply.status == 200, await reply.text()
            task = reply.headers.get("task-id")
        if task:
            db = self.running.sim.db
            await until(lambda: not db.exists("task", task) or db.get("task", task)["status"] != "pending")

    def changed(self):
        running = [s for s in self.creation.steps if s["status"] == "running"]
        if running and self.before_step is not None and running[0]["name"] not in self.seen:
            self.seen.add(running[0]["name"])
            self.before_step(running[0]["name"], self.creation)

    async def progress(self, fraction):
        self.progress_values.append(fraction)


@pytest.fixture
async def app(running, http):
    async def transport(text):
        async with http.post(running.url + "/jsonrpc", data=text.encode(),
                             headers={"Content-Type": "application/json"}) as reply:
            return json.loads(await reply.text())
    client = Client(transport)
    session = await client.login("root", running.sim.config.password)
    cache = Cache()
    await load_all(client, cache, list(CLASSES))
    return client, cache, session


def template_ref(cache, name):
    return next(r for r, v in vm_create.templates(cache).items() if v["name_label"] == name)


async def run_form(app, running, http, changes, before_step=None):
    client, cache, session = app
    ref = template_ref(cache, changes.pop("template_name", "Debian Bookworm 12"))
    template = await client.call("VM.get_record", ref)
    form = vm_create.defaults(cache, ref, template)
    form.update(changes)
    errors, _ = vm_create.check(cache, form, template)
    assert errors == {}
    creation = vm_create_run.Creation(vm_create.plan(cache, form, template), form["name"])
    app_io = AppIO(client, running, http, session, before_step)
    app_io.creation = creation
    ok = await vm_create_run.run(creation, app_io)
    return ok, creation, app_io


def vm_named(db, name):
    found = [r for r in db.all("VM") if db.get("VM", r)["name_label"] == name and not db.get("VM", r)["is_a_template"]]
    return found[0] if found else None


def first_iso(cache):
    return vm_create.isos(cache)[0][0]


async def test_a_vm_from_a_template_with_an_iso_and_two_disks(app, running, http):
    _client, cache, _session = app
    db = running.sim.db
    local = next(r for r, sr in vm_create.disk_srs(cache) if not sr["shared"])
    template = {"name": "", "size": "12 GiB", "sr": vm_create.default_sr(cache), "template": True,
                "device": "0", "bootable": True}
    added = {"name": "data", "size": "20 GiB", "sr": local, "template": False, "device": ""}
    form = {"name": "web-new", "iso": first_iso(cache), "vcpus": "4", "cps": "2", "memory": "3 GiB",
            "tags": ["new"], "description": "made by the wizard", "disks": [template, added]}
    ok, creation, app_io = await run_form(app, running, http, dict(form))
    assert ok, creation.error
    vm = vm_named(db, "web-new")
    rec = db.get("VM", vm)
    assert rec["power_state"] == "Running" and not rec["is_a_template"]
    assert (rec["VCPUs_max"], rec["VCPUs_at_startup"], rec["platform"]["cores-per-socket"]) == (4, 4, "2")
    assert rec["memory_dynamic_max"] == rec["memory_static_max"] == 3 * GiB
    assert rec["HVM_boot_params"]["order"] == "dc" and rec["tags"] == ["new"]
    assert rec["name_description"] == "made by the wizard"
    vbds = [db.get("VBD", v) for v in db.referrers("VM", "VBDs", vm)]
    disks = sorted((db.get("VDI", v["VDI"])["virtual_size"], db.get("VDI", v["VDI"])["SR"])
                   for v in vbds if v["type"] == "Disk")
    assert disks == sorted([(12 * GiB, vm_create.default_sr(cache)), (20 * GiB, local)])
    cds = [v for v in vbds if v["type"] == "CD"]
    assert len(cds) == 1 and cds[0]["VDI"] == form["iso"] and cds[0]["currently_attached"]
    assert app_io.progress_values[-1] == 1.0 and len(app_io.progress_values) == len(creation.steps)


async def test_a_uefi_vm_with_a_vtpm(app, running, http):
    """VTPM.create on the halted clone (xapi_vtpm.ml); the VM then starts with it."""
    db = running.sim.db
    ok, creation, _io = await run_form(app, running, http, {"name": "tpm-vm", "iso": first_iso(app[1]),
                                                            "firmware": "uefi", "vtpm": True})
    assert ok, creation.error
    vm = vm_named(db, "tpm-vm")
    rec = db.get("VM", vm)
    assert rec["power_state"] == "Running" and len(rec["VTPMs"]) == 1
    assert db.get("VTPM", rec["VTPMs"][0])["VM"] == vm
    client = app[0]
    with pytest.raises(XapiError) as refused:  # one vTPM per VM
        await client.call("VTPM.create", vm, False)
    assert refused.value.code == "VTPM_MAX_AMOUNT_REACHED"
    other = next(r for r in db.all("VM") if db.get("VM", r)["power_state"] == "Running"
                 and not db.get("VM", r)["VTPMs"] and not db.get("VM", r)["is_control_domain"])
    with pytest.raises(XapiError) as refused:
        await client.call("VTPM.create", other, False)
    assert refused.value.code == "VM_BAD_POWER_STATE"
    vtpm = rec["VTPMs"][0]
    await client.call("VM.hard_shutdown", vm)
    await client.call("VM.destroy", vm)
    assert not db.exists("VTPM", vtpm)


async def test_network_boot_bios_without_start(app, running, http):
    _client, cache, _session = app
    db = running.sim.db
    nets = vm_create.networks(cache)
    ok, creation, _io = await run_form(app, running, http, {
        "name": "pxe-vm", "media": "pxe", "firmware": "bios", "secure_boot": False, "start": False,
        "nics": [{"network": nets[-1][0], "mac": "aa:bb:cc:00:11:22"}]})
    assert ok, creation.error
    vm = vm_named(db, "pxe-vm")
    rec = db.get("VM", vm)
    assert rec["power_state"] == "Halted"
    assert rec["HVM_boot_params"] == dict(rec["HVM_boot_params"], order="nc", firmware="bios")
    vifs = [db.get("VIF", v) for v in db.referrers("VM", "VIFs", vm)]
    assert [(v["network"], v["MAC"]) for v in vifs] == [(nets[-1][0], "aa:bb:cc:00:11:22")]


async def test_cloud_init_drive_is_uploaded_attached_and_readable(app, running, http):
    _client, cache, session = app
    db = running.sim.db
    ok, creation, _io = await run_form(app, running, http, {
        "name": "cloudy", "iso": first_iso(cache), "cloud": True, "hostname": "cloudy-1",
        "user_data": "#cloud-config\npackages: [nginx]\n"})
    assert ok, creation.error
    vm = vm_named(db, "cloudy")
    rec = db.get("VM", vm)
    drives = [db.get("VBD", v) for v in db.referrers("VM", "VBDs", vm) if db.get("VBD", v)["type"] == "Disk"
              and db.get("VDI", db.get("VBD", v)["VDI"])["name_label"] == "cloud-init config drive"]
    assert len(drives) == 1 and drives[0]["mode"] == "RO"
    async with http.get(running.url + "/export_raw_vdi",
                        params={"vdi": drives[0]["VDI"], "format": "raw", "session_id": session}) as reply:
        image = await reply.read()
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(image))
    try:
        out = io.BytesIO()
        iso.get_file_from_iso_fp(out, joliet_path="/user-data")
        assert out.getvalue() == b"#cloud-config\npackages: [nginx]\n"
        out = io.BytesIO()
        iso.get_file_from_iso_fp(out, joliet_path="/meta-data")
        assert out.getvalue().decode() == 'instance-id: "%s"\nlocal-hostname: "cloudy-1"\n' % rec["uuid"]
    finally:
        iso.close()


async def test_a_full_sr_mid_way_leaves_nothing_behind(app, running, http, call):
    """Someone else takes the space of a thick SR between the check and the disk's creation."""
    client, cache, session = app
    db = running.sim.db
    host = db.get("pool", db.all("pool")[0])["master"]
    sr = await call("SR.create", host, {"device": "/dev/sdd"}, 0, "Small LVM", "", "lvm", "user", False, {})
    await load_all(client, cache, list(CLASSES))
    before = {cls: set(db.all(cls)) for cls in ("VM", "VDI", "VBD", "VIF")}

    def take_space(step, creation):
        if step == "disk":  # runs before the runner's next call reaches the simulator
            free = db.get("SR", sr)["physical_size"] - db.get("SR", sr)["physical_utilisation"]
            asyncio.ensure_future(call("VDI.create", {
                "SR": sr, "virtual_size": free - 8 * GiB, "type": "user", "sharable": False,
                "read_only": False, "other_config": {}, "name_label": "someone else's"}))

    form = {"name": "too-big", "iso": first_iso(cache),
            "disks": [{"name": "", "size": "10 GiB", "sr": vm_create.default_sr(cache), "template": True,
                       "device": "0", "bootable": True},
                      {"name": "data", "size": "40 GiB", "sr": sr, "template": False, "device": ""}]}
    ok, creation, _io = await run_form(app, running, http, form, take_space)
    assert not ok
    assert creation.steps[creation.failed]["name"] == "disk"
    assert isinstance(creation.error, XapiError) and creation.error.code == "SR_BACKEND_FAILURE_44"
    assert creation.undo_error is None and creation.vm is None
    thief = [v for v in db.all("VDI") if db.get("VDI", v)["name_label"] == "someone else's"]
    after = {cls: set(db.all(cls)) for cls in ("VM", "VDI", "VBD", "VIF")}
    assert after["VM"] == before["VM"] and after["VBD"] == before["VBD"] and after["VIF"] == before["VIF"]
    assert after["VDI"] == before["VDI"] | set(thief)
