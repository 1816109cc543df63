"""Properties that must hold for every input (hypothesis).

Segmentation and sentence alignment are checked on generated text and synthetic
vectors (no model). The difference finder is checked twice: as a pure function on
generated documents with synthetic alignment evidence, and on a few real texts with
the real models (a text compared with itself; swapping source and rendition).
"""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aligner.alignment.sentence_alignment import align_sentences
from aligner.config import default_settings, load_config
from aligner.findings.span_checks import added_dropped
from aligner.findings.token_evidence import TokenEvidence, diff_scores
from aligner.io.reading import ReadText
from aligner.pipeline import CompareOptions, compare_documents, prepare_document
from aligner.structures import Bead, Document, Finding
from aligner.text.segmentation import mark_boilerplate, segment, tokenize

REPO = Path(__file__).resolve().parents[1]
BOILERPLATE = load_config()["boilerplate"]

# --------------------------------------------------------------------------- text strategies

WORDS = [
    "the", "army", "said", "on", "Saturday", "L'armée", "d'ISIS", "a", "déclaré", "qu'il",
    "didn't", "U.S.", "É.-U.", "Dr.", "Mr.", "10 000", "10,000", "3,5", "2024", "3e", "Feb.",
    "Al-Tanf", "«", "»", "“", "”", "(PMU)", "—", "-", "…", "...", "&", "%", "€",
    "https://x.org/a-b.", "www.example.com", "me@x.org", "Leave a Reply", "Share this",
    "QR code", "Comments", "الجيش", "العراقي", "ژنرال", "۲۵", "東京", "Москва",
    unicodedata.normalize("NFD", "élève"), "e\u0301te\u0301", "zero\u200bwidth", "bi\u202edi",
    "\u2066iso\u2069", "soft\u00adhyphen", "\ufeff", "\ufffd", "👁🗨", "🇫🇷", "a\u0308\u0304",
]  # fmt: skip
ENDS = [".", "!", "?", "…", "", ":", ";", "?!", ".»", ".”", "؟", "。"]
BREAKS = ["\n", "\r\n", "\r", "\n\n", " ", "\u2028", "\t", "\x0c"]


