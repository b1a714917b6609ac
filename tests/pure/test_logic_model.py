"""Derived data (lite_app.logic.model), formatting (lite_app.text.fmt) and VM search/sort (lite_app.logic.vmlist)."""
from views_fixture import GiB, HOSTILE, NOW, make_cache, ref


from lite_app.logic import alarms, infra, model, space
from lite_app.logic import vmlist as vmquery
from lite_app.logic import vmsearch

from lite_app.text import fmt


def test_sizes_use_binary_units_with_at_most_one_decimal():
    assert fmt.size(0) == "0 B"
    assert fmt.size(1536) == "1.5 KiB"
    assert fmt.size(16 * GiB) == "16 GiB"
    assert fmt.size(int(1.3 * GiB)) == "1.3 GiB"
    assert fmt.size(900 * GiB) == "900 GiB"
    assert fmt.size(8 * 1024 * GiB) == "8 TiB"
    assert fmt.size(None) == "\u2014" and fmt.size("x") == "\u2014"


def test_percent_is_clamped_and_safe_on_zero():
    assert fmt.percent(1, 4) == 25
    assert fmt.percent(5, 4) == 100
    assert fmt.percent(1, 0) == 0
    assert fmt.percent(None, 10) == 0


def test_durations_show_the_two_largest_units():
    assert fmt.duration(42) == "42 s"
    assert fmt.duration(3 * 86400 + 4 * 3600 + 5) == "3 d 4 h"
    assert fmt.duration(5 * 3600 + 12 * 60) == "5 h 12 min"
    assert fmt.duration(2 * 86400) == "2 d"
    assert fmt.duration(0) == "0 s"


def test_relative_times():
    assert fmt.relative(NOW - 10, NOW) == "just now"
    assert fmt.relative(NOW - 300, NOW) == "5 min ago"
    assert fmt.relative(NOW - 3 * 86400 - 60, NOW) == "3 d ago"
    assert fmt.relative(None, NOW) == "\u2014"


def test_xapi_datetimes_parse_in_every_form_xapi_writes():
    assert fmt.parse_time("19700101T00:00:00Z") == 0
    assert fmt.parse_time("20250615T15:06:40Z") == NOW
    assert fmt.parse_time("2025-06-15T15:06:40Z") == NOW
    assert fmt.parse_time("20250615T17:06:40+02:00") == NOW
    assert fmt.parse_time("20250615T15:06:40.123Z") == NOW
    assert fmt.parse_time("20000301T00:00:00Z") == 951868800  # after a leap day in a century year
    for bad in ("", "garbage", None, "2025T1", "20250615T15:06Z"):
        assert fmt.parse_time(bad) is None, bad


def test_dates_print_without_strftime():
    assert fmt.date_text(NOW) == "15 Jun 2025, 15:06 UTC"
    assert fmt.date_text(951868800) == "1 Mar 2000, 00:00 UTC"
    assert fmt.civil_from_days(fmt.days_from_civil(1999, 12, 31)) == (1999, 12, 31)
    assert fmt.parse_epoch("1712345678.") == 1712345678.0 and fmt.parse_epoch("") is None


def test_guests_leave_out_templates_snapshots_and_control_domains():
    names = [vm["name_label"] for _r, vm in model.guests(make_cache())]
    assert "Debian Bookworm 12" not in names and "before-upgrade" not in names
    assert not [name for name in names if name.startswith("Control domain")]
    assert sorted(names) == sorted(["web-01", HOSTILE, "db-01", "app-01", "mail-01"])


def test_names_of_objects_and_refs_of_unknown_class():
    cache = make_cache()
    assert model.name_of(cache, "VM", ref("web")) == "web-01"
    assert model.name_of(cache, "VM", "OpaqueRef:gone") == "OpaqueRef:gone"
    name_of = model.namer(cache)
    assert name_of(ref("web")) == "web-01" and name_of(ref("h1")) == "xcp-ng-01"
    assert name_of("OpaqueRef:gone") is None


def test_ips_come_from_guest_metrics_ipv4_first_without_repeats():
    cache = make_cache()
    web = cache.get("VM", ref("web"))
    assert model.vm_ips(cache, web) == ["10.1.0.2", "10.2.0.2", "fd00::2"]
    assert model.vm_ips(cache, web, "1") == ["10.2.0.2"]
    assert model.vm_ips(cache, cache.get("VM", ref("app"))) == []
    assert model.network_ips({"10/ip": "10.9.0.1", "2/ip": "10.3.0.1"}) == ["10.3.0.1", "10.9.0.1"]


def test_disks_follow_vbd_to_vdi_to_sr():
    cache = make_cache()
    disks = model.vm_disks(cache, cache.get("VM", ref("web")))
    assert [d["vbd"]["device"] for d in disks] == ["xvda", "xvdd"]
    assert disks[0]["vdi"]["virtual_size"] == 20 * GiB and disks[0]["sr"]["name_label"] == "Local storage"
    assert disks[1]["sr"]["name_label"] == "ISO library"
    assert model.vm_disk_total(cache, cache.get("VM", ref("web"))) == 20 * GiB, "CDs do not count"


