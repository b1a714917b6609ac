"""The New VM form: template documents, defaults, every check, and the plan for each kind of media and
firmware (lite_app/logic/vm_create.py, vm_templates.py, xmltags.py, cloudinit.py)."""
import binascii

from newvm_pool import GIB, NULL, PROVISION, pool

from lite_app.logic import cloudinit, isoimage, vm_create, vm_templates, xmltags

ED25519 = "ssh-ed25519 " + binascii.b2a_base64(b"\x00\x00\x00\x0bssh-ed25519" + b"\x00\x00\x00\x20" +
                                               bytes(range(32))).decode().strip() + " admin@laptop"


def form(**changes):
    cache = pool()
    values = vm_create.defaults(cache, "OpaqueRef:debian", cache.get("VM", "OpaqueRef:debian"))
    values.update(iso="OpaqueRef:debian-iso", name="web-42")
    values.update(changes)
    return cache, values


def checked(**changes):
    cache, values = form(**changes)
    return vm_create.check(cache, values, cache.get("VM", values["template"]))


# ---- documents -----------------------------------------------------------------------------------
def test_xml_elements_and_their_attributes():
    text = '<a><disk size="1" sr=""/><disk size=\'2\' note="x &amp; &lt;y&gt;"></disk><diskette x="1"/></a>'
    assert xmltags.elements(text, "disk") == [{"size": "1", "sr": ""}, {"size": "2", "note": "x & <y>"}]
    assert xmltags.elements('<disk size="1><disk size="2"/>', "disk") == [{"size": "2"}]  # the broken one skipped
    assert xmltags.elements('<disk size=1/><disk a="b"/>', "disk") == [{"a": "b"}]
    assert xmltags.elements(None, "disk") == []
    assert xmltags.element("disk", (("name", 'a"b<c'),)) == '<disk name="a&quot;b&lt;c"/>'


def test_a_provision_spec_round_trips_with_its_sr():
    disks = vm_templates.provision_disks({"other_config": {"disks": PROVISION}})
    assert disks == [{"size": 10 * GIB, "sr": "", "device": "0", "bootable": True, "type": "system"}]
    again = vm_templates.provision_disks({"other_config": {"disks": vm_templates.provision_xml(
        [dict(disks[0], sr="nfs-uuid", size=20 * GIB)])}})
    assert again == [{"size": 20 * GIB, "sr": "nfs-uuid", "device": "0", "bootable": True, "type": "system"}]


def test_recommendations_and_families():
    cache = pool()
    debian = cache.get("VM", "OpaqueRef:debian")
    recs = vm_templates.recommendations(debian)
    assert recs["vcpus-max"] == "32" and recs["number-of-vifs"] == "7"
    assert vm_templates.firmware_options(debian) == (["bios", "uefi"], True)
    assert vm_templates.family(debian) == "Debian"
    assert vm_templates.family({"name_label": "Windows Server 2022 (64-bit)"}) == "Windows"
    assert vm_templates.family({"name_label": "Rocky Linux 9"}) == "Red Hat family"
    assert vm_templates.family({"name_label": "Other install media"}) == "Other"
    assert sorted(vm_create.templates(cache)) == ["OpaqueRef:debian", "OpaqueRef:other"]


# ---- defaults and checks --------------------------------------------------------------------------
def test_defaults_follow_the_template_and_the_pool():
    cache, values = form()
    assert values["vcpus"] == "1" and values["memory"] == "2 GiB"
    assert values["disks"] == [{"name": "", "size": "10 GiB", "sr": "OpaqueRef:nfs", "template": True,
                                "device": "0", "bootable": True}]
    assert values["nics"] == [{"network": "OpaqueRef:net0", "mac": ""}]
    assert values["firmware"] == "uefi" and values["secure_boot"] and values["start"]
    assert [ref for ref, _sr in vm_create.disk_srs(cache)] == ["OpaqueRef:lvm", "OpaqueRef:nfs"]
    assert [ref for ref, _n in vm_create.networks(cache)] == ["OpaqueRef:net0", "OpaqueRef:net1"]


