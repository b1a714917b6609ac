"""Networks as an administrator changes them: what a network is, the interfaces a VLAN or a bond can
use, the checks of a new network, and the calls that create or delete one on every host.

Pure (CPython and MicroPython). Checks return errors as {field: (catalog key, params)} before any call,
so what XAPI would refuse (VLAN_TAG_INVALID, PIF_VLAN_EXISTS, PIF_ALREADY_BONDED,
PIF_BOND_MORE_THAN_ONE_IP, NETWORK_CONTAINS_VIF…) is said next to the field first. Plans are jobs
(lite_app/logic/jobs.py): a VLAN is `pool.create_VLAN_from_PIF` (every live host or none), a bond is
one `Bond.create` per host, members first and the pool master last; each creation step says how to
undo it, so a failure on one host takes back the network and the bonds already made.
"""
from lite_app.logic import limits, model
from lite_app.logic.jobs import Job

MTU_MIN, MTU_MAX = 68, 9216  # IPv4's minimum; the largest jumbo frame NICs take
TAG_MAX = 4094
MODES = ("active-backup", "balance-slb", "lacp")
HASHING = ("tcpudp_ports", "src_mac")
KINDS = ("internal", "vlan", "bond")
NULL = "OpaqueRef:NULL"


def pifs_of(cache, net):
    """[(ref, PIF)] of a network that are in the cache."""
    out = []
    for ref in net.get("PIFs") or ():
        pif = cache.get("PIF", ref)
        if pif is not None:
            out.append((ref, pif))
    return out


def is_bond_master(pif):
    return bool(pif.get("bond_master_of"))


def is_bond_member(pif):
    return (pif.get("bond_slave_of") or NULL) != NULL


def vlan_of(pif):
    tag = pif.get("VLAN")
    return int(tag) if tag is not None else -1


def kind(cache, net):
    """"system" (the host internal management network), "internal" (no interface), "vlan", "bond"
    or "physical"."""
    if (net.get("other_config") or {}).get("is_host_internal_management_network") == "true":
        return "system"
    pifs = [pif for _ref, pif in pifs_of(cache, net)]
    if not pifs and not net.get("PIFs"):
        return "internal"
    if any([vlan_of(pif) >= 0 for pif in pifs]):
        return "vlan"
    if any([is_bond_master(pif) for pif in pifs]):
        return "bond"
    return "physical"


# ---- what a VLAN or a bond can be made on ------------------------------------------------------------
def vlan_bases(cache):
    """Networks a VLAN can be tagged on (untagged, physical or bonded, not bond members), by name:
    [{"network", "name", "device", "pif" (one of its PIFs, the master's when it has one), "tags"}]."""
    master = (cache.first("pool")[1] or {}).get("master")
    out = []
    nets = cache.all("network")
    for ref in nets:
        pifs = [(r, p) for r, p in pifs_of(cache, nets[ref])
                if vlan_of(p) < 0 and not is_bond_member(p) and (p.get("physical") or is_bond_master(p))]
        if not pifs:
            continue
        pifs.sort(key=lambda pair: (pair[1].get("host") != master, pair[0]))
        out.append({"network": ref, "name": nets[ref].get("name_label") or "", "device": pifs[0][1].get("device") or "",
                    "pif": pifs[0][0], "tags": tags_on(cache, pifs)})
    out.sort(key=lambda b: (b["device"], b["name"]))
    return out


def tags_on(cache, bases):
    """The VLAN tags already on these interfaces (a VLAN PIF has its base's host and device)."""
    where = {}
    for _ref, pif in bases:
        where[(pif.get("host"), pif.get("device"))] = True
    table = cache.all("PIF")
    return sorted(set([vlan_of(table[r]) for r in table
                       if vlan_of(table[r]) >= 0 and (table[r].get("host"), table[r].get("device")) in where]))


def live_hosts(cache):
    """[(ref, host)] of the hosts that are up, by name."""
    hosts = cache.all("host")
    out = []
    for ref in hosts:
        metrics = model.deref(cache, "host_metrics", hosts[ref].get("metrics"))
        if metrics is None or metrics.get("live"):
            out.append((ref, hosts[ref]))
    out.sort(key=lambda pair: model.name_key(pair[1]))
    return out


