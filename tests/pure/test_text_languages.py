"""Every language is complete: the same keys as English, the same placeholders in each string, plural
forms where English counts, and the formats each language needs. Runs under MicroPython too."""
from lite_app.text import catalog

ENGLISH = catalog.strings_of("en")


def placeholders(text):
    """The {name} placeholders of `text` (names are lower-case words, as the catalog writes them)."""
    found, start = set(), text.find("{")
    while start >= 0:
        end = text.find("}", start)
        if end < 0:
            break
        name = text[start + 1:end]
        if name and all(c.isalpha() or c.isdigit() or c == "_" for c in name) and name[0].isalpha() \
                and name == name.lower():
            found.add(name)
        start = text.find("{", start + 1)
    return found


def forms(value):
    return value if isinstance(value, dict) else {"other": value}


def test_every_language_has_exactly_the_english_keys():
    for code in catalog.LANGUAGES:
        strings = catalog.strings_of(code)
        missing = sorted(k for k in ENGLISH if k not in strings)
        extra = sorted(k for k in strings if k not in ENGLISH)
        assert (code, missing, extra) == (code, [], [])


def test_placeholders_match_english_in_every_language():
    wrong = []
    for code in catalog.LANGUAGES:
        strings = catalog.strings_of(code)
        for key in ENGLISH:
            english, text = forms(ENGLISH[key]), forms(strings[key])
            if set(english) != set(text):
                wrong.append((code, key, "forms"))
                continue
            names = placeholders(english["other"])
            if placeholders(text["other"]) != names:
                wrong.append((code, key, "other"))
            if "one" in text and not placeholders(text["one"]) <= names:
                wrong.append((code, key, "one"))
    assert wrong == []


def test_counting_strings_are_plural_and_others_are_not():
    for code in catalog.LANGUAGES:
        for key, value in catalog.strings_of(code).items():
            counts = "{count}" in (value["other"] if isinstance(value, dict) else value)
            if isinstance(value, dict):
                assert sorted(value) == ["one", "other"], (code, key)
            assert counts == isinstance(value, dict), (code, key)


def test_no_string_is_empty_and_translations_differ_from_english():
    same = {}
    for code in catalog.LANGUAGES:
        if code == "en":
            continue
        strings = catalog.strings_of(code)
        for key in ENGLISH:
            for form, text in forms(strings[key]).items():
                assert text.strip() or (key.startswith("fmt.") and text), (code, key, form)
        # Sentences left in English: a few words are the same in several languages (names, units).
        same[code] = [k for k in ENGLISH if not isinstance(ENGLISH[k], dict) and strings[k] == ENGLISH[k]
                      and ENGLISH[k].count(" ") >= 3]
    assert same == {code: [] for code in same}


def test_every_language_names_itself_in_the_menu():
    assert sorted(catalog.AUTONYMS) == sorted(catalog.LANGUAGES)