def test_a_complete_form_has_no_error():
    assert checked() == ({}, {})


def test_each_field_is_checked():
    cases = [({"name": "  "}, "name", "valid.name_empty"),
             ({"iso": ""}, "iso", "newvm.err.iso"),
             ({"iso": "OpaqueRef:gone"}, "iso", "newvm.err.gone"),
             ({"vcpus": "x"}, "vcpus", "valid.vcpus_number"),
             ({"vcpus": "33"}, "vcpus", "valid.count_range"),
             ({"vcpus": "6", "cps": "4"}, "cps", "newvm.err.cps_divide"),
             ({"vcpus": "32", "cps": "16"}, "cps", "newvm.err.cps_host"),
             ({"memory": "lots"}, "memory", "valid.memory_size"),
             ({"memory": "32 MiB"}, "memory", "valid.memory_small"),
             ({"memory": "65 GiB"}, "memory", "newvm.err.memory_max"),
             ({"firmware": "coreboot"}, "firmware", "newvm.err.firmware"),
             ({"firmware": "bios", "secure_boot": True}, "secure_boot", "newvm.err.secure_boot"),
             ({"affinity": "OpaqueRef:gone"}, "affinity", "newvm.err.gone")]
    for changes, field, key in cases:
        errors, _ = checked(**changes)
        assert errors.get(field, (None,))[0] == key, (changes, errors)


def test_topologies_fit_every_host():
    cache = pool()
    assert vm_create.max_cores_per_socket(cache) == 12
    assert vm_create.topologies(12, 12) == [1, 2, 3, 4, 6, 12]
    assert vm_create.topologies(32, 12) == [1, 2, 4, 8]


def test_disks_sizes_srs_and_space():
    disk = {"name": "", "sr": "OpaqueRef:nfs", "template": False, "device": ""}
    errors, _ = checked(disks=[dict(disk, size="0.5 MiB"), dict(disk, size="3 TiB"), dict(disk, size="big"),
                               dict(disk, size="1 GiB", sr="OpaqueRef:isos")])
    assert errors["disk.0.size"][0] == errors["disk.1.size"][0] == "newvm.err.disk_range"
    assert errors["disk.2.size"][0] == "newvm.err.disk_size"
    assert errors["disk.3.sr"][0] == "newvm.err.disk_sr"
    thick = dict(disk, sr="OpaqueRef:lvm")
    errors, _ = checked(disks=[dict(thick, size="40 GiB"), dict(thick, size="30 GiB")])
    assert errors["disk.0.sr"][0] == errors["disk.1.sr"][0] == "newvm.err.sr_space"
    assert errors["disk.1.sr"][1]["free"] == "60 GiB" and errors["disk.1.sr"][1]["need"] == "70 GiB"
    errors, warnings = checked(disks=[dict(disk, size="950 GiB")])  # thin: allowed, with a warning
    assert "disk.0.sr" not in errors and warnings["disk.0.sr"][0] == "newvm.warn.sr_thin"


def test_macs_and_networks():
    nic = {"network": "OpaqueRef:net0", "mac": ""}
    errors, _ = checked(nics=[dict(nic, mac="aa:bb:cc:dd:ee:ff"), dict(nic, mac="AA-BB-CC-DD-EE-FF"),
                              dict(nic, mac="01:00:5e:00:00:01"), dict(nic, mac="zz:00:00:00:00:00"),
                              dict(nic, network="OpaqueRef:gone")])
    assert "nic.0.mac" not in errors and errors["nic.1.mac"][0] == "newvm.err.mac_twice"
    assert errors["nic.2.mac"][0] == "newvm.err.mac_multicast"
    assert errors["nic.3.mac"][0] == "newvm.err.mac"
    assert errors["nic.4.network"][0] == "newvm.err.network"
    errors, _ = checked(nics=[nic] * 8)
    assert errors["nics"][0] == "newvm.err.nics"


def test_memory_over_every_hosts_free_memory_is_a_warning():
    errors, warnings = checked(memory="48 GiB")
    assert errors == {} and warnings["memory"] == ("newvm.warn.memory_free", {"free": "40 GiB"})