def bond_devices(cache):
    """Physical interfaces by device name, across the live hosts: [{"device", "pifs" {host: PIF ref},
    "missing" [host names], "bonded" [host names], "management" [host names], "ip" [host names]}]."""
    hosts = live_hosts(cache)
    found = {}
    for host_ref, host in hosts:
        for ref in host.get("PIFs") or ():
            pif = cache.get("PIF", ref)
            if pif is None or not pif.get("physical") or vlan_of(pif) >= 0:
                continue
            entry = found.setdefault(pif.get("device") or "", {"device": pif.get("device") or "", "pifs": {},
                                                               "bonded": [], "management": [], "ip": []})
            entry["pifs"][host_ref] = ref
            name = host.get("name_label") or ""
            if is_bond_member(pif):
                entry["bonded"].append(name)
            if pif.get("management"):
                entry["management"].append(name)
            if (pif.get("ip_configuration_mode") or "None") != "None":
                entry["ip"].append(name)
    out = []
    for device in sorted(found):
        entry = found[device]
        entry["missing"] = [h.get("name_label") or "" for r, h in hosts if r not in entry["pifs"]]
        out.append(entry)
    return out


# ---- checks --------------------------------------------------------------------------------------------
def parse_int(value):
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def mtu_error(value):
    mtu = parse_int(value)
    if mtu is None or not MTU_MIN <= mtu <= MTU_MAX:
        return ("adm.valid.mtu", {"low": MTU_MIN, "high": MTU_MAX})
    return None


def common_errors(form):
    """Name, description and MTU of a new network."""
    errors = {}
    for field, error in (("name", limits.name_error(form.get("name"))),
                         ("description", limits.text_error(form.get("description"), limits.MAX_DESCRIPTION)),
                         ("mtu", mtu_error(form.get("mtu")))):
        if error is not None:
            errors[field] = error
    return errors


def vlan_errors(cache, form):
    errors = {}
    base = find_base(cache, form.get("base"))
    tag = parse_int(form.get("tag"))
    if base is None:
        errors["base"] = ("adm.valid.base", {})
    if tag is None or tag > TAG_MAX:
        errors["tag"] = ("adm.valid.tag", {"high": TAG_MAX})
    elif base is not None and tag in base["tags"]:
        errors["tag"] = ("adm.valid.tag_used", {"tag": tag, "device": base["device"]})
    return errors


def find_base(cache, network):
    for base in vlan_bases(cache):
        if base["network"] == network:
            return base
    return None


def bond_errors(cache, form):
    """The members (device names), the mode and its hashing, checked on every live host."""
    chosen = list(form.get("members") or ())
    if len(chosen) < 2:
        return {"members": ("adm.valid.members", {})}
    devices = {}
    for entry in bond_devices(cache):
        devices[entry["device"]] = entry
    for device in chosen:
        entry = devices.get(device)
        if entry is None or entry["missing"] or entry["bonded"]:
            hosts = ", ".join((entry or {}).get("missing") or (entry or {}).get("bonded") or [])
            return {"members": ("adm.valid.member_unusable", {"device": device, "hosts": hosts})}
    with_ip = {}
    for device in chosen:
        for host in devices[device]["ip"]:
            with_ip.setdefault(host, []).append(device)
    for host in sorted(with_ip):
        if len(with_ip[host]) > 1:
            return {"members": ("adm.valid.two_ips", {"host": host, "devices": ", ".join(with_ip[host])})}
    errors = {}
    if form.get("mode") not in MODES:
        errors["mode"] = ("adm.valid.mode", {})
    elif form.get("mode") == "lacp" and form.get("hashing") not in HASHING:
        errors["hashing"] = ("adm.valid.mode", {})
    return errors


def create_errors(cache, form):
    """Every refusal of the form of a new network, {field: (key, params)} ({} when it can be made)."""
    errors = common_errors(form)
    if form.get("kind") == "vlan":
        errors.update(vlan_errors(cache, form))
    elif form.get("kind") == "bond":
        errors.update(bond_errors(cache, form))
    elif form.get("kind") not in KINDS:
        errors["kind"] = ("adm.valid.kind", {})
    return errors


# ---- creation -------------------------------------------------------------------------------------------
def network_record(form):
    """network.create's record; `automatic` false, as XO does, so new VMs do not get it by themselves."""
    return {"name_label": form["name"].strip(), "name_description": (form.get("description") or "").strip(),
            "MTU": parse_int(form["mtu"]), "other_config": {"automatic": "false"}, "tags": []}


def create_network_step():
    return {"call": lambda results: ("network.create", [results["record"]]), "key": "network",
            "undo": lambda net, results: ("network.destroy", [net])}


def bond_hosts(cache, members):
    """[(host ref, [PIF refs])] of a bond on every live host, the pool master last (its management
    interface may move: the other hosts are done by then)."""
    devices = {}
    for entry in bond_devices(cache):
        devices[entry["device"]] = entry["pifs"]
    master = (cache.first("pool")[1] or {}).get("master")
    out = [(ref, [devices[d][ref] for d in members]) for ref, _host in live_hosts(cache)]
    out.sort(key=lambda pair: pair[0] == master)
    return out


