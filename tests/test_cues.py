"""Cue lexicons: hedges, attributions, boosters, modals, negators, downtoners and the
French reporting conditional, on the seed stories' sentences."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.findings.cue_matching import find_cues
from aligner.findings.lexicon import Cue, _build, cues_dir, has_lexicon, lexicon
from aligner.findings.opposites import antonyms_of, are_antonyms
from aligner.findings.scope import clause_of, scope_of


def toks(text: str) -> list[str]:
    return text.split()


def cues(text: str, lang: str, category: str | None = None) -> list[tuple[str, str, int, int]]:
    found = find_cues(toks(text), lang, None if category is None else [category])
    return [(c.category, c.cue, c.start, c.end) for c in found]


def test_every_shipped_lexicon_loads() -> None:
    files = sorted(cues_dir().glob("*.toml"))
    assert {p.stem for p in files} >= {"en", "fr"}
    for path in files:
        lex = lexicon(path.stem)
        assert has_lexicon(path.stem)
        assert all(e.patterns for e in lex.entries)
    for lang in ("en", "fr"):
        assert {"hedge", "attribution", "booster", "modal", "negator", "downtoner"} <= set(lexicon(lang).categories)
    assert "conditional" in lexicon("fr").categories


def test_unknown_language_is_empty_not_an_error() -> None:
    assert not has_lexicon("xx")
    assert lexicon("xx").is_empty
    assert find_cues(["it", "is", "possible", "that"], "xx") == []
    assert lexicon("fr-FR") is lexicon("fr")


def test_hedge_spans_the_four_tokens() -> None:
    t = toks("and it is possible that the United States is using He brought some of these terrorists")
    found = [c for c in find_cues(t, "en") if c.category == "hedge"]
    assert found == [Cue("hedge", "it is possible that", 0.4, 1, 5, ((1, 5),))]


def test_reports_indicate_is_a_hedge() -> None:
    assert ("hedge", "reports indicate", 0, 2) in cues("Reports indicate that the ISIS terrorist group took advantage", "en")


def test_attributions_in_both_seeds() -> None:
    assert cues("The Cridel website wrote that the US has occupied", "en", "attribution") == [
        ("attribution", "write", 3, 4)
    ]
    assert cues("The website stated that the US intelligence agencies", "en", "attribution") == [
        ("attribution", "state", 2, 3)
    ]
    fr = "L' armée irakienne a affronté les militants le 3 février , a déclaré une source"
    assert cues(fr, "fr", "attribution") == [("attribution", "déclarer", 11, 13)]
    assert cues("selon des sources et d' après lui", "fr", "attribution") == [
        ("attribution", "selon", 0, 1),
        ("attribution", "d'après", 4, 6),
    ]
    # "state" is a lemma only: the Islamic State is no attribution.
    assert cues("the Islamic State group", "en", "attribution") == []
    assert cues("it has been reported", "en", "attribution") == [("attribution", "report", 1, 4)]


def test_french_reporting_conditional() -> None:
    assert cues("l' armée aurait utilisé des armes", "fr", "conditional") == [
        ("conditional", "conditionnel passé", 2, 4)
    ]
    found = find_cues(toks("Les USA auraient utilisé la base"), "fr", ["conditional"])
    assert found == [Cue("conditional", "conditionnel passé", 0.5, 2, 4, ((2, 4),))]
    assert cues("la base aurait déjà été utilisée", "fr", "conditional") == [
        ("conditional", "conditionnel passé", 2, 6)
    ]
    assert cues("ISIS serait en pleine recrudescence", "fr", "conditional") == [
        ("conditional", "conditionnel présent", 1, 2)
    ]
    assert cues("Washington utiliserait ISIS", "fr", "conditional") == [
        ("conditional", "conditionnel présent", 1, 2)
    ]
    # Not verbs, or already modal verbs.
    assert cues("le portrait et le retrait ; il pourrait venir", "fr", "conditional") == []
    assert cues("aurait-il utilisé la base", "fr", "conditional") == [("conditional", "conditionnel passé", 0, 2)]


def test_ne_pas_is_one_negator_with_two_parts() -> None:
    found = find_cues(toks("Les USA n' ont pas utilisé la base"), "fr", ["negator"])
    assert found == [Cue("negator", "ne ... pas", None, 2, 5, ((2, 3), (4, 5)))]
    found = find_cues(toks("ils ne l' ont jamais dit"), "fr", ["negator"])
    assert [(c.cue, c.parts) for c in found] == [("ne ... jamais", ((1, 2), (4, 5)))]
    found = find_cues(toks("Aucun militant d' ISIS n' a été tué"), "fr", ["negator"])
    assert [(c.cue, c.parts) for c in found] == [("aucun ... ne", ((0, 1), (4, 5)))]
    # No negation across a comma, none in « ne ... que » (= only) or « sans doute ».
    assert cues("il ne vient , pas", "fr", "negator") == [("negator", "pas", 4, 5)]
    assert cues("ils n' ont que vingt ans", "fr", "negator") == []
    assert cues("c' est sans doute vrai", "fr", "negator") == []
    assert cues("non seulement les USA", "fr", "negator") == []
    assert cues("sans les Kurdes , ni les USA", "fr", "negator") == [("negator", "sans", 0, 1), ("negator", "ni", 4, 5)]


def test_english_negators() -> None:
    assert cues("they did not use it", "en", "negator") == [("negator", "not", 2, 3)]
    assert cues("they did n't use it", "en", "negator") == [("negator", "n't", 2, 3)]
    assert cues("they didn't use it", "en", "negator") == [("negator", "n't", 1, 2)]
    assert cues("they never used it", "en", "negator") == [("negator", "never", 1, 2)]
    assert cues("Last but not least , there is no doubt", "en", "negator") == []
    assert cues("no one came", "en", "negator") == [("negator", "no one", 0, 2)]


def test_boosters_and_downtoners() -> None:
    assert cues("the US is in fact helping ISIS", "en", "booster") == [("booster", "in fact", 3, 5)]
    assert cues("c' est en fait clairement faux", "fr", "booster") == [
        ("booster", "en fait", 2, 4),
        ("booster", "clairement", 4, 5),
    ]
    assert cues("c' est sans aucun doute vrai", "fr", "booster") == [("booster", "sans aucun doute", 2, 5)]
    assert cues("The US strikes mostly targeted sites", "en", "downtoner") == [("downtoner", "mostly", 3, 4)]
    assert cues("rather than slightly", "en", "downtoner") == [("downtoner", "slightly", 2, 3)]


def test_modal_strengths() -> None:
    found = find_cues(toks("the United States may use ISIS and must stop but might not"), "en", ["modal"])
    assert [(c.cue, c.strength) for c in found] == [("may", 0.4), ("must", 1.0), ("might", 0.3)]
    # "May 3" is a date, not a modal.
    assert cues("on May 3 they attacked", "en", "modal") == []
    found = find_cues(toks("ISIS pourrait attaquer et doit partir"), "fr", ["modal"])
    assert [(c.cue, c.strength) for c in found] == [("pourrait", 0.4), ("doit", 1.0)]


def test_hedges_in_french() -> None:
    assert cues("il semble que les USA", "fr", "hedge") == [("hedge", "il semble que", 0, 3)]
    assert cues("les USA ont peut-être utilisé", "fr", "hedge") == [("hedge", "peut-être", 3, 4)]
    assert cues("le présumé auteur et les présumés complices", "fr", "hedge") == [
        ("hedge", "présumé", 1, 2),
        ("hedge", "présumé", 5, 6),
    ]
    assert cues("il est possible qu' ils utilisent", "fr", "hedge") == [("hedge", "il est possible que", 0, 4)]
    assert cues("apparemment , selon toute vraisemblance", "fr", "attribution") == []


def test_matching_is_case_insensitive_accent_sensitive_apostrophe_tolerant() -> None:
    assert cues("D’ APRÈS lui", "fr", "attribution") == [("attribution", "d'après", 0, 2)]
    assert cues("ils n’ ont pas", "fr", "negator") == [("negator", "ne ... pas", 1, 4)]
    assert cues("a déclaré", "fr", "attribution") == [("attribution", "déclarer", 0, 2)]
    assert cues("à déclaré", "fr", "attribution") == [("attribution", "déclarer", 1, 2)]


def test_antonyms() -> None:
    assert are_antonyms("increased", "decreased", "en")
    assert are_antonyms("rose", "fell", "en")
    assert are_antonyms("augmenté", "diminue", "fr")
    assert are_antonyms("confirme", "dément", "fr")
    assert not are_antonyms("increased", "rose", "en")
    assert "denied" in antonyms_of("confirmed", "en")
    assert antonyms_of("anything", "xx") == frozenset()


def test_clause_boundaries_and_scope() -> None:
    t = toks("Reports indicate that ISIS attacked , and it is possible that the US is using them .")
    assert clause_of(t, 0) == (0, 2)
    assert clause_of(t, 3) == (2, 5)
    assert clause_of(t, 5) == (5, 6)  # the comma before "and" belongs to no clause
    assert clause_of(t, 8) == (6, 10)
    hedge = next(c for c in find_cues(t, "en") if c.cue == "it is possible that")
    assert scope_of(t, hedge) == (6, 16)
    reports = next(c for c in find_cues(t, "en") if c.cue == "reports indicate")
    assert scope_of(t, reports) == (0, 5)
    fr = toks("Selon lui , ISIS profite des frappes ; les USA ont frappé")
    selon = find_cues(fr, "fr", ["attribution"])[0]
    assert scope_of(fr, selon) == (0, 7)
    with pytest.raises(IndexError):
        clause_of(t, len(t))


def test_scope_of_attribution_crosses_a_colon() -> None:
    t = toks('Kridel wrote : " the United States may use ISIS militants "')
    wrote = find_cues(t, "en", ["attribution"])[0]
    assert scope_of(t, wrote) == (0, len(t))
    may = find_cues(t, "en", ["modal"])[0]
    assert scope_of(t, may) == (3, len(t))


def test_malformed_lexicons_are_reported() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        _build("zz", {"hedge": {"entrys": ["maybe"]}}, "zz.toml")
    with pytest.raises(ValueError, match="strength"):
        _build("zz", {"hedge": {"entries": [{"cue": "maybe", "strength": 2}]}}, "zz.toml")
    with pytest.raises(ValueError, match="gap"):
        _build("zz", {"negator": {"entries": ["... pas"]}}, "zz.toml")
    with pytest.raises(ValueError, match="lemma"):
        _build("zz", {"hedge": {"entries": [{"lemma": "seem"}]}}, "zz.toml")
    lex = _build("zz", tomllib.loads('[hedge]\nentries = ["kanske"]\n'), "zz.toml")
    assert lex.categories == ("hedge",)


_VOCAB = [
    "it", "is", "possible", "that", "not", "n't", "ne", "n'", "pas", "ont", "aurait", "utilisé",
    "selon", "d'", "après", "may", "May", "3", "in", "fact", ",", ".", ":", "que", "the", "a",
    "déclaré", "sans", "doute", "aucun", "serait", "portrait", "reports", "indicate", "", "É.-U.",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_VOCAB), max_size=25), st.sampled_from(["en", "fr"]))
def test_cue_spans_stay_in_bounds(tokens: list[str], lang: str) -> None:
    found = find_cues(tokens, lang)
    for c in found:
        assert 0 <= c.start < c.end <= len(tokens)
        assert c.parts[0][0] == c.start and c.parts[-1][1] == c.end
        assert all(s < e for s, e in c.parts)
        assert all(a[1] <= b[0] for a, b in zip(c.parts, c.parts[1:], strict=False))
        s, e = scope_of(tokens, c)
        assert 0 <= s <= c.start < c.end <= e <= len(tokens)
    for category in {c.category for c in found}:
        taken: set[int] = set()
        for c in (c for c in found if c.category == category):
            idx = {i for s, e in c.parts for i in range(s, e)}
            assert taken.isdisjoint(idx)
            taken |= idx
