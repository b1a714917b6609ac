"""The stub's own checks of a verified statement (host_stub/release-check.js), run under Node: the same
answers as devserver/release.py parse() for versions, expiry, rollback and the minimum version."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

CHECKS = Path(__file__).resolve().parents[2] / "host_stub" / "release-check.js"
NODE = shutil.which("node")
STATEMENT = {"format": 1, "product": "xcplite", "version": "1.2.3", "revision": "r", "issued": 1000,
             "expires": 5000, "files": {"boot.js": "sha384-x"}}


def run(cases):
    """[(function, args)] -> [result or "error: message"]."""
    script = CHECKS.read_text() + """
var out = [], cases = %s;
for (var i = 0; i < cases.length; i++) {
  try { out.push(XR[cases[i][0]].apply(null, cases[i][1])); } catch (e) { out.push("error: " + e.message); }
}
console.log(JSON.stringify(out));""" % json.dumps(cases)
    done = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)


pytestmark = pytest.mark.skipif(NODE is None, reason="node is needed (make test installs it)")


def test_versions_parse_and_compare_as_numbers():
    assert run([["version", ["1.10"]], ["version", ["2"]], ["version", ["1.2.3.4.5"]], ["version", ["v1"]],
                ["version", [None]], ["compare", [[1, 10, 0, 0], [1, 9, 9, 0]]],
                ["compare", [[2, 0, 0, 0], [2, 0, 0, 0]]]]) == \
        [[1, 10, 0, 0], [2, 0, 0, 0], None, None, None, 1, 0]


def test_check_refuses_what_the_python_side_refuses():
    text = json.dumps(STATEMENT)
    results = run([
        ["check", [text, 2000, None, ""]],
        ["check", [text, 5000, None, ""]],
        ["check", [text, 2000, {"version": "1.3", "issued": 0}, ""]],
        ["check", [text, 2000, {"version": "1.2.3", "issued": 1001}, ""]],
        ["check", [text, 2000, {"version": "1.2.3", "issued": 1000}, ""]],
        ["check", [text, 2000, {"version": "1.2.2", "issued": 9999}, ""]],
        ["check", [text, 2000, None, "1.2.4"]],
        ["check", ["{", 2000, None, ""]],
        ["check", [json.dumps(dict(STATEMENT, product="other")), 2000, None, ""]],
        ["check", [json.dumps(dict(STATEMENT, files={})), 2000, None, ""]],
    ])
    assert results[0]["version"] == "1.2.3"
    assert results[1] == "error: release 1.2.3 expired on 1970-01-01"
    assert results[2] == "error: release 1.2.3 is older than release 1.3 already used from this CDN"
    assert results[3].startswith("error: release 1.2.3 is older than release 1.2.3")
    assert results[4]["version"] == "1.2.3" and results[5]["version"] == "1.2.3"
    assert results[6] == "error: release 1.2.3 is older than the minimum 1.2.4"
    assert results[7:] == ["error: not an xcplite release statement"] * 3