def bond_step(host, pifs, mode, properties):
    key = "bond:" + host
    return {"call": lambda results: ("Async.Bond.create", [results["network"], pifs, "", mode, properties]),
            "key": key, "weight": 2, "undo": lambda bond, results: ("Async.Bond.destroy", [bond])}


def create_job(cache, form, title):
    """The job creating the network the form describes (checked with create_errors first)."""
    job = Job(title, [create_network_step()])
    job.results["record"] = network_record(form)
    if form["kind"] == "vlan":
        base = find_base(cache, form["base"])
        tag = parse_int(form["tag"])
        job.steps.append({"call": lambda results: ("Async.pool.create_VLAN_from_PIF",
                                                   [base["pif"], results["network"], tag]), "weight": 3})
    elif form["kind"] == "bond":
        properties = {"hashing_algorithm": form["hashing"]} if form["mode"] == "lacp" else {}
        for host, pifs in bond_hosts(cache, form["members"]):
            job.steps.append(bond_step(host, pifs, form["mode"], properties))
    return job


# ---- deletion --------------------------------------------------------------------------------------------
def vifs_by_vm(cache, vifs):
    """[(VM name, [NIC devices])] by name."""
    grouped = {}
    for _ref, vif in vifs:
        name = model.name_of(cache, "VM", vif.get("VM") or "")
        grouped.setdefault(name, []).append(vif.get("device") or "")
    return [(name, sorted(grouped[name])) for name in sorted(grouped)]


def delete_plan(cache, net_ref, vifs):
    """What deleting a network does: {"blocked": None or (key, params), "attached": [(VM, [NIC])],
    "removed": [(VM, [NIC])] (unplugged NICs, which XAPI destroys with it), "vlans": [(host, device,
    tag)], "bonds": [(host, device)], "steps": job steps}. `vifs`: [(ref, VIF)] of the network."""
    net = cache.get("network", net_ref) or {}
    what = kind(cache, net)
    attached = [pair for pair in vifs if pair[1].get("currently_attached")]
    plan = {"blocked": None, "attached": vifs_by_vm(cache, attached), "vlans": [], "bonds": [], "steps": [],
            "removed": vifs_by_vm(cache, [pair for pair in vifs if not pair[1].get("currently_attached")])}
    managed = [model.name_of(cache, "host", p.get("host") or "") for _r, p in pifs_of(cache, net) if p.get("management")]
    if what in ("system", "physical"):
        plan["blocked"] = ("adm.netdel.blocked." + what, {})
    elif attached:
        plan["blocked"] = ("adm.netdel.blocked.in_use", {"count": len(attached)})
    elif managed:
        plan["blocked"] = ("adm.netdel.blocked.management", {"hosts": ", ".join(sorted(managed))})
    else:
        plan["steps"] = interface_steps(cache, net_ref, net, plan) + [{"call": ("network.destroy", [net_ref])}]
    return plan


def interface_steps(cache, net_ref, net, plan):
    """VLAN.destroy / Bond.destroy per host, each undone by making it again."""
    steps = []
    for ref, pif in sorted(pifs_of(cache, net), key=lambda pair: model.name_of(cache, "host", pair[1].get("host") or "")):
        host = model.name_of(cache, "host", pif.get("host") or "")
        if vlan_of(pif) >= 0 and (pif.get("VLAN_master_of") or NULL) != NULL:
            plan["vlans"].append((host, pif.get("device") or "", vlan_of(pif)))
            steps.append(vlan_destroy_step(cache, net_ref, pif))
        elif is_bond_master(pif):
            plan["bonds"].append((host, pif.get("device") or ""))
            steps.append(bond_destroy_step(cache, net_ref, pif))
    return steps


def base_of(cache, pif):
    """The physical (or bond) PIF a VLAN PIF is tagged on: same host, same device, untagged."""
    host = cache.get("host", pif.get("host") or "") or {}
    for ref in host.get("PIFs") or ():
        other = cache.get("PIF", ref)
        if other is not None and other.get("device") == pif.get("device") and vlan_of(other) < 0:
            return ref
    return None


def vlan_destroy_step(cache, net_ref, pif):
    base, tag = base_of(cache, pif), vlan_of(pif)
    undo = (lambda result, results: ("Async.VLAN.create", [base, tag, net_ref])) if base else None
    return {"call": ("Async.VLAN.destroy", [pif["VLAN_master_of"]]), "undo": undo}


def bond_destroy_step(cache, net_ref, pif):
    bond_ref = pif["bond_master_of"][0]
    bond = cache.get("Bond", bond_ref)
    undo = None
    if bond is not None:
        members, mode, props = list(bond.get("slaves") or ()), bond.get("mode"), dict(bond.get("properties") or {})
        undo = lambda result, results: ("Async.Bond.create", [net_ref, members, "", mode, props])
    return {"call": ("Async.Bond.destroy", [bond_ref]), "undo": undo}
