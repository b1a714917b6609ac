"""Navigation: the section links and the collapsible pool -> hosts -> VMs tree.

Running (and paused) VMs sit under their host, the others under the pool's "Not running" group.
At 10,000 VMs the tree must stay cheap, since it is re-rendered with every change:
- grouping is one pass over the VMs, kept between renders (`state.versions`, bumped by the
  controller per class, says when it is stale); the VMs changed since the last render
  (`state.recent`) are moved one by one, so a rename at 10,000 VMs costs no pass;
- a group is sorted by name only when it is open, once per change;
- groups start collapsed past AUTO_EXPAND_LIMIT VMs, and an open group lists GROUP_LIMIT VMs then
  links to the VM list filtered on that host.
Pure vdom.
"""
from lite_app.ui.vdom import h

GROUP_LIMIT = 50
AUTO_EXPAND_LIMIT = 200
NULL = "OpaqueRef:NULL"
LIVE = ("Running", "Paused")
SECTIONS = (("dashboard", "nav.dashboard", ("dashboard",)), ("vms", "nav.vms", ("vms",)),
            ("storage", "nav.storage", ("storage", "sr")), ("networks", "nav.networks", ("networks", "network")),
            ("tasks", "nav.tasks", ("tasks",)), ("alarms", "nav.alarms", ("alarms",)))
OTHERS = "others"
# Up to this many VM changes since the last render are applied to the grouping one by one; more
# (a resync, a burst) regroup everything in one pass.
INCREMENTAL_LIMIT = 500

# The grouping of the last render: "groups" {host ref or OTHERS: {vm ref: vm}}, "where" {vm ref: group},
# "host_key" and "vm_version" say which records it reflects; "sorted" caches sorted open groups.
_memo = {"host_key": None, "vm_version": None, "groups": None, "where": None, "sorted": {}}


def is_guest(vm):
    return not (vm.get("is_a_template") or vm.get("is_a_snapshot") or vm.get("is_control_domain"))


def name_of(record):
    return record.get("name_label") or ""


def sort_key(pair):
    record = pair[1]
    return (name_of(record).lower(), record.get("uuid") or "")


def group_key(vm, groups):
    host = vm.get("resident_on")
    return host if vm.get("power_state") in LIVE and host in groups else OTHERS


def group(cache):
    """({host ref or OTHERS: {vm ref: vm}}, {vm ref: group key}) of the guest VMs."""
    groups = {OTHERS: {}}
    for ref in cache.all("host"):
        groups[ref] = {}
    where = {}
    table = cache.all("VM")
    for ref in table:
        vm = table[ref]
        if is_guest(vm):
            key = group_key(vm, groups)
            groups[key][ref] = vm
            where[ref] = key
    return groups, where


def regroup(cache, refs):
    """Move the changed VMs `refs` to their group now; returns the group keys touched."""
    groups, where = _memo["groups"], _memo["where"]
    touched = {}
    for ref in refs:
        old = where.pop(ref, None)
        if old is not None:
            groups[old].pop(ref, None)
            touched[old] = True
        vm = cache.get("VM", ref)
        if vm is not None and is_guest(vm):
            key = group_key(vm, groups)
            groups[key][ref] = vm
            where[ref] = key
            touched[key] = True
    return touched


def groups_of(state):
    """The grouping for this render: reused, updated with the VMs changed since the last render, or rebuilt."""
    versions = getattr(state, "versions", {})
    host_key = (id(state.cache), versions.get("host", 0))
    vm_version = versions.get("VM", 0)
    memo = _memo
    if versions and memo["host_key"] == host_key and memo["vm_version"] == vm_version:
        return memo["groups"]
    recent = getattr(state, "recent", None)
    if (versions and memo["host_key"] == host_key and recent is not None
            and state.recent_base.get("VM", 0) == memo["vm_version"]
            and len(recent.refs("VM")) <= INCREMENTAL_LIMIT):
        for key in regroup(state.cache, recent.refs("VM")):
            memo["sorted"].pop(key, None)
    else:
        memo["groups"], memo["where"] = group(state.cache)
        memo["sorted"] = {}
    memo["host_key"], memo["vm_version"] = host_key, vm_version
    return memo["groups"]


def sorted_group(groups, key):
    found = _memo["sorted"].get(key)
    if found is None:
        table = groups[key]
        found = _memo["sorted"][key] = sorted([(ref, table[ref]) for ref in table], key=sort_key)
    return found


def expanded(state, key, total):
    opened = state.ui.get("nav.expanded") or {}
    if key in opened:
        return opened[key]
    return key == "pool" or total <= AUTO_EXPAND_LIMIT


def render(state):
    t = state.t
    classes = "xl-nav is-open" if state.ui.get("nav.open") else "xl-nav"
    return [h("nav", {"id": "xl-nav-panel", "class": classes, "aria-label": t("shell.nav")},
              sections(state), tree(state))]


