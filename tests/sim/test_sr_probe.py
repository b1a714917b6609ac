"""SR.probe / SR.probe_ext per SR type against the simulated storage, with SM's result shapes and
errors (xcp-ng/sm NFSSR.py, nfs.py, SMBSR.py, EXTSR.py, LVHDSR.py, lvutil.py, ISOSR.py,
XE_SR_ERRORCODES.xml; XAPI's xapi_sr.ml probe/probe_ext, sm.ml, sm_exec.ml)."""
import xml.dom.minidom

import pytest

from infrafixtures import error

OLD_NFS_SR = "3f2c8a6e-5b1d-4e7a-9c0f-8d4b2a6e1c57"     # left on nfs.lab.local:/export/backup
OLD_LVM_SR = "9b7e1d24-0c6a-4f38-a5e2-71c3d8f4b690"     # left on the master's /dev/sdc


def texts(doc, tag):
    return [n.firstChild.data for n in xml.dom.minidom.parseString(doc).getElementsByTagName(tag)]


def local_sr(db, host):
    return [db.get("PBD", p)["SR"] for p in db.referrers("host", "PBDs", host)
            if db.get("SR", db.get("PBD", p)["SR"])["type"] == "ext"][0]


async def probe(call, sim, config, sr_type, host=None):
    return await call("SR.probe", host or sim.master_ref(), config, sr_type, {})


async def test_nfs_server_only_lists_its_exports_in_the_error(sim, call):
    err = await error(call, "SR.probe", sim.master_ref(), {"server": "nfs.lab.local"}, "nfs", {})
    assert err[:3] == ["SR_BACKEND_FAILURE_101", "",
                       "The request is missing the serverpath parameter"]
    assert texts(err[3], "Path") == ["/export/backup", "/export/iso", "/export/iso-ro",
                                     "/export/new", "/export/vms"]
    assert set(texts(err[3], "Target")) == {"nfs.lab.local"}
    assert texts(err[3], "Accesslist") == ["*"] * 5


async def test_nfs_server_and_path_list_the_srs_there(sim, call):
    db = sim.db
    doc = await probe(call, sim, {"server": "nfs.lab.local", "serverpath": "/export/vms"}, "nfs")
    nfs = db.get("pool", db.all("pool")[0])["default_SR"]
    assert doc.startswith('<?xml version="1.0" ?>\n<SRlist>')
    assert texts(doc, "UUID") == [db.get("SR", nfs)["uuid"]]
    old = await probe(call, sim, {"server": "127.0.5.10", "serverpath": "/export/backup/"}, "nfs")
    assert texts(old, "UUID") == [OLD_NFS_SR]
    empty = await probe(call, sim, {"server": "nfs.lab.local", "serverpath": "/export/new"}, "nfs")
    assert texts(empty, "UUID") == [] and "<SRlist/>" in empty


@pytest.mark.parametrize("config, expected", [
    ({}, ["SR_BACKEND_FAILURE_102", "", "The request is missing the server parameter", ""]),
    ({"server": "nas.nowhere"}, ["SR_BACKEND_FAILURE_140", "",
                                 "Incorrect DNS name, unable to resolve.", ""]),
    ({"server": "nfs-down.lab.local", "serverpath": "/x"},
     ["SR_BACKEND_FAILURE_108", "", "Unable to detect an NFS service on this target.", ""]),
    ({"server": "nfs.lab.local", "serverpath": "/export/nope"},
     ["SR_BACKEND_FAILURE_73", "", "NFS mount error [opterr=mount failed on server "
                                   "`nfs.lab.local` with return code 32]", ""]),
    ({"server": "nfs-old.lab.local", "serverpath": "/srv/xcp", "nfsversion": "4.1"},
     ["SR_BACKEND_FAILURE_72", "", "Required NFS server version unsupported "
                                   "[opterr=Unsupported NFS version: 4.1]", ""]),
    ({"server": "nfs.lab.local", "serverpath": "/export/vms", "nfsversion": "2"},
     ["SR_BACKEND_FAILURE_1200", "", "Invalid nfsversion.", ""]),
])
async def test_nfs_probe_errors(sim, call, config, expected):
    assert await error(call, "SR.probe", sim.master_ref(), config, "nfs", {}) == expected


async def test_a_server_one_host_cannot_reach(sim, running, call):
    member = [h for h in sim.db.all("host") if h != sim.master_ref()][0]
    running.faults.storage_unreachable("nfs.lab.local", host=member)
    config = {"server": "nfs.lab.local", "serverpath": "/export/vms"}
    assert (await error(call, "SR.probe", member, config, "nfs", {}))[0] == "SR_BACKEND_FAILURE_108"
    assert texts(await probe(call, sim, config, "nfs"), "UUID")      # the master still can
    running.faults.storage_unreachable("nfs.lab.local", host=member, on=False)
    assert texts(await probe(call, sim, config, "nfs", member), "UUID")


async def test_smb_probe_needs_the_share_and_its_credentials(sim, call):
    config = {"server": r"\\smb.lab.local\vms", "username": "xcp", "password": "xcp-secret"}
    doc = await probe(call, sim, config, "smb")
    assert texts(doc, "UUID") == []
    wrong = dict(config, password="guess")
    assert await error(call, "SR.probe", sim.master_ref(), wrong, "smb", {}) == [
        "SR_BACKEND_FAILURE_111", "", "SMB mount error [opterr=mount failed with return code 32]",
        ""]


async def test_local_probe_lists_volume_groups_on_the_devices(sim, call):
    doc = await probe(call, sim, {"device": "/dev/sdc,/dev/sdb"}, "lvm")
    assert texts(doc, "UUID") == [OLD_LVM_SR]
    assert texts(doc, "Devlist") == ["/dev/sdc"]
    assert texts(doc, "size") == [str((960197124096 - 12 * 1024 ** 2) // (4 * 1024 ** 2)
                                      * 4 * 1024 ** 2)]
    assert texts(await probe(call, sim, {"device": "/dev/sdc"}, "ext"), "UUID") == []
    local = local_sr(sim.db, sim.master_ref())
    found = await probe(call, sim, {"device": "/dev/sda3"}, "ext")      # the by-id path's disk
    assert texts(found, "UUID") == [sim.db.get("SR", local)["uuid"]]
    assert await error(call, "SR.probe", sim.master_ref(), {}, "ext", {}) == [
        "SR_BACKEND_FAILURE_90", "", "The request is missing the device parameter", ""]


async def test_drivers_without_probe(sim, call):
    config = {"location": "nfs.lab.local:/export/iso", "type": "nfs_iso"}
    assert await error(call, "SR.probe", sim.master_ref(), config, "iso", {}) == [
        "SR_BACKEND_FAILURE", "Operation 'sr_probe' not supported by this SR type", "", ""]
    assert await error(call, "SR.probe", sim.master_ref(), {}, "zfs-bogus", {}) == [
        "SR_UNKNOWN_DRIVER", "zfs-bogus"]


async def test_probe_ext_has_no_results_for_smapiv1_drivers(sim, call):
    """XAPI turns an SMAPIv1 probe's raw XML into SR_OPERATION_NOT_SUPPORTED for probe_ext, after
    the probe itself ran (its errors come first)."""
    config = {"server": "nfs.lab.local", "serverpath": "/export/vms"}
    assert await error(call, "SR.probe_ext", sim.master_ref(), config, "nfs", {}) == [
        "SR_OPERATION_NOT_SUPPORTED"]
    assert (await error(call, "SR.probe_ext", sim.master_ref(), {"server": "nfs.lab.local"},
                        "nfs", {}))[0] == "SR_BACKEND_FAILURE_101"
