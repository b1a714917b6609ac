"""Numbers, sizes, percentages and dates in each language (lite_app/text/fmt.py)."""
from lite_app.text import catalog, fmt

NNBSP = "\u202f"


def in_language(code, function, *args):
    catalog.use(code)
    try:
        return function(*args)
    finally:
        catalog.use("en")


def test_sizes_use_the_languages_decimal_separator():
    gib = 1024 ** 3
    assert [in_language(c, fmt.size, 1.5 * gib) for c in ("en", "fr", "de", "es")] == \
        ["1.5 GiB", "1,5 GiB", "1,5 GiB", "1,5 GiB"]
    assert in_language("fr", fmt.size, 16 * gib) == "16 GiB"


def test_large_whole_numbers_are_grouped_from_five_digits():
    assert [in_language(c, fmt.integer, 10000) for c in ("en", "fr", "de", "es")] == \
        ["10,000", "10" + NNBSP + "000", "10.000", "10.000"]
    assert in_language("de", fmt.integer, 9999) == "9999"
    assert in_language("en", fmt.integer, -1234567) == "-1,234,567"


def test_percentages():
    assert [in_language(c, fmt.percent_text, 42) for c in ("en", "fr", "de", "es")] == \
        ["42%", "42" + NNBSP + "%", "42\u00a0%", "42\u00a0%"]
    assert in_language("fr", fmt.percent_text, 12.5) == "12,5" + NNBSP + "%"


def test_dates_and_relative_times():
    epoch = 1749126840  # 2025-06-05 12:34 UTC
    assert in_language("en", fmt.date_text, epoch) == "5 Jun 2025, 12:34 UTC"
    assert in_language("fr", fmt.date_text, epoch) == "5 juin 2025 \u00e0 12:34 UTC"
    assert in_language("de", fmt.date_text, epoch) == "5. Juni 2025, 12:34 UTC"
    assert in_language("es", fmt.date_text, epoch) == "5 jun 2025, 12:34 UTC"
    assert fmt.stamp(epoch) == "2025-06-05 12:34"
    assert in_language("en", fmt.relative, epoch - 300, epoch) == "5 min ago"
    assert in_language("fr", fmt.relative, epoch - 300, epoch) != "5 min ago"