@st.composite
def article(draw) -> str:
    """Text that looks like scraped articles: sentences of odd tokens, every kind of
    line break, page debris, plus arbitrary Unicode now and then."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
        sentence = " ".join(words)
        if draw(st.booleans()):
            sentence = sentence[:1].upper() + sentence[1:]
        parts.append(sentence + draw(st.sampled_from(ENDS)))
        parts.append(draw(st.sampled_from(BREAKS)))
        if draw(st.integers(0, 9)) == 0:
            parts.append(draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)))
    return "".join(parts)


ANY_TEXT = st.one_of(article(), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
LANGS = st.sampled_from(["en", "fr", "xx", "ar", "de"])


def check_segmentation(text: str, sentences, tokens) -> None:
    prev_end = 0
    expected_first = 0
    for sid, s in enumerate(sentences):
        assert s.id == sid
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.start >= prev_end, "sentences overlap or go backwards"
        prev_end = s.end
        assert s.token_start == expected_first, "token ranges are not contiguous"
        assert s.token_end > s.token_start, "a sentence without tokens"
        expected_first = s.token_end
        assert tokens[s.token_start].start == s.start and tokens[s.token_end - 1].end == s.end
    assert expected_first == len(tokens)
    prev = 0
    for k, t in enumerate(tokens):
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        assert t.start >= prev, f"token {k} overlaps its predecessor"
        prev = t.end
        assert not t.text.isspace()
        assert sentences[t.sentence].token_start <= k < sentences[t.sentence].token_end


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, LANGS)
def test_sentences_and_tokens_slice_the_text(text, lang):
    sentences, tokens = segment(text, lang)
    check_segmentation(text, sentences, tokens)


@settings(max_examples=100, deadline=None)
@given(ANY_TEXT, LANGS)
def test_boilerplate_marking_keeps_offsets_and_is_consistent(text, lang):
    sentences, tokens = segment(text, lang)
    before = [(t.start, t.end, t.text) for t in tokens]
    mark_boilerplate(sentences, tokens, lang, BOILERPLATE["patterns"], BOILERPLATE["footer_markers"])
    assert [(t.start, t.end, t.text) for t in tokens] == before
    check_segmentation(text, sentences, tokens)
    for s in sentences:
        toks = tokens[s.token_start : s.token_end]
        if s.boilerplate:
            assert all(t.boilerplate for t in toks)
        else:
            # Inside a claim, only URLs and e-mail addresses are debris.
            assert all(t.kind == "symbol" for t in toks if t.boilerplate)
            assert any(t.kind in ("word", "number") and not t.boilerplate for t in toks)


@settings(max_examples=100, deadline=None)
@given(ANY_TEXT, LANGS, st.data())
def test_tokens_of_any_range_stay_inside_it(text, lang, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for t in tokenize(text, start, end, lang):
        assert start <= t.start < t.end <= end
        assert text[t.start : t.end] == t.text


# --------------------------------------------------------------------------- sentence alignment


@st.composite
def vector_pair(draw):
    """Source and rendition sentence vectors: random, or a rendition made from the
    source by deleting, inserting, merging and moving sentences, with noise."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(0, 40))
    dim = draw(st.sampled_from([4, 16]))
    src = rng.normal(size=(n, dim))
    if draw(st.booleans()):
        tgt = rng.normal(size=(draw(st.integers(0, 40)), dim))
    else:
        rows = [src[i] for i in range(n) if rng.random() > 0.15]
        for _ in range(rng.integers(0, 4)):  # added sentences
            rows.insert(int(rng.integers(0, len(rows) + 1)), rng.normal(size=dim))
        if len(rows) > 3 and rng.random() < 0.5:  # a moved sentence
            rows.insert(int(rng.integers(0, len(rows))), rows.pop(int(rng.integers(0, len(rows)))))
        if len(rows) > 2 and rng.random() < 0.5:  # two sentences merged
            k = int(rng.integers(0, len(rows) - 1))
            rows[k : k + 2] = [rows[k] + rows[k + 1]]
        noise = draw(st.sampled_from([0.0, 0.1, 0.5]))
        tgt = np.array(rows).reshape(-1, dim) + noise * rng.normal(size=(len(rows), dim))
    if draw(st.booleans()):  # degenerate vectors: zeros and duplicates
        if n:
            src[rng.integers(0, n)] = 0.0
        if len(tgt) > 1:
            tgt[-1] = tgt[0]
    skip_s = rng.random(n) < draw(st.sampled_from([0.0, 0.2]))
    skip_t = rng.random(len(tgt)) < draw(st.sampled_from([0.0, 0.2]))
    return src, tgt, skip_s, skip_t


def check_beads(beads: list[Bead], n: int, m: int, skip_s, skip_t) -> None:
    src_ids = [i for b in beads for i in b.source]
    tgt_ids = [j for b in beads for j in b.rendition]
    assert sorted(src_ids) == list(range(n)), "every source sentence exactly once"
    assert sorted(tgt_ids) == list(range(m)), "every rendition sentence exactly once"
    monotone = [b for b in beads if not b.moved]
    for b in beads:
        assert b.source or b.rendition
        assert np.isfinite(b.score)
        for ids in (b.source, b.rendition):
            if ids:
                assert list(ids) == list(range(ids[0], ids[0] + len(ids))), "bead sentences are consecutive"
        if b.moved:
            assert len(b.source) == len(b.rendition) == 1
            assert not skip_s[b.source[0]] and not skip_t[b.rendition[0]]
    flat_s = [i for b in monotone for i in b.source]
    flat_t = [j for b in monotone for j in b.rendition]
    assert flat_s == sorted(flat_s), "monotone beads go forward in the source"
    assert flat_t == sorted(flat_t), "monotone beads go forward in the rendition"
    src_order = [b.source[0] for b in beads if b.source]
    assert src_order == sorted(src_order), "beads come back in source order"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vector_pair())
def test_align_sentences_uses_every_sentence_once(pair):
    src, tgt, skip_s, skip_t = pair
    beads = align_sentences(src, tgt, None, skip_s, skip_t)
    check_beads(beads, len(src), len(tgt), skip_s, skip_t)