# ---- cloud-init ------------------------------------------------------------------------------------
def test_ssh_keys_host_names_and_user_data():
    assert cloudinit.key_error(ED25519) is None
    assert cloudinit.key_error("ssh-ed25519")[0] == "newvm.err.key_form"
    assert cloudinit.key_error("ssh-foo AAAA")[0] == "newvm.err.key_type"
    assert cloudinit.key_error("ssh-rsa " + ED25519.split()[1])[0] == "newvm.err.key_data"  # blob says ed25519
    assert cloudinit.key_error("ssh-ed25519 !!!notbase64")[0] == "newvm.err.key_data"
    for good in ("web", "web-01.lab.example", ""):
        assert cloudinit.hostname_error(good) is None
    for bad in ("-web", "web_01", "a" * 64, "a..b"):
        assert cloudinit.hostname_error(bad) is not None
    errors, _ = checked(cloud=True, user_data="hello", hostname="bad_name",
                        ssh_keys="# mine\n" + ED25519 + "\nssh-rsa AAAA", password="short")
    assert errors["user_data"][0] == "newvm.err.user_data"
    assert errors["hostname"][0] == "newvm.err.hostname"
    assert errors["ssh_keys"] == ("newvm.err.key_data", {"line": 2})
    assert errors["password"][0] == "newvm.err.password"
    errors, _ = checked(cloud=True, user_data="#!/bin/sh\necho hi\n", password="long enough")
    assert errors["password"][0] == "newvm.err.password_script"


def test_the_nocloud_files():
    conf = cloudinit.config({"user_data": "#cloud-config\npackages: [nginx]\n", "hostname": "web-42",
                             "ssh_keys": ED25519 + "\n", "password": 'pa"ss word', "network_config": ""})
    out = cloudinit.files(conf, "0f1e-uuid")
    assert sorted(out) == ["meta-data", "user-data"]
    assert out["meta-data"].decode() == ('instance-id: "0f1e-uuid"\nlocal-hostname: "web-42"\npublic-keys:\n'
                                         '  - "%s"\n' % ED25519)
    assert out["user-data"].decode() == ('#cloud-config\npackages: [nginx]\npassword: "pa\\"ss word"\n'
                                         'chpasswd:\n  expire: false\nssh_pwauth: true\n')
    conf["network_config"] = "version: 2\n"
    assert cloudinit.files(conf, "x")["network-config"] == b"version: 2\n"


def test_the_config_drive_image_layout():
    image = isoimage.build({"user-data": b"#cloud-config\n", "meta-data": b"instance-id: x\n"})
    assert len(image) % isoimage.SECTOR == 0 and len(image) == 27 * isoimage.SECTOR
    assert image[16 * 2048:16 * 2048 + 6] == b"\x01CD001" and image[17 * 2048:17 * 2048 + 6] == b"\x02CD001"
    assert image[18 * 2048:18 * 2048 + 6] == b"\xffCD001"
    assert image[16 * 2048 + 40:16 * 2048 + 46] == b"CIDATA"
    assert image[17 * 2048 + 40:17 * 2048 + 52] == isoimage._ucs2("cidata")
    assert image[25 * 2048:25 * 2048 + 15] == b"instance-id: x\n"  # files in name order
    assert image[26 * 2048:26 * 2048 + 14] == b"#cloud-config\n"


# ---- plans -------------------------------------------------------------------------------------------
def plan_of(**changes):
    cache, values = form(**changes)
    template = cache.get("VM", values["template"])
    assert vm_create.check(cache, values, template)[0] == {}
    return vm_create.plan(cache, values, template)


