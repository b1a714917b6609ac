"""Default and cloud templates, and VM.provision (xapi_vm.ml provision, xapi_templates.ml,
cli_util.ml rewrite_provisioning_xml; templates from guest-templates-json blank_template.py)."""
import xml.dom.minidom

from vmfixtures import point_disks_at, pool

from support.waiting import until
from xapi_sim import guests

GiB = 1024 ** 3


def by_name(p, name):
    return [r for r in p.db.all("VM") if p.db.get("VM", r)["name_label"] == name][0]


def restrictions(text):
    doc = xml.dom.minidom.parseString(text)
    out = {}
    for node in doc.getElementsByTagName("restriction"):
        key = node.getAttribute("field") or node.getAttribute("property")
        out[key] = node.getAttribute("value") or node.getAttribute("max") or node.getAttribute("min")
    return out


async def test_default_templates_as_xcp_ng_installs_them():
    p = await pool()
    debian = p.vm(by_name(p, "Debian Bookworm 12"))
    assert debian["uuid"] == "07d91aaa-43f7-430a-bf84-0edb6714df0f"
    assert (debian["is_a_template"], debian["is_default_template"]) == (True, True)
    assert debian["other_config"]["disks"] == (
        '<provision><disk size="10737418240" sr="" bootable="true" type="system" device="0"/>'
        '</provision>')
    assert debian["other_config"]["install-methods"] == "cdrom,nfs,http,ftp"
    assert debian["HVM_boot_params"] == {"firmware": "uefi", "order": "cdn"}
    assert debian["platform"]["secureboot"] == "auto" and "device-model" not in debian["platform"]
    assert (debian["memory_static_min"], debian["memory_static_max"]) == (GiB, 2 * GiB)
    limits = restrictions(debian["recommendations"])
    assert limits["memory-static-max"] == str(1536 * 1024 * GiB)
    assert (limits["vcpus-max"], limits["supports-uefi"], limits["supports-secure-boot"],
            limits["number-of-vbds"], limits["number-of-vifs"]) == ("64", "yes", "yes", "255", "7")
    bios = p.vm(by_name(p, "Generic Linux BIOS"))
    assert bios["HVM_boot_params"]["firmware"] == "bios" and bios["platform"]["secureboot"] == "false"
    assert restrictions(bios["recommendations"])["supports-secure-boot"] == "no"
    windows = p.vm(by_name(p, "Windows Server 2022 (64-bit)"))
    assert windows["other_config"]["install-methods"] == "cdrom"
    assert 'bootable="false"' in windows["other_config"]["disks"]
    assert restrictions(windows["recommendations"])["vcpus-min"] == "2"
    assert "disks" not in p.vm(by_name(p, "Other install media"))["other_config"]


async def test_templates_have_allowed_operations_from_the_start():
    p = await pool()
    for ref in p.db.all("VM"):
        rec = p.vm(ref)
        if rec["is_a_template"] and not rec["is_a_snapshot"]:
            assert {"clone", "copy", "export", "provision"} <= set(rec["allowed_operations"]), \
                rec["name_label"]
            assert "start" not in rec["allowed_operations"]


async def test_cloud_templates_carry_an_installed_disk():
    p = await pool()
    template = by_name(p, "Debian 12 Cloud-init (Hub)")
    rec = p.vm(template)
    assert rec["is_a_template"] and not rec["is_default_template"]
    assert "disks" not in rec["other_config"] and rec["VIFs"]
    assert guests.installed_os(p.db, template) == "debian-12"
    vm = await p.call("VM.copy", template, "from cloud", p.db.get("pool", p.db.all("pool")[0])[
        "default_SR"])
    await p.call("VM.provision", vm)          # nothing to provision: it only stops being a template
    assert not p.vm(vm)["is_a_template"] and guests.installed_os(p.db, vm) == "debian-12"
    await p.call("VM.start", vm, False, False)
    assert p.db.exists("VM_guest_metrics", p.vm(vm)["guest_metrics"])