@pytest.mark.parametrize("seed", [0, 1])
def test_align_sentences_banded_path(seed):
    """Above the full-DP size the coarse-to-fine band is used; same invariants, and a
    noisy 1-1 rendition with a few deletions and insertions is still found."""
    rng = np.random.default_rng(seed)
    n = 430
    src = rng.normal(size=(n, 384))
    tgt = np.delete(src, rng.choice(n, 12, replace=False), axis=0)
    tgt = np.insert(tgt, rng.choice(len(tgt), 9, replace=False), rng.normal(size=(9, 384)), axis=0)
    tgt = tgt + 0.3 * rng.normal(size=tgt.shape)
    skip = np.zeros(n, bool)
    beads = align_sentences(src, tgt, None, skip, np.zeros(len(tgt), bool))
    check_beads(beads, n, len(tgt), skip, np.zeros(len(tgt), bool))
    assert sum(1 for b in beads if b.kind == "1-1") > 0.9 * n


@pytest.mark.parametrize("n", [30, 450])
def test_identical_documents_align_sentence_by_sentence(n):
    """Two copies of one document: every sentence pairs with its copy. Exact ties
    (cosine 1 for a 1-1 bead and for the 2-2 bead around it) must not be broken by
    float noise in favour of merged beads."""
    vectors = np.random.default_rng(n).normal(size=(n, 384))
    beads = align_sentences(vectors, vectors.copy())
    assert [(b.source, b.rendition) for b in beads] == [((i,), (i,)) for i in range(n)]


# --------------------------------------------------------------------------- difference finder (pure)

SENTENCE_WORDS = [
    "the", "army", "said", "that", "Rutba", "Anbar", "ISIS", "25", "10,000", "fighters", "were",
    "killed", "on", "Saturday", "and", "residents", "returned", "home", "reportedly", "(PMU)",
    "PMU", "of", "in", ",", ";", "(", ")", "«", "»", "Al-Tanf", "may", "not",
]  # fmt: skip


@st.composite
def document(draw, role: str):
    sentences = []
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.lists(st.sampled_from(SENTENCE_WORDS), min_size=1, max_size=14))
        sentences.append(" ".join(words).capitalize() + draw(st.sampled_from([".", "", "?"])))
    text = "\n".join(sentences) + "\n"
    sents, toks = segment(text, "en")
    assume(sents)
    return Document(text, "en", role, "", sents, toks)


def _random_beads(draw, n: int, m: int) -> list[Bead]:
    """A random monotone bead partition (1-0, 0-1, 1-1, 1-2, 2-1, 2-2)."""
    beads: list[Bead] = []
    i = j = 0
    while i < n or j < m:
        options = [(a, b) for a, b in ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2)) if i + a <= n and j + b <= m]
        a, b = draw(st.sampled_from(options))
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), 0.5))
        i, j = i + a, j + b
    return beads


def _evidence(draw, doc: Document, beads: list[Bead], side: str) -> TokenEvidence:
    n = len(doc.tokens)
    aligned = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    best = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)), dtype=float)
    paired = {sid for b in beads if b.source and b.rendition for sid in (b.source if side == "s" else b.rendition)}
    for k, tok in enumerate(doc.tokens):
        if tok.sentence not in paired:
            aligned[k] = False
            best[k] = np.nan
    return TokenEvidence(aligned, best)


@st.composite
def comparison_case(draw):
    src = draw(document("source"))
    tgt = draw(document("rendition"))
    for doc in (src, tgt):
        mark_boilerplate(doc.sentences, doc.tokens, "en", BOILERPLATE["patterns"], BOILERPLATE["footer_markers"])
    beads = _random_beads(draw, len(src.sentences), len(tgt.sentences))
    return src, tgt, beads, _evidence(draw, src, beads, "s"), _evidence(draw, tgt, beads, "t")


def _own_spans(f: Finding) -> list[tuple[str, int, int]]:
    """The spans a finding is about: the rendition for ADDED, the source for DROPPED,
    both for claim-level findings."""
    sides = {"added": ("rendition",), "dropped": ("source",)}.get(f.type, ("source", "rendition"))
    out = []
    for side in sides:
        span = f.source_span if side == "source" else f.rendition_span
        if span is not None:
            out.append((side, span.start, span.end))
    return out


def check_no_self_overlap(findings: list[Finding]) -> None:
    by_key: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for f in findings:
        for side, s, e in _own_spans(f):
            by_key.setdefault((f.type, side), []).append((s, e, f.id))
    for (kind, side), spans in by_key.items():
        spans.sort()
        for (s1, e1, id1), (s2, e2, id2) in itertools.pairwise(spans):
            assert s2 >= e1, f"{kind} findings {id1} and {id2} overlap on the {side} side: {(s1, e1)} {(s2, e2)}"


