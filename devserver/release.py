"""Signed releases: the statement a CDN publishes next to boot.js, the keys that sign it, and the checks.

A compromised CDN must not be able to run code of its choosing on a host's origin, where the pool's root
session lives. The host stub therefore trusts only what a release key signed:

    release.json   the statement: product, version, git revision, issue and expiry times (seconds since
                   the epoch), the sha384 of boot.js and of manifest.json, which lists the size and sha384
                   of every other file of the bundle (page groups and lazily loaded files included)
    release.sig    {"alg": "ES256", "key": <key id>, "sig": <base64 of r||s>} over release.json's bytes,
                   exactly as they are served (the stub verifies the raw bytes, then parses them)

Keys are ECDSA P-256 with SHA-256: the one signature scheme WebCrypto verifies in every browser an admin
may use (Chromium, Firefox and Safari for a decade). Ed25519 reached all three only in 2025 (Chromium
137), so older but still supported browsers would lose the CDN. The build machine signs (the private key
never enters the repository or dist/); the browser only verifies, with the public keys the stub embeds.

A key is named by its fingerprint, the sha256 of its public key in SubjectPublicKeyInfo DER form (what
`openssl pkey -pubin -outform DER | sha256sum` prints); its id is the first 16 hex digits.
"""
import base64
import hashlib
import json
import os
import re
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from devserver import precompress

STATEMENT = "release.json"
SIGNATURE = "release.sig"
FORMAT = 1
PRODUCT = "xcplite"
ALG = "ES256"
EXPIRES_DAYS = 90
SIGNED = ("boot.js", "manifest.json")  # named in the statement; the manifest names every other file
VERSION = re.compile(r"^\d{1,9}(\.\d{1,9}){0,3}$")


class ReleaseError(ValueError):
    """A statement, signature or key that cannot be trusted; the message says why."""


# --- keys -------------------------------------------------------------------------------------------

def keygen(out):
    """Write a new private key to `out` (PEM, owner-only) and its public key to `out`.pub; returns the
    public key file's path."""
    out = Path(out)
    if out.exists():
        raise ReleaseError(f"{out} exists: refusing to overwrite a key")
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    pub = public_file(out)
    pub.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    return pub


def public_file(private_file):
    return Path(str(private_file) + ".pub")


def load_private(path):
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ReleaseError(f"{path} is not an ECDSA P-256 private key (make one with build.py keygen)")
    return key


def load_public(path):
    """A public key from a .pub file (PEM) or from its private key file."""
    data = Path(path).read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ReleaseError(f"{path} is not an ECDSA P-256 public key")
    return key


