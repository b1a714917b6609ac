"""ALARM bodies, severities, objects and ordering of the messages list (alarmview.py)."""
from lite_app.logic import alarms as alarmview
from lite_app.text.catalog import fill
from lite_app.text import fmt
from lite_app.xapi.cache import Cache

WEB_UUID = "590e83da-586f-4721-8785-48d7b1182d23"
HOST_UUID = "38c1962e-9148-424f-aac1-c14f30e9c5cc"
NFS_UUID = "2e9583ea-bda1-4da2-800f-c63de2a01335"
SIM_ALARM = ("value: 0.954\nconfig:\n<variable>\n<name value=\"cpu_usage\"/>\n"
             "<alarm_trigger_level value=\"0.9\"/>\n</variable>")
# The layout xcp-rrdd writes: blank lines, tabs, a period and an inhibit period, a trailing newline.
XAPI_ALARM = ("value: 1.000000\nconfig:\n<variable>\n\n\t<name value=\"fs_usage\"/>\n\n\t"
              "<alarm_trigger_level value=\"0.9\"/>\n\n\t<alarm_trigger_period value=\"60\"/>\n\n\t"
              "<alarm_auto_inhibit_period value=\"3600\"/>\n\n</variable>\n")

# message.get_all_records from xapi_sim (--vms 8), plus a real-XAPI-shaped one and an orphan.
MESSAGES = {
    "OpaqueRef:4af0a6fe-5bbd-41f4-96f1-4aad7f107645": {
        "body": SIM_ALARM, "cls": "VM", "name": "ALARM", "obj_uuid": WEB_UUID, "priority": 3,
        "timestamp": "20261122T00:07:51Z", "uuid": "3c740119-7547-44dd-a69b-6c3babf0f4bd"},
    "OpaqueRef:bc49b58e-298b-4e5d-9b16-54ad81e774de": {
        "body": "VM 'web-01' started on host: xcp-ng-01 (uuid: %s)" % HOST_UUID, "cls": "VM",
        "name": "VM_STARTED", "obj_uuid": WEB_UUID, "priority": 5, "timestamp": "20261122T00:07:51Z",
        "uuid": "451437d6-566f-43ec-a79b-29e8c0c32da9"},
    "OpaqueRef:6480fdc0-f1c5-4f44-be08-3c1bcda6a326": {
        "body": "The clock of host xcp-ng-01 is 4 seconds ahead of the pool master", "cls": "Host",
        "name": "HOST_CLOCK_SKEW_DETECTED", "obj_uuid": HOST_UUID, "priority": 2,
        "timestamp": "20261122T00:09:00Z", "uuid": "e689e5e8-87c4-4eb8-8f8e-3e0103c8e104"},
    "OpaqueRef:fa3222c4-780a-4abf-8cea-309b49c94aa5": {
        "body": "NFS SR NFS storage: latency above 200 ms for 5 minutes", "cls": "SR",
        "name": "SR_BACKEND_FAILURE", "obj_uuid": NFS_UUID, "priority": 3,
        "timestamp": "20261122T00:05:00Z", "uuid": "920c3de9-8823-4867-85dd-967b08f1100b"},
    "OpaqueRef:0rphan": {
        "body": XAPI_ALARM, "cls": "Host", "name": "ALARM", "obj_uuid": "gone-uuid", "priority": 1,
        "timestamp": "20261122T00:10:00Z", "uuid": "u-orphan"},
}


def cache():
    c = Cache()
    c.load("VM", {"OpaqueRef:web": {"uuid": WEB_UUID, "name_label": "web-01"}})
    c.load("host", {"OpaqueRef:h1": {"uuid": HOST_UUID, "name_label": "xcp-ng-01"}})
    c.load("SR", {"OpaqueRef:nfs": {"uuid": NFS_UUID, "name_label": "NFS storage"}})
    return c


def test_the_simulators_alarm_body():
    alarm = alarmview.parse_alarm_body(SIM_ALARM)
    assert alarm["value"] == 0.954 and alarm["source"] == "cpu_usage" and alarm["level"] == 0.9
    assert alarmview.alarm_text(alarm) == "CPU usage 95.4% (alarm level 90%)"


def test_xapi_layout_with_tabs_and_periods():
    alarm = alarmview.parse_alarm_body(XAPI_ALARM)
    assert alarm["value"] == 1.0 and alarm["source"] == "fs_usage" and alarm["level"] == 0.9
    assert alarm["settings"]["alarm_trigger_period"] == "60"
    assert alarm["settings"]["alarm_auto_inhibit_period"] == "3600"
    assert alarmview.alarm_text(alarm) == "File system usage 100% (alarm level 90%)"


