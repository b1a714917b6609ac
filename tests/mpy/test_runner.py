"""The MicroPython runner reports failures, import errors and empty runs, and exits non-zero for them."""
import shutil
import subprocess
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "mpy" / "run.mjs"



def run(*targets):
    node = shutil.which("node")
    assert node, "node is required (make test installs it)"
    done = subprocess.run([node, str(RUNNER), *map(str, targets)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout


def test_counts_passes_and_failures_with_traceback(tmp_path):
    (tmp_path / "test_mixed.py").write_text(
        "import sys\n"
        "def test_ok():\n    assert sys.implementation.name == 'micropython'\n"
        "def test_bad():\n    assert 1 + 1 == 3, 'arithmetic'\n"
        "async def test_async_bad():\n    raise ValueError('from a coroutine')\n"
        "def helper():\n    raise RuntimeError('not a test')\n")
    code, out = run(tmp_path)
    assert code == 1
    assert out.splitlines()[-1] == "1 passed, 2 failed"
    assert "FAILED test_mixed::test_bad" in out and "AssertionError: arithmetic" in out
    assert "ValueError: from a coroutine" in out and "Traceback" in out
    assert "not a test" not in out


def test_import_error_fails_the_run(tmp_path):
    (tmp_path / "test_broken.py").write_text("import dataclasses\ndef test_never():\n    pass\n")
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    pass\n")
    code, out = run(tmp_path)
    assert code == 1
    assert "FAILED test_broken (import)" in out
    assert out.splitlines()[-1] == "1 passed, 1 failed"


def test_zero_tests_is_a_failure(tmp_path):
    (tmp_path / "test_empty.py").write_text("X = 1\n")
    code, out = run(tmp_path)
    assert code != 0
    assert out.splitlines()[-1] == "0 passed, 0 failed"


def test_all_passing_exits_zero():
    code, out = run(ROOT / "tests" / "mpy" / "selftest")
    assert code == 0, out
    assert out.splitlines()[-1] == "4 passed, 0 failed"
