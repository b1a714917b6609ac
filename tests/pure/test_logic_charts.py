"""Which charts a VM's or host's Stats tab shows, from a real reply, and how values are written."""
import rrd_samples

from lite_app.logic import charts as statscharts
from lite_app.logic import stats


def test_vm_and_host_charts_from_a_real_reply():
    updates = stats.parse(rrd_samples.MASTER_5S)
    vm = statscharts.vm_charts(updates, "590e83da-586f-4721-8785-48d7b1182d23")
    assert [c["id"] for c in vm] == ["cpu", "memory", "network", "disk"]
    assert [label for label, _ in vm[0]["series"]] == ["Average", "vCPU 0", "vCPU 1"]
    assert [label for label, _ in vm[1]["series"]] == ["Used", "Target"]
    assert [label for label, _ in vm[2]["series"]] == ["VIF 0 receive", "VIF 0 send"]
    assert [label for label, _ in vm[3]["series"]] == ["xvda read", "xvda write"]
    host = statscharts.host_charts(updates, "38c1962e-9148-424f-aac1-c14f30e9c5cc")
    assert [c["id"] for c in host] == ["cpu", "cores", "memory", "network", "load"]
    data = statscharts.payload(updates, host[0])["data"]
    assert data[0] == updates.times and data[1] == stats.scale(updates.get("host", host_uuid(), "cpu_avg"), 100.0)
    assert statscharts.vm_charts(updates, "no-such-vm") == []


def host_uuid():
    return "38c1962e-9148-424f-aac1-c14f30e9c5cc"


def test_values_are_written_with_their_units():
    assert statscharts.human(12.345, "%") == "12.3%"
    assert statscharts.human(1536.0, "B") == "1.5 KiB"
    assert statscharts.human(3 * 1024 ** 3, "B") == "3 GiB"
    assert statscharts.human(2048.0, "B/s") == "2 KiB/s"
    assert statscharts.human(0.4242, "") == "0.42"
    assert statscharts.human(None, "%") == "\u2014"