def sections(state):
    page = state.route[0]
    items = []
    for target, key, pages in SECTIONS:
        active = page in pages
        items.append(h("li", {}, h("a", {"href": state.href(target), "class": "xl-section" + (" is-active" if active else ""),
                                         "aria-current": "page" if page == target else None}, state.t(key))))
    return h("ul", {"class": "xl-sections"}, items)


def current_uuid(state, page):
    return state.route[1].get("uuid") if state.route[0] == page else None


def twisty(state, key, label, is_open):
    word = state.t("nav.collapse" if is_open else "nav.expand")
    return h("button", {"type": "button", "class": "xl-twisty", "data-action": "nav.toggle", "data-key": key,
                        "data-open": "1" if is_open else "0", "aria-expanded": "true" if is_open else "false",
                        "aria-label": word + " " + label})


def count(number):
    return h("span", {"class": "xl-tree-count"}, str(number))


def tree(state):
    groups = groups_of(state)
    total = len(_memo["where"])
    _ref, pool = state.cache.first("pool")
    name = name_of(pool or {}) or state.t("nav.pool")
    is_open = expanded(state, "pool", total)
    row = h("div", {"class": "xl-tree-row"}, twisty(state, "pool", name, is_open),
            h("a", {"href": "#/", "class": "xl-node-link xl-pool-link"}, h("span", {"class": "xl-dot xl-dot-pool"}),
              h("span", {"class": "xl-label"}, name)), count(total))
    children = None
    if is_open:
        hosts = state.cache.all("host")
        host_refs = sorted(hosts, key=lambda ref: (name_of(hosts[ref]).lower(), ref))
        children = h("ul", {"class": "xl-branch"}, [host_node(state, groups, ref, hosts[ref], total) for ref in host_refs],
                     others_node(state, groups, total))
    return h("ul", {"class": "xl-tree"}, h("li", {"class": "xl-node"}, row, children))


def host_state(state, host):
    metrics = state.cache.get("host_metrics", host.get("metrics"))
    if metrics is not None and not metrics.get("live"):
        return "down"
    return "up" if host.get("enabled", True) else "disabled"


def host_node(state, groups, ref, host, total):
    name = name_of(host) or state.t("nav.unnamed")
    uuid = host.get("uuid") or ""
    vms = groups.get(ref, {})
    is_open = expanded(state, uuid, total)
    current = current_uuid(state, "host") == uuid
    status = host_state(state, host)
    row = h("div", {"class": "xl-tree-row" + (" is-current" if current else "")},
            twisty(state, uuid, name, is_open),
            h("a", {"href": state.href("host", {"uuid": uuid}), "class": "xl-node-link",
                    "aria-current": "page" if current else None, "title": name + " \u2014 " + state.t("state.host_" + status)},
              h("span", {"class": "xl-dot xl-host-" + status}), h("span", {"class": "xl-label"}, name)),
            count(len(vms)))
    children = vm_list(state, groups, ref, {"host": uuid}) if is_open else None
    return h("li", {"class": "xl-node"}, row, children)


def others_node(state, groups, total):
    vms = groups[OTHERS]
    if not vms:
        return None
    label = state.t("nav.other_vms")
    is_open = expanded(state, OTHERS, total)
    row = h("div", {"class": "xl-tree-row"}, twisty(state, OTHERS, label, is_open),
            h("span", {"class": "xl-node-link xl-group-label"}, h("span", {"class": "xl-label"}, label)), count(len(vms)))
    return h("li", {"class": "xl-node"}, row, vm_list(state, groups, OTHERS, {}) if is_open else None)


def vm_list(state, groups, key, filters):
    vms = sorted_group(groups, key)
    current = current_uuid(state, "vm")
    items = [vm_leaf(state, ref, vm, current) for ref, vm in vms[:GROUP_LIMIT]]
    if len(vms) > GROUP_LIMIT:
        text = "%s (%d)" % (state.t("nav.show_all"), len(vms))
        items.append(h("li", {"class": "xl-more"}, h("a", {"href": state.href("vms", filters)}, text)))
    return h("ul", {"class": "xl-branch"}, items)


def vm_leaf(state, ref, vm, current_uuid_value):
    uuid = vm.get("uuid") or ""
    power = vm.get("power_state") or ""
    name = name_of(vm) or state.t("nav.unnamed")
    is_current = uuid == current_uuid_value
    return h("li", {"key": ref},
             h("a", {"href": state.href("vm", {"uuid": uuid}), "class": "xl-leaf" + (" is-current" if is_current else ""),
                     "aria-current": "page" if is_current else None, "title": name + " \u2014 " + state.t("state." + power)},
               h("span", {"class": "xl-dot xl-vm-" + power.lower()}), h("span", {"class": "xl-label"}, name)))
