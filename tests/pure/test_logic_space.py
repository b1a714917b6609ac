"""An SR's size, used, allocated and free space: one derivation, per kind of provisioning."""
from sr_pool import GIB, pool, ref

from lite_app.logic import space


def test_thin_sr_may_allocate_more_than_its_size():
    local = space.sr_space(pool().get("SR", ref("local")))
    assert (local["size"], local["used"], local["allocated"], local["free"]) == (400 * GIB, 100 * GIB, 900 * GIB,
                                                                                 300 * GIB)
    assert local["provisioning"] == "thin" and local["overcommitted"] and local["known"]


def test_thick_sr_reserves_what_it_allocates():
    fast = space.sr_space(pool().get("SR", ref("fast")))
    assert fast["provisioning"] == "thick" and not fast["overcommitted"]
    assert fast["allocated"] == 0 and fast["free"] == 1000 * GIB - 4 * 1024 ** 2
    assert space.provisioning({"type": "lvmoiscsi"}) == "thick"


def test_iso_libraries_hold_images_not_allocations():
    iso = space.sr_space(pool().get("SR", ref("iso")))
    assert iso["provisioning"] == "images" and iso["allocated"] is None and not iso["overcommitted"]


def test_unknown_and_wire_forms():
    unplugged = space.sr_space({"type": "nfs", "physical_size": -1, "physical_utilisation": -1,
                                "virtual_allocation": 0})
    assert not unplugged["known"] and unplugged["free"] == 0
    as_strings = space.sr_space({"type": "ext", "physical_size": "2048", "physical_utilisation": "1024",
                                 "virtual_allocation": "4096"})  # XML-RPC's int64
    assert (as_strings["size"], as_strings["used"], as_strings["allocated"]) == (2048, 1024, 4096)
    assert space.provisioning({"type": "udev"}) is None
    assert not space.has_capacity({"type": "udev", "physical_size": 10})
    assert space.has_capacity({"type": "nfs", "physical_size": 10})
    assert space.sr_space({"type": "ext", "physical_size": 10, "physical_utilisation": 50})["free"] == 0
