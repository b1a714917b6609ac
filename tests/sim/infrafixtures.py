"""Shared code for the storage, device, network and host tests (on top of conftest's fixtures).

`error(call, method, *params)` is the ErrorDescription of a call that must fail; `changes(...)`
reads event.from since a token as {(class, ref): operation}; the `*_record` builders give the
constructor structs clients send.
"""
import pytest

from xapi_sim.errors import XapiFailure
from support.xapi import guest_refs

NULL = "OpaqueRef:NULL"
GiB = 1024 ** 3
MiB = 1024 ** 2


async def error(call, method, *params):
    with pytest.raises(XapiFailure) as info:
        await call(method, *params)
    return info.value.description


async def token(call):
    return (await call("event.from", ["*"], "", 0.0))["token"]


async def changes(call, since, classes=("*",)):
    batch = await call("event.from", list(classes), since, 0.0)
    return {(ev["class"], ev["ref"]): ev["operation"] for ev in batch["events"]}


def vdi_record(sr, size=GiB, **extra):
    rec = {"SR": sr, "virtual_size": size, "type": "user", "sharable": False, "read_only": False,
           "other_config": {}, "name_label": "test disk"}
    rec.update(extra)
    return rec


def vbd_record(vm, vdi, userdevice="autodetect", **extra):
    rec = {"VM": vm, "VDI": vdi, "userdevice": userdevice, "bootable": False, "mode": "RW",
           "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
           "qos_algorithm_params": {}}
    rec.update(extra)
    return rec


def vif_record(vm, network, device="5", mac="", **extra):
    rec = {"device": device, "network": network, "VM": vm, "MAC": mac, "MTU": 1500,
           "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}}
    rec.update(extra)
    return rec


def guests(db, state=None):
    """Guest VMs (in `state` if given), in ref order."""
    return guest_refs(db, state)


def disk_vbds(db, vm):
    return sorted(b for b in db.referrers("VM", "VBDs", vm) if db.get("VBD", b)["type"] == "Disk")


def cd_vbd(db, vm):
    return [b for b in db.referrers("VM", "VBDs", vm) if db.get("VBD", b)["type"] == "CD"][0]


def default_sr(db):
    return db.get("pool", db.all("pool")[0])["default_SR"]


def iso_vdis(db):
    return sorted(v for v in db.all("VDI")
                  if db.get("SR", db.get("VDI", v)["SR"])["content_type"] == "iso"
                  and not db.get("VDI", v)["is_tools_iso"])