def test_nics_carry_their_network_and_ips():
    cache = make_cache()
    nics = model.vm_nics(cache, cache.get("VM", ref("web")))
    assert [(n["vif"]["device"], n["network"]["name_label"], n["ips"]) for n in nics] == [
        ("0", "Pool-wide network associated with eth0", ["10.1.0.2", "fd00::2"]),
        ("1", "Storage VLAN 20", ["10.2.0.2"])]


def test_vcpus_and_memory_prefer_live_metrics():
    cache = make_cache()
    assert model.vm_vcpus(cache, cache.get("VM", ref("web"))) == 4
    assert model.vm_vcpus(cache, cache.get("VM", ref("app"))) == 1
    assert model.vm_memory(cache, cache.get("VM", ref("db"))) == 8 * GiB
    assert model.vm_uptime(cache, cache.get("VM", ref("web")), NOW) == 3600
    assert model.vm_uptime(cache, cache.get("VM", ref("app")), NOW) is None
    assert model.vm_os(cache, cache.get("VM", ref("web"))) == "Debian GNU/Linux 12 (bookworm)"


def test_host_memory_counts_overhead_and_resident_domains_unless_xapi_reports_free():
    cache = make_cache()
    assert infra.host_memory(cache, cache.get("host", ref("h1")), ref=ref("h1")) == ((2 + 4 + 2) * GiB, 64 * GiB)
    assert infra.host_memory(cache, cache.get("host", ref("h2")), ref=ref("h2")) == ((2 + 4 + 8 + 2) * GiB, 32 * GiB)
    metrics = dict(cache.get("host_metrics", ref("hm1")), memory_free=60 * GiB)
    cache.apply([{"class": "host_metrics", "operation": "mod", "ref": ref("hm1"), "snapshot": metrics}])
    assert infra.host_memory(cache, cache.get("host", ref("h1"))) == (4 * GiB, 64 * GiB)


def test_host_figures():
    cache = make_cache()
    host = cache.get("host", ref("h1"))
    assert infra.host_cpus(host) == 24 and infra.host_live(cache, host)
    assert infra.host_uptime(host, NOW) == 3 * 86400 + 3600
    assert [pif["device"] for _r, pif in infra.host_pifs(cache, host)] == ["eth0", "eth1"]


def test_sr_capacity_and_alarms():
    cache = make_cache()
    nfs = space.sr_space(cache.get("SR", ref("nfs")))
    assert (nfs["used"], nfs["size"], nfs["free"]) == (7680 * GiB, 8192 * GiB, 512 * GiB)
    assert not space.has_capacity(cache.get("SR", ref("udev")))
    messages = cache.all("message")
    assert sorted(m["name"] for m in messages.values() if alarms.is_alarm(m)) == [
        "ALARM", "HOST_CLOCK_SKEW_DETECTED"]
    body = alarms.parse_alarm_body(messages[ref("m1")]["body"])
    assert (body["value"], body["source"]) == (0.954, "cpu_usage")
    assert alarms.parse_alarm_body(messages[ref("m3")].get("body") or "")["source"] is None
    assert alarms.message_title({"name": "SR_BACKEND_FAILURE"}) == "Storage back end failure"
    assert alarms.message_title({"name": "HOST_CLOCK_SKEW_DETECTED"}) == "Host clock skew detected"
    assert infra.sr_label(cache, cache.get("SR", ref("local1"))) == "Local storage (xcp-ng-01)"
    assert infra.sr_label(cache, cache.get("SR", ref("nfs"))) == "NFS storage"
    assert [r for r, _m in model.latest(messages, "timestamp", 2)] == [ref("m2"), ref("m1")]


def test_snapshots_newest_first():
    cache = make_cache()
    snaps = model.vm_snapshots(cache, cache.get("VM", ref("web")))
    assert [s["name_label"] for _r, s in snaps] == ["before-upgrade"]


def test_fields_keep_what_the_list_reads_and_device_classes_are_lazy():
    for cls in ("VM", "host", "SR", "VDI", "VBD", "VIF", "PIF", "network", "message", "task"):
        assert "uuid" in model.FIELDS[cls], cls
    for field in ("name_label", "power_state", "resident_on", "guest_metrics", "tags", "VCPUs_at_startup",
                  "memory_dynamic_max", "is_a_template", "is_a_snapshot", "is_control_domain"):
        assert field in model.FIELDS["VM"]
    assert "networks" in model.FIELDS["VM_guest_metrics"]
    from lite_app.shell import pages
    for cls in model.LAZY:
        assert cls in model.FIELDS and cls not in pages.classes(), cls
    assert "VM" in pages.classes() and "VM_guest_metrics" in pages.classes()


