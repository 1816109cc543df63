"""Numbers, quantities, dates and names: the forms a rendition rewrites without
changing the fact, and the ones where the fact changed (the seed stories' cases)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.text.names import EntityMatch
from aligner.text.normalization import (
    DateMention,
    Numeral,
    Quantity,
    alias_group,
    dates_agree,
    extract_dates,
    extract_quantities,
    name_similarity,
    parse_number,
    parse_numeral,
    quantities_agree,
    same_entity,
)


def toks(text: str) -> list[str]:
    """Tokens separated by spaces; "_" joins a token that contains a space."""
    return [t.replace("_", " ") for t in text.split()]


def one_date(text: str, lang: str) -> DateMention:
    dates = extract_dates(toks(text), lang)
    assert len(dates) == 1, dates
    return dates[0]


def one_quantity(text: str, lang: str) -> Quantity:
    qs = extract_quantities(toks(text), lang)
    assert len(qs) == 1, qs
    return qs[0]


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("10 000", "fr", 10000.0),
        ("10\u202f000", "fr", 10000.0),
        ("10\u00a0000", "fr", 10000.0),
        ("10,000", "en", 10000.0),
        ("10.000", "fr", 10000.0),
        ("1.000.000", "fr", 1_000_000.0),
        ("1,000,000", "en", 1_000_000.0),
        ("3,5", "fr", 3.5),
        ("3.5", "en", 3.5),
        ("3.5", "fr", 3.5),
        ("3,5", "en", 3.5),
        ("1,234.5", "en", 1234.5),
        ("1.234,5", "fr", 1234.5),
        ("1 000 000,5", "fr", 1_000_000.5),
        ("0,125", "fr", 0.125),
        ("-3,5", "fr", -3.5),
        ("285407", "en", 285407.0),
        ("dix", "fr", 10.0),
        ("vingt et un", "fr", 21.0),
        ("vingt-et-un", "fr", 21.0),
        ("twenty-one", "en", 21.0),
        ("soixante et onze", "fr", 71.0),
        ("soixante-dix-sept", "fr", 77.0),
        ("quatre-vingts", "fr", 80.0),
        ("quatre-vingt-dix-sept", "fr", 97.0),
        ("deux cents", "fr", 200.0),
        ("cent", "fr", 100.0),
        ("mille", "fr", 1000.0),
        ("trois milliards", "fr", 3e9),
        ("two hundred thousand", "en", 200_000.0),
        ("one hundred and five", "en", 105.0),
        ("a dozen", "en", 12.0),
        ("une douzaine", "fr", 12.0),
        ("1,5 million", "fr", 1_500_000.0),
        ("3 billion", "en", 3e9),
        ("2 billions", "fr", 2e12),  # French long scale: un billion = 10^12
    ],
)
def test_parse_number(text: str, lang: str, value: float) -> None:
    assert parse_number(text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [("two three", "en"), ("twenty ten", "en"), ("vingt dix", "fr"), ("millions", "fr"), ("abc", "en"), ("", "fr"), ("10:20", "en"), ("1 23", "fr")],
)
def test_not_numbers(text: str, lang: str) -> None:
    assert parse_number(text, lang) is None


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("first", "en", 1), ("3rd", "en", 3), ("twentieth", "en", 20), ("twenty-first", "en", 21),
     ("premier", "fr", 1), ("première", "fr", 1), ("3e", "fr", 3), ("1er", "fr", 1), ("2ème", "fr", 2),
     ("vingt et unième", "fr", 21), ("cinquième", "fr", 5), ("neuvième", "fr", 9), ("1ᵉʳ", "fr", 1)],
)
def test_ordinals_are_flagged(text: str, lang: str, value: int) -> None:
    num = parse_numeral(text, lang)
    assert num is not None and num.ordinal and num.value == value


def test_ambiguous_comma_in_french_keeps_both_readings() -> None:
    # Trailing zero: an English-style thousands group; otherwise a French decimal.
    assert parse_numeral("10,000", "fr") == Numeral(10000.0, alt=10.0)
    num = parse_numeral("3,125", "fr")
    assert num is not None and (num.value, num.alt) == (3.125, 3125.0)
    assert parse_numeral("10,000", "en") == Numeral(10000.0)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_integers_round_trip_in_each_locale(n: int) -> None:
    en = f"{n:,}"
    assert parse_number(en, "en") == n
    for sep in (" ", "\u202f", "\u00a0", "."):
        assert parse_number(en.replace(",", sep), "fr") == n


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_formatted_decimals_round_trip(whole: int, cents: int) -> None:
    value = whole + cents / 100
    assert parse_number(f"{whole:,}.{cents:02d}", "en") == pytest.approx(value)
    fr = f"{whole:,}".replace(",", "\u202f") + f",{cents:02d}"
    assert parse_number(fr, "fr") == pytest.approx(value)


# ------------------------------------------------------------------------- quantities


def test_seed_quantities_agree_across_languages() -> None:
    fr = extract_quantities(toks("et que 10_000 militants d' ISIS étaient détenus dans au moins 20 prisons"), "fr")
    en = extract_quantities(toks("and 10,000 ISIS militants are in at least 20 temporary prisons"), "en")
    assert [(q.value, q.kind, q.qualifier) for q in fr] == [(10000.0, "number", None), (20.0, "number", ">=")]
    assert [(q.value, q.kind, q.qualifier) for q in en] == [(10000.0, "number", None), (20.0, "number", ">=")]
    assert all(quantities_agree(a, b) for a, b in zip(fr, en, strict=True))
    assert quantities_agree(fr[0], en[1]) is False


def test_ten_thousand_in_three_notations() -> None:
    a = one_quantity("10_000 militants", "fr")
    b = one_quantity("10,000 militants", "en")
    c = one_quantity("10.000 militants", "fr")
    assert a.value == b.value == c.value == 10000.0
    assert quantities_agree(a, b) and quantities_agree(b, c)


def test_percent_in_both_notations() -> None:
    fr = one_quantity("soit 3,5 % de plus", "fr")
    en = one_quantity("a 3.5% rise", "en")
    assert (fr.value, fr.unit, fr.kind, fr.start, fr.end) == (3.5, "%", "percent", 1, 3)
    assert (en.value, en.unit, en.kind, en.start, en.end) == (3.5, "%", "percent", 1, 2)
    assert quantities_agree(fr, en) is True
    words = one_quantity("35 per cent", "en")
    assert (words.value, words.kind, words.end) == (35.0, "percent", 3)
    assert one_quantity("35 pour cent", "fr").kind == "percent"


def test_multipliers_money_and_units() -> None:
    q = one_quantity("1,5 million de dollars", "fr")
    assert (q.value, q.unit, q.kind, q.start, q.end) == (1.5e6, "USD", "money", 0, 4)
    q = one_quantity("$ 3 billion", "en")
    assert (q.value, q.unit, q.kind, q.start, q.end) == (3e9, "USD", "money", 0, 3)
    q = one_quantity("2 milliards d' euros", "fr")
    assert (q.value, q.unit, q.kind) == (2e9, "EUR", "money")
    q = one_quantity("160 km", "en")
    assert (q.value, q.unit, q.kind) == (160.0, "km", "measure")
    q = one_quantity("160 kilomètres", "fr")
    assert (q.value, q.unit) == (160.0, "km")
    assert quantities_agree(one_quantity("100 km", "fr"), one_quantity("62 miles", "en")) is True
    assert quantities_agree(one_quantity("100 km", "fr"), one_quantity("100 miles", "en")) is False
    assert quantities_agree(one_quantity("100 km", "fr"), one_quantity("100 kg", "en")) is None
    assert quantities_agree(one_quantity("5 dollars", "en"), one_quantity("5 euros", "fr")) is None


def test_kilometre_160_is_a_place_whose_number_agrees() -> None:
    fr = one_quantity("dans la zone du kilomètre 160 sur l' autoroute", "fr")
    en = one_quantity('in the area known as " 160 km " on the highway', "en")
    assert (fr.value, fr.unit, fr.start, fr.end, fr.text) == (160.0, "km", 4, 6, "kilomètre 160")
    assert quantities_agree(fr, en) is True
    assert quantities_agree(fr, one_quantity("Kilometer 160", "en")) is True


def test_years_words_and_articles() -> None:
    qs = extract_quantities(toks("Les États-Unis occupent depuis 2015 la base"), "fr")
    assert [(q.value, q.kind) for q in qs] == [(2015.0, "year")]
    plain = Quantity(2015.0, None, "number", 0, 1, "2015")
    assert quantities_agree(qs[0], plain) is True
    qs = extract_quantities(toks("dix ans , vingt et un soldats , un groupe , une source"), "fr")
    assert [(q.value, q.unit, q.text) for q in qs] == [(10.0, "yr", "dix ans"), (21.0, None, "vingt et un")]
    qs = extract_quantities(toks("ten years , twenty-one soldiers , one source , the third attack"), "en")
    assert [(q.value, q.kind) for q in qs] == [(10.0, "measure"), (21.0, "number"), (3.0, "ordinal")]
    assert extract_quantities(toks("le premier ministre irakien"), "fr") == []


def test_dates_are_not_counted_as_quantities() -> None:
    qs = extract_quantities(toks("le 3 février 2024 , 5 soldats"), "fr")
    assert [(q.value, q.start) for q in qs] == [(5.0, 5)]


def test_ambiguous_reading_is_accepted_by_comparison() -> None:
    fr = one_quantity("10,000 km", "fr")
    assert (fr.value, fr.alt_value) == (10000.0, 10.0)
    assert quantities_agree(fr, one_quantity("10 km", "en")) is True


# ------------------------------------------------------------------------------ dates


def test_seed_date_disagrees_on_month() -> None:
    fr = one_date("L' armée irakienne a affronté les militants le 3 février , a déclaré", "fr")
    en = one_date("on Saturday ( April 3 ) , a day after the US attacks", "en")
    assert (fr.year, fr.month, fr.day, fr.weekday, fr.start, fr.end) == (None, 2, 3, None, 8, 10)
    assert (en.year, en.month, en.day, en.weekday, en.start, en.end) == (None, 4, 3, 5, 1, 6)
    assert en.text == "Saturday (April 3)"
    assert dates_agree(fr, en) is False


@pytest.mark.parametrize("en_text", ["Feb. 3", "Feb . 3", "February 3", "3 February", "3rd of February", "February 3rd"])
def test_same_date_in_other_words(en_text: str) -> None:
    fr = one_date("3 février", "fr")
    assert dates_agree(fr, one_date(en_text, "en")) is True


def test_more_date_forms() -> None:
    assert dates_agree(one_date("le 24 janvier", "fr"), one_date("on January 24", "en")) is True
    d = one_date("le 3 février 2024", "fr")
    assert (d.year, d.month, d.day, d.start, d.end) == (2024, 2, 3, 1, 4)
    d = one_date("February 3 , 2024", "en")
    assert (d.year, d.month, d.day, d.end) == (2024, 2, 3, 4)
    d = one_date("5 Feb 2024 - 10:20", "en")
    assert (d.year, d.month, d.day) == (2024, 2, 5)
    d = one_date("le 1er mars", "fr")
    assert (d.month, d.day) == (3, 1)
    d = one_date("samedi 3 février", "fr")
    assert (d.month, d.day, d.weekday) == (2, 3, 5)
    d = one_date("2024-02-03", "en")
    assert (d.year, d.month, d.day) == (2024, 2, 3)
    assert (one_date("03/02/2024", "fr").month, one_date("03/02/2024", "en").month) == (2, 3)
    assert one_date("13/02/2024", "en").month == 2  # 13 cannot be a month
    d = one_date("in May 2015", "en")
    assert (d.year, d.month, d.day) == (2015, 5, None)


def test_ambiguous_month_words_need_a_number() -> None:
    assert extract_dates(toks("the United States may use ISIS"), "en") == []
    assert extract_dates(toks("the march on the capital"), "en") == []
    assert extract_dates(toks("sept soldats"), "fr") == []
    assert len(extract_dates(toks("on May 3"), "en")) == 1


def test_weekday_against_full_date() -> None:
    saturday = one_date("on Saturday", "en")
    assert (saturday.weekday, saturday.month) == (5, None)
    assert dates_agree(saturday, one_date("3 février 2024", "fr")) is True  # a Saturday
    assert dates_agree(saturday, one_date("4 février 2024", "fr")) is False
    assert dates_agree(saturday, one_date("3 février", "fr")) is None
    assert extract_dates(["2024"], "en") == []  # a bare year is a quantity


# ------------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("a", "b"),
    [("Al-Nujaba", "Al-Najbai"), ("The Cradle", "Cridel"), ("Cridel", "Kridel"), ("Mossoul", "Mosul"),
     ("Daech", "Daesh"), ("Al-Sakkar", "Al-Sakar"), ("Rutba", "Routba"), ("Hisham al-Hashemi", "Hicham al-Hachemi"),
     ("Kataib Hezbollah", "Kata'ib Hizbullah"), ("Mohammed", "Muhammad")],
)
def test_spelling_variants_score_high(a: str, b: str) -> None:
    assert name_similarity(a, b) >= 0.7
    assert same_entity(a, b).same is True


@pytest.mark.parametrize(
    ("a", "b", "below"),
    [("Mosul", "Damascus", 0.4), ("Lister", "Maliki", 0.3), ("Iraq", "Iran", 0.7), ("Gaza", "Giza", 0.7),
     ("Hama", "Homs", 0.5), ("Charles Lister", "Charles", 0.7)],
)
def test_different_names_score_low(a: str, b: str, below: float) -> None:
    assert name_similarity(a, b) < below
    assert same_entity(a, b).same is False


def test_exact_names_and_evidence() -> None:
    assert name_similarity("Nouri al-Maliki", "Nouri al-Maliki") == 1.0
    assert name_similarity("Al-Tanf", "al-Tanf") == 1.0
    assert same_entity("Nouri al-Maliki", "Nouri al-Maliki") == EntityMatch(True, "exact", 1.0)
    match = same_entity("Cridel", "Kridel")
    assert match == EntityMatch(True, "variant", 0.95) and str(match) == "variant 0.95"
    assert str(same_entity("Mosul", "Damascus")).startswith("different 0.")
    assert name_similarity("Nouri al-Maliki", "Maliki") == 0.8


@pytest.mark.parametrize(
    ("a", "b"),
    [("ISIS", "Daech"), ("ISIS", "EI"), ("Islamic State", "État islamique"), ("ISIL", "Daesh"),
     ("États-Unis", "USA"), ("U.S.", "United States"), ("É.-U.", "America"), ("the United States", "les États-Unis"),
     ("Irak", "Iraq"), ("Syrie", "Syria"), ("PMU", "UGP"), ("PMF", "Forces de mobilisation populaire"),
     ("Popular Mobilization Forces", "PMU"), ("l'État islamique", "ISIS")],
)
def test_aliases(a: str, b: str) -> None:
    assert same_entity(a, b) == EntityMatch(True, "alias", 0.0)


def test_aliases_are_careful_with_acronyms() -> None:
    assert alias_group("Daech") == "ISIS"
    assert alias_group("us") is None
    assert same_entity("us", "US").same is False
    assert same_entity("EU", "É.-U.").same is False
    assert same_entity("Iraq", "Iran") == EntityMatch(False, "alias-conflict", 0.0)


# ------------------------------------------------------------ other language packs


@pytest.mark.parametrize(
    ("tokens", "lang", "fields"),
    [
        ("am 5. März 2024", "de", (2024, 3, 5)),
        ("3. Februar", "de", (None, 2, 3)),
        ("5 de marzo de 2024", "es", (2024, 3, 5)),
        ("5 марта 2024 года", "ru", (2024, 3, 5)),
        ("12 Mart", "tr", (None, 3, 12)),
        ("15 settembre", "it", (None, 9, 15)),
        ("9 de novembro", "pt", (None, 11, 9)),
        ("١٠ مايو", "ar", (None, 5, 10)),
        ("۱۲ مارس", "fa", (None, 3, 12)),
        ("2024 年 3 月 12 日", "zh", (2024, 3, 12)),
        ("7 月 18 日", "zh", (None, 7, 18)),
    ],
)
def test_dates_in_every_pack(tokens: str, lang: str, fields: tuple) -> None:
    d = one_date(tokens, lang)
    assert (d.year, d.month, d.day) == fields


def test_month_names_come_from_cldr_in_every_form() -> None:
    """Russian genitive (марта) and nominative (март), abbreviations with a dot."""
    assert one_date("март 2024", "ru").month == 3
    assert one_date("12 janv. 2024", "fr").month == 1
    assert one_date("Mär. 2024", "de").month == 3


def test_german_date_equals_english_date() -> None:
    assert dates_agree(one_date("am 5. März", "de"), one_date("March 5", "en")) is True
    assert dates_agree(one_date("am 5. März", "de"), one_date("March 15", "en")) is False


@pytest.mark.parametrize(
    ("tokens", "lang", "value", "unit"),
    [
        ("2,4 Mrd. Euro", "de", 2.4e9, "EUR"),
        ("3,1 Millionen", "de", 3.1e6, None),
        ("300 тыс. рублей", "ru", 3e5, "RUB"),
        ("4,2 млрд рублей", "ru", 4.2e9, "RUB"),
        ("5 milyon lira", "tr", 5e6, "TRY"),
        ("1.200 millones de euros", "es", 1.2e9, "EUR"),
        ("3 mil millones de euros", "es", 3e9, "EUR"),
        ("1,3 mil milhões de euros", "pt", 1.3e9, "EUR"),
        ("5 milioni di euro", "it", 5e6, "EUR"),
        ("8.6 亿 元", "zh", 8.6e8, "CNY"),
        ("1350 万", "zh", 1.35e7, None),
        ("十二万", "zh", 1.2e5, None),
        ("١٢٠", "ar", 120.0, None),
        ("۱۲ میلیارد تومان", "fa", 1.2e10, "IRT"),
    ],
)
def test_magnitude_words_native_digits_and_chinese_numerals(tokens: str, lang: str, value: float, unit: str | None) -> None:
    q = one_quantity(tokens, lang)
    assert q.value == pytest.approx(value)
    assert q.unit == unit


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("三点五", "zh", 3.5),
        ("一亿二千万", "zh", 1.2e8),
        ("三百五十万", "zh", 3.5e6),
        ("两千", "zh", 2000.0),
        ("٣٫٥", "ar", 3.5),
        ("۹٫۵", "fa", 9.5),
        ("treinta y dos", "es", 32.0),
        ("noventa y dos", "es", 92.0),
        ("5.", "de", 5.0),
    ],
)
def test_numbers_in_other_scripts_and_words(text: str, lang: str, value: float) -> None:
    assert parse_number(text, lang) == pytest.approx(value)


def test_chinese_percent_prefix_and_arabic_percent_sign() -> None:
    q = one_quantity("百分之 三点五", "zh")
    assert (q.value, q.kind) == (3.5, "percent")
    q = one_quantity("٢٥ ٪", "ar")
    assert (q.value, q.kind) == (25.0, "percent")


def test_a_changed_magnitude_disagrees_across_languages() -> None:
    zh = one_quantity("1350 万", "zh")
    assert quantities_agree(zh, one_quantity("13.5 million", "en")) is True
    assert quantities_agree(zh, one_quantity("1.35 million", "en")) is False


def test_decimal_comma_follows_cldr() -> None:
    """German writes 10.000 for ten thousand, English 10.000 is ten (ambiguous)."""
    assert parse_number("10.000", "de") == 10000.0
    assert parse_number("3,125", "ru") == 3.125


@pytest.mark.parametrize(
    ("a", "b"),
    [("Игорь Вершинин", "Igor Vershinin"), ("林慕白", "Lin Mubai"), ("كمال الشامي", "Kamal al-Shami")],
)
def test_names_in_other_scripts_are_the_same_entity(a: str, b: str) -> None:
    assert same_entity(a, b).same


def test_different_names_across_scripts_stay_different() -> None:
    assert not same_entity("Игорь Вершинин", "Oleg Saburov").same
    assert not same_entity("林慕白", "Wang Li").same


@pytest.mark.parametrize(
    ("tokens", "lang", "days"),
    [
        ("12 и 13 августа", "ru", [(8, 12), (8, 13)]),
        ("August 12 and 13", "en", [(8, 12), (8, 13)]),
        ("del 12 al 14 de julio", "es", [(7, 12), (7, 14)]),
        ("am 5. und 6. März", "de", [(3, 5), (3, 6)]),
        ("12 and 13 people", "en", []),
    ],
)
def test_two_days_share_one_month(tokens: str, lang: str, days: list) -> None:
    assert [(d.month, d.day) for d in extract_dates(toks(tokens), lang)] == days