def spki(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(public_key):
    """sha256 of the key's SubjectPublicKeyInfo DER, in hex."""
    return hashlib.sha256(spki(public_key)).hexdigest()


def key_id(public_key):
    return fingerprint(public_key)[:16]


def stub_key(public_key):
    """The form the stub embeds: {"id": key id, "spki": base64 DER}."""
    return {"id": key_id(public_key), "spki": base64.b64encode(spki(public_key)).decode()}


def stub_key_fingerprint(entry):
    """The fingerprint of a key as embedded in a stub (for admins checking an installed stub)."""
    return hashlib.sha256(base64.b64decode(entry["spki"])).hexdigest()


# --- statements ---------------------------------------------------------------------------------------

def sha384(data):
    """The Subresource Integrity form of a sha384 digest (as boot.js and the stub compare them)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def statement(info, files, issued=None, expires_days=EXPIRES_DAYS, version=None):
    """The statement's bytes: `files` {path: bytes} holds boot.js and manifest.json, whose sha384 it
    signs; manifest.json lists the size and sha384 of every other file, so the signature covers each one
    while the statement the stub fetches stays ~0.4 KB (all 68 digests inline would be ~4 KB compressed)."""
    issued = int(time.time()) if issued is None else int(issued)
    doc = {
        "format": FORMAT, "product": PRODUCT, "version": version or info["version"],
        "revision": info["revision"], "issued": issued, "expires": issued + int(expires_days * 86400),
        "files": {path: sha384(files[path]) for path in SIGNED},
    }
    if not VERSION.match(doc["version"]):
        raise ReleaseError(f"version {doc['version']!r} is not dotted numbers (1.2.3)")
    return (json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n").encode()


def sign(statement_bytes, private_key):
    """release.sig's bytes for these statement bytes."""
    der = private_key.sign(statement_bytes, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # WebCrypto wants IEEE P1363 (r||s), not DER
    doc = {"alg": ALG, "key": key_id(private_key.public_key()), "sig": base64.b64encode(raw).decode()}
    return (json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n").encode()


def verify(statement_bytes, signature_bytes, public_keys):
    """Check the signature against the trusted keys; returns the key id that signed."""
    try:
        sig = json.loads(signature_bytes)
        raw = base64.b64decode(sig["sig"], validate=True)
    except (ValueError, KeyError, TypeError) as error:
        raise ReleaseError(f"the release signature is unreadable ({error})") from None
    if sig.get("alg") != ALG or len(raw) != 64:
        raise ReleaseError("the release signature is not ES256")
    trusted = {key_id(k): k for k in public_keys}
    if sig.get("key") not in trusted:
        raise ReleaseError(f"the release is signed by a key that is not trusted ({str(sig.get('key'))[:16]})")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        trusted[sig["key"]].verify(der, statement_bytes, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ReleaseError("the release signature does not match the statement") from None
    return sig["key"]


def parse_version(text):
    """(a, b, c, d) for a dotted version of 1 to 4 numbers, None for anything else."""
    if not isinstance(text, str) or not VERSION.match(text):
        return None
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def is_older(version, issued, seen):
    """Whether release (version, issued) is older than `seen` {"version", "issued"}: a lower version, or
    the same version issued earlier (a rebuild of it)."""
    if not seen:
        return False
    mine, theirs = parse_version(version), parse_version(seen.get("version"))
    if theirs is None:
        return False
    return mine < theirs or (mine == theirs and issued < seen.get("issued", 0))


def parse(statement_bytes, now=None, seen=None, minimum=None):
    """The statement as a dict after the checks the stub makes (format, expiry, rollback, minimum)."""
    now = time.time() if now is None else now
    try:
        doc = json.loads(statement_bytes)
    except ValueError:
        doc = None
    files = doc.get("files") if isinstance(doc, dict) else None
    if (not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("product") != PRODUCT
            or parse_version(doc.get("version")) is None or not isinstance(doc.get("issued"), int)
            or not isinstance(doc.get("expires"), int) or not isinstance(files, dict)
            or not isinstance(files.get("boot.js"), str)):
        raise ReleaseError("not an xcplite release statement")
    if doc["expires"] <= now:
        raise ReleaseError(f"release {doc['version']} expired")
    if minimum and parse_version(doc["version"]) < parse_version(minimum):
        raise ReleaseError(f"release {doc['version']} is older than the minimum {minimum}")
    if is_older(doc["version"], doc["issued"], seen):
        raise ReleaseError(f"release {doc['version']} is older than release {seen['version']} already used")
    return doc


def write_signed(out, info, files, private_key_file, issued=None, expires_days=EXPIRES_DAYS, version=None):
    """Write release.json and release.sig into the bundle folder `out`; returns the statement's bytes."""
    key = load_private(private_key_file)
    body = statement(info, files, issued, expires_days, version)
    out = Path(out)
    for suffix in ("", ".br", ".gz"):
        (out / (STATEMENT + suffix)).unlink(missing_ok=True)
    (out / STATEMENT).write_bytes(body)
    (out / SIGNATURE).write_bytes(sign(body, key))
    precompress.siblings(out, {STATEMENT: body})  # every file is in it: ~8 KB, ~4 KB compressed
    return body


def bundle_files(folder):
    """{path: bytes} of a built bundle (without compressed siblings and the release files)."""
    folder = Path(folder)
    skip = {STATEMENT, SIGNATURE}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith((".br", ".gz")) and p.relative_to(folder).as_posix() not in skip}


def mismatches(doc, files):
    """Paths of `files` (a whole bundle) that differ from the verified statement `doc` and the manifest
    it signs, or that are missing or not listed; [] when every file is the signed one."""
    bad = [p for p in SIGNED if p not in files or sha384(files[p]) != doc["files"].get(p)]
    if bad:
        return bad
    listed = {p: entry["sha384"] for p, entry in json.loads(files["manifest.json"])["files"].items()}
    listed.update(doc["files"])
    bad = [p for p, digest in listed.items() if p not in files or sha384(files[p]) != digest]
    return sorted(bad + [p for p in files if p not in listed])
