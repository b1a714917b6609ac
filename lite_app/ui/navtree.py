"""Navigation: the section links and the collapsible pool -> hosts -> VMs tree.

Running (and paused) VMs sit under their host, the others under the pool's "Not running" group
(lite_app.logic.navtree keeps that grouping cheap at 10,000 VMs). Groups start collapsed past
AUTO_EXPAND_LIMIT VMs, and an open group lists GROUP_LIMIT VMs then links to the VM list filtered on
that host. Pure vdom.
"""
from lite_app.logic import memo
from lite_app.logic.navtree import OTHERS, groups_of
from lite_app.text import catalog
from lite_app.ui import preferences
from lite_app.ui.vdom import h

GROUP_LIMIT = 50
AUTO_EXPAND_LIMIT = 200
SECTIONS = (("dashboard", "nav.dashboard", ("dashboard",)), ("pool", "nav.pool_settings", ("pool",)),
            ("vms", "nav.vms", ("vms",)),
            ("storage", "nav.storage", ("storage", "sr")), ("networks", "nav.networks", ("networks", "network")),
            ("tasks", "nav.tasks", ("tasks",)), ("alarms", "nav.alarms", ("alarms",)),
            ("python", "nav.python", ("python",)))


def label_of(record):
    """A tree label: the object's name ("" when it has none; the caller says "unnamed")."""
    return record.get("name_label") or ""


def expanded(state, key, total):
    opened = state.ui.get("nav.expanded") or {}
    if key in opened:
        return opened[key]
    return key == "pool" or total <= AUTO_EXPAND_LIMIT


def render(state):
    """The same nodes as the last render when nothing the panel shows changed (a keystroke in a page, a
    change to a VM of a folded group): the shell then neither serialises nor sends them."""
    groups = groups_of(state, wants=lambda total: any_open(state, total))
    total = groups.total()
    if not groups.ready() and any_open(state, total):  # a group was unfolded since the counting
        groups = groups_of(state, True)
    return memo.keyed(state, "nav.nodes", panel_key(state, groups, total), lambda: panel(state, groups, total))


def panel_key(state, groups, total):
    """What the panel shows depends on; None (never the same) when the state counts no changes. The hosts
    count by what their rows show (a VM started or stopped changes its host's record, not its row), the
    VMs only while a group lists them."""
    classes = memo.versions(state, ("VM",) if any_open(state, total) else ())
    if classes is None:
        return None
    opened = state.ui.get("nav.expanded") or {}
    _ref, pool = state.cache.first("pool")
    return (state.route[0], state.route[1].get("uuid"), bool(state.ui.get("nav.open")),
            tuple(sorted([(key, bool(opened[key])) for key in opened])), state.ui.get("shell.theme"),
            catalog.language(), classes, label_of(pool or {}), hosts_shown(state),
            tuple(sorted(groups.counts.items())), total)


def hosts_shown(state):
    """(ref, name, uuid, state) of each host: what its row in the tree shows besides its count."""
    hosts = state.cache.all("host")
    return tuple([(ref, label_of(hosts[ref]), hosts[ref].get("uuid") or "", host_state(state, hosts[ref]))
                  for ref in sorted(hosts)])


def panel(state, groups, total):
    classes = "xl-nav is-open" if state.ui.get("nav.open") else "xl-nav"
    language, page = catalog.language(), state.route[0]
    return [h("nav", {"id": "xl-nav-panel", "class": classes, "aria-label": state.t("shell.nav")},
              part(state, "sections", (language, page), lambda: sections(state)), tree(state, groups, total),
              part(state, "drawer", (language, state.ui.get("shell.theme")), lambda: preferences.drawer(state)))]


def part(state, name, key, make):
    """A piece of the panel made again only when `key` changes: a live pool re-renders the panel at
    every change of a host's count, and most of it (the sections, the menus, the other hosts) stays."""
    return memo.keyed(state, "nav.part." + name, key, make)


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


