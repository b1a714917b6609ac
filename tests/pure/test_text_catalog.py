"""The catalog: one helper fills named placeholders, plural forms follow the language's rule, and a value
from XAPI cannot reorder the sentence."""
from lite_app.text import catalog
from lite_app.text.catalog import fill, has, isolate, translate
from lite_app.text.en import STRINGS as ENGLISH


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
        forms = ENGLISH[key].values() if isinstance(ENGLISH[key], dict) else [ENGLISH[key]]
        for text in forms:
            assert "{}" not in text and "{0}" not in text, key


def test_a_count_picks_the_plural_form():
    assert translate("shell.tasks", count=1) == "1 task running"
    assert translate("shell.tasks", count=2) == "2 tasks running"
    assert translate("shell.tasks", count=0) == "0 tasks running"
    assert translate("shell.tasks", count="1") == "1 task running"
    assert translate("shell.tasks") == "{count} tasks running"  # no count: the general form


def test_plural_rules_per_language():
    assert [catalog.plural_form(n, "en") for n in (0, 1, 2, 1.5)] == ["other", "one", "other", "other"]
    assert [catalog.plural_form(n, "fr") for n in (0, 1, 2, 1.5)] == ["one", "one", "other", "other"]
    assert [catalog.plural_form(n, "de") for n in (0, 1, 2)] == ["other", "one", "other"]
    assert [catalog.plural_form(n, "es") for n in (0, 1, 2)] == ["other", "one", "other"]
    assert catalog.plural_form("many", "en") == "other"


def test_the_language_is_the_stored_choice_else_the_browsers_first_offered():
    assert catalog.choose(["fr-CA", "en-US"]) == "fr"
    assert catalog.choose(["pt-BR", "de-AT", "fr"]) == "de"
    assert catalog.choose(["ES"]) == "es"
    assert catalog.choose(["ja", "zh-Hans"]) == "en"
    assert catalog.choose([]) == "en"
    assert catalog.choose(["fr"], stored="de") == "de"
    assert catalog.choose(["fr"], stored="xx") == "fr"


def test_use_switches_the_table_and_falls_back_to_english_for_an_unknown_code():
    try:
        assert catalog.use("fr") == "fr" and catalog.language() == "fr"
        assert translate("login.username") != ENGLISH["login.username"]
        assert translate("shell.tasks", count=0) == catalog.strings_of("fr")["shell.tasks"]["one"].replace("{count}", "0")
        assert catalog.use("xx") == "en" and translate("login.username") == ENGLISH["login.username"]
    finally:
        catalog.use("en")


def test_a_page_group_without_strings_of_its_own_adds_nothing():
    before = dict(catalog.table())
    assert catalog.add_group("nogroup") is False
    assert catalog.table() == before


def test_a_page_groups_strings_join_the_table():
    import sys

    class Strings:
        STRINGS = {"zz.greeting": "Hello {name}"}
    sys.modules["lite_app.text.en_zz"] = Strings
    try:
        assert catalog.add_group("zz") is True
        assert catalog.translate("zz.greeting", name="you") == "Hello you"
    finally:
        del sys.modules["lite_app.text.en_zz"]
        catalog.table().pop("zz.greeting", None)
