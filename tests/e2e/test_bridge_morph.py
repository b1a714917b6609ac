"""bridge.js's renderer in Chromium: an optional element appearing or vanishing before siblings keeps
those siblings (the same DOM nodes, a typed value, focus) instead of rebuilding them."""
import json
from pathlib import Path

import pytest

BRIDGE = (Path(__file__).resolve().parents[2] / "lite_app" / "static" / "bridge.js").read_text()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<div id='root'></div>")
    page.add_script_tag(content=BRIDGE)
    yield page
    context.close()


def render(page, nodes):
    page.evaluate("json => window.xcplite.render('root', json)", json.dumps(nodes))


FORM = [["input", {"id": "tag", "type": "text", "value": ""}, []],
        ["button", {"id": "add", "type": "button"}, ["Add tag"]]]
CHIPS = [["ul", {"class": "tags"}, [["li", {}, ["web"]]]]]
LEGEND = [["p", {"class": "legend"}, ["Tags"]]]


def test_an_element_inserted_before_siblings_keeps_them(page):
    render(page, LEGEND + FORM)
    page.evaluate("window.kept = document.getElementById('tag')")
    page.fill("#tag", "typed")
    page.focus("#tag")
    render(page, LEGEND + CHIPS + FORM)
    assert page.evaluate("document.getElementById('tag') === window.kept")
    assert page.evaluate("document.activeElement.id") == "tag"
    assert page.input_value("#tag") == "typed"
    assert page.evaluate("[...document.getElementById('root').children].map(e => e.tagName)") == \
        ["P", "UL", "INPUT", "BUTTON"]


def test_an_element_removed_before_siblings_keeps_them(page):
    render(page, LEGEND + CHIPS + FORM)
    page.evaluate("window.kept = document.getElementById('add')")
    render(page, LEGEND + FORM)
    assert page.evaluate("document.getElementById('add') === window.kept")
    assert page.evaluate("[...document.getElementById('root').children].map(e => e.tagName)") == \
        ["P", "INPUT", "BUTTON"]


def test_unrelated_changes_still_render_exactly(page):
    render(page, LEGEND + FORM)
    render(page, [["p", {"class": "other"}, ["x"]], ["span", {}, ["y"]]])
    assert page.evaluate("document.getElementById('root').innerHTML") == '<p class="other">x</p><span>y</span>'


def buttons(*ops):
    """Toolbar buttons keyed by action, each disabled one followed by its keyed reason."""
    out = []
    for op, on in ops:
        out.append(["button", {"key": "act-" + op, "id": op, "type": "button"}, [op]])
        if not on:
            out.append(["span", {"key": "why-" + op}, ["why not " + op]])
    return out


def test_keyed_children_keep_their_identity_and_focus_when_their_neighbours_change(page):
    render(page, buttons(("start", True), ("edit", True), ("delete", False)))
    page.evaluate("window.edit = document.getElementById('edit')")
    page.focus("#edit")
    # a live update: start becomes refused (a reason appears before edit), delete becomes allowed
    render(page, buttons(("start", False), ("edit", True), ("delete", True)))
    assert page.evaluate("document.getElementById('edit') === window.edit")
    assert page.evaluate("document.activeElement.id") == "edit"
    assert page.evaluate("[...document.getElementById('root').children].map(e => e.id || e.textContent)") == \
        ["start", "why not start", "edit", "delete"]


def test_keyed_children_that_move_are_moved_not_rebuilt(page):
    render(page, [["li", {"key": k, "id": k}, [k]] for k in ("a", "b", "c")])
    page.evaluate("window.c = document.getElementById('c')")
    render(page, [["li", {"key": k, "id": k}, [k]] for k in ("c", "a", "d")])
    assert page.evaluate("document.getElementById('c') === window.c")
    assert page.evaluate("[...document.getElementById('root').children].map(e => e.id)") == ["c", "a", "d"]
