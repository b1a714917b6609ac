"""The catalog: one helper fills named placeholders, and a value from XAPI cannot reorder the sentence."""
from lite_app.text.catalog import ENGLISH, fill, has, isolate, translate


def test_named_placeholders_are_filled_and_unknown_keys_read_as_themselves():
    assert translate("vm.disk_total", size="20 GiB") == "Total disk size: 20 GiB"
    assert translate("no.such.key") == "no.such.key" and not has("no.such.key") and has("app.name")
    assert fill("{a} and {b}", {"b": 2, "a": 1, "c": 3}) == "1 and 2"


def test_bidirectional_values_are_isolated_and_plain_ones_left_alone():
    assert isolate("web-01") == "web-01"
    assert isolate("caf\u00e9 \u00fc") == "caf\u00e9 \u00fc"
    assert isolate("\u202eevil") == "\u2068\u202eevil\u2069"
    assert isolate("\u05e9\u05dc\u05d5\u05dd") == "\u2068\u05e9\u05dc\u05d5\u05dd\u2069"
    sentence = translate("action.delete.confirm", vm="\u202eevil")
    assert sentence == "Delete the VM \u201c\u2068\u202eevil\u2069\u201d? This cannot be undone."


def test_every_placeholder_of_the_english_catalog_is_named():
    for key in ENGLISH:
        text = ENGLISH[key]
        assert "{}" not in text and "{0}" not in text, key


def test_a_page_group_without_strings_of_its_own_adds_nothing():
    from lite_app.text import catalog
    before = dict(catalog.ENGLISH)
    assert catalog.add_group("nogroup") is False
    assert catalog.ENGLISH == before


def test_a_page_groups_strings_join_the_table():
    import sys
    from lite_app.text import catalog

    class Strings:
        STRINGS = {"zz.greeting": "Hello {name}"}
    sys.modules["lite_app.text.en_zz"] = Strings
    try:
        assert catalog.add_group("zz") is True
        assert catalog.translate("zz.greeting", name="you") == "Hello you"
    finally:
        del sys.modules["lite_app.text.en_zz"]
        catalog.ENGLISH.pop("zz.greeting", None)
