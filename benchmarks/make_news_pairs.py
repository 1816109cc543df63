"""Build ``benchmarks/data/news-fr-en.pairs``: French-English sentence pairs of news
articles, word-tokenised, for ``speed.py`` (the dev pairs are short Hansard sentences;
this tool's users align news articles, whose sentences are about twice as long).

    python benchmarks/make_news_pairs.py            # rewrites the file

Every French-to-English sample pair under ``samples/`` is sentence-aligned with the
tool's own defaults (``align_sentence_files``); each one-to-one bead becomes one line
``source words ||| rendition words`` with the tool's tokenisation. The file is checked
in so that speed numbers are always taken on the same pairs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "data" / "news-fr-en.pairs"


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aligner.io.sentence_files import align_sentence_files
    from aligner.pipeline import load_models

    models = load_models()
    lines: list[str] = []
    for d in sorted(p for p in (ROOT / "samples").iterdir() if p.is_dir()):
        fr, en = d / "fr.txt", d / "en.txt"
        if not (fr.is_file() and en.is_file()):
            continue
        src, tgt, beads = align_sentence_files(str(fr), str(en), models, source_lang="fr", rendition_lang="en")
        for b in beads:
            if len(b.source) != 1 or len(b.rendition) != 1:
                continue
            s, t = src.sentences[b.source[0]], tgt.sentences[b.rendition[0]]
            if s.boilerplate or t.boilerplate:
                continue
            # A token may hold a space ("10 000"); the pair format splits on whitespace.
            sw = ["".join(tok.text.split()) for tok in src.tokens[s.token_start : s.token_end]]
            tw = ["".join(tok.text.split()) for tok in tgt.tokens[t.token_start : t.token_end]]
            if sw and tw:
                lines.append(f"{' '.join(sw)} ||| {' '.join(tw)}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} pairs -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
