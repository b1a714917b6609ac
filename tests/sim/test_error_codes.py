"""Every error code the simulator raises and the app names is a string XAPI sends.

XAPI's list is xapi_sim/api_errors.json, derived by scripts/gen_errors.py from XAPI's
ocaml/xapi-consts/api_errors.ml (`let binding = add_error "CODE"`). The binding and the string differ
for some errors, which is how `ONLY_REVERT_SNAPSHOT` (a binding) once went on the wire instead of
`REVERT_ONLY_ALLOWED_ON_SNAPSHOT`. The sources are scanned, so a new code is checked as it is written.
"""
import ast
import glob
import json
import os
import re
import sys

import pytest

from support.xapi import guest_refs
from xapi_sim import inventory
from xapi_sim.sim import Config, Simulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import gen_errors  # noqa: E402

with open(os.path.join(ROOT, "xapi_sim", "api_errors.json")) as _fh:
    XAPI = json.load(_fh)
CODES = set(XAPI["codes"])
CODE_LIKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
# Sent by XAPI but not declared in api_errors.ml, with where they come from.
NOT_IN_API_ERRORS = {
    "Fault": "server_helpers.ml do_dispatch: API.response_of_fault for Async of a sync-only call",
    "UNKNOWN_XENAPI_PLUGIN_FUNCTION": "python3/examples/XenAPIPlugin.py: a plugin's own failure",
    "-1": "xcp-ng-xapi-plugins xcpngutils error_wrapped: raise_plugin_error('-1', …), which "
          "xapi_plugins.ml passes on as the Failure's code",
    "1": "xcp-ng-xapi-plugins xcpngutils error_wrapped: a failed command's exit code (yum's 1)",
}
# SM back ends report SR_BACKEND_FAILURE_<n> (storage_smapiv1_wrapper.ml, pvs_proxy_control.ml).
BACKEND = re.compile(r"^SR_BACKEND_FAILURE_\d+$")
# lite_app/text/errors.py: an exception in the app, and transport failures (TRANSPORT_<kind>), not
# from XAPI; UPDATE_FAILED: XCP-ng's updater plugin answered that its command failed (lite_app/logic/
# updates.py reads the plugin's reply); PLUGIN_ERROR: the sentence of a plugin failure whose code is a
# number (xcpngutils' "-1", a command's exit code)
APP_OWN = {"APP_ERROR", "TRANSPORT_HTTP", "UPDATE_FAILED", "PLUGIN_ERROR"}


def sent_by_xapi(code):
    return code in CODES or code in NOT_IN_API_ERRORS or bool(BACKEND.match(code))


def python_files(*patterns):
    for pattern in patterns:
        yield from sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True))


def raised_codes(path):
    """Codes in XapiFailure(CODE, ...), _fail(table, CODE, ...) and `.fail([CODE, ...])`."""
    tree = ast.parse(open(path).read())
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        args = node.args
        if name == "XapiFailure" and args:
            found |= _constants(args[:1])
        elif name == "_fail" and len(args) > 1:
            found |= {c for c in _constants(args[1:2]) if CODE_LIKE.match(c)}
        elif name == "fail":
            for arg in args:
                if isinstance(arg, ast.List):
                    found |= _constants(arg.elts[:1])
    return found


def _constants(nodes):
    return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_the_derived_table_knows_the_renamed_errors():
    assert XAPI["bindings"]["only_revert_snapshot"] == "REVERT_ONLY_ALLOWED_ON_SNAPSHOT"
    assert XAPI["bindings"]["only_provision_template"] == "PROVISION_ONLY_ALLOWED_ON_TEMPLATE"
    assert XAPI["bindings"]["sr_no_pbds"] == "SR_HAS_NO_PBDS"
    assert {"SESSION_INVALID", "EVENTS_LOST", "VM_BAD_POWER_STATE"} <= CODES
    assert not {"ONLY_REVERT_SNAPSHOT", "ONLY_PROVISION_TEMPLATE", "SR_NO_PBDS"} & CODES


def test_the_script_reads_wrapped_declarations():
    text = ('let add_error error =\n  errors := error :: !errors ;\n  error\n\n'
            'let internal_error = add_error "INTERNAL_ERROR"\n\n'
            'let only_revert_snapshot =\n  add_error "REVERT_ONLY_ALLOWED_ON_SNAPSHOT"\n')
    assert gen_errors.build(text) == {
        "codes": ["INTERNAL_ERROR", "REVERT_ONLY_ALLOWED_ON_SNAPSHOT"],
        "bindings": {"internal_error": "INTERNAL_ERROR",
                     "only_revert_snapshot": "REVERT_ONLY_ALLOWED_ON_SNAPSHOT"}}
    with pytest.raises(ValueError):
        gen_errors.build("let x = 1\n")


@pytest.mark.parametrize("path", list(python_files("xapi_sim/**/*.py")),
                         ids=lambda p: os.path.relpath(p, ROOT))
def test_every_code_the_simulator_raises_is_xapis(path):
    wrong = sorted(c for c in raised_codes(path) if not sent_by_xapi(c))
    assert wrong == [], "not XAPI error strings: %s" % wrong


def test_the_scan_sees_the_simulators_codes():
    seen = set()
    for path in python_files("xapi_sim/**/*.py"):
        seen |= raised_codes(path)
    assert {"VM_BAD_POWER_STATE", "REVERT_ONLY_ALLOWED_ON_SNAPSHOT", "VBD_NOT_EMPTY",
            "SESSION_AUTHENTICATION_FAILED", "SR_HAS_NO_PBDS", "IMPORT_ERROR"} <= seen


@pytest.mark.parametrize("path", list(python_files("lite_app/text/errors.py", "lite_app/logic/*.py",
                                                   "lite_app/xapi/*.py", "lite_app/shell/*.py")),
                         ids=lambda p: os.path.relpath(p, ROOT))
def test_every_code_the_app_names_is_xapis(path):
    tree = ast.parse(open(path).read())
    named = {n.value for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE_LIKE.match(n.value)}
    wrong = sorted(c for c in named - APP_OWN if not sent_by_xapi(c))
    assert wrong == [], "not XAPI error strings: %s" % wrong


def test_the_apps_error_sentences_are_keyed_by_xapis_codes():
    source = open(os.path.join(ROOT, "lite_app", "text", "en.py")).read()
    keys = set(re.findall(r'"err\.([A-Z][A-Z0-9_]+)(?:\.short)?"', source))
    assert "REVERT_ONLY_ALLOWED_ON_SNAPSHOT" in keys
    assert sorted(k for k in keys - APP_OWN if not sent_by_xapi(k)) == []


async def test_revert_and_provision_answer_xapis_strings():
    sim = Simulator(Config(hosts=1, vms=4))
    inventory.build(sim)
    session = await sim.call("session.login_with_password", ["root", "xcplite"])
    vm = guest_refs(sim.db, "Halted")[0]
    for method, code in (("VM.revert", "REVERT_ONLY_ALLOWED_ON_SNAPSHOT"),
                         ("VM.provision", "PROVISION_ONLY_ALLOWED_ON_TEMPLATE")):
        with pytest.raises(Exception) as info:
            await sim.call(method, [session, vm])
        assert info.value.description[0] == code
    sim.close()
