"""Build the sentence-alignment development set under ``benchmarks/data/sentalign/``.

    python benchmarks/make_sentalign_data.py        # rewrites the files (seed 14)

Every document is a JSON line ``{"id", "variant", "source_lang", "rendition_lang",
"source": [sentences], "rendition": [sentences], "gold": [[[src ids], [tgt ids]], ...]}``
(presegmented, so the gold does not depend on the tool's own segmenter).

Base documents, made of parallel sentence pairs known to correspond one to one:

- ``hansard-K``: the 200 English-French Hansard pairs of ``shared/bench/wordalign``
  (detokenised: spaces before punctuation, French contractions ``de le`` -> ``du``,
  elisions ``je aimerais`` -> ``j'aimerais``), French as source, five documents of 40;
- ``cases-K``: the faithful cases of ``shared/bench/findings/cases.jsonl`` (no finding)
  whose source and rendition have the same number of sentences (the tool's segmenter),
  in file order, two documents.

Each variant edits every base document with its own seeded generator:

- ``clean``: no edit (all 1-1);
- ``merge10``: at each pair, with probability 0.10, a 2-1, 1-2 or 1-3 bead (the
  sentences of one side joined into one sentence);
- ``gap10``: with probability 0.10 the rendition sentence is dropped (1-0), and with
  probability 0.10 an unrelated rendition sentence (from another base document) is
  inserted (0-1);
- ``mixed5`` / ``mixed10`` / ``mixed20``: merges and gaps, each at half the rate;
- ``moved``: ``mixed5`` plus one paragraph (3-5 consecutive rendition sentences of
  1-1 beads) moved elsewhere in the rendition (a moved bead is still a 1-1 bead);
- ``short``: documents of one to four sentences (each faithful case alone, 40
  one-sentence translations, 40 one-sentence unrelated pairs);
- ``long``: one document of all the pairs with ``mixed10`` edits and a moved
  paragraph (insertions: first sentences of the English-source cases' renditions).

Plus ``real``: sample pairs aligned by hand (``samples/faithful-fr_en``,
``faithful-tricky-fr_en``, ``formats-fr_en``, ``planted-fr_en``, ``reordered-fr_en``
and the loose agency rendition ``anbar-fr_ava-en``; see ``HAND_GOLD``).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "bench"
OUT = ROOT / "benchmarks" / "data" / "sentalign"
SEED = 14

Unit = tuple[list[str], list[str]]

# Sample pairs read and aligned by hand: sentence ids of the tool's segmentation at the
# time of writing (stored as sentences in the data file, so later segmenter changes do
# not move the gold). None means "every sentence 1-1 in order".
HAND_GOLD: dict[str, list[tuple[list[int], list[int]]] | None] = {
    "faithful-fr_en": None,
    "faithful-tricky-fr_en": None,
    "formats-fr_en": None,
    "planted-fr_en": None,
    # The last French paragraph (Charles Lister) opens the English text.
    "reordered-fr_en": [([0], [1]), ([1], [2]), ([2], [3]), ([3], [4]), ([4], [5]), ([5], [6]), ([6], [0])],
    # A loose agency rendition: headline for headline, the French teaser, repeated
    # title, byline and URL without counterpart; the agency's QR line, date line,
    # own introduction, story code and link line added; two French sentences merged.
    "anbar-fr_ava-en": [
        ([0], [1]),
        ([1], []),
        ([2], []),
        ([3], []),
        ([], [0]),
        ([], [2]),
        ([4], [3]),
        ([], [4]),
        ([5], [5]),
        ([6], [6]),
        ([7], [7]),
        ([8, 9], [8]),
        ([10], [9]),
        ([11], [10]),
        ([12], [11]),
        ([13], []),
        ([], [12]),
        ([], [13]),
    ],
}

_CONTRACT = [(r"\bde le\b", "du"), (r"\bde les\b", "des"), (r"\bà le\b", "au"), (r"\bà les\b", "aux")]
_ELIDE = re.compile(r"\b([jJlLdDmMtTsSnNcC]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)e\s+(?=[aeiouyhéèêàâîôûAEIOUYHÉ])")


def detokenise(text: str, lang: str) -> str:
    """Readable text from Hansard's tokenised lines (close enough for an encoder)."""
    s = " ".join(text.split())
    if lang == "fr":
        for pat, rep in _CONTRACT:
            s = re.sub(pat, rep, s)
        s = re.sub(r"\b([lL])a\s+(?=[aeiouyéèêàâîôûAEIOUYÉ])", r"\1'", s)
        s = _ELIDE.sub(lambda m: m.group(1) + "'", s)
        s = s.replace("' ", "'")
    s = re.sub(r"\s+([,.;:!?)%])", r"\1", s) if lang == "en" else re.sub(r"\s+([,.)])", r"\1", s)
    s = re.sub(r"([(])\s+", r"\1", s)
    s = re.sub(r"\s+-\s+", "-", s)
    s = s.replace(" 's", "'s").replace(" n't", "n't")
    return s[:1].upper() + s[1:]


