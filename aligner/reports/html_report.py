"""The HTML report: one self-contained page, source and rendition side by side.

Each sentence bead is one table row (a sentence without counterpart sits next to an
empty cell); moved beads are marked and linked to the place the rendition sentence
really occupies. Findings are highlighted on the exact character spans of both texts
(split per sentence), with a colour and an underline style per type; hovering or
focusing a highlight shows the finding, clicking a word shows its word-alignment links.

The page itself is the Jinja2 template ``templates/report.html.j2`` (pieces in
``report_macros.html.j2``) with its stylesheet and script (``report.css``,
``report.js``); this module prepares what the template shows and cuts each sentence
into highlight and word pieces.

Safety: every piece of input text is HTML-escaped (by the template's ``esc`` filter,
with autoescaping on underneath), control and bidi-override characters are made
visible, the data for the script is JSON with ``<``, ``>``, ``&`` and U+2028/9
escaped, the one inline script is static (its SHA-256 is in a strict
Content-Security-Policy) and the page makes no network request.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from functools import cache
from typing import Any

from ..structures import FINDING_TYPES
from .html_page import clean, csp_hash, esc_text, json_for_script, render_template, template_text
from .model import FindingView, Report, SentenceEntry, SpanView, as_report
from .values import as_float

SEVERITIES = ("high", "medium", "low")
_SEV_RANK = {"high": 0, "medium": 1, "low": 2}

TYPE_LABELS = {
    "added": "added in the rendition",
    "dropped": "dropped from the source",
    "softened": "claim softened",
    "strengthened": "claim strengthened",
    "changed": "number, date or name changed",
    "contradicted": "claim contradicted",
}
_RELATION_HELP = {
    "rendition": "the rendition renders the source",
    "partial": "the texts share only part of their content",
    "unrelated": "the texts do not seem to be versions of each other",
}
_LANG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


@cache
def _assets() -> tuple[str, str, str]:
    """The page's stylesheet, script and Content-Security-Policy."""
    script = template_text("report.js")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src '{csp_hash(script)}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    return template_text("report.css"), script, csp


# --------------------------------------------------------------------------- data


def _lang(value: str) -> str:
    return value if _LANG.match(value) else ""


def _tcls(t: str) -> str:
    return t if t in FINDING_TYPES else "other"


def _scls(s: str) -> str:
    return s if s in SEVERITIES else "other"


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] or path


def _span(span: SpanView | None, text: str) -> tuple[int, int, str] | None:
    """A span's offsets clamped to the text, and its text."""
    if span is None:
        return None
    s, e = max(0, min(span.start, len(text))), max(0, min(span.end, len(text)))
    if e < s:
        s, e = e, s
    return s, e, span.text


