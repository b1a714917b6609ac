"""Editing a host, a network or the pool: name, description, tags, plus one setting of each: the host's
remote syslog, the network's MTU, the pool's default storage.

Pure (CPython and MicroPython). `edit_calls(cls, ref, record, form)` -> (errors {field: (key, params)},
calls): every field is checked before any call (the bounds of lite_app/logic/limits.py), only changed
fields produce calls, in the order they run. A host's syslog destination is host.logging's
`syslog_destination` (the rest of that map kept), applied by host.syslog_reconfigure; empty keeps the
logs on the host. A network's new MTU reaches its interfaces the next time they are plugged
(`mtu_pending` counts those still at another MTU).
"""
from lite_app.logic import infra, limits
from lite_app.logic.netadmin import mtu_error, parse_int, pifs_of
from lite_app.logic.pifconfig import ipv4

SYSLOG_KEY = "syslog_destination"


def tag_error(tag):
    if not tag:
        return ("valid.tag_empty", {})
    if len(tag) > limits.MAX_TAG:
        return ("valid.too_long", {"limit": limits.MAX_TAG})
    return None


def tags_calls(cls, ref, current, values):
    """(error, calls) turning the tags `current` into `values`: removals, then additions."""
    wanted, seen = [], {}
    for value in values:
        tag = value.strip()
        error = tag_error(tag)
        if error is None and tag in seen:
            error = ("adm.valid.tag_duplicate", {"tag": tag})
        if error is not None:
            return error, []
        seen[tag] = True
        wanted.append(tag)
    calls = [(cls + ".remove_tags", [ref, tag]) for tag in sorted(current or []) if tag not in seen]
    calls.extend([(cls + ".add_tags", [ref, tag]) for tag in wanted if tag not in (current or [])])
    return None, calls


def hostname_ok(text):
    if len(text) > 253:
        return False
    for label in text.split("."):
        if not label or len(label) > 63 or label[0] == "-" or label[-1] == "-":
            return False
        if not all([c.isalpha() or c.isdigit() or c == "-" for c in label]):
            return False
    return True


def syslog_error(text):
    """A syslog server: a host name or IPv4 address, optionally with :port; empty is fine."""
    if not text:
        return None
    host, _, port = text.partition(":")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return ("adm.valid.syslog", {})
    digits = host.replace(".", "").isdigit()
    return None if (ipv4(host) is not None if digits else hostname_ok(host)) else ("adm.valid.syslog", {})


def base_calls(cls, ref, record, form, errors):
    """Name, description and tags."""
    calls = []
    name = (form.get("name") or "").strip()
    error = limits.name_error(name)
    if error is not None:
        errors["name"] = error
    elif name != record.get("name_label"):
        calls.append((cls + ".set_name_label", [ref, name]))
    text = (form.get("description") or "").strip()
    error = limits.text_error(text, limits.MAX_DESCRIPTION)
    if error is not None:
        errors["description"] = error
    elif text != (record.get("name_description") or ""):
        calls.append((cls + ".set_name_description", [ref, text]))
    error, found = tags_calls(cls, ref, record.get("tags"), form.get("tags") or [])
    if error is not None:
        errors["tags"] = error
    return calls + found


def host_calls(ref, record, form, errors):
    destination = (form.get("syslog") or "").strip()
    error = syslog_error(destination)
    if error is not None:
        errors["syslog"] = error
        return []
    logging = dict(record.get("logging") or {})
    if destination == (logging.get(SYSLOG_KEY) or ""):
        return []
    if destination:
        logging[SYSLOG_KEY] = destination
    else:
        logging.pop(SYSLOG_KEY, None)
    return [("host.set_logging", [ref, logging]), ("host.syslog_reconfigure", [ref])]


def network_calls(ref, record, form, errors):
    error = mtu_error(form.get("mtu"))
    if error is not None:
        errors["mtu"] = error
        return []
    mtu = parse_int(form.get("mtu"))
    return [] if mtu == record.get("MTU") else [("network.set_MTU", [ref, mtu])]


def pool_calls(ref, record, form, errors):
    sr = form.get("sr") or ""
    if not sr:
        errors["sr"] = ("adm.valid.sr", {})
        return []
    return [] if sr == record.get("default_SR") else [("pool.set_default_SR", [ref, sr])]


EXTRA = {"host": host_calls, "network": network_calls, "pool": pool_calls}


def edit_calls(cls, ref, record, form):
    errors = {}
    calls = base_calls(cls, ref, record, form, errors)
    calls += EXTRA[cls](ref, record, form, errors)
    return errors, ([] if errors else calls)


def initial(cls, record):
    values = {"name": record.get("name_label") or "", "description": record.get("name_description") or "",
              "tags": sorted(record.get("tags") or [])}
    if cls == "host":
        values["syslog"] = (record.get("logging") or {}).get(SYSLOG_KEY) or ""
    elif cls == "network":
        values["mtu"] = str(record.get("MTU") or "")
    else:
        values["sr"] = record.get("default_SR") or ""
    return values


def mtu_pending(cache, net, vifs):
    """How many of a network's plugged interfaces (PIFs and VIFs) still run at another MTU."""
    mtu = net.get("MTU")
    count = 0
    for _ref, pif in pifs_of(cache, net):
        if pif.get("currently_attached") and pif.get("MTU") not in (None, -1, mtu):
            count += 1
    for _ref, vif in vifs:
        if vif.get("currently_attached") and vif.get("MTU") not in (None, mtu):
            count += 1
    return count


def sr_choices(cache):
    """SRs that can be the default: shared-or-local storage for disks (no ISO library, no removable)."""
    srs = cache.all("SR")
    out = []
    for ref in srs:
        sr = srs[ref]
        if sr.get("content_type") == "iso" or sr.get("type") in ("udev", "iso") or sr.get("is_tools_sr"):
            continue
        out.append((ref, infra.sr_label(cache, sr)))
    out.sort(key=lambda pair: (pair[1].lower(), pair[0]))
    return out
