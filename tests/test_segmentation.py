"""Segmentation: offsets, French and English specifics, page debris."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.config import load_config
from aligner.segmentation import mark_boilerplate, segment, tokenize


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
