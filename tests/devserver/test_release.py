"""Release statements and keys (devserver/release.py) and the stub that embeds the keys (devserver/stub.py)."""
import base64
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devserver import release, stub

ROOT = Path(__file__).resolve().parents[2]
INFO = {"version": "1.2.3", "revision": "a" * 40}
FILES = {"boot.js": b"boot", "manifest.json": json.dumps({"files": {"app-0123456789.json": {
    "size": 2, "sha384": release.sha384(b"{}")}}}).encode(), "app-0123456789.json": b"{}"}


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    path = tmp_path_factory.mktemp("k") / "release-key"
    release.keygen(path)
    return path


def test_keygen_writes_an_owner_only_private_key_and_refuses_to_overwrite(key):
    assert key.stat().st_mode & 0o777 == 0o600
    assert b"PUBLIC KEY" in release.public_file(key).read_bytes()
    with pytest.raises(release.ReleaseError, match="refusing to overwrite"):
        release.keygen(key)


def test_the_fingerprint_is_the_sha256_of_the_public_key_der(key):
    public = release.load_public(release.public_file(key))
    der = base64.b64decode(release.stub_key(public)["spki"])
    assert release.fingerprint(public) == hashlib.sha256(der).hexdigest()
    assert release.key_id(public) == release.fingerprint(public)[:16]
    assert release.fingerprint(release.load_public(key)) == release.fingerprint(public)


def test_a_statement_lists_every_file_and_verifies_with_its_key(key):
    body = release.statement(INFO, FILES, issued=1000, expires_days=1)
    doc = json.loads(body)
    assert doc == {"format": 1, "product": "xcplite", "version": "1.2.3", "revision": "a" * 40, "issued": 1000,
                   "expires": 1000 + 86400,
                   "files": {p: release.sha384(FILES[p]) for p in ("boot.js", "manifest.json")}}
    assert release.mismatches(doc, FILES) == []
    assert release.mismatches(doc, dict(FILES, **{"app-0123456789.json": b"[]"})) == ["app-0123456789.json"]
    assert release.mismatches(doc, dict(FILES, extra=b"")) == ["extra"]
    assert release.mismatches(doc, dict(FILES, **{"boot.js": b"changed"})) == ["boot.js"]
    sig = release.sign(body, release.load_private(key))
    public = release.load_public(release.public_file(key))
    assert release.verify(body, sig, [public]) == release.key_id(public)
    assert len(base64.b64decode(json.loads(sig)["sig"])) == 64  # r||s as WebCrypto takes it


def test_a_changed_statement_or_an_unknown_key_is_refused(key, tmp_path):
    body = release.statement(INFO, FILES, issued=1000)
    sig = release.sign(body, release.load_private(key))
    public = release.load_public(release.public_file(key))
    with pytest.raises(release.ReleaseError, match="does not match"):
        release.verify(body.replace(b"1.2.3", b"1.2.4"), sig, [public])
    other = tmp_path / "other"
    release.keygen(other)
    with pytest.raises(release.ReleaseError, match="not trusted"):
        release.verify(body, sig, [release.load_public(release.public_file(other))])
    with pytest.raises(release.ReleaseError, match="unreadable"):
        release.verify(body, b"not json", [public])


def test_versions_compare_as_numbers():
    assert release.parse_version("1.10") > release.parse_version("1.9.9")
    assert release.parse_version("2") == release.parse_version("2.0.0.0")
    for bad in ("1.2.3.4.5", "v1", "1.x", "", None, "1..2"):
        assert release.parse_version(bad) is None


