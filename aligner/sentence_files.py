"""Sentence alignment of two files, for the ``sentences`` command.

With ``presegmented`` each input line is one sentence (Vecalign/Bertalign input);
otherwise the tool's own segmenter splits the text. Output beads use Vecalign's
format, ``[0]:[0,1]``, one per line."""

from __future__ import annotations

import json
from typing import Any

from .errors import InputError
from .language import check_language, detect_language
from .pipeline import Models, _sentence_words, prepare_document, sentence_beads
from .reading import read_text
from .segmentation import tokenize
from .structures import Bead, Document, Sentence


def _presegmented(path: str, lang: str | None) -> Document:
    read = read_text(path)
    code = check_language(lang) if lang else detect_language(read.text)[0]
    doc = Document(read.text, code, read.path, read.sha256)
    pos = 0
    for line in read.text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start, end = pos, pos + len(body)
        pos += len(line)
        sid = len(doc.sentences)
        toks = tokenize(read.text, start, end, code, sid)
        doc.sentences.append(Sentence(sid, start, end, body, len(doc.tokens), len(doc.tokens) + len(toks)))
        doc.tokens.extend(toks)
    if not doc.sentences:
        raise InputError(f"{path}: no lines")
    return doc


def align_sentence_files(
    source: str,
    rendition: str,
    models: Models,
    presegmented: bool = False,
    source_lang: str | None = None,
    rendition_lang: str | None = None,
) -> tuple[Document, Document, list[Bead]]:
    if presegmented:
        src, tgt = _presegmented(source, source_lang), _presegmented(rendition, rendition_lang)
    else:
        src = prepare_document(read_text(source), source_lang, models.config, "source")
        tgt = prepare_document(read_text(rendition), rendition_lang, models.config, "rendition")
    enc = models.encoder
    src_emb = enc.embed(_sentence_words(src))
    tgt_emb = enc.embed(_sentence_words(tgt))
    return src, tgt, sentence_beads(src, tgt, src_emb, tgt_emb, models.config, models.sentence_background())


def _ids(ids: tuple[int, ...]) -> str:
    return "[" + ",".join(str(i) for i in ids) + "]"


def render_beads(src: Document, tgt: Document, beads: list[Bead], fmt: str) -> str:
    if fmt == "beads":
        return "".join(f"{_ids(b.source)}:{_ids(b.rendition)}\n" for b in beads)
    if fmt == "json":
        data: list[dict[str, Any]] = [
            {
                "source": list(b.source),
                "rendition": list(b.rendition),
                "score": b.score,
                **({"moved": True} if b.moved else {}),
                "source_text": " ".join(src.sentences[i].text for i in b.source),
                "rendition_text": " ".join(tgt.sentences[j].text for j in b.rendition),
            }
            for b in beads
        ]
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if fmt == "tsv":
        from .reports.tsv_report import tsv_cell

        rows = ["source_ids\trendition_ids\tscore\tmoved\tsource_text\trendition_text"]
        for b in beads:
            rows.append(
                "\t".join(
                    [
                        ",".join(map(str, b.source)),
                        ",".join(map(str, b.rendition)),
                        f"{b.score:.4f}",
                        "1" if b.moved else "0",
                        tsv_cell(" ".join(src.sentences[i].text for i in b.source)),
                        tsv_cell(" ".join(tgt.sentences[j].text for j in b.rendition)),
                    ]
                )
            )
        return "\n".join(rows) + "\n"
    raise ValueError(fmt)