def test_devices_come_from_the_full_record_or_by_their_vm_field():
    cache = make_cache()
    projected = dict(cache.get("VM", ref("web")))
    del projected["VBDs"], projected["VIFs"]
    disks = model.vm_disks(cache, projected, ref("web"))
    assert [d["vbd"]["device"] for d in disks] == ["xvda", "xvdd"]
    assert [n["vif"]["device"] for n in model.vm_nics(cache, projected, ref("web"))] == ["0", "1"]
    assert model.is_full(cache.get("VM", ref("web")), "VBDs") and not model.is_full(projected, "VBDs")
    assert model.loaded(cache, "VBD") and not model.loaded(cache, "VUSB")


def names(cache, refs):
    return [cache.get("VM", r)["name_label"] for r in refs]


def test_search_matches_name_uuid_ip_and_tag_every_word():
    cache = make_cache()
    index = vmquery.SearchIndex()
    assert names(cache, vmquery.select(cache, index, "web")[0]) == ["web-01"]
    assert names(cache, vmquery.select(cache, index, "UUID-DB")[0]) == ["db-01"]
    assert names(cache, vmquery.select(cache, index, "10.2.0")[0]) == ["web-01"]
    assert names(cache, vmquery.select(cache, index, "prod")[0]) == ["db-01", "web-01"]
    assert names(cache, vmquery.select(cache, index, "prod team-web")[0]) == ["web-01"]
    assert vmquery.select(cache, index, "nothing-like-this") == ([], 5)
    assert vmquery.select(cache, index, "Debian")[0] == [], "templates are not listed"


def test_search_index_follows_replaced_records():
    cache = make_cache()
    index = vmquery.SearchIndex()
    assert vmquery.select(cache, index, "renamed")[0] == []
    web = dict(cache.get("VM", ref("web")), name_label="renamed-web")
    cache.apply([{"class": "vm", "operation": "mod", "ref": ref("web"), "snapshot": web}])
    assert vmquery.select(cache, index, "renamed")[0] == [ref("web")]
    gm = dict(cache.get("VM_guest_metrics", ref("web-gm")), networks={"0/ip": "192.168.7.7"})
    cache.apply([{"class": "vm_guest_metrics", "operation": "mod", "ref": ref("web-gm"), "snapshot": gm}])
    assert vmquery.select(cache, index, "192.168.7")[0] == [ref("web")]
    cache.apply([{"class": "vm", "operation": "del", "ref": ref("web")}])
    index.prune(cache)
    assert ref("web") not in index.entries


def test_filters_by_power_state_and_host():
    cache = make_cache()
    index = vmquery.SearchIndex()
    assert names(cache, vmquery.select(cache, index, power="Running")[0]) == [HOSTILE, "web-01"]
    assert names(cache, vmquery.select(cache, index, host=ref("h2"))[0]) == [HOSTILE, "db-01"]
    assert names(cache, vmquery.select(cache, index, host=vmquery.NO_HOST)[0]) == ["app-01", "mail-01"]


def test_sort_columns_and_direction():
    cache = make_cache()
    index = vmquery.SearchIndex()
    by = lambda sort, desc=False: names(cache, vmquery.select(cache, index, sort=sort, descending=desc)[0])
    assert by("name") == [HOSTILE, "app-01", "db-01", "mail-01", "web-01"]
    assert by("name", True) == list(reversed(by("name")))
    assert by("state") == [HOSTILE, "web-01", "db-01", "mail-01", "app-01"]
    assert by("memory", True)[0] == "db-01"
    assert by("vcpus", True)[0] == "web-01"
    assert by("host")[:2] == ["web-01", HOSTILE]
    assert by("ip")[0] == "web-01"
    assert vmsearch.ip_key("10.0.0.9") < vmsearch.ip_key("10.0.0.10") < vmsearch.ip_key("fd00::1")


def test_typing_on_narrows_the_last_matches_and_a_change_of_records_starts_over():
    cache = make_cache()
    index = vmquery.SearchIndex()
    step = lambda query, version: names(cache, vmquery.select(cache, index, query, version=version)[0])
    assert step("b", 1) == ["db-01", "web-01"]
    assert len(index.last[4]) == 2
    assert step("db", 1) == ["db-01"], "narrowed from the last matches"
    assert len(step("d", 1)) == 5, "shorter query: every guest looked at again (all uuids hold a d)"
    assert step("01", 1) == ["app-01", "db-01", "mail-01", "web-01"], "not an extension: all guests again"
    web = dict(cache.get("VM", ref("web")), name_label="zz-web")
    cache.apply([{"class": "vm", "operation": "mod", "ref": ref("web"), "snapshot": web}])
    assert ref("web") in vmquery.select(cache, index, "01", version=1)[0], "same version: records assumed unchanged"
    assert step("zz", 2) == ["zz-web"]
