"""The stylesheet boot.js carries (devserver/cssmin.py): smaller, the same rules."""
import re

import pytest

from devserver import cssmin
from devserver.project import ROOT

CSS = (ROOT / "lite_app" / "static" / "app.css").read_text(encoding="utf-8")


def rules(css):
    """(selector, declarations) pairs with whitespace normalised and comments dropped, nesting flattened."""
    text = re.sub(r"\s+", " ", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    return [(a.strip(), b.strip().rstrip(";").strip()) for a, b in re.findall(r"([^{}]*)\{([^{}]*)\}", text)]


def test_the_app_stylesheet_keeps_every_rule_and_loses_a_tenth():
    small = cssmin.squeeze(CSS)
    assert "/*" not in small and "\n" not in small and "  " not in small
    assert [(s, d.replace("; ", ";").replace(" ;", ";")) for s, d in rules(CSS)] == \
        [(s, d.replace("; ", ";").replace(" ;", ";")) for s, d in rules(small)]
    assert small.count("{") == CSS.count("{") and small.count("}") == CSS.count("}")
    assert len(small) < 0.9 * len(CSS)


def test_combinators_calc_and_strings_stay():
    css = ".a .b > .c{ width: calc(100% - 8px) ; }\n/* note */\n.d::before { content: \"\\21B3\" }"
    assert cssmin.squeeze(css) == '.a .b > .c{width: calc(100% - 8px)}.d::before{content: "\\21B3"}'


def test_a_string_it_would_change_is_refused():
    with pytest.raises(ValueError):
        cssmin.squeeze('.a::after { content: "two  spaces" }')


def test_comment_markers_inside_a_string_stay():
    assert cssmin.squeeze('.a::after { content: "/* not a comment */" } /* one */') == \
        '.a::after{content: "/* not a comment */"}'


def test_a_comment_between_tokens_still_separates_them_and_braces_in_strings_are_refused():
    assert cssmin.squeeze(".a/* x */.b { color: red }") == ".a .b{color: red}"
    with pytest.raises(ValueError):
        cssmin.squeeze('.a::after { content: "x;}" }')