def test_parse_refuses_expired_older_and_below_minimum():
    body = release.statement(INFO, FILES, issued=1000, expires_days=1)
    assert release.parse(body, now=2000)["version"] == "1.2.3"
    with pytest.raises(release.ReleaseError, match="expired"):
        release.parse(body, now=1000 + 86400)
    with pytest.raises(release.ReleaseError, match="older than release 1.3"):
        release.parse(body, now=2000, seen={"version": "1.3", "issued": 0})
    with pytest.raises(release.ReleaseError, match="older than release 1.2.3"):  # a rebuild issued earlier
        release.parse(body, now=2000, seen={"version": "1.2.3", "issued": 1001})
    assert release.parse(body, now=2000, seen={"version": "1.2.3", "issued": 1000})
    with pytest.raises(release.ReleaseError, match="minimum 1.2.4"):
        release.parse(body, now=2000, minimum="1.2.4")
    for broken in (b"[]", b"{", json.dumps({"format": 1, "product": "xcplite", "version": "1"}).encode()):
        with pytest.raises(release.ReleaseError):
            release.parse(broken, now=2000)


def test_the_stub_is_one_line_with_its_keys_and_a_policy_pinning_its_own_script(key):
    public = release.load_public(release.public_file(key))
    html = stub.render("https://cdn.example/xcplite", keys=[public], min_version="1.2",
                       pool_hosts=["10.0.0.2", "10.0.0.3:8443"])
    assert html.count("\n") == 1
    assert release.stub_key(public)["spki"] in html and 'MIN="1.2"' in html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    script = re.search(r"<script>(.*?)</script>", html).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}' 'strict-dynamic' 'wasm-unsafe-eval'" in policy
    assert "'unsafe-eval'" not in policy
    connect = re.search(r"connect-src ([^;]+)", policy).group(1).split()
    assert connect[:3] == ["'self'", "blob:", "https://cdn.example"]
    assert "wss://10.0.0.3:8443" in connect and "http://10.0.0.2" in connect and "https:" not in connect
    for directive in ("default-src 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'none'"):
        assert directive in policy
    assert stub.embedded_keys(html) == [(release.key_id(public), release.fingerprint(public))]


def test_cli_signs_verifies_and_names_the_keys_a_stub_trusts(key, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "boot.js").write_text("boot")
    (dist / "manifest.json").write_text(json.dumps(dict(INFO, files={})))

    def run(*args):
        return subprocess.run([sys.executable, "build.py", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=60)
    assert run("sign", "--dist", str(dist), "--sign-key", str(key)).returncode == 0
    done = run("verify", "--dist", str(dist), "--key", str(release.public_file(key)))
    assert done.returncode == 0 and "ok: version 1.2.3" in done.stdout, done.stderr
    (dist / "boot.js").write_text("changed")
    done = run("verify", "--dist", str(dist), "--key", str(release.public_file(key)))
    assert done.returncode != 0 and "boot.js" in done.stderr
    refused = run("stub", "--base-url", "https://cdn.example/", "--out", str(tmp_path / "x.html"))
    assert refused.returncode != 0 and "--key" in refused.stderr
    made = run("stub", "--base-url", "https://cdn.example/", "--key", str(release.public_file(key)),
               "--out", str(tmp_path / "index.html"))
    assert made.returncode == 0, made.stderr
    shown = run("fingerprint", str(tmp_path / "index.html"), str(release.public_file(key))).stdout
    fp = release.fingerprint(release.load_public(key))
    assert shown.count("sha256:" + fp) == 2


def test_the_squeezed_stub_script_is_valid_javascript(key, tmp_path):
    import shutil
    if not shutil.which("node"):
        pytest.skip("node is needed")
    html = stub.render("https://cdn.example/", keys=[release.load_public(key)])
    script = tmp_path / "stub.js"
    script.write_text(re.search(r"<script>(.*?)</script>", html).group(1))
    assert subprocess.run(["node", "--check", str(script)], capture_output=True, timeout=30).returncode == 0
    assert '"could not be reached (connection refused or blocked)"' in html  # strings keep their spaces


def test_full_line_comments_leave_boot_js_and_code_stays():
    from devserver.bundle import strip_js_comments
    text = ("var a = 1;\n  /* a comment\n     on two lines */\n/* a */ var b = 2;\nvar c = 3;  /* c */\n"
            "var re = /\\/\\*/g;\n/* last */\n")
    assert strip_js_comments(text) == "var a = 1;\n/* a */ var b = 2;\nvar c = 3;  /* c */\nvar re = /\\/\\*/g;\n"
