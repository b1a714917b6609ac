"""Reading SR.probe's answers without an XML library: SM's <SRlist> and <nfs-exports> documents as the
drivers print them (minidom's pretty printing, tabs and newlines), the exports an NFS probe without a
path carries in its failure, and documents that are damaged, empty or hostile."""
from lite_app.logic import srprobe

SR_LIST = ('<?xml version="1.0" ?>\n<SRlist>\n\t<SR>\n\t\t<UUID>9b7e1d24-0c6a-4f38-a5e2-71c3d8f4b690</UUID>\n'
           '\t\t<Devlist>/dev/sdc</Devlist>\n\t\t<size>960184451072</size>\n\t</SR>\n</SRlist>\n')
NFS_LIST = ('<?xml version="1.0" ?>\n<SRlist>\n\t<SR>\n\t\t<UUID>3f2c8a6e-5b1d-4e7a-9c0f-8d4b2a6e1c57</UUID>\n'
            '\t</SR>\n\t<SR>\n\t\t<UUID>0a0b</UUID>\n\t</SR>\n</SRlist>\n')
EMPTY = '<?xml version="1.0" ?>\n<SRlist/>\n'
EXPORTS = ('<?xml version="1.0" ?>\n<nfs-exports>\n\t<Export>\n\t\t<Target>nfs.lab.local</Target>\n'
           '\t\t<Path>/export/vms</Path>\n\t\t<Accesslist>*</Accesslist>\n\t</Export>\n\t<Export>\n'
           '\t\t<Target>nfs.lab.local</Target>\n\t\t<Path>/export/backup</Path>\n'
           '\t\t<Accesslist>10.0.0.0/8</Accesslist>\n\t</Export>\n</nfs-exports>\n')


def test_sr_list_with_devices_and_size():
    assert srprobe.sr_list(SR_LIST) == [{"uuid": "9b7e1d24-0c6a-4f38-a5e2-71c3d8f4b690", "devlist": "/dev/sdc",
                                         "size": 960184451072}]


def test_sr_list_of_a_share_and_an_empty_one():
    assert [sr["uuid"] for sr in srprobe.sr_list(NFS_LIST)] == ["3f2c8a6e-5b1d-4e7a-9c0f-8d4b2a6e1c57", "0a0b"]
    assert srprobe.sr_list(NFS_LIST)[0]["size"] is None
    assert srprobe.sr_list(EMPTY) == []
    assert srprobe.sr_list("") == [] and srprobe.sr_list(None) == []


def test_exports_sorted_by_path():
    found = srprobe.exports(EXPORTS)
    assert [e["path"] for e in found] == ["/export/backup", "/export/vms"]
    assert found[0] == {"target": "nfs.lab.local", "path": "/export/backup", "access": "10.0.0.0/8"}


def test_exports_from_the_failure_of_a_probe_without_a_path():
    params = ["", "The request is missing the serverpath parameter", EXPORTS]
    assert len(srprobe.exports_of_failure("SR_BACKEND_FAILURE_101", params)) == 2
    assert srprobe.exports_of_failure("SR_BACKEND_FAILURE_140", params) == []
    assert srprobe.exports_of_failure("SR_BACKEND_FAILURE_101", ["", "text"]) == []


def test_entities_attributes_comments_and_compact_layout():
    doc = ("<!-- printed by a driver --><SRlist a='1' b=\"x &amp; y\"><SR><UUID>u&lt;1&gt;</UUID>"
           "<Devlist>/dev/sdb,/dev/sdc</Devlist><size>12</size></SR></SRlist>")
    root = srprobe.parse(doc)
    assert root.tag == "SRlist" and root.attrs == {"a": "1", "b": "x & y"}
    assert srprobe.sr_list(doc) == [{"uuid": "u<1>", "devlist": "/dev/sdb,/dev/sdc", "size": 12}]


def test_damaged_documents_keep_what_could_be_read():
    cut = SR_LIST[:SR_LIST.index("<size>") + 8]            # the document stops mid-element
    assert srprobe.sr_list(cut)[0]["uuid"] == "9b7e1d24-0c6a-4f38-a5e2-71c3d8f4b690"
    assert srprobe.sr_list("<SRlist><SR><UUID>a</UUID></Wrong></SR></SRlist>")[0]["uuid"] == "a"
    assert srprobe.sr_list("<SRlist><SR><UUID>a &bogus; b</UUID></SR></SRlist>")[0]["uuid"] == "a &bogus; b"
    assert srprobe.sr_list("not xml at all") == []
    assert srprobe.sr_list("<SRlist><SR><UUID></UUID><size>x</size></SR></SRlist>") == []
    assert srprobe.parse("<") is None


def test_markup_in_values_stays_text():
    doc = "<SRlist><SR><UUID>&lt;img src=x onerror=alert(1)&gt;</UUID></SR></SRlist>"
    assert srprobe.sr_list(doc)[0]["uuid"] == "<img src=x onerror=alert(1)>"