def _key(f: Finding, swap: bool = False) -> tuple:
    s = (f.source_span.start, f.source_span.end) if f.source_span else None
    r = (f.rendition_span.start, f.rendition_span.end) if f.rendition_span else None
    kind = f.type
    if swap:
        kind = {"added": "dropped", "dropped": "added"}.get(kind, kind)
        s, r = r, s
    return (kind, s, r)


def _run_added_dropped(src, tgt, beads, ev_s, ev_t):
    fs = default_settings().findings
    return added_dropped(src, tgt, beads, ev_s, ev_t, diff_scores(src, ev_s, fs), diff_scores(tgt, ev_t, fs), fs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(comparison_case())
def test_added_and_dropped_swap_with_the_sides(case):
    src, tgt, beads, ev_s, ev_t = case
    forward = _run_added_dropped(src, tgt, beads, ev_s, ev_t)
    swapped = [Bead(b.rendition, b.source, b.score, b.moved) for b in beads]
    backward = _run_added_dropped(tgt, src, swapped, ev_t, ev_s)
    assert sorted(map(_key, forward), key=repr) == sorted((_key(f, swap=True) for f in backward), key=repr)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(comparison_case())
def test_added_and_dropped_findings_never_overlap_themselves(case):
    src, tgt, beads, ev_s, ev_t = case
    findings = _run_added_dropped(src, tgt, beads, ev_s, ev_t)
    for f in findings:
        assert f.type in ("added", "dropped")
        for span, doc in ((f.source_span, src), (f.rendition_span, tgt)):
            if span is not None:
                assert doc.text[span.start : span.end] == span.text
        assert 0.0 <= f.confidence <= 1.0
    for i, f in enumerate(findings):
        f.id = f"f{i}"
    check_no_self_overlap(findings)


# --------------------------------------------------------------------------- real models


def _real_text(path: str, limit: int) -> str:
    text = (REPO / path).read_text(encoding="utf-8")
    cut = text.find("\n", limit)
    return text if cut < 0 else text[: cut + 1]


def _doc(text: str, models, lang: str, role: str) -> Document:
    return prepare_document(ReadText(text, role, "utf-8", ""), lang, models.config, role)


def _compare(models, a: str, b: str, la: str, lb: str):
    return compare_documents(
        _doc(a, models, la, "source"), _doc(b, models, lb, "rendition"), models, CompareOptions(la, lb, translate=False)
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "lang"),
    [("samples/anbar-fr_ava-en/fr.txt", "fr"), ("samples/anbar-fr_strikes-en/en.txt", "en")],
)
def test_a_text_compared_with_itself_has_no_findings(models, path, lang):
    text = _real_text(path, 900)
    c = _compare(models, text, text, lang, lang)
    assert c.findings == [], [(f.type, f.source_span, f.rendition_span) for f in c.findings]
    assert c.summary["relation"] == "rendition"
    assert c.summary["coverage"] == {"source": 1.0, "rendition": 1.0}


@pytest.fixture(scope="module")
def real_pair(models):
    """A real French article and an English rendition of it, both directions. The
    French page repeats its title; the first copy is dropped so that no two source
    sentences are identical (a tie the aligner may break either way)."""
    fr = (REPO / "samples/anbar-fr_ava-en/fr.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    en = (REPO / "samples/anbar-fr_ava-en/en.txt").read_text(encoding="utf-8")
    return _compare(models, fr, en, "fr", "en"), _compare(models, en, fr, "en", "fr")


@pytest.mark.slow
def test_swapping_source_and_rendition_swaps_added_and_dropped(real_pair):
    forward, backward = real_pair
    fwd = sorted((_key(f) for f in forward.findings if f.type in ("added", "dropped")), key=repr)
    bwd = sorted((_key(f, swap=True) for f in backward.findings if f.type in ("added", "dropped")), key=repr)
    assert fwd, "the real pair should have added/dropped findings"
    assert fwd == bwd, {"only forward": [k for k in fwd if k not in bwd], "only backward": [k for k in bwd if k not in fwd]}


@pytest.mark.slow
def test_real_findings_never_overlap_themselves(real_pair):
    for c in real_pair:
        check_no_self_overlap(c.findings)
        for f in c.findings:
            for span, doc in ((f.source_span, c.source), (f.rendition_span, c.rendition)):
                if span is not None:
                    assert doc.text[span.start : span.end] == span.text
