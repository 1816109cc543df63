"""Which words may be names: the one test behind every name-related check.

A capitalised word inside a sentence is taken for a name (or part of one); at a
sentence start every word is capitalised, so there it counts only where a check asks
for it. The name check (``changed``) compares single names and leaves month and
weekday names to the date check; the added/dropped checks rate a span carrying a name
or a number as severe, and look for the same entity on the other side under another
spelling. Each asks :func:`is_name_word` with the options it needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..structures import Document
from ..text.locale_data import is_calendar_word

__all__ = ["is_name_word", "mid_sentence_names", "name_chunks", "name_or_number"]


def _caseless(word: str) -> bool:
    """Written in a script without capitals (Chinese, Arabic, Persian ...), where any
    word may be a name."""
    first = word[:1]
    return first.isalpha() and first.lower() == first.upper()


def is_name_word(
    doc: Document,
    k: int,
    *,
    sentence_start: bool = False,
    min_length: int = 1,
    calendar: bool = True,
    caseless: bool = False,
    any_kind: bool = False,
) -> bool:
    """Whether token ``k`` may be (part of) a name: a word that starts with a capital
    letter, not the first word of its sentence.

    ``sentence_start``: the first word counts too; ``min_length``: shorter words do not
    count (a single initial); ``calendar``: month and weekday names count (False:
    they are dates, compared by the date check); ``caseless``: any word of a script
    without capitals counts; ``any_kind``: a token of any kind written with a capital
    counts, not only a word (a whole sentence's URL or e-mail address)."""
    tok = doc.tokens[k]
    text = tok.text
    if not (any_kind or tok.kind == "word") or len(text) < min_length:
        return False
    if not (text[:1].isupper() or (caseless and _caseless(text))):
        return False
    if not sentence_start and k == doc.sentences[tok.sentence].token_start:
        return False
    return calendar or not is_calendar_word(text, doc.lang)


def name_or_number(doc: Document, k: int, names: frozenset[str] = frozenset()) -> bool:
    """A number, a capitalised word inside its sentence, or a sentence's first word
    that is among ``names`` (:func:`mid_sentence_names`): what makes an added or
    dropped span severe."""
    tok = doc.tokens[k]
    if tok.kind == "number" or is_name_word(doc, k, any_kind=True):
        return True
    return k == doc.sentences[tok.sentence].token_start and tok.text in names


def mid_sentence_names(doc: Document) -> frozenset[str]:
    """Capitalised words seen inside a sentence somewhere in the document: the same
    word capitalised at a sentence start ("Kridel wrote") is a name too."""
    return frozenset(t.text for k, t in enumerate(doc.tokens) if is_name_word(doc, k))


def name_chunks(doc: Document, tokens: Sequence[int], longest: int = 4) -> list[str]:
    """Runs of capitalised words (and acronyms) in a token list, up to ``longest``
    words each: candidate names. In a script without capitals every run of words is a
    candidate: "Lanqiao" is checked against the transliteration of each of them."""
    chunks: list[str] = []
    run: list[int] = []
    for k in [*tokens, -1]:
        if k >= 0 and is_name_word(doc, k, sentence_start=True, caseless=True):
            run.append(k)
            continue
        if run:
            for i in range(len(run)):
                for j in range(i, min(len(run), i + longest)):
                    chunks.append(doc.text[doc.tokens[run[i]].start : doc.tokens[run[j]].end])
            run = []
    return chunks
