"""XAPI errors as sentences: the simulator's real error params, refs named from the cache."""
from lite_app.text import errors as errors_text
from lite_app.logic.model import namer
from lite_app.text.catalog import fill
from lite_app.text.en import STRINGS
from lite_app.text.errors import describe, sentence
from lite_app.xapi.cache import Cache
from lite_app.xapi.errors import TransportError, XapiError
from lite_app.xapi.tasks import task_outcome

WEB = "OpaqueRef:5bf80676-1f12-40e9-9201-1caa5a3da367"
HOST = "OpaqueRef:101fbccc-ded7-43e8-b421-eaeb534097ca"
GIB = 1024 ** 3


def cache():
    c = Cache()
    c.load("VM", {WEB: {"uuid": "590e83da", "name_label": "web-01"}})
    c.load("host", {HOST: {"uuid": "38c1962e", "name_label": "xcp-ng-01"}})
    return c


def test_bad_power_state_as_the_simulator_sends_it():
    # VM.destroy on a running VM, reply captured from xapi_sim.
    error = XapiError.from_wire({"code": 1, "message": "VM_BAD_POWER_STATE",
                                 "data": [WEB, "halted, suspended", "running"]})
    info = describe(error, namer(cache()))
    assert info["code"] == "VM_BAD_POWER_STATE"
    assert info["params"] == [WEB, "halted, suspended", "running"]
    assert info["text"] == "\u201cweb-01\u201d is running, but this action needs it halted or suspended."


def test_every_code_with_a_sentence_has_a_catalog_entry():
    for code in errors_text.PARAMS:
        assert "err." + code in STRINGS, code
    for code in errors_text.SHORT_FORMS:
        assert "err." + code + ".short" in STRINGS, code
    for kind in ("unreachable", "timeout", "http", "protocol"):
        assert "err.transport." + kind in STRINGS


def test_sentences_fill_every_placeholder():
    for code in errors_text.PARAMS:
        params = ["OpaqueRef:x"] * len(errors_text.PARAMS[code])
        text = sentence(XapiError(code, params))
        assert "{" not in text and text != "err." + code, (code, text)


def test_sizes_and_operations_in_words():
    text = sentence(XapiError("HOST_NOT_ENOUGH_FREE_MEMORY", [str(8 * GIB), str(GIB + GIB // 2)]))
    assert text == "The host does not have enough free memory: 8 GiB needed, 1.5 GiB available."
    busy = XapiError("OTHER_OPERATION_IN_PROGRESS", ["VM", WEB, "clean_shutdown", "OpaqueRef:t"])
    assert "(clean shutdown)" in sentence(busy, namer(cache()))
    assert sentence(XapiError("SR_FULL", ["junk", str(GIB)])).startswith(
        "The storage repository is full: junk requested, 1 GiB available")


def test_short_form_of_a_code():
    # The simulator's VM.start path raises HOST_NOT_ENOUGH_FREE_MEMORY [vm] too.
    info = describe(XapiError("HOST_NOT_ENOUGH_FREE_MEMORY", [WEB]), namer(cache()))
    assert info["key"] == "err.HOST_NOT_ENOUGH_FREE_MEMORY.short"
    assert info["text"].endswith("for \u201cweb-01\u201d.")


def test_unknown_refs_and_no_namer():
    assert sentence(XapiError("HOST_DISABLED", [HOST])) == "The host an object is disabled (maintenance mode)."
    assert sentence(XapiError("HOST_DISABLED", [HOST]), namer(cache())) == \
        "The host \u201cxcp-ng-01\u201d is disabled (maintenance mode)."
    assert sentence(XapiError("HOST_DISABLED", ["OpaqueRef:gone"]), namer(cache())) == \
        "The host an object is disabled (maintenance mode)."


def test_codes_without_params_and_unknown_codes():
    assert sentence(XapiError("MEMORY_CONSTRAINT_VIOLATION_ORDER")).startswith("The memory settings must")
    assert sentence(XapiError("NO_HOSTS_AVAILABLE")).startswith("No host can run")
    unknown = describe(XapiError("VGPU_TYPE_NOT_SUPPORTED", ["a", "b"]))
    assert unknown["key"] == "err.unknown"
    assert unknown["text"] == "XAPI reported VGPU_TYPE_NOT_SUPPORTED (a, b)."
    assert sentence(XapiError("NEW_CODE")) == "XAPI reported NEW_CODE."


def test_backend_failures_show_the_backend_message():
    info = describe(["SR_BACKEND_FAILURE_44", "", "There is insufficient space", ""])
    assert info["code"] == "SR_BACKEND_FAILURE_44"
    assert info["text"] == "The storage back end failed: There is insufficient space"
    assert sentence(["SR_BACKEND_FAILURE_1200", "", "", ""]).endswith("SR_BACKEND_FAILURE_1200")


def test_task_error_info_and_cancelled_tasks():
    status, error = task_outcome({"status": "cancelled", "error_info": ["TASK_CANCELLED", "OpaqueRef:t"]})
    assert status == "cancelled" and sentence(error) == "The task was cancelled."
    assert describe(["VM_LACKS_FEATURE", WEB], namer(cache()))["text"].startswith("\u201cweb-01\u201d cannot")


def test_transport_and_app_errors():
    assert describe(TransportError("unreachable"))["key"] == "err.transport.unreachable"
    # a raw HTTP status never reaches the user: a sentence per kind of status
    assert sentence(TransportError("http", 500)) == "The host failed while handling the request. Try again in a moment."
    assert sentence(TransportError("http", 413)).startswith("The request was too large for the host")
    assert sentence(TransportError("http", 418)) == "The host refused the request."
    for status in (400, 401, 403, 404, 413, 500, 502, 503):
        assert str(status) not in sentence(TransportError("http", status))
    info = describe(KeyError("power_state"))
    assert info["code"] == "APP_ERROR" and "power_state" in info["text"]


def test_translation_function_is_used():
    french = {"err.HOST_OFFLINE": "L'h\u00f4te {host} est hors ligne.", "err.some_object": "un objet"}
    text = sentence(XapiError("HOST_OFFLINE", [HOST]), t=lambda key, **params: fill(french.get(key, key), params))
    assert text == "L'h\u00f4te un objet est hors ligne."


def test_words_and_states():
    assert errors_text.words("pool_migrate") == "pool migrate"
    assert errors_text.states("halted") == "halted"
    assert errors_text.states("paused, suspended, running") == "paused, suspended or running"
