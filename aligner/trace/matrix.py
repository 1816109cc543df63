"""Build a trace: one source against several renditions, each document embedded once.

The source is segmented and embedded once; each rendition is embedded once and
compared with the source through :func:`aligner.pipeline.compare_documents` (the
same pipeline as ``aligner compare``, given the precomputed embeddings); the
additions are grouped with the same vectors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..io.reading import ReadText
from ..pipeline import (
    CompareOptions,
    Comparison,
    Models,
    compare_documents,
    embed_document,
    prepare_document,
)
from ..structures import Document
from .additions import Addition, added_sentences, group_additions
from .claims import Claim, TraceParams, source_claims
from .status import Cell, claim_status


@dataclass
class Trace:
    """The matrix (``cells[claim][rendition]``) and what the renditions added."""

    source: Document
    claims: list[Claim]
    comparisons: list[Comparison]
    cells: list[list[Cell]]
    unique: list[list[Addition]]
    shared: list[list[Addition]]

    @property
    def renditions(self) -> list[Document]:
        return [c.rendition for c in self.comparisons]


def trace_documents(
    source: Document,
    renditions: Sequence[Document],
    models: Models,
    translate: bool = True,
) -> Trace:
    """Compare ``source`` with every rendition and derive the claim matrix."""
    params = TraceParams.from_config(models.config)
    src_emb = embed_document(source, models)
    comparisons: list[Comparison] = []
    vectors: list[np.ndarray] = []
    content: list[np.ndarray] = []
    for doc in renditions:
        emb = embed_document(doc, models, "embedding rendition")
        options = CompareOptions(source.lang, doc.lang, translate)
        comparisons.append(compare_documents(source, doc, models, options, source_embeddings=src_emb, rendition_embeddings=emb))
        dim = src_emb[0].vector.shape[0] if src_emb else 1
        vectors.append(np.stack([e.vector for e in emb]) if emb else np.zeros((0, dim), np.float32))
        content.append(np.array([0.0 if s.boilerplate else 1.0 for s in doc.sentences], np.float32))
    claims = source_claims(source, params)
    cells = [
        [claim_status(claim, source, c.rendition, c.beads, c.links, c.findings, params) for c in comparisons]
        for claim in claims
    ]
    additions = [added_sentences(i, c.rendition, c.beads) for i, c in enumerate(comparisons)]
    unique, shared = group_additions(additions, vectors, content, params.shared_similarity)
    return Trace(source, claims, comparisons, cells, unique, shared)


def trace_texts(
    source: ReadText,
    renditions: Sequence[ReadText],
    models: Models,
    source_lang: str | None = None,
    rendition_lang: str | None = None,
    translate: bool = True,
) -> Trace:
    """Segment the inputs (languages detected when not given) and trace them."""
    src = prepare_document(source, source_lang, models.config, "source")
    docs = [prepare_document(r, rendition_lang, models.config, "rendition") for r in renditions]
    return trace_documents(src, docs, models, translate)
