"""The cloud-init config drive read back by an independent ISO 9660 reader (pycdlib, CPython only):
the volume label, the Joliet names cloud-init looks for, and byte-identical files."""
import io

import pycdlib

from lite_app.logic import cloudinit, isoimage

FILES = {"user-data": b"#cloud-config\npackages: [nginx]\n", "meta-data": b"instance-id: \"i-1\"\n",
         "network-config": b"version: 2\nethernets:\n  eth0:\n    dhcp4: true\n" + b"#" * 5000}


def read(image):
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(image))
    return iso


def content(iso, **path):
    out = io.BytesIO()
    iso.get_file_from_iso_fp(out, **path)
    return out.getvalue()


def test_joliet_names_hold_the_files_byte_for_byte():
    iso = read(isoimage.build(FILES))
    try:
        assert iso.has_joliet()
        names = sorted(c.file_identifier().decode("utf-16-be") for c in iso.list_children(joliet_path="/")
                       if not c.is_dot() and not c.is_dotdot())
        assert names == sorted(FILES)
        for name, data in FILES.items():
            assert content(iso, joliet_path="/" + name) == data
        assert iso.pvd.volume_identifier.rstrip() == b"CIDATA"
        assert iso.joliet_vd.volume_identifier.decode("utf-16-be").rstrip() == "cidata"
    finally:
        iso.close()


def test_the_plain_iso9660_names_hold_the_same_files():
    iso = read(isoimage.build(FILES))
    try:
        assert content(iso, iso_path="/USER_DATA.;1") == FILES["user-data"]
        assert content(iso, iso_path="/NETWORK_CONFIG.;1") == FILES["network-config"]
    finally:
        iso.close()


def test_the_drive_the_app_builds_for_a_vm():
    conf = cloudinit.config({"user_data": "#cloud-config\n", "hostname": "web", "ssh_keys": "", "password": "",
                             "network_config": ""})
    image = isoimage.build(cloudinit.files(conf, "vm-uuid"))
    iso = read(image)
    try:
        assert content(iso, joliet_path="/meta-data") == b'instance-id: "vm-uuid"\nlocal-hostname: "web"\n'
        assert content(iso, joliet_path="/user-data") == b"#cloud-config\n"
    finally:
        iso.close()