class _Side:
    """One document: its text, sentences, tokens and the finding spans on it."""

    def __init__(self, side: Any, key: str):
        self.key = key
        self.path = side.path
        self.lang = _lang(side.lang)
        self.raw_lang = side.lang
        self.sha256 = side.sha256
        self.text = side.text
        self.sentences: dict[int, SentenceEntry] = {s.id: s for s in side.sentences}
        self.tokens = sorted((t.start, t.end, k, t.diff) for k, t in enumerate(side.tokens) if t.end > t.start)
        self.tok_starts = [t[0] for t in self.tokens]
        self.spans: list[tuple[int, int, int, bool]] = []  # start, end, finding index, primary

    def sentence_at(self, offset: int) -> int | None:
        for sid, s in self.sentences.items():
            if s.start <= offset < s.end:
                return sid
        return None

    def head(self, role: str) -> dict[str, str]:
        sha = clean(self.sha256)
        return {"role": role, "fname": _basename(clean(self.path)), "lang": self.raw_lang or "?", "path": self.path, "sha": sha[:16] if sha else ""}

    def sentence(self, sid: int, findings: list[dict], emitted: set[int]) -> dict[str, Any]:
        """What the template shows of one sentence; ``html`` is its text cut into
        highlights (``<mark>``) and words (``<span class="w">``), escaped."""
        from markupsafe import Markup

        s = self.sentences[sid]
        a, b = max(0, min(s.start, len(self.text))), max(0, min(s.end, len(self.text)))
        toks = []
        i = max(0, bisect.bisect_right(self.tok_starts, a) - 1)
        while i < len(self.tokens) and self.tokens[i][0] < b:
            ts, te, k, d = self.tokens[i]
            if te > a:
                toks.append((max(ts, a), min(te, b), k, d))
            i += 1
        hls = [(max(hs, a), min(he, b), k, p) for hs, he, k, p in self.spans if hs < b and he > a]
        bounds = {a, b}
        for ts, te, _, _ in toks:
            bounds.update((ts, te))
        for hs, he, _, _ in hls:
            bounds.update((hs, he))
        cuts = sorted(bounds)
        out: list[str] = []
        mark_open: tuple | None = None
        tok_open: int | None = None
        ti = 0
        for x, y in itertools.pairwise(cuts):
            while ti < len(toks) and toks[ti][1] <= x:
                ti += 1
            tok = toks[ti] if ti < len(toks) and toks[ti][0] <= x < toks[ti][1] else None
            prim = sorted({k for hs, he, k, p in hls if p and hs <= x < he}, key=lambda k: _dominance(findings[k], k))
            ctx = sorted({k for hs, he, k, p in hls if not p and hs <= x < he} - set(prim), key=lambda k: _dominance(findings[k], k))
            fkey = (tuple(prim), tuple(ctx)) if prim or ctx else None
            if fkey != mark_open:
                if tok_open is not None:
                    out.append("</span>")
                    tok_open = None
                if mark_open is not None:
                    out.append("</mark>")
                if fkey is not None:
                    out.append(
                        f'<mark class="{_mark_class(fkey[0], fkey[1], findings)}" data-p="{" ".join(map(str, fkey[0]))}"'
                        f' data-c="{" ".join(map(str, fkey[1]))}" tabindex="0" aria-describedby="tip">'
                    )
                mark_open = fkey
            tk = tok[2] if tok else None
            if tk != tok_open:
                if tok_open is not None:
                    out.append("</span>")
                if tok is not None:
                    q = min(4, math.ceil(tok[3] * 4 - 1e-9)) if tok[3] > 0 else 0
                    cls = f"w d{q}" if q else "w"
                    ident = ""
                    if tk not in emitted:
                        emitted.add(tk)
                        ident = f' id="{self.key}t{tk}"'
                    out.append(f'<span class="{cls}" data-t="{self.key}{tk}"{ident}>')
                tok_open = tk
            out.append(esc_text(self.text[x:y]))
        if tok_open is not None:
            out.append("</span>")
        if mark_open is not None:
            out.append("</mark>")
        gloss = None
        if s.translation is not None and s.translation.strip() and not self.raw_lang.lower().startswith("en"):
            gloss = s.translation
        return {"id": sid, "key": self.key, "boilerplate": s.boilerplate, "html": Markup("".join(out)), "gloss": gloss}


def _dominance(f: dict, k: int) -> tuple[int, int]:
    return (_SEV_RANK.get(f["severity"], 3), k)


def _mark_class(prim: tuple, ctx: tuple, findings: list[dict]) -> str:
    if prim:
        f = findings[prim[0]]
        return f"hl t-{f['tcls']} v-{f['scls']}"
    f = findings[ctx[0]]
    return f"hl ctx t-{f['tcls']}"


def _findings(report: Report, src: _Side, ren: _Side) -> list[dict]:
    """The findings as the page's script reads them; their spans go onto the sides."""
    out = []
    for k, f in enumerate(report.findings):
        t = f.type
        ss = _span(f.source_span, src.text)
        rs = _span(f.rendition_span, ren.text)
        gloss = None
        if ss is not None:
            sid = src.sentence_at(ss[0])
            if sid is not None and not src.raw_lang.lower().startswith("en"):
                gloss = src.sentences[sid].translation
        out.append({
            "id": clean(f.id or f"#{k + 1}"),
            "type": clean(t),
            "tcls": _tcls(t),
            "severity": clean(f.severity),
            "scls": _scls(f.severity),
            "confidence": round(f.confidence, 3),
            "cues": [clean(c) for c in f.cues],
            "evidence": clean(f.evidence),
            "s": clean(ss[2]) if ss else None,
            "r": clean(rs[2]) if rs else None,
            "g": clean(gloss) if gloss else None,
        })  # fmt: skip
        if ss is not None and ss[1] > ss[0]:
            src.spans.append((ss[0], ss[1], k, t != "added" or rs is None))
        if rs is not None and rs[1] > rs[0]:
            ren.spans.append((rs[0], rs[1], k, t != "dropped" or ss is None))
    return out