def tree(state, groups, total):
    _ref, pool = state.cache.first("pool")
    name = label_of(pool or {}) or state.t("nav.pool")
    is_open = expanded(state, "pool", total)
    row = h("div", {"class": "xl-tree-row"}, twisty(state, "pool", name, is_open),
            h("a", {"href": "#/", "class": "xl-node-link xl-pool-link"}, h("span", {"class": "xl-dot xl-dot-pool"}),
              h("span", {"class": "xl-label"}, name)), count(total))
    children = None
    if is_open:
        hosts = state.cache.all("host")
        host_refs = sorted(hosts, key=lambda ref: (label_of(hosts[ref]).lower(), ref))
        children = h("ul", {"class": "xl-branch"}, [host_part(state, groups, ref, hosts[ref], total) for ref in host_refs],
                     others_node(state, groups, total))
    return h("ul", {"class": "xl-tree"}, h("li", {"class": "xl-node"}, row, children))


def any_open(state, total):
    """Whether a host or the "Not running" group is unfolded (its VMs are listed)."""
    if total <= AUTO_EXPAND_LIMIT:
        return True
    opened = state.ui.get("nav.expanded") or {}
    return any(opened[key] for key in opened if key != "pool")


def host_state(state, host):
    metrics = state.cache.get("host_metrics", host.get("metrics"))
    if metrics is not None and not metrics.get("live"):
        return "down"
    return "up" if host.get("enabled", True) else "disabled"


def host_part(state, groups, ref, host, total):
    """A host's node, kept while its row shows the same (a folded host: an unfolded one lists its VMs)."""
    uuid = host.get("uuid") or ""
    if expanded(state, uuid, total):
        return host_node(state, groups, ref, host, total)
    key = (catalog.language(), label_of(host), uuid, current_uuid(state, "host") == uuid, host_state(state, host),
           groups.count(ref), state.href("host", {"uuid": uuid}))
    return part(state, "host." + ref, key, lambda: host_node(state, groups, ref, host, total))


def host_node(state, groups, ref, host, total):
    name = label_of(host) or state.t("nav.unnamed")
    uuid = host.get("uuid") or ""
    is_open = expanded(state, uuid, total)
    current = current_uuid(state, "host") == uuid
    status = host_state(state, host)
    row = h("div", {"class": "xl-tree-row" + (" is-current" if current else "")},
            twisty(state, uuid, name, is_open),
            h("a", {"href": state.href("host", {"uuid": uuid}), "class": "xl-node-link",
                    "aria-current": "page" if current else None, "title": name + " \u2014 " + state.t("state.host_" + status)},
              h("span", {"class": "xl-dot xl-host-" + status}), h("span", {"class": "xl-label"}, name)),
            count(groups.count(ref)))
    children = vm_list(state, groups, ref, {"host": uuid}) if is_open else None
    return h("li", {"class": "xl-node"}, row, children)


def others_node(state, groups, total):
    vms = groups.count(OTHERS)
    if not vms:
        return None
    label = state.t("nav.other_vms")
    is_open = expanded(state, OTHERS, total)
    row = h("div", {"class": "xl-tree-row"}, twisty(state, OTHERS, label, is_open),
            h("span", {"class": "xl-node-link xl-group-label"}, h("span", {"class": "xl-label"}, label)), count(vms))
    return h("li", {"class": "xl-node"}, row, vm_list(state, groups, OTHERS, {}) if is_open else None)


def vm_list(state, groups, key, filters):
    vms = groups.sorted(key)
    current = current_uuid(state, "vm")
    items = [vm_leaf(state, ref, vm, current) for ref, vm in vms[:GROUP_LIMIT]]
    if len(vms) > GROUP_LIMIT:
        text = "%s (%d)" % (state.t("nav.show_all"), len(vms))
        items.append(h("li", {"class": "xl-more"}, h("a", {"href": state.href("vms", filters)}, text)))
    return h("ul", {"class": "xl-branch"}, items)


def vm_leaf(state, ref, vm, current_uuid_value):
    uuid = vm.get("uuid") or ""
    power = vm.get("power_state") or ""
    name = label_of(vm) or state.t("nav.unnamed")
    is_current = uuid == current_uuid_value
    return h("li", {"key": ref},
             h("a", {"href": state.href("vm", {"uuid": uuid}), "class": "xl-leaf" + (" is-current" if is_current else ""),
                     "aria-current": "page" if is_current else None, "title": name + " \u2014 " + state.t("state." + power)},
               h("span", {"class": "xl-dot xl-vm-" + power.lower()}), h("span", {"class": "xl-label"}, name)))