def test_other_sources_units_and_quotes():
    body = "value: 104857\nconfig:\n<variable><name value='memory_free_kib'/>" \
           "<alarm_trigger_level value='262144'/></variable>"
    alarm = alarmview.parse_alarm_body(body)
    assert alarm["source"] == "memory_free_kib"
    assert alarmview.alarm_text(alarm) == "Free memory 102 MiB (alarm level 256 MiB)"
    sr_io = alarmview.parse_alarm_body('value: 2097152\nconfig:\n<variable><name value="sr_io_throughput_total_2e9583ea"/></variable>')
    assert alarmview.alarm_text(sr_io) == "Storage throughput: 2 MiB/s"
    odd = alarmview.parse_alarm_body('value: 3\n<variable><name value="gpu_temp"/></variable>')
    assert alarmview.alarm_text(odd) == "gpu_temp: 3"


def test_bodies_that_are_not_alarms():
    for body in ("", "value:\n", "just text", "value: x\n<broken", "<name value=\"cpu_usage\"", None):
        alarm = alarmview.parse_alarm_body(body or "")
        assert alarm["value"] is None and alarm["level"] is None, body
    assert alarmview.alarm_text(alarmview.parse_alarm_body("")) == "?: ?"


def test_severity_from_priority():
    assert [alarmview.severity(p) for p in (1, 2, 3, 4, 5)] == ["critical", "major", "warning", "minor", "info"]
    assert alarmview.severity("2") == "major"
    assert alarmview.severity(None) == "info" and alarmview.severity(9) == "info"


def test_rows_newest_first_with_objects():
    rows = alarmview.rows(cache(), MESSAGES)
    assert [r["ref"] for r in rows] == [
        "OpaqueRef:0rphan", "OpaqueRef:6480fdc0-f1c5-4f44-be08-3c1bcda6a326",
        "OpaqueRef:4af0a6fe-5bbd-41f4-96f1-4aad7f107645",            # same second: by ref
        "OpaqueRef:bc49b58e-298b-4e5d-9b16-54ad81e774de",
        "OpaqueRef:fa3222c4-780a-4abf-8cea-309b49c94aa5"]
    by_name = dict((r["ref"][:14], r) for r in rows)
    clock = by_name["OpaqueRef:6480"]
    assert clock["title"] == "Host clock skew detected" and clock["severity"] == "major"
    assert (clock["cls"], clock["object_ref"], clock["object"]) == ("host", "OpaqueRef:h1", "xcp-ng-01")
    assert clock["time"] == fmt.parse_time("20261122T00:09:00Z")
    alarm = by_name["OpaqueRef:4af0"]
    assert alarm["title"] == "CPU usage 95.4% (alarm level 90%)" and alarm["object"] == "web-01"
    assert alarm["alarm"]["level"] == 0.9
    assert by_name["OpaqueRef:fa32"]["title"] == "Storage back end failure"
    assert by_name["OpaqueRef:fa32"]["object"] == "NFS storage"
    orphan = by_name["OpaqueRef:0rph"]
    assert orphan["object_ref"] is None and orphan["object"] == "gone-uuid"
    assert orphan["severity"] == "critical"


def test_alarms_only_and_limit():
    rows = alarmview.rows(cache(), MESSAGES, alarms_only=True)
    assert [r["name"] for r in rows] == ["ALARM", "ALARM"]
    assert len(alarmview.rows(cache(), MESSAGES, limit=2)) == 2


def test_catalog_titles_and_translation():
    french = {"alarm.cpu_usage": "Processeur", "alarm.reading_level": "{what} : {value} (seuil {level})"}
    t = lambda key, **params: fill(french.get(key, key), params)
    assert alarmview.message_title({"name": "VM_STARTED"}, t) == "msg.VM_STARTED"  # a catalog title, through t
    assert alarmview.message_title({"name": "NOT_A_KNOWN_MESSAGE"}, t) == "Not a known message"
    assert alarmview.message_title({"name": "ALARM", "body": SIM_ALARM}, t) == "Processeur : 95.4% (seuil 90%)"


def test_dismiss_calls():
    assert alarmview.dismiss_calls(["OpaqueRef:a", "OpaqueRef:b"]) == [
        ("message.destroy", ["OpaqueRef:a"]), ("message.destroy", ["OpaqueRef:b"])]
