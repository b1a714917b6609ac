"""Cloud-init for a new VM: the NoCloud files and the checks of what the user typed (pure).

The browser builds the config drive itself (lite_app/logic/isoimage.py), since there is no server of
ours: `meta-data` carries the instance id (the new VM's uuid, so cloud-init runs once per VM), the
host name and the SSH public keys (NoCloud reads `public-keys` from it), `user-data` is the user's
(a `#cloud-config` document or a script), and `network-config` is written only when given. A root
password, when asked for, is appended to a `#cloud-config` user-data as cloud-init's `password`
with `chpasswd: {expire: false}`; it travels only inside the drive's disk.
"""
import binascii
import json

USER_DATA = "#cloud-config\n"
KEY_TYPES = ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
             "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com")
MAX_TEXT = 64 * 1024      # cloud-init reads far more; the form stays reasonable
HOST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"


def key_error(line):
    """Why `line` is not an OpenSSH public key (type, base64 blob of that type, comment), else None."""
    parts = line.split()
    if len(parts) < 2:
        return ("newvm.err.key_form", {})
    kind, blob = parts[0], parts[1]
    if kind not in KEY_TYPES:
        return ("newvm.err.key_type", {"type": kind[:40]})
    try:
        raw = binascii.a2b_base64(blob.encode())
    except Exception:  # binascii.Error under CPython; the bundled pure-Python binascii raises Exception
        return ("newvm.err.key_data", {})
    if len(raw) < 4:
        return ("newvm.err.key_data", {})
    size = (raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]
    if raw[4:4 + size] != kind.encode():
        return ("newvm.err.key_data", {})
    return None


def keys(text):
    """The non-empty, non-comment lines of the keys field."""
    return [line.strip() for line in (text or "").split("\n") if line.strip() and not line.strip().startswith("#")]


def hostname_error(name):
    """RFC 1123 host name (labels of 1-63 letters, digits, hyphens; not starting or ending with one)."""
    if not name:
        return None
    if len(name) > 253:
        return ("newvm.err.hostname", {})
    for label in name.lower().split("."):
        if not label or len(label) > 63 or label[0] == "-" or label[-1] == "-":
            return ("newvm.err.hostname", {})
        for char in label:
            if char not in HOST_CHARS:
                return ("newvm.err.hostname", {})
    return None


def check(form):
    """{field: (key, params)} of what is wrong in the cloud-init part of the form."""
    errors = {}
    user_data = form.get("user_data") or ""
    if not (user_data.startswith("#cloud-config") or user_data.startswith("#!")
            or user_data.startswith("#include")):
        errors["user_data"] = ("newvm.err.user_data", {})
    elif form.get("password") and not user_data.startswith("#cloud-config"):
        errors["password"] = ("newvm.err.password_script", {})
    for field in ("user_data", "network_config"):
        if len(form.get(field) or "") > MAX_TEXT:
            errors[field] = ("valid.too_long", {"limit": MAX_TEXT})
    error = hostname_error((form.get("hostname") or "").strip())
    if error is not None:
        errors["hostname"] = error
    for number, line in enumerate(keys(form.get("ssh_keys"))):
        error = key_error(line)
        if error is not None:
            key, params = error
            errors["ssh_keys"] = (key, dict(params, line=number + 1))
            break
    password = form.get("password") or ""
    if password and (len(password) < 8 or "\n" in password):
        errors["password"] = ("newvm.err.password", {})
    return errors


def config(form):
    """The cloud-init part of the form, as the plan carries it."""
    return {"user_data": form.get("user_data") or USER_DATA, "network_config": form.get("network_config") or "",
            "hostname": (form.get("hostname") or "").strip(), "ssh_keys": keys(form.get("ssh_keys")),
            "password": form.get("password") or ""}


def files(conf, instance_id):
    """{name: bytes} of the NoCloud drive."""
    meta = ["instance-id: %s" % json.dumps(instance_id)]
    if conf.get("hostname"):
        meta.append("local-hostname: %s" % json.dumps(conf["hostname"]))
    if conf.get("ssh_keys"):
        meta.append("public-keys:")
        meta.extend("  - %s" % json.dumps(key) for key in conf["ssh_keys"])
    user_data = conf.get("user_data") or USER_DATA
    if conf.get("password"):
        user_data = user_data.rstrip("\n") + "\n" + "\n".join([
            "password: %s" % json.dumps(conf["password"]), "chpasswd:", "  expire: false",
            "ssh_pwauth: true"]) + "\n"
    out = {"meta-data": ("\n".join(meta) + "\n").encode(), "user-data": user_data.encode()}
    if conf.get("network_config", "").strip():
        out["network-config"] = conf["network_config"].encode()
    return out