def hansard_pairs() -> list[tuple[str, str]]:
    pairs = []
    for line in (SHARED / "wordalign" / "enfr-dev.src-tgt").read_text(encoding="utf-8").splitlines():
        en, fr = line.split("|||")
        pairs.append((detokenise(fr, "fr"), detokenise(en, "en")))
    return pairs


def case_documents() -> list[list[tuple[str, str]]]:
    """The faithful French cases with as many sentences on both sides, one list of
    sentence pairs per case."""
    from aligner.text.segmentation import segment

    docs = []
    for line in (SHARED / "findings" / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["findings"] or case["source_lang"] != "fr":
            continue
        src = [s.text for s in segment(case["source"], "fr")[0]]
        tgt = [s.text for s in segment(case["rendition"], "en")[0]]
        if len(src) == len(tgt):
            docs.append(list(zip(src, tgt, strict=True)))
    return docs


def short_documents(hansard: list[tuple[str, str]], cases: list[list[tuple[str, str]]]) -> list[dict]:
    """Documents of one to four sentences: every faithful case on its own, 40 one-
    sentence translations, and 40 one-sentence pairs of unrelated sentences (gold: both
    without counterpart), Hansard sentences taken 100 apart."""
    docs = []

    def add(name: str, src: list[str], tgt: list[str], gold: list) -> None:
        docs.append({"id": name, "variant": "short", "source_lang": "fr", "rendition_lang": "en", "source": src, "rendition": tgt, "gold": gold})

    for k, pairs in enumerate(cases):
        add(f"case-{k}", [p[0] for p in pairs], [p[1] for p in pairs], [[[i], [i]] for i in range(len(pairs))])
    for k in range(40):
        fr, en = hansard[60 + k]
        add(f"one-{k}", [fr], [en], [[[0], [0]]])
        add(f"unrelated-{k}", [fr], [hansard[(60 + k + 100) % len(hansard)][1]], [[[0], []], [[], [0]]])
    return docs


def _edit(pairs: list[tuple[str, str]], rng: random.Random, merge: float, gap: float, foreign: list[str]) -> list[Unit]:
    units: list[Unit] = []
    k = 0
    while k < len(pairs):
        r = rng.random()
        if r < merge and k + 2 < len(pairs):
            shape = rng.choice(["2-1", "1-2", "1-3"])
            if shape == "2-1":
                units.append(([pairs[k][0], pairs[k + 1][0]], [f"{pairs[k][1]} {pairs[k + 1][1]}"]))
                k += 2
            elif shape == "1-2":
                units.append(([f"{pairs[k][0]} {pairs[k + 1][0]}"], [pairs[k][1], pairs[k + 1][1]]))
                k += 2
            else:
                units.append(([" ".join(p[0] for p in pairs[k : k + 3])], [p[1] for p in pairs[k : k + 3]]))
                k += 3
            continue
        if r < merge + gap:
            units.append(([pairs[k][0]], []))
        else:
            units.append(([pairs[k][0]], [pairs[k][1]]))
        if rng.random() < gap:
            units.append(([], [rng.choice(foreign)]))
        k += 1
    return units


def _flatten(units: list[Unit], move: tuple[int, int, int] | None) -> tuple[list[str], list[str], list]:
    """Source and rendition sentence lists and gold beads; ``move`` = (first unit, unit
    count, destination unit) moves those units' rendition sentences before the
    destination unit's rendition."""
    src: list[str] = []
    src_ids: list[list[int]] = []
    for s, _ in units:
        src_ids.append(list(range(len(src), len(src) + len(s))))
        src.extend(s)
    order = list(range(len(units)))
    if move is not None:
        a, n, dest = move
        block = order[a : a + n]
        rest = order[:a] + order[a + n :]
        at = rest.index(dest)
        order = rest[:at] + block + rest[at:]
    tgt: list[str] = []
    tgt_ids: dict[int, list[int]] = {}
    for u in order:
        t = units[u][1]
        tgt_ids[u] = list(range(len(tgt), len(tgt) + len(t)))
        tgt.extend(t)
    gold = [[src_ids[u], tgt_ids[u]] for u in range(len(units))]
    return src, tgt, gold


def _move(units: list[Unit], rng: random.Random) -> tuple[int, int, int] | None:
    for _ in range(100):
        n = rng.randint(3, 5)
        a = rng.randrange(0, len(units) - n)
        if not all(len(units[u][0]) == 1 and len(units[u][1]) == 1 for u in range(a, a + n)):
            continue
        dest = rng.randrange(0, len(units))
        if abs(dest - a) > 2 * n and not (a <= dest < a + n):
            return a, n, dest
    return None


VARIANTS = {
    "clean": (0.0, 0.0, False),
    "merge10": (0.10, 0.0, False),
    "gap10": (0.0, 0.10, False),
    "mixed5": (0.025, 0.025, False),
    "mixed10": (0.05, 0.05, False),
    "mixed20": (0.10, 0.10, False),
    "moved": (0.025, 0.025, True),
}


def real_documents() -> list[dict]:
    import tomllib

    from aligner.text.segmentation import segment

    docs = []
    for name, gold in HAND_GOLD.items():
        d = ROOT / "samples" / name
        manifest = tomllib.loads((d / "manifest.toml").read_text(encoding="utf-8"))
        ls, lr = manifest["source_lang"], manifest["rendition_lang"]
        src = [s.text for s in segment((d / manifest["source"]).read_text(encoding="utf-8"), ls)[0]]
        tgt = [s.text for s in segment((d / manifest["rendition"]).read_text(encoding="utf-8"), lr)[0]]
        if gold is None:
            assert len(src) == len(tgt), name
            gold = [([i], [i]) for i in range(len(src))]
        used_s = sorted(i for s, _ in gold for i in s)
        used_t = sorted(j for _, t in gold for j in t)
        assert used_s == list(range(len(src))) and used_t == list(range(len(tgt))), name
        docs.append({"id": name, "variant": "real", "source_lang": ls, "rendition_lang": lr, "source": src, "rendition": tgt, "gold": [list(map(list, b)) for b in gold]})
    return docs


def main() -> None:
    hansard = hansard_pairs()
    case_docs = case_documents()
    cases = [p for d in case_docs for p in d]
    half = len(cases) // 2
    bases = {f"hansard-{k}": hansard[40 * k : 40 * (k + 1)] for k in range(5)}
    bases.update({"cases-0": cases[:half], "cases-1": cases[half:]})
    OUT.mkdir(parents=True, exist_ok=True)
    counts = {}
    for vi, (variant, (merge, gap, moved)) in enumerate(VARIANTS.items()):
        docs = []
        for bi, (name, pairs) in enumerate(bases.items()):
            rng = random.Random(SEED * 1000 + vi * 100 + bi)
            foreign = [t for other, ps in bases.items() if other != name for _, t in ps]
            units = _edit(pairs, rng, merge, gap, foreign)
            src, tgt, gold = _flatten(units, _move(units, rng) if moved else None)
            docs.append({"id": name, "variant": variant, "source_lang": "fr", "rendition_lang": "en", "source": src, "rendition": tgt, "gold": gold})
        _write(variant, docs)
        counts[variant] = len(docs)
    # One long document of every pair (mixed10 edits and a moved paragraph): the
    # coarse-to-fine band is exercised when the benchmark forces it (--band-only).
    rng = random.Random(SEED * 1000 + 999)
    everything = [p for ps in bases.values() for p in ps]
    units = _edit(everything, rng, 0.05, 0.05, _foreign_long())
    src, tgt, gold = _flatten(units, _move(units, rng))
    _write("long", [{"id": "all", "variant": "long", "source_lang": "fr", "rendition_lang": "en", "source": src, "rendition": tgt, "gold": gold}])
    counts["long"] = 1
    short = short_documents(hansard, case_docs)
    _write("short", short)
    counts["short"] = len(short)
    real = real_documents()
    _write("real", real)
    counts["real"] = len(real)
    print(f"{len(hansard)} Hansard pairs, {len(cases)} case pairs; documents per variant: {counts}")


def _foreign_long() -> list[str]:
    """Unrelated English sentences for the long document's insertions: the renditions
    of the English-source cases (not used by any base document)."""
    out = []
    for line in (SHARED / "findings" / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["source_lang"] == "en":
            out.append(case["rendition"].split(". ")[0].rstrip(".") + ".")
    return out


def _write(variant: str, docs: list[dict]) -> None:
    path = OUT / f"{variant}.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")


if __name__ == "__main__":
    main()
