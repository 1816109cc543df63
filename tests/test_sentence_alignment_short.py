"""Short documents (one to three sentences): a headline, a tweet, an XLIFF segment.

Vecalign's normalisation divides a bead's dissimilarity by the mean dissimilarity to
a sample of the other document; in a one-sentence document that sample is the
counterpart itself, so a perfect translation cost ~1.0 and was split into 1-0 + 0-1
("unrelated", no findings). These tests run real text through the real encoder.
"""

from __future__ import annotations

import numpy as np
import pytest

from aligner.alignment.sentence_alignment import align_sentences
from aligner.io.reading import ReadText
from aligner.pipeline import CompareOptions, compare_documents, prepare_document

TRAINS = "The regional council voted on Monday to keep the night trains running between Graz and Villach until 2027."
TRAINS_NOT = TRAINS.replace("voted on Monday to keep", "voted on Monday not to keep")
CRECHE = "La mairie a promis 4 200 places de crèche supplémentaires d'ici 2026."
NURSERY = "The town hall has promised 2,400 additional nursery places by 2026."
BREAD = "A good bread dough should feel soft and slightly sticky after ten minutes of kneading."
CAT = "Le chat du voisin dort toute la journée sur le toit du garage."

FIRE_FR = [
    "Les pompiers ont maîtrisé dimanche soir un incendie près du village de Castelmoron.",
    "Une cinquantaine d'habitants ont été évacués par précaution.",
    "Aucun blessé n'est à déplorer, a indiqué la préfecture.",
]
FIRE_EN = [
    "Firefighters brought a blaze near the village of Castelmoron under control on Sunday evening.",
    "About fifty residents were evacuated as a precaution.",
    "No one was injured, the prefecture said.",
]


def _compare(models, src: str, tgt: str, src_lang: str, tgt_lang: str):
    def doc(text, lang, role):
        return prepare_document(ReadText(text, role, "utf-8", ""), lang, models.config, role)

    return compare_documents(
        doc(src, src_lang, "source"),
        doc(tgt, tgt_lang, "rendition"),
        models,
        CompareOptions(src_lang, tgt_lang, translate=False),
    )


def _pairs(c) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.rendition) for b in c.beads]


@pytest.mark.parametrize(
    ("src", "tgt", "src_lang"),
    [(TRAINS, TRAINS_NOT, "en"), (CRECHE, NURSERY, "fr")],
    ids=["one-word-changed", "french-translation"],
)
def test_a_one_sentence_version_is_one_bead_and_a_rendition(models, src, tgt, src_lang):
    c = _compare(models, src, tgt, src_lang, "en")
    assert _pairs(c) == [((0,), (0,))]
    assert c.summary["relation"] == "rendition"
    assert min(c.summary["coverage"].values()) > 0.8


def test_the_changed_number_of_a_one_sentence_translation_is_reported(models):
    """4 200 -> 2,400: with the sentences aligned, the word level sees the number."""
    c = _compare(models, CRECHE, NURSERY, "fr", "en")
    spans = [(f.source_span.text if f.source_span else "", f.rendition_span.text if f.rendition_span else "") for f in c.findings]
    assert any("4 200" in s or "2,400" in t for s, t in spans), spans


@pytest.mark.parametrize(
    ("src", "tgt", "src_lang"),
    [(TRAINS, BREAD, "en"), (CAT, NURSERY, "fr"), (CRECHE, TRAINS, "fr")],
    ids=["en-en", "fr-en", "fr-en-news"],
)
def test_an_unrelated_one_sentence_text_is_unrelated(models, src, tgt, src_lang):
    c = _compare(models, src, tgt, src_lang, "en")
    assert sorted(_pairs(c)) == [((), (0,)), ((0,), ())]
    assert c.summary["relation"] == "unrelated"
    assert c.findings == []


@pytest.mark.parametrize("n", [2, 3])
def test_short_translations_align_sentence_by_sentence(models, n):
    c = _compare(models, " ".join(FIRE_FR[:n]), " ".join(FIRE_EN[:n]), "fr", "en")
    assert _pairs(c) == [((i,), (i,)) for i in range(n)]
    assert c.summary["relation"] == "rendition"


def test_a_dropped_sentence_of_a_three_sentence_text(models):
    c = _compare(models, " ".join(FIRE_FR), f"{FIRE_EN[0]} {FIRE_EN[2]}", "fr", "en")
    assert _pairs(c) == [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    dropped = [f for f in c.findings if f.type == "dropped"]
    assert dropped and all(f.source_span.start >= c.source.sentences[1].start for f in dropped)
    assert any("évacués" in f.source_span.text for f in dropped)


def test_two_sentences_merged_into_one(models):
    merged = "Firefighters brought a blaze near the village of Castelmoron under control on Sunday evening, and about fifty residents were evacuated as a precaution."
    c = _compare(models, " ".join(FIRE_FR), f"{merged} {FIRE_EN[2]}", "fr", "en")
    assert _pairs(c) == [((0, 1), (0,)), ((2,), (1,))]


def test_background_decides_for_one_sentence_vectors():
    """Pure function: a noisy copy of a one-sentence document is one bead when the
    encoder-level background says how far unrelated sentences are; a vector unrelated
    to it is not."""
    rng = np.random.default_rng(3)
    background = rng.normal(size=(40, 64))
    src = rng.normal(size=(1, 64))
    copy = src + 0.3 * rng.normal(size=(1, 64))
    other = rng.normal(size=(1, 64))
    beads = align_sentences(src, copy, background=background)
    assert [(b.source, b.rendition) for b in beads] == [((0,), (0,))]
    beads = align_sentences(src, other, background=background)
    assert sorted((b.source, b.rendition) for b in beads) == [((), (0,)), ((0,), ())]
