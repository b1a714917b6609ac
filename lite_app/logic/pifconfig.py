"""A host's interfaces (PIFs) as the interfaces card lists them, and checks of a new IP configuration.

Pure (CPython and MicroPython; no `ipaddress` module there, so IPv4 is parsed here). `rows` gives one
dict per PIF: device, VLAN, bond role, MAC, link (PIF_metrics: carrier, speed, duplex; a VLAN PIF shares
its base PIF's metrics), IP configuration, management. `ip_config` checks a form for
`PIF.reconfigure_ip(pif, mode, IP, netmask, gateway, DNS)` and returns its call, refusing first what
XAPI would refuse (INVALID_IP_ADDRESS_SPECIFIED, PIF_IS_MANAGEMENT_INTERFACE, PIF_UNMANAGED) and what
cannot work (a gateway outside the subnet, the subnet's own or broadcast address).
"""
from lite_app.logic import model
from lite_app.logic.netadmin import is_bond_master, is_bond_member, vlan_of

MODES = ("DHCP", "Static", "None")


def bond_role(cache, host, pif):
    """("member", bond master's device) / ("bond", [member devices]) / None."""
    if is_bond_member(pif):
        for ref in host.get("PIFs") or ():
            other = cache.get("PIF", ref)
            if other is not None and pif["bond_slave_of"] in (other.get("bond_master_of") or ()):
                return ("member", other.get("device") or "")
        return ("member", "")
    if is_bond_master(pif):
        bonds = pif["bond_master_of"]
        members = [cache.get("PIF", ref) for ref in host.get("PIFs") or ()]
        return ("bond", sorted([m.get("device") or "" for m in members if m and m.get("bond_slave_of") in bonds]))
    return None


def link(cache, pif):
    """{"carrier": bool or None, "speed": Mbit/s int or None, "duplex": bool or None} from PIF_metrics."""
    metrics = model.deref(cache, "PIF_metrics", pif.get("metrics"))
    if metrics is None:
        return {"carrier": None, "speed": None, "duplex": None}
    speed = str(metrics.get("speed") or "")
    return {"carrier": bool(metrics.get("carrier")), "speed": int(speed) if speed.isdigit() else None,
            "duplex": metrics.get("duplex")}


def rows(cache, host):
    """One dict per PIF of the host, sorted by device then VLAN."""
    out = []
    for ref in host.get("PIFs") or ():
        pif = cache.get("PIF", ref)
        if pif is None:
            continue
        out.append({"ref": ref, "pif": pif, "device": pif.get("device") or "", "vlan": vlan_of(pif),
                    "network": model.deref(cache, "network", pif.get("network")), "bond": bond_role(cache, host, pif),
                    "link": link(cache, pif), "mode": pif.get("ip_configuration_mode") or "None",
                    "management": bool(pif.get("management"))})
    out.sort(key=lambda row: (row["device"], row["vlan"]))
    return out


# ---- IPv4 -------------------------------------------------------------------------------------------
def ipv4(text):
    """[a, b, c, d] of a dotted IPv4 address, None if it is not one."""
    parts = (text or "").strip().split(".")
    if len(parts) != 4:
        return None
    out = []
    for part in parts:
        if not part.isdigit() or len(part) > 3 or int(part) > 255:
            return None
        out.append(int(part))
    return out


def as_int(quad):
    return (quad[0] << 24) | (quad[1] << 16) | (quad[2] << 8) | quad[3]


def dotted(value):
    return ".".join([str((value >> shift) & 255) for shift in (24, 16, 8, 0)])


def prefix_of(text):
    """The prefix length of a netmask written "255.255.255.0", "24" or "/24"; None if invalid."""
    text = (text or "").strip().lstrip("/")
    if text.isdigit():
        bits = int(text)
        return bits if 0 < bits <= 32 else None
    quad = ipv4(text)
    if quad is None:
        return None
    value = as_int(quad)
    bits = 0
    while bits < 32 and value & (1 << (31 - bits)):
        bits += 1
    return bits if bits and value == mask(bits) else None


def mask(bits):
    return (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF


def dns_list(text):
    """The DNS servers of a comma- or space-separated list, None when one is not an IPv4 address."""
    servers = [s for s in (text or "").replace(",", " ").split() if s]
    return servers if all([ipv4(s) is not None for s in servers]) else None


# ---- the form ----------------------------------------------------------------------------------------
def ip_config(pif_ref, pif, form):
    """(errors {field: (key, params)}, call) for a PIF's new IP configuration."""
    mode = form.get("mode")
    if mode not in MODES:
        return {"mode": ("adm.valid.ip_mode", {})}, None
    if pif.get("managed") is False:
        return {"mode": ("adm.valid.unmanaged", {})}, None
    if mode == "None" and pif.get("management"):
        return {"mode": ("adm.valid.ip_none_management", {})}, None
    if mode != "Static":
        return {}, ("Async.PIF.reconfigure_ip", [pif_ref, mode, "", "", "", ""])
    errors, values = static_values(form)
    if errors:
        return errors, None
    return {}, ("Async.PIF.reconfigure_ip", [pif_ref, mode] + values)


def static_values(form):
    """(errors, [IP, netmask, gateway, DNS]) of a static configuration."""
    errors = {}
    ip, bits = ipv4(form.get("ip")), prefix_of(form.get("netmask"))
    if ip is None:
        errors["ip"] = ("adm.valid.ip", {})
    if bits is None:
        errors["netmask"] = ("adm.valid.netmask", {})
    if not errors and bits <= 30:
        host_part, hosts = as_int(ip) & ~mask(bits) & 0xFFFFFFFF, ~mask(bits) & 0xFFFFFFFF
        if host_part in (0, hosts):  # the subnet's own address or its broadcast
            errors["ip"] = ("adm.valid.ip_edge", {})
    gateway = (form.get("gateway") or "").strip()
    if gateway:
        quad = ipv4(gateway)
        if quad is None:
            errors["gateway"] = ("adm.valid.gateway", {})
        elif "ip" not in errors and bits is not None and (as_int(quad) & mask(bits)) != (as_int(ip) & mask(bits)):
            errors["gateway"] = ("adm.valid.gateway_subnet", {})
    servers = dns_list(form.get("dns"))
    if servers is None:
        errors["dns"] = ("adm.valid.dns", {})
    if errors:
        return errors, None
    return {}, [".".join([str(p) for p in ip]), dotted(mask(bits)), gateway, ",".join(servers)]


def confirm_error(typed, host_name):
    """Changing the management interface asks for the host's name, typed exactly (spaces around ignored)."""
    return None if (typed or "").strip() == host_name else ("adm.valid.confirm", {"name": host_name})


def initial(pif):
    """The form's first values: the PIF's own configuration."""
    return {"mode": pif.get("ip_configuration_mode") if pif.get("ip_configuration_mode") in MODES else "None",
            "ip": pif.get("IP") or "", "netmask": pif.get("netmask") or "", "gateway": pif.get("gateway") or "",
            "dns": pif.get("DNS") or "", "confirm": ""}

