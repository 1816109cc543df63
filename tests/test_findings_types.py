"""The type decisions of the findings, end to end on short pairs written for these
tests (invented names and places; none comes from a benchmark set): one-sentence
pairs are renditions, a removed hedge or attribution is strengthened (not dropped), an
added one softened (not added), a changed number is one ``changed`` finding, antonyms
across languages contradict, and faithful renditions stay silent."""

from __future__ import annotations

import pytest

from aligner.io.reading import ReadText
from aligner.pipeline import CompareOptions, compare_texts


def _compare(models, source: str, rendition: str, src_lang: str, tgt_lang: str = "en", **opts):
    return compare_texts(
        ReadText(source, "source.txt", "utf-8", ""),
        ReadText(rendition, "rendition.txt", "utf-8", ""),
        models,
        CompareOptions(src_lang, tgt_lang, translate=False, **opts),
    )


def _span(span):
    return span.text if span is not None else None


PLANTED = [
    pytest.param(
        "Le conseil départemental a voté jeudi une enveloppe de 3 800 000 euros pour la rénovation du collège de Ménestrac.",
        "On Thursday the departmental council voted an envelope of €8,300,000 to renovate the Ménestrac secondary school.",
        "fr", ("changed", "3 800 000 euros", "€8,300,000"),
        id="number-changed-is-one-finding",
    ),
    pytest.param(
        "La direction de l'usine Brévalle a accepté mardi les revendications des grévistes.",
        "The management of the Brévalle factory rejected the strikers' demands on Tuesday.",
        "fr", ("contradicted", "accepté", "rejected"),
        id="antonym-across-languages",
    ),
    pytest.param(
        "Selon la gendarmerie, le conducteur roulait à 140 km/h sur la départementale.",
        "The driver was travelling at 140 km/h on the departmental road.",
        "fr", ("strengthened", "Selon la gendarmerie", None),
        id="removed-attribution-is-strengthened",
    ),
    pytest.param(
        "The new vaccine protects most patients over 70 against the Tarnow strain.",
        "The new vaccine may protect most patients over 70 against the Tarnow strain.",
        "en", ("softened", None, "may"),
        id="added-hedge-is-softened",
    ),
    pytest.param(
        "Eating oat bran is associated with lower cholesterol in adults, the Halvor study found.",
        "Eating oat bran lowers cholesterol in adults, the Halvor study found.",
        "en", ("strengthened", "associated", None),
        id="association-to-causation-is-strengthened",
    ),
    pytest.param(
        "The ministry did not approve the Kestrel pipeline extension on Friday.",
        "The ministry approved the Kestrel pipeline extension on Friday.",
        "en", ("contradicted", "not", None),
        id="negation-removed-is-contradicted",
    ),
    pytest.param(
        "Le festival de Quervic accueillera cette année le violoniste Aurélien Dassault.",
        "This year the Quervic festival will host the violinist Aurélien Dessaux.",
        "fr", ("changed", "Dassault", "Dessaux"),
        id="changed-name",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("source", "rendition", "lang", "expected"), PLANTED)
def test_planted_difference_has_its_type_and_spans(models, source, rendition, lang, expected):
    result = _compare(models, source, rendition, lang)
    assert result.summary["relation"] == "rendition"
    ftype, src_text, tgt_text = expected
    hits = [f for f in result.findings if f.type == ftype]
    assert hits, [(f.type, _span(f.source_span), _span(f.rendition_span)) for f in result.findings]
    f = hits[0]
    for span, text, whole in ((f.source_span, src_text, source), (f.rendition_span, tgt_text, rendition)):
        if text is not None:
            start = whole.index(text)
            assert span is not None and span.start < start + len(text) and start < span.end, (span, text)
    # A removed hedge/attribution or a changed number is never also reported as dropped/added.
    if ftype in ("strengthened", "changed"):
        assert not [g for g in result.findings if g.type in ("dropped", "added")], result.findings


FAITHFUL = [
    pytest.param(
        "Le suspect aurait dérobé des bijoux d'une valeur de 12 500 euros.",
        "The suspect reportedly stole jewellery worth €12,500.",
        "fr", id="reporting-conditional-as-reportedly",
    ),
    pytest.param(
        "La réunion aura lieu le 14 mars 2026 à 14 h 30 à Lonvilliers.",
        "The meeting will take place at 2:30 p.m. on March 14, 2026 in Lonvilliers.",
        "fr", id="date-and-time-formats",
    ),
    pytest.param(
        "Le maire, Gérald Faurié, n'a pas souhaité réagir.",
        "Mayor Gerald Faurie declined to comment.",
        "fr", id="accents-and-lexical-negation",
    ),
    pytest.param(
        "Les syndicats dénoncent une réforme « brutale ».",
        "The unions denounce a \"brutal\" reform.",
        "fr", id="attribution-verb-translated",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("source", "rendition", "lang"), FAITHFUL)
def test_faithful_one_sentence_rendition_is_silent(models, source, rendition, lang):
    result = _compare(models, source, rendition, lang)
    assert result.summary["relation"] == "rendition"
    assert result.findings == [], [(f.type, _span(f.source_span), _span(f.rendition_span)) for f in result.findings]


@pytest.mark.slow
def test_min_confidence_leaves_out_less_confident_findings(models):
    source = "Le conseil a voté jeudi une enveloppe de 3 800 000 euros pour le collège de Ménestrac."
    rendition = "On Thursday the council voted an envelope of €8,300,000 for the Ménestrac school."
    every = _compare(models, source, rendition, "fr")
    assert every.findings
    top = max(f.confidence for f in every.findings)
    kept = _compare(models, source, rendition, "fr", min_confidence=top + 1e-6)
    assert kept.findings == []
    assert sum(kept.summary["counts"].values()) == 0