async def test_provision_makes_the_spec_disks_as_xapi_does():
    p = await pool()
    vm = await p.call("VM.clone", by_name(p, "Windows Server 2022 (64-bit)"), "win")
    local = [p.db.get("PBD", b)["SR"] for b in p.db.referrers("host", "PBDs", p.master)
             if p.db.get("SR", p.db.get("PBD", b)["SR"])["type"] == "ext"][0]
    await point_disks_at(p, vm, p.db.get("SR", local)["uuid"])
    task = await p.call("Async.VM.provision", vm)
    await _finished(p, task)
    assert p.db.get("task", task)["status"] == "success", p.db.get("task", task)["error_info"]
    rec = p.vm(vm)
    assert not rec["is_a_template"] and not rec["is_default_template"]
    assert "disks" not in rec["other_config"] and rec["other_config"]["install-methods"]
    vbd = p.db.get("VBD", rec["VBDs"][0])
    vdi = p.db.get("VDI", vbd["VDI"])
    assert (vbd["userdevice"], vbd["bootable"], vbd["mode"], vbd["type"]) == ("0", False, "RW", "Disk")
    assert vbd["unpluggable"] is False and vbd["other_config"] == {"owner": ""}
    assert (vdi["SR"], vdi["virtual_size"], vdi["type"]) == (local, 32 * GiB, "system")
    assert (vdi["name_label"], vdi["name_description"]) == ("0", "Created by template provisioner")
    assert vdi["sm_config"]["vmhint"] == rec["uuid"]
    assert guests.installed_os(p.db, vm) is None        # a blank disk


async def test_provision_wants_the_uuid_of_an_sr():
    """XAPI has no default-SR fallback: clients rewrite sr="" first (Ansible's xenserver_guest
    removes the spec instead, because XAPI "returns an error")."""
    p = await pool()
    vm = await p.call("VM.clone", by_name(p, "Debian Bookworm 12"), "no sr")
    assert await p.error("VM.provision", vm) == ["UUID_INVALID", "sr", ""]
    assert not p.vm(vm)["is_a_template"] and not p.vm(vm)["VBDs"]     # set before the disks
    other = await p.call("VM.clone", by_name(p, "Debian Bookworm 12"), "unknown sr")
    await point_disks_at(p, other, "00000000-0000-0000-0000-000000000000")
    assert await p.error("VM.provision", other) == [
        "UUID_INVALID", "sr", "00000000-0000-0000-0000-000000000000"]


async def test_provision_on_a_full_thick_sr_keeps_the_disks_made_before():
    p = await pool()
    sr = await p.call("SR.create", p.master, {"device": "/dev/sdd"}, 0, "small", "", "lvm",
                      "user", False, {})
    vm = await p.call("VM.clone", by_name(p, "Debian Bookworm 12"), "big")
    uuid = p.db.get("SR", sr)["uuid"]
    spec = ('<provision><disk device="0" size="%d" sr="%s" bootable="true" type="system"/>'
            '<disk device="1" size="%d" sr="%s" bootable="false" type="user"/></provision>'
            % (40 * GiB, uuid, 40 * GiB, uuid))
    await p.call("VM.remove_from_other_config", vm, "disks")
    await p.call("VM.add_to_other_config", vm, "disks", spec)
    assert await p.error("VM.provision", vm) == [
        "SR_BACKEND_FAILURE_44", "", "There is insufficient space", ""]
    disks = [p.db.get("VBD", b) for b in p.vm(vm)["VBDs"]]
    assert [d["userdevice"] for d in disks] == ["0"]
    assert p.db.get("VBD", p.vm(vm)["VBDs"][0])["unpluggable"] is False


async def test_provision_only_on_templates():
    p = await pool()
    vm = await p.call("VM.clone", by_name(p, "Other install media"), "plain")
    await p.call("VM.provision", vm)
    assert await p.error("VM.provision", vm) == ["PROVISION_ONLY_ALLOWED_ON_TEMPLATE"]


async def _finished(p, task):
    await until(lambda: p.db.get("task", task)["status"] != "pending")

