"""Segmentation: offsets, French and English specifics, page debris."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.config import load_config
from aligner.text.segmentation import mark_boilerplate, segment, tokenize


def toks(text: str, lang: str) -> list[str]:
    return [t.text for t in tokenize(text, 0, len(text), lang)]


def test_french_elisions_quotes_and_numbers():
    text = "L'armée d’ISIS a « 10 000 » militants, soit 3,5 % de plus qu'en 2015."
    assert toks(text, "fr") == [
        "L'", "armée", "d’", "ISIS", "a", "«", "10 000", "»", "militants", ",", "soit", "3,5", "%",
        "de", "plus", "qu'", "en", "2015", ".",
    ]


def test_abbreviations_do_not_end_sentences():
    sents, _ = segment("Les É.-U. ont frappé. Le Dr. Martin a parlé.", "fr")
    assert [s.text for s in sents] == ["Les É.-U. ont frappé.", "Le Dr. Martin a parlé."]
    sents, _ = segment("The U.S. Army struck 85 targets. Mr. Biden spoke on Feb. 3 in Washington.", "en")
    assert [s.text for s in sents] == ["The U.S. Army struck 85 targets.", "Mr. Biden spoke on Feb. 3 in Washington."]


def test_english_clitics_and_hyphenated_names():
    assert toks("They didn't see Al-Tanf's base, 10,000 km away.", "en") == [
        "They", "did", "n't", "see", "Al-Tanf", "'s", "base", ",", "10,000", "km", "away", ".",
    ]


def test_sentences_split_on_lines_and_punctuation_with_exact_offsets():
    text = "Title line\n\nFirst one. Second one? “Third,” he said.\nwrapped line"
    sents, tokens = segment(text, "en")
    assert [s.text for s in sents] == ["Title line", "First one.", "Second one?", "“Third,” he said.", "wrapped line"]
    for s in sents:
        assert text[s.start : s.end] == s.text
    for t in tokens:
        assert text[t.start : t.end] == t.text


def test_hard_wrapped_sentence_is_joined():
    text = "The army said on Saturday that the attack near the border\nwas repelled. Next sentence."
    sents, _ = segment(text, "en")
    assert sents[0].text == "The army said on Saturday that the attack near the border\nwas repelled."


def test_page_debris_is_marked_not_removed():
    cfg = load_config()["boilerplate"]
    text = "QR code\nThe army clashed with militants.\nShare this\nhttps://example.org/a-b\nLeave a Reply\n"
    sents, tokens = segment(text, "en")
    mark_boilerplate(sents, tokens, "en", cfg["patterns"], cfg["footer_markers"])
    flags = {s.text: s.boilerplate for s in sents}
    assert flags == {
        "QR code": True,
        "The army clashed with militants.": False,
        "Share this": True,
        "https://example.org/a-b": True,
        "Leave a Reply": True,
    }


def test_zero_width_and_nfd_text_keep_offsets():
    nfd = unicodedata.normalize("NFD", "armée")
    text = f"L'{nfd} et\u200b la\u200f base."
    _sents, tokens = segment(text, "fr")
    assert [t.text for t in tokens][:3] == ["L'", nfd, "et"]
    for t in tokens:
        assert text[t.start : t.end] == t.text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300), st.sampled_from(["en", "fr", "xx"]))
def test_offsets_always_slice_to_the_token_text(text, lang):
    sents, tokens = segment(text, lang)
    last = 0
    for t in tokens:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        assert t.start >= last
        last = t.end
    for s in sents:
        assert text[s.start : s.end] == s.text
        assert all(tokens[k].sentence == s.id for k in s.token_range)


def test_german_ordinal_dots_do_not_end_sentences():
    text = "Die Sitzung findet am 5. März statt. Der Verein spielt in der 1. Bundesliga. Die Zahl stieg auf 12. Die Polizei ermittelt."
    sents, tokens = segment(text, "de")
    assert [s.text for s in sents] == [
        "Die Sitzung findet am 5. März statt.",
        "Der Verein spielt in der 1. Bundesliga.",
        "Die Zahl stieg auf 12.",
        "Die Polizei ermittelt.",
    ]
    assert "5." in [t.text for t in tokens] and "1." in [t.text for t in tokens]
    sents, _ = segment("Er wurde am 3. Februar 2024 gewählt. Im Jahr 2024. Danach nicht mehr.", "de")
    assert [s.text for s in sents] == ["Er wurde am 3. Februar 2024 gewählt.", "Im Jahr 2024.", "Danach nicht mehr."]


def test_chinese_words_from_jieba_with_whole_numbers():
    text = "据报道，该公司2024年3月12日宣布投资8.6亿元，新增岗位1350万个。人口增长了百分之三点五，达到十二万人。"
    sents, tokens = segment(text, "zh")
    assert len(sents) == 2
    words = [t.text for t in tokens]
    assert words[:4] == ["据", "报道", "，", "该"]
    for expected in ["2024", "年", "3", "月", "12", "日", "8.6", "亿", "元", "1350", "万", "百分之", "三点五", "十二万"]:
        assert expected in words
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_arabic_and_persian_digits_stay_one_number():
    assert toks("ارتفع العدد إلى ١٢٠ شخصا بنسبة ٣٫٥ بالمئة.", "ar") == [
        "ارتفع", "العدد", "إلى", "١٢٠", "شخصا", "بنسبة", "٣٫٥", "بالمئة", ".",
    ]
    assert "۹٫۵" in toks("نرخ بیکاری به ۹٫۵ درصد رسید.", "fa")


def test_turkish_case_suffixes_split_off_names_and_dates():
    assert toks("Festival 12 Temmuz'da Sarıpınar'da başlayacak.", "tr") == [
        "Festival", "12", "Temmuz", "'da", "Sarıpınar", "'da", "başlayacak", ".",
    ]


def test_a_language_without_a_pack_segments_with_neutral_rules():
    sents, tokens = segment("De brug kost 4 miljoen euro. Het werk begint in mei.", "nl")
    assert len(sents) == 2 and len(tokens) == 13


def test_chinese_function_word_is_split_from_an_unknown_name():
    """jieba's guesser reads 据 + 澜桥 ("according to Lanqiao") as one new word; the
    pack's unknown_word_prefixes split it, so the attribution cue 据 is seen."""
    _, tokens = segment("据澜桥市统计局数据，游客增长。", "zh")
    assert [t.text for t in tokens][:3] == ["据", "澜桥", "市"]
    _, tokens = segment("根据数据，游客增长。", "zh")  # a dictionary word stays whole
    assert tokens[0].text == "根据"
