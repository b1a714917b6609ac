"""get_all_records replies built from cached record encodings (xapi_sim/records.py) are the same bytes
as encoding the records afresh, and follow every change: a field write, a relationship write on the
other side, a destroy."""
import pytest

from support.xapi import guest_refs
from xapi_sim.codecs import jsonrpc, xmlrpc
from xapi_sim.records import Records

V1, V2 = jsonrpc.JsonCall("m", [], 7, 1), jsonrpc.JsonCall("m", [], "id-2", 2)


def replies(result):
    plain = dict(result.items())
    return ([jsonrpc.format_success(c, result) for c in (V1, V2)] + [xmlrpc.format_success(result)],
            [jsonrpc.format_success(c, plain) for c in (V1, V2)] + [xmlrpc.format_success(plain)])


@pytest.mark.parametrize("cls", ["VM", "host", "SR", "VBD", "pool", "task"])
async def test_cached_replies_are_the_plain_encoding(call, cls):
    records = await call(cls + ".get_all_records")
    assert isinstance(records, Records)
    for _ in range(2):                          # the second time from the cache
        cached, fresh = replies(records)
        assert cached == fresh


async def test_the_cache_follows_writes_relationships_and_destroys(sim, call):
    vm = guest_refs(sim.db)[0]
    before = (await call("VM.get_all_records"))
    replies(before)
    await call("VM.set_name_label", vm, "renamed")
    vdi = sorted(sim.db.find("VDI", type="user"))[0]
    vbd = await call("VBD.create", {"VM": vm, "VDI": vdi, "userdevice": "9", "bootable": False,
                                    "mode": "RO", "type": "Disk", "empty": False, "other_config": {},
                                    "qos_algorithm_type": "", "qos_algorithm_params": {}})
    after = await call("VM.get_all_records")
    cached, fresh = replies(after)
    assert cached == fresh
    assert b"renamed" in cached[1] and vbd.encode() in cached[1]
    net = await call("network.create", {"name_label": "short-lived", "other_config": {}})
    replies(await call("network.get_all_records"))
    await call("network.destroy", net)
    cached, fresh = replies(await call("network.get_all_records"))
    assert cached == fresh and net.encode() not in cached[2]
    assert ("json", "network", net) not in sim.db.fragments


async def test_where_filters_and_the_mapping_reads_like_a_dict(sim, call):
    halted = await call("VM.get_all_records_where", 'field "power_state" = "Halted"')
    assert set(halted) == {r for r in sim.db.all("VM") if sim.db.get("VM", r)["power_state"] == "Halted"}
    ref = next(iter(halted))
    assert halted[ref] == sim.db.record("VM", ref) and ref in halted and len(halted) == len(list(halted))
    with pytest.raises(KeyError):
        halted["OpaqueRef:NULL"]
    assert dict(halted) == {r: sim.db.record("VM", r) for r in halted}


def test_large_reply_buffers_stay_in_the_heap_where_glibc_allows():
    import platform
    from xapi_sim import memtune
    glibc = platform.libc_ver()[0] == "glibc"
    assert memtune.keep_large_buffers() is glibc      # mallopt accepted both settings
    assert memtune.keep_large_buffers() is glibc, "and again"