def test_the_plan_from_an_iso_with_two_disks():
    disk = {"name": "data", "size": "20 GiB", "sr": "OpaqueRef:lvm", "template": False, "device": ""}
    cache, values = form()
    steps = plan_of(disks=values["disks"] + [disk], vcpus="4", cps="2", tags=["web"], affinity="OpaqueRef:h2")
    assert [s[0] for s in steps] == ["clone", "provision", "settings", "disk", "cd", "nics", "start"]
    assert steps[0][1] == {"template": "OpaqueRef:debian", "name": "web-42"}
    assert vm_templates.provision_disks({"other_config": {"disks": steps[1][1]["spec"]}}) == [
        {"size": 10 * GIB, "sr": "nfs-uuid", "device": "0", "bootable": True, "type": "system"}]
    settings = steps[2][1]
    assert settings["vcpus"] == 4 and settings["platform"]["cores-per-socket"] == "2"
    assert settings["memory"] == [GIB, 2 * GIB, 2 * GIB, 2 * GIB]
    assert settings["boot"] == {"order": "dc", "firmware": "uefi"} and settings["platform"]["secureboot"] == "true"
    assert settings["tags"] == ["web"] and settings["affinity"] == "OpaqueRef:h2"
    assert steps[3][1] == {"name": "data", "sr": "OpaqueRef:lvm", "size": 20 * GIB}
    assert steps[4][1] == {"iso": "OpaqueRef:debian-iso", "hvm": True}
    assert steps[5][1]["nics"] == [{"network": "OpaqueRef:net0", "mac": ""}]


def test_the_plan_for_network_boot_bios_and_no_start():
    steps = plan_of(media="pxe", iso="", firmware="bios", secure_boot=False, start=False,
                    nics=[{"network": "OpaqueRef:net1", "mac": "AA-BB-CC-00-11-22"}])
    names = [s[0] for s in steps]
    assert "start" not in names
    settings = dict(steps)["settings"]
    assert settings["boot"]["order"] == "nc" and settings["boot"]["firmware"] == "bios"
    assert settings["platform"]["secureboot"] == "false" and settings["pxe"]
    assert dict(steps)["cd"] == {"iso": NULL, "hvm": True}
    assert dict(steps)["nics"] == {"nics": [{"network": "OpaqueRef:net1", "mac": "aa:bb:cc:00:11:22"}],
                                   "mtu": {"OpaqueRef:net1": 9000}}


def test_the_plan_with_cloud_init_and_without_template_disks():
    steps = plan_of(cloud=True, hostname="web-42", ssh_keys=ED25519, disks=[])
    names = [s[0] for s in steps]
    assert names == ["clone", "provision", "settings", "cd", "nics", "cloud", "start"]
    assert dict(steps)["provision"] == {"spec": ""}
    cloud = dict(steps)["cloud"]
    assert cloud["sr"] == "OpaqueRef:nfs" and cloud["config"]["ssh_keys"] == [ED25519]


def test_a_template_without_provision_spec_has_no_provision_step():
    cache = pool()
    values = vm_create.defaults(cache, "OpaqueRef:other", cache.get("VM", "OpaqueRef:other"))
    values.update(iso="OpaqueRef:debian-iso", firmware="bios")
    assert vm_create.check(cache, values, cache.get("VM", "OpaqueRef:other"))[0] == {}
    steps = vm_create.plan(cache, values, cache.get("VM", "OpaqueRef:other"))
    assert [s[0] for s in steps] == ["clone", "settings", "cd", "nics", "start"]


def test_a_vtpm_needs_uefi_and_a_pool_that_offers_it():
    cache, values = form(vtpm=True)
    template = cache.get("VM", values["template"])
    assert vm_create.check(cache, values, template)[0] == {"vtpm": ("newvm.err.vtpm", {})}  # restricted pool
    cache.load("pool", {"OpaqueRef:pool": dict(cache.get("pool", "OpaqueRef:pool"),
                                               restrictions={"restrict_vtpm": "false"})})
    assert vm_create.check(cache, values, template)[0] == {}
    assert [s[0] for s in vm_create.plan(cache, values, template)][:4] == ["clone", "provision", "settings", "vtpm"]
    values.update(firmware="bios", secure_boot=False)
    assert vm_create.check(cache, values, template)[0] == {"vtpm": ("newvm.err.vtpm", {})}
    wanting = dict(template, platform=dict(template["platform"], vtpm="true"))
    assert vm_create.defaults(cache, values["template"], wanting)["vtpm"] is True
    assert vm_create.defaults(cache, values["template"], template)["vtpm"] is False
