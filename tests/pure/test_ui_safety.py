"""Strings from XAPI stay text: names, descriptions, tags and other_config full of markup never become
elements or attributes in any page's virtual DOM."""
import json

from views_fixture import HOSTILE, page_state

from lite_app.ui import dashboard, host, network, storage, vm, vmlist, vmrows
from lite_app.ui.vdom import ATTRIBUTES, find_all, is_node

PAGES = ((dashboard, "dashboard", {}), (host, "host", {"uuid": "host-2"}), (vm, "vm", {"uuid": "uuid-" + HOSTILE}),
         (vmlist, "vms", {}), (storage, "storage", {}), (network, "network", {"uuid": "net-0"}))
ALLOWED_TAGS = ("div", "section", "header", "h1", "h2", "p", "span", "strong", "code", "a", "ul", "li", "dl",
                "dt", "dd", "table", "caption", "thead", "tbody", "tr", "th", "td", "svg", "path", "button",
                "input", "select", "option", "label")


def text_nodes(node, out):
    for child in node[2]:
        if isinstance(child, str):
            out.append(child)
        else:
            text_nodes(child, out)
    return out


def check_tree(nodes):
    for node in nodes:
        assert is_node(node)
        for element in find_all(node, lambda n: True):
            assert element[0] in ALLOWED_TAGS, element[0]
            for name in element[1]:
                assert name in ATTRIBUTES or name.startswith("aria-") or name.startswith("data-"), name
                assert not name.startswith("on")


def test_markup_in_names_stays_a_text_node_on_every_page():
    for module, page, params in PAGES:
        state = page_state(page, params)
        if page == "vm":
            state.ui["vm.other_open"] = True
        nodes = module.render(state)
        check_tree(nodes)
        texts = []
        for node in nodes:
            text_nodes(node, texts)
        if page in ("host", "vm", "vms"):
            assert HOSTILE in texts, page
        json.dumps(nodes)  # what crosses to the renderer


def test_hostile_vm_page_shows_name_description_tag_and_config_as_text():
    state = page_state("vm", {"uuid": "uuid-" + HOSTILE})
    state.ui["vm.other_open"] = True
    nodes = vm.render(state)
    texts = text_nodes(nodes[0], [])
    assert texts.count(HOSTILE) >= 4, "name, description, tag, other_config value"
    assert vm.title(state) == HOSTILE
    # the hostile text never reaches an attribute other than as a plain value
    for element in find_all(nodes[0], lambda n: True):
        for name in element[1]:
            assert "<script" not in element[1][name] or name in ("aria-label", "title"), name


def test_the_vm_lists_rows_built_without_h_are_what_h_would_make():
    from lite_app.ui.vdom import clean_attrs, flatten
    state = page_state("vms")
    refs = vmlist.selected(state)[0]
    for position, ref in enumerate(refs):
        node = vmrows.row(state, ref, state.cache.get("VM", ref), position, position == 0)
        for element in find_all(node, lambda n: True):
            assert clean_attrs(element[1]) == element[1], element
            assert flatten(element[2]) == element[2], element