# ------------------------------------------------------------------------ rendering


def _rows(report: Report, src: _Side, ren: _Side, findings: list[dict]) -> tuple[list[dict], dict[tuple[str, int], int]]:
    """The table rows in page order (beads, and the ghost rows that mark where a
    moved rendition sentence stands), and the row of each sentence."""
    beads = []
    seen_s: set[int] = set()
    seen_r: set[int] = set()
    for b in report.sentence_alignment:
        s_ids = [i for i in b.source if i in src.sentences and i not in seen_s]
        r_ids = [i for i in b.rendition if i in ren.sentences and i not in seen_r]
        if not s_ids and not r_ids:
            continue
        seen_s.update(s_ids)
        seen_r.update(r_ids)
        beads.append({"s": s_ids, "r": r_ids, "score": b.score, "moved": b.moved})
    # Sentences that no bead mentions still get a row (in their own order, at the end).
    for sid in sorted(set(src.sentences) - seen_s):
        beads.append({"s": [sid], "r": [], "score": 0.0, "moved": False})
    for sid in sorted(set(ren.sentences) - seen_r):
        beads.append({"s": [], "r": [sid], "score": 0.0, "moved": False})

    # Where each moved rendition sentence really stands: after the last in-order row
    # whose rendition sentences precede it.
    ghosts: dict[int, list[int]] = {}
    for n, b in enumerate(beads):
        if b["moved"] and b["r"]:
            first = min(b["r"])
            after = -1
            for m, o in enumerate(beads):
                if not o["moved"] and o["r"] and max(o["r"]) < first:
                    after = m
            ghosts.setdefault(after, []).append(n)

    row_of: dict[tuple[str, int], int] = {}
    emitted_s: set[int] = set()
    emitted_r: set[int] = set()
    rows: list[dict] = []

    def ghost_rows(after: int) -> None:
        for n in sorted(ghosts.get(after, []), key=lambda n: min(beads[n]["r"])):
            b = beads[n]
            rows.append({"ghost": True, "n": n + 1, "r_list": ", ".join(map(str, b["r"])), "s_list": ", ".join(map(str, b["s"]))})

    ghost_rows(-1)
    for n, b in enumerate(beads):
        for sid in b["s"]:
            row_of[("s", sid)] = n + 1
        for sid in b["r"]:
            row_of[("r", sid)] = n + 1
        cls = ["bead"]
        if b["moved"]:
            cls.append("moved")
        if not b["s"] or not b["r"]:
            cls.append("lone")
        rows.append({
            "ghost": False,
            "n": n + 1,
            "cls": " ".join(cls),
            "kind": f"{len(b['s'])}–{len(b['r'])}",
            "score": f"{b['score']:.2f}" if b["s"] and b["r"] else None,
            "moved": b["moved"],
            "s_lang": src.lang,
            "r_lang": ren.lang,
            "source": [src.sentence(i, findings, emitted_s) for i in b["s"]],
            "rendition": [ren.sentence(i, findings, emitted_r) for i in b["r"]],
        })  # fmt: skip
        if not b["moved"]:
            ghost_rows(n)
    return rows, row_of


def _finding_item(src: _Side, ren: _Side, rf: FindingView, f: dict, k: int, row_of: dict) -> dict[str, Any]:
    """One entry of the list of all findings, linked to the row of its span."""
    ss = _span(rf.source_span, src.text)
    rs = _span(rf.rendition_span, ren.text)
    row = None
    if ss is not None:
        sid = src.sentence_at(ss[0])
        row = row_of.get(("s", sid)) if sid is not None else None
    if row is None and rs is not None:
        sid = ren.sentence_at(rs[0])
        row = row_of.get(("r", sid)) if sid is not None else None

    def short(t: str | None) -> str | None:
        return t if t is None or len(t) <= 160 else t[:157] + "…"

    return {**f, "k": k, "href": f"#b{row}" if row else "#alignment", "conf": f"{f['confidence']:.2f}",
            "s_short": short(f["s"]), "r_short": short(f["r"]), "cue_text": ", ".join(f["cues"])}  # fmt: skip


def _pct(v: float | None) -> tuple[str, float]:
    if v is None:
        return "n/a", 0.0
    x = max(0.0, min(1.0, v))
    return f"{x:.0%}", x


def _kv(data: Any) -> dict[str, Any]:
    """Models and timings as a tree the template lists: a dict is a list of
    ``(key, subtree)`` entries, anything else one line of text."""
    if isinstance(data, dict):
        return {"entries": [(k, _kv(v)) for k, v in data.items()]}
    if isinstance(data, list | tuple):
        return {"text": ", ".join(clean(json.dumps(x, ensure_ascii=False)) if isinstance(x, dict | list) else clean(x) for x in data)}
    if isinstance(data, float):
        return {"text": f"{data:.3g}"}
    return {"text": data}


def render_html(report: Report | Any) -> str:
    """A report (or a report dictionary) as one HTML page."""
    from markupsafe import Markup

    r = as_report(report)
    src, ren = _Side(r.source, "s"), _Side(r.rendition, "r")
    findings = _findings(r, src, ren)
    rows, row_of = _rows(r, src, ren, findings)
    summary = r.summary

    counts = {t: 0 for t in FINDING_TYPES}
    other = 0
    sev_counts = {s: 0 for s in SEVERITIES}
    for f in findings:
        if f["tcls"] in counts:
            counts[f["tcls"]] += 1
        else:
            other += 1
        if f["scls"] in sev_counts:
            sev_counts[f["scls"]] += 1
    types = [{"type": t, "n": counts.get(t, other), "label": TYPE_LABELS.get(t, "other finding")} for t in (*FINDING_TYPES, *(("other",) if other else ()))]
    severities = [{"severity": s, "n": sev_counts[s]} for s in SEVERITIES]

    coverage = []
    for label, value in (("source", summary.coverage.source), ("rendition", summary.coverage.rendition)):
        txt, x = _pct(value)
        coverage.append({"label": label, "width": f"{x * 100:.1f}", "text": txt})
    relation = clean(summary.relation or "unknown")
    rel_cls = relation if relation in ("rendition", "partial", "unrelated") else "unknown"

    notes = [clean(n) for n in r.notes]
    if summary.note:
        notes.insert(0, clean(summary.note))
    for side_name, side in (("source", r.source), ("rendition", r.rendition)):
        notes.extend(f"{side_name}: {clean(w)}" for w in side.warnings)

    data = {
        "findings": [{k: v for k, v in f.items() if k not in ("scls",)} for f in findings],
        "links": [[lk.source, lk.rendition, round(lk.score, 3)] for lk in r.word_alignment],
    }
    details = None
    if r.models or r.timings:
        details = [_kv(r.models), _kv({k: f"{as_float(v):.2f} s" for k, v in r.timings.items()})]
    css, script, csp = _assets()
    return render_template(
        "report.html.j2",
        csp=Markup(csp),
        css=Markup(css),
        script=Markup(script),
        data=Markup(json_for_script(data)),
        title=f"aligner: {_basename(clean(src.path))} → {_basename(clean(ren.path))}",
        src_head=src.head("source"),
        ren_head=ren.head("rendition"),
        signature=clean(r.signature),
        relation=relation,
        rel_cls=rel_cls,
        rel_help=_RELATION_HELP.get(rel_cls, ""),
        coverage=coverage,
        types=types,
        severities=severities,
        other_severity=any(f["scls"] == "other" for f in findings),
        total=len(findings),
        notes=notes,
        rows=rows,
        s_lang=src.raw_lang or "?",
        r_lang=ren.raw_lang or "?",
        findings=[_finding_item(src, ren, r.findings[k], f, k, row_of) for k, f in enumerate(findings)],
        details=details,
        schema=r.schema,
    )
