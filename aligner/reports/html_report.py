"""The HTML report: one self-contained page, source and rendition side by side.

Each sentence bead is one table row (a sentence without counterpart sits next to an
empty cell); moved beads are marked and linked to the place the rendition sentence
really occupies. Findings are highlighted on the exact character spans of both texts
(split per sentence), with a colour and an underline style per type; hovering or
focusing a highlight shows the finding, clicking a word shows its word-alignment links.

Safety: every piece of input text is HTML-escaped, control and bidi-override characters
are made visible, the data for the script is JSON with ``<``, ``>``, ``&`` and U+2028/9
escaped, the one inline script is static (its SHA-256 is in a strict
Content-Security-Policy) and the page makes no network request.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import itertools
import json
import math
import re
from typing import Any

from ..structures import FINDING_TYPES
from .values import as_float as _num
from .values import as_int as _int

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

# Control characters, C1 controls, bidi overrides/isolates, lone surrogates and
# non-characters: shown visibly instead of being passed to the page.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_LANG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI"}


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    return f"\u27e8{_NAMES.get(c) or f'U+{c:04X}'}\u27e9"  # ⟨ESC⟩, ⟨U+202E⟩


def clean(value: Any) -> str:
    """Input text with control/bidi characters made visible (not yet HTML-escaped)."""
    return _UNSAFE.sub(_visible, "" if value is None else str(value))


def esc(value: Any) -> str:
    """Input text escaped for HTML text or a double-quoted attribute."""
    return html.escape(clean(value), quote=True)


def esc_text(value: Any) -> str:
    """Like :func:`esc`, for element content: the visible stand-ins for control
    characters are wrapped in ``<span class="ctl">`` so that they stand out."""
    s = "" if value is None else str(value)
    out: list[str] = []
    last = 0
    for m in _UNSAFE.finditer(s):
        out.append(html.escape(s[last : m.start()], quote=True))
        out.append(f'<span class="ctl">{html.escape(_visible(m))}</span>')
        last = m.end()
    out.append(html.escape(s[last:], quote=True))
    return "".join(out)


def json_for_script(data: Any) -> str:
    """JSON safe to place inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _lang(value: Any) -> str:
    v = str(value or "")
    return v if _LANG.match(v) else ""


def _tcls(t: Any) -> str:
    return t if t in FINDING_TYPES else "other"


def _scls(s: Any) -> str:
    return s if s in SEVERITIES else "other"




def _basename(path: str) -> str:
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] or path


# --------------------------------------------------------------------------- data


def _doc_text(side: dict) -> str:
    text = side.get("text")
    if isinstance(text, str):
        return text
    # No full text (a hand-made report): rebuild one with the sentences at their offsets.
    sents = side.get("sentences") or []
    size = max((_int(s.get("end")) or 0 for s in sents), default=0)
    buf = [" "] * size
    for s in sents:
        start = _int(s.get("start")) or 0
        for i, ch in enumerate(str(s.get("text", ""))):
            if 0 <= start + i < size:
                buf[start + i] = ch
    return "".join(buf)


def _span(span: Any, text: str) -> tuple[int, int, str] | None:
    if not isinstance(span, dict):
        return None
    s, e = _int(span.get("start")), _int(span.get("end"))
    if s is None or e is None:
        return None
    s, e = max(0, min(s, len(text))), max(0, min(e, len(text)))
    if e < s:
        s, e = e, s
    t = span.get("text")
    return s, e, t if isinstance(t, str) else text[s:e]


class _Side:
    """One document: its text, sentences, tokens and the finding spans on it."""

    def __init__(self, side: dict, key: str):
        self.key = key
        self.path = str(side.get("path", "-"))
        self.lang = _lang(side.get("lang"))
        self.raw_lang = str(side.get("lang", ""))
        self.text = _doc_text(side)
        self.sentences: dict[int, dict] = {}
        for s in side.get("sentences") or []:
            sid = _int(s.get("id"))
            if sid is not None:
                self.sentences[sid] = s
        toks = []
        for k, t in enumerate(side.get("tokens") or []):
            a, b = _int(t.get("start")), _int(t.get("end"))
            if a is not None and b is not None and b > a:
                toks.append((a, b, k, _num(t.get("diff"))))
        toks.sort()
        self.tokens = toks
        self.tok_starts = [t[0] for t in toks]
        self.spans: list[tuple[int, int, int, bool]] = []  # start, end, finding index, primary

    def sentence_at(self, offset: int) -> int | None:
        for sid, s in self.sentences.items():
            if (_int(s.get("start")) or 0) <= offset < (_int(s.get("end")) or 0):
                return sid
        return None

    def render_sentence(self, sid: int, findings: list[dict], emitted: set[int]) -> str:
        s = self.sentences[sid]
        a, b = _int(s.get("start")) or 0, _int(s.get("end")) or 0
        a, b = max(0, min(a, len(self.text))), max(0, min(b, len(self.text)))
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
        classes = "sent boiler" if s.get("boilerplate") else "sent"
        head = f'<span class="sn" aria-hidden="true">{sid}</span>'
        if s.get("boilerplate"):
            head += '<span class="tag">page debris</span>'
        gloss = ""
        tr = s.get("translation")
        if isinstance(tr, str) and tr.strip() and not self.raw_lang.lower().startswith("en"):
            gloss = f'<div class="gloss" lang="en"><span class="gl">EN</span> {esc(tr)}</div>'
        return f'<div class="{classes}" id="{self.key}s{sid}">{head}<span class="tx">{"".join(out)}</span>{gloss}</div>'


def _dominance(f: dict, k: int) -> tuple[int, int]:
    return (_SEV_RANK.get(f["severity"], 3), k)


def _mark_class(prim: tuple, ctx: tuple, findings: list[dict]) -> str:
    if prim:
        f = findings[prim[0]]
        return f"hl t-{f['tcls']} v-{f['scls']}"
    f = findings[ctx[0]]
    return f"hl ctx t-{f['tcls']}"


def _findings(report: dict, src: _Side, ren: _Side) -> list[dict]:
    out = []
    for k, f in enumerate(report.get("findings") or []):
        t = str(f.get("type", ""))
        ss = _span(f.get("source_span"), src.text)
        rs = _span(f.get("rendition_span"), ren.text)
        gloss = None
        if ss is not None:
            sid = src.sentence_at(ss[0])
            if sid is not None:
                g = src.sentences[sid].get("translation")
                gloss = g if isinstance(g, str) and not src.raw_lang.lower().startswith("en") else None
        cues = f.get("cues") or []
        item = {
            "id": clean(f.get("id", f"#{k + 1}")),
            "type": clean(t),
            "tcls": _tcls(t),
            "severity": clean(f.get("severity", "")),
            "scls": _scls(f.get("severity")),
            "confidence": round(_num(f.get("confidence")), 3),
            "cues": [clean(c) for c in (cues if isinstance(cues, list) else [cues])],
            "evidence": clean(f.get("evidence", "")),
            "s": clean(ss[2]) if ss else None,
            "r": clean(rs[2]) if rs else None,
            "g": clean(gloss) if gloss else None,
        }
        out.append(item)
        if ss is not None and ss[1] > ss[0]:
            src.spans.append((ss[0], ss[1], k, t != "added" or rs is None))
        if rs is not None and rs[1] > rs[0]:
            ren.spans.append((rs[0], rs[1], k, t != "dropped" or ss is None))
    return out


# ------------------------------------------------------------------------ rendering


def _rows(report: dict, src: _Side, ren: _Side, findings: list[dict]) -> tuple[str, dict[tuple[str, int], int]]:
    beads = []
    seen_s: set[int] = set()
    seen_r: set[int] = set()
    for b in report.get("sentence_alignment") or []:
        s_ids = [i for i in (_int(x) for x in b.get("source") or []) if i in src.sentences and i not in seen_s]
        r_ids = [i for i in (_int(x) for x in b.get("rendition") or []) if i in ren.sentences and i not in seen_r]
        if not s_ids and not r_ids:
            continue
        seen_s.update(s_ids)
        seen_r.update(r_ids)
        beads.append({"s": s_ids, "r": r_ids, "score": _num(b.get("score")), "moved": bool(b.get("moved")), "extra": False})
    # Sentences that no bead mentions still get a row (in their own order, at the end).
    for sid in sorted(set(src.sentences) - seen_s):
        beads.append({"s": [sid], "r": [], "score": 0.0, "moved": False, "extra": True})
    for sid in sorted(set(ren.sentences) - seen_r):
        beads.append({"s": [], "r": [sid], "score": 0.0, "moved": False, "extra": True})

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
    rows: list[str] = []

    def ghost_rows(after: int) -> None:
        for n in sorted(ghosts.get(after, []), key=lambda n: min(beads[n]["r"])):
            b = beads[n]
            r_list = ", ".join(str(i) for i in b["r"])
            s_list = ", ".join(str(i) for i in b["s"])
            rows.append(
                f'<tr class="ghost" id="g{n + 1}"><th scope="row" class="bn"><span class="mv">⇅</span></th>'
                f'<td class="src"></td><td class="ren"><span class="gh">Rendition sentence {r_list} stands here in the rendition; '
                f'it renders source sentence {s_list} and is shown with it in <a href="#b{n + 1}">row {n + 1}</a>.</span></td></tr>'
            )

    ghost_rows(-1)
    for n, b in enumerate(beads):
        for sid in b["s"]:
            row_of[("s", sid)] = n + 1
        for sid in b["r"]:
            row_of[("r", sid)] = n + 1
        kind = f"{len(b['s'])}–{len(b['r'])}"
        cls = ["bead"]
        if b["moved"]:
            cls.append("moved")
        if not b["s"] or not b["r"]:
            cls.append("lone")
        meta = f'<a class="bno" href="#b{n + 1}">{n + 1}</a><span class="kind">{kind}</span>'
        if b["s"] and b["r"]:
            meta += f'<span class="score" title="sentence similarity">{b["score"]:.2f}</span>'
        if b["moved"]:
            meta += f'<a class="mv" href="#g{n + 1}" title="moved: go to the place of the rendition sentence">moved ↪</a>'
        src_html = "".join(src.render_sentence(i, findings, emitted_s) for i in b["s"])
        ren_html = "".join(ren.render_sentence(i, findings, emitted_r) for i in b["r"])
        s_cls = "src" if b["s"] else "src empty"
        r_cls = "ren" if b["r"] else "ren empty"
        s_lang = f' lang="{src.lang}"' if src.lang else ""
        r_lang = f' lang="{ren.lang}"' if ren.lang else ""
        s_aria = "" if b["s"] else ' aria-label="no counterpart in the source"'
        r_aria = "" if b["r"] else ' aria-label="no counterpart in the rendition"'
        rows.append(
            f'<tr class="{" ".join(cls)}" id="b{n + 1}"><th scope="row" class="bn">{meta}</th>'
            f'<td class="{s_cls}" data-side="s"{s_lang}{s_aria}>{src_html}</td>'
            f'<td class="{r_cls}" data-side="r"{r_lang}{r_aria}>{ren_html}</td></tr>'
        )
        if not b["moved"]:
            ghost_rows(n)
    return "\n".join(rows), row_of


def _finding_row(src: _Side, ren: _Side, report_f: dict, f: dict, k: int, row_of: dict) -> str:
    ss = _span(report_f.get("source_span"), src.text)
    rs = _span(report_f.get("rendition_span"), ren.text)
    row = None
    if ss is not None:
        sid = src.sentence_at(ss[0])
        row = row_of.get(("s", sid)) if sid is not None else None
    if row is None and rs is not None:
        sid = ren.sentence_at(rs[0])
        row = row_of.get(("r", sid)) if sid is not None else None
    href = f"#b{row}" if row else "#alignment"

    def quote(t: str | None) -> str:
        if t is None:
            return '<span class="nil">—</span>'
        short = t if len(t) <= 160 else t[:157] + "…"
        return f"<q>{esc(short)}</q>"

    cues = f'<span class="cues">cues: {esc(", ".join(f["cues"]))}</span>' if f["cues"] else ""
    return (
        f'<li class="fi t-{f["tcls"]} v-{f["scls"]}" data-k="{k}">'
        f'<a class="go" href="{href}" data-k="{k}">{esc(f["id"])}</a> '
        f'<span class="badge t-{f["tcls"]}">{esc(f["type"])}</span> '
        f'<span class="sev">{esc(f["severity"])} · {f["confidence"]:.2f}</span>'
        f'<div class="fq"><span class="lbl">source</span> {quote(f["s"])}</div>'
        f'<div class="fq"><span class="lbl">rendition</span> {quote(f["r"])}</div>'
        f'<div class="ev">{esc(f["evidence"])} {cues}</div></li>'
    )


def _pct(v: Any) -> tuple[str, float]:
    x = _num(v, float("nan"))
    if math.isnan(x):
        return "n/a", 0.0
    x = max(0.0, min(1.0, x))
    return f"{x:.0%}", x


def _kv(data: Any, depth: int = 0) -> str:
    if isinstance(data, dict):
        items = "".join(f"<li><b>{esc(k)}</b>: {_kv(v, depth + 1)}</li>" for k, v in data.items())
        return f"<ul>{items}</ul>"
    if isinstance(data, list | tuple):
        return esc(", ".join(clean(json.dumps(x, ensure_ascii=False)) if isinstance(x, dict | list) else clean(x) for x in data))
    if isinstance(data, float):
        return esc(f"{data:.3g}")
    return esc(data)


def render_html(report: dict) -> str:
    """The report (the dict of :func:`~aligner.reports.json_report.to_json_dict`) as one HTML page."""
    src = _Side(report.get("source") or {}, "s")
    ren = _Side(report.get("rendition") or {}, "r")
    findings = _findings(report, src, ren)
    rows, row_of = _rows(report, src, ren, findings)
    summary = report.get("summary") or {}

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
    type_rows = []
    for t in (*FINDING_TYPES, *(("other",) if other else ())):
        n = counts.get(t, other)
        type_rows.append(
            f'<li><label class="{"zero" if not n else ""}"><input type="checkbox" class="ft" value="{t}" checked>'
            f'<span class="sw t-{t}" aria-hidden="true"></span><span class="tn">{t}</span>'
            f'<span class="cnt">{n}</span></label><span class="hint">{esc(TYPE_LABELS.get(t, "other finding"))}</span></li>'
        )
    sev_rows = "".join(
        f'<label class="sv"><input type="checkbox" class="fs" value="{s}" checked> {s} <span class="cnt">{sev_counts[s]}</span></label>'
        for s in SEVERITIES
    )
    if any(f["scls"] == "other" for f in findings):
        sev_rows += '<label class="sv"><input type="checkbox" class="fs" value="other" checked> other</label>'

    cov = summary.get("coverage") or {}
    cov_html = ""
    for label, key in (("source", "source"), ("rendition", "rendition")):
        txt, x = _pct(cov.get(key) if isinstance(cov, dict) else None)
        cov_html += (
            f'<div class="cov"><span class="cl">{label}</span><span class="bar"><span class="fill" style="width:{x * 100:.1f}%"></span></span>'
            f'<span class="cv">{txt}</span></div>'
        )
    relation = clean(summary.get("relation", "unknown"))
    rel_cls = relation if relation in ("rendition", "partial", "unrelated") else "unknown"
    rel_help = {
        "rendition": "the rendition renders the source",
        "partial": "the texts share only part of their content",
        "unrelated": "the texts do not seem to be versions of each other",
    }.get(rel_cls, "")

    notes = [clean(n) for n in report.get("notes") or []]
    if summary.get("note"):
        notes.insert(0, clean(summary["note"]))
    for side_name, side in (("source", report.get("source") or {}), ("rendition", report.get("rendition") or {})):
        notes.extend(f"{side_name}: {clean(w)}" for w in side.get("warnings") or [])
    notes_html = "".join(f"<li>{html.escape(n, quote=True)}</li>" for n in notes)
    notes_html = f'<section class="notes"><h2>Notes</h2><ul>{notes_html}</ul></section>' if notes else ""

    raw_findings = report.get("findings") or []
    findings_list = "\n".join(_finding_row(src, ren, raw_findings[k], f, k, row_of) for k, f in enumerate(findings))
    if not findings:
        findings_list = '<li class="none">No findings.</li>'

    data = {
        "findings": [{k: v for k, v in f.items() if k not in ("scls",)} for f in findings],
        "links": [
            [a, b, round(_num(s), 3)]
            for a, b, s in (
                (_int(lk[0]), _int(lk[1]), lk[2] if len(lk) > 2 else 0)
                for lk in report.get("word_alignment") or []
                if isinstance(lk, list | tuple) and len(lk) >= 2
            )
            if a is not None and b is not None
        ],
    }

    signature = clean(report.get("signature", ""))
    title = f"aligner: {_basename(clean(src.path))} → {_basename(clean(ren.path))}"

    def side_head(side: _Side, role: str) -> str:
        sha = clean((report.get("source" if role == "source" else "rendition") or {}).get("sha256", ""))
        return (
            f'<div class="doc"><span class="role">{role}</span>'
            f'<span class="fname">{esc(_basename(clean(side.path)))}</span>'
            f'<span class="lang">{esc(side.raw_lang or "?")}</span>'
            f'<div class="path">{esc(side.path)}</div>'
            + (f'<div class="sha" title="SHA-256 of the file">sha256 {esc(sha[:16])}…</div>' if sha else "")
            + "</div>"
        )

    s_lang = esc(src.raw_lang or "?")
    r_lang = esc(ren.raw_lang or "?")
    models = report.get("models") or {}
    timings = report.get("timings") or {}
    footer_details = ""
    if models or timings:
        footer_details = (
            '<details class="meta"><summary>Models and timings</summary>'
            f"{_kv(models)}{_kv({k: f'{_num(v):.2f} s' for k, v in timings.items()} if isinstance(timings, dict) else timings)}"
            "</details>"
        )

    return _PAGE.format(
        csp=_CSP,
        title=esc(title),
        css=_CSS,
        script=_JS,
        data=json_for_script(data),
        src_head=side_head(src, "source"),
        ren_head=side_head(ren, "rendition"),
        signature=esc(signature),
        relation=esc(relation),
        rel_cls=rel_cls,
        rel_help=esc(rel_help),
        coverage=cov_html,
        type_rows="".join(type_rows),
        sev_rows=sev_rows,
        total=len(findings),
        notes=notes_html,
        rows=rows,
        s_lang=s_lang,
        r_lang=r_lang,
        findings_list=findings_list,
        footer=footer_details,
        schema=esc(report.get("schema", "")),
    )


# ---------------------------------------------------------------------- the page

_CSS = """
:root{--bg:#f7f6f2;--panel:#fff;--fg:#1d2127;--muted:#646b74;--line:#e3e0d8;--accent:#3b5bdb;
--c-added:#009e73;--b-added:rgba(0,158,115,.20);
--c-dropped:#d55e00;--b-dropped:rgba(213,94,0,.19);
--c-softened:#3a9ad9;--b-softened:rgba(86,180,233,.26);
--c-strengthened:#c98a00;--b-strengthened:rgba(230,159,0,.26);
--c-changed:#b9508f;--b-changed:rgba(204,121,167,.26);
--c-contradicted:#0072b2;--b-contradicted:rgba(0,114,178,.20);
--c-other:#6b6b6b;--b-other:rgba(110,110,110,.18);
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;
--serif:"Iowan Old Style","Charter","Source Serif Pro","Noto Serif","DejaVu Serif",Georgia,serif;
--mono:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;background:var(--bg);color:var(--fg);font-family:var(--sans);line-height:1.45}
a{color:var(--accent)}
header.top{display:flex;flex-wrap:wrap;align-items:flex-end;gap:1rem 2.2rem;padding:1rem 1.6rem .9rem;background:#1f2430;color:#f4f4f6}
header.top h1{font-size:1.05rem;font-weight:600;margin:0 1rem 0 0;letter-spacing:.02em;color:#fff}
header.top h1 .app{display:block;font-size:.72rem;font-weight:500;color:#a9b1c3;text-transform:uppercase;letter-spacing:.12em}
.doc{min-width:0}
.doc .role{display:block;font-size:.7rem;text-transform:uppercase;letter-spacing:.1em;color:#a9b1c3}
.doc .fname{font-weight:600;font-size:1rem;word-break:break-all}
.doc .lang{display:inline-block;margin-left:.5rem;padding:0 .4rem;border-radius:3px;background:#3b4355;color:#fff;font-size:.75rem;font-weight:600;text-transform:uppercase;vertical-align:1px}
.doc .path,.doc .sha{font-size:.72rem;color:#a9b1c3;font-family:var(--mono);word-break:break-all}
.arrow{font-size:1.3rem;color:#7c869b;align-self:center}
.sig{flex-basis:100%;font-family:var(--mono);font-size:.7rem;color:#a9b1c3;word-break:break-all;margin-top:-.3rem}
.sig b{font-family:var(--sans);font-size:.68rem;text-transform:uppercase;letter-spacing:.1em;font-weight:500;margin-right:.5rem}
.layout{display:grid;grid-template-columns:17.5rem minmax(0,1fr);align-items:start}
aside{position:sticky;top:0;max-height:100vh;overflow:auto;padding:1rem 1rem 2rem 1.2rem;border-right:1px solid var(--line);background:#fbfaf8;font-size:.88rem}
aside h2,.notes h2{font-size:.72rem;text-transform:uppercase;letter-spacing:.1em;color:var(--muted);margin:1.1rem 0 .45rem;font-weight:600}
aside h2:first-child{margin-top:.2rem}
.rel{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-weight:600;font-size:.85rem;background:#e7ecf8;color:#23408e}
.rel.partial{background:#fff1d6;color:#7a4f00}.rel.unrelated{background:#fde2dc;color:#8a2b12}
.relh{display:block;color:var(--muted);font-size:.78rem;margin-top:.2rem}
.cov{display:grid;grid-template-columns:4.6rem 1fr 2.6rem;align-items:center;gap:.4rem;margin:.2rem 0}
.cov .cl{color:var(--muted)}
.bar{height:.5rem;border-radius:4px;background:#e6e3dc;overflow:hidden}
.bar .fill{display:block;height:100%;background:#5b7bd5;border-radius:4px}
.cov .cv{text-align:right;font-variant-numeric:tabular-nums}
ul.types{list-style:none;margin:0;padding:0}
ul.types li{margin:.1rem 0 .35rem}
ul.types label{display:flex;align-items:center;gap:.45rem;cursor:pointer}
ul.types label.zero{color:#9aa0a7}
ul.types .tn{flex:1;font-weight:600}
ul.types .hint{display:block;margin-left:1.6rem;color:var(--muted);font-size:.74rem;line-height:1.2}
.cnt{font-variant-numeric:tabular-nums;min-width:1.6rem;text-align:center;padding:0 .35rem;border-radius:999px;background:#ebe8e1;font-size:.78rem;font-weight:600}
.sw{display:inline-block;width:1.5rem;height:.95rem;border-radius:3px;background:var(--b);border-bottom:3px solid var(--c)}
.sevs{display:flex;flex-wrap:wrap;gap:.3rem .9rem}
.sv{cursor:pointer;white-space:nowrap}
.opts label{display:block;cursor:pointer;margin:.2rem 0}
input[type=checkbox]{accent-color:#3b5bdb;margin:0}
.help{color:var(--muted);font-size:.78rem}
#wl{min-height:2.4rem;padding:.4rem .5rem;border-radius:6px;background:#f0eee8;font-size:.8rem;word-break:break-word}
main{min-width:0;padding:0 1.2rem 3rem}
table.align{width:100%;border-collapse:separate;border-spacing:0;table-layout:fixed;background:var(--panel);border:1px solid var(--line);border-radius:8px;margin-top:1rem}
table.align col.c-bn{width:4.2rem}
table.align thead th{position:sticky;top:0;z-index:2;background:#f1efea;text-align:left;font-size:.72rem;text-transform:uppercase;letter-spacing:.1em;color:var(--muted);padding:.55rem .9rem;border-bottom:1px solid var(--line)}
table.align thead th .lang{text-transform:none;letter-spacing:0;font-weight:600;color:var(--fg);margin-left:.3rem}
td,th.bn{vertical-align:top;padding:.7rem .95rem;border-bottom:1px solid var(--line)}
tr:last-child td,tr:last-child th.bn{border-bottom:0}
td.src{border-right:1px solid var(--line)}
td{font-family:var(--serif);font-size:1.02rem;line-height:1.62}
th.bn{font-weight:400;text-align:right;padding-right:.55rem;font-size:.72rem;color:var(--muted);background:#fbfaf8;border-right:1px solid var(--line)}
th.bn .bno{display:block;font-size:.85rem;font-weight:600;color:var(--fg);text-decoration:none}
th.bn .kind,th.bn .score{display:block;font-variant-numeric:tabular-nums}
th.bn a.mv{display:inline-block;margin-top:.25rem;padding:0 .3rem;border-radius:3px;background:#efe9ff;color:#5b3cc4;font-weight:600;text-decoration:none;white-space:nowrap}
tr.moved th.bn{box-shadow:inset 3px 0 0 #7b5ce0}
tr.moved td{background:#fcfbff}
td.empty{background:repeating-linear-gradient(135deg,transparent 0 7px,rgba(60,60,60,.045) 7px 14px)}
tr.ghost td,tr.ghost th.bn{padding-top:.3rem;padding-bottom:.3rem;background:#f8f6ff}
tr.ghost .gh{font-family:var(--sans);font-size:.8rem;color:#5b3cc4;font-style:italic}
tr.ghost span.mv{color:#7b5ce0;font-size:.9rem}
tr:target td,tr:target th.bn{background:#fff8db}
.sent{margin:0 0 .35rem}
.sent:last-child{margin-bottom:0}
.sn{display:inline-block;min-width:1.2rem;margin-right:.3rem;font-family:var(--sans);font-size:.66rem;color:#a0a6ad;vertical-align:2px;user-select:none}
.sent.boiler .tx{color:#8d939a;font-size:.9rem}
.tag{font-family:var(--sans);font-size:.64rem;text-transform:uppercase;letter-spacing:.08em;color:#8d939a;border:1px solid #d6d3cb;border-radius:3px;padding:0 .25rem;margin-right:.4rem;vertical-align:2px}
.gloss{margin:.3rem 0 .1rem;padding-left:.65rem;border-left:2px solid #d5d9e3;font-family:var(--sans);font-size:.86rem;line-height:1.45;color:#4f5864;font-style:italic}
.gloss .gl{font-style:normal;font-size:.62rem;font-weight:700;letter-spacing:.08em;color:#7d8797;margin-right:.2rem}
body.nogloss .gloss{display:none}
.w{border-radius:2px;cursor:pointer}
.ctl{font-family:var(--mono);font-size:.72em;font-style:normal;color:#8a2b12;background:#fde2dc;border-radius:2px;padding:0 .15em}
body.heat .w.d1{background:rgba(90,60,30,.06)}
body.heat .w.d2{background:rgba(90,60,30,.12)}
body.heat .w.d3{background:rgba(90,60,30,.19)}
body.heat .w.d4{background:rgba(90,60,30,.27)}
mark.hl{color:inherit;background:var(--b);border-bottom:2px solid var(--c);border-radius:2px;padding:0 .5px;cursor:help;box-decoration-break:clone;-webkit-box-decoration-break:clone}
mark.hl.v-high{border-bottom-width:3px}
mark.hl.v-low{background:color-mix(in srgb,var(--b) 55%,transparent)}
mark.hl.ctx{background:none;border-bottom:1.5px dotted color-mix(in srgb,var(--c) 60%,transparent);padding:0;cursor:help}
mark.hl.pair{background:color-mix(in srgb,var(--c) 34%,transparent)}
mark.hl.off{background:none;border-bottom:0;cursor:text}
mark.hl:focus{outline:2px solid #1d2127;outline-offset:1px}
mark.hl:focus:not(:focus-visible){outline:none}
mark.hl.flash{animation:flash 1.2s ease-out}
@keyframes flash{0%{box-shadow:0 0 0 4px rgba(255,200,0,.9)}100%{box-shadow:0 0 0 0 rgba(255,200,0,0)}}
.t-added{--c:var(--c-added);--b:var(--b-added)}
.t-dropped{--c:var(--c-dropped);--b:var(--b-dropped)}
.t-softened{--c:var(--c-softened);--b:var(--b-softened)}
.t-strengthened{--c:var(--c-strengthened);--b:var(--b-strengthened)}
.t-changed{--c:var(--c-changed);--b:var(--b-changed)}
.t-contradicted{--c:var(--c-contradicted);--b:var(--b-contradicted)}
.t-other{--c:var(--c-other);--b:var(--b-other)}
mark.hl.t-dropped:not(.ctx):not(.off){border-bottom-style:double;border-bottom-width:3px}
mark.hl.t-softened:not(.ctx):not(.off){border-bottom-style:dashed}
mark.hl.t-changed:not(.ctx):not(.off){border-bottom-style:dotted;border-bottom-width:3px}
mark.hl.t-contradicted:not(.ctx):not(.off){outline:1.5px solid var(--c);outline-offset:0}
.w.sel{outline:2px solid #1d2127;outline-offset:1px}
.w.lnk{background:#ffe066 !important;outline:2px solid #d4a100;outline-offset:1px}
#tip{position:fixed;z-index:20;max-width:27rem;padding:.6rem .75rem;border-radius:8px;background:#1f2430;color:#eef0f4;font-size:.82rem;line-height:1.4;box-shadow:0 8px 28px rgba(0,0,0,.28);pointer-events:none}
#tip[hidden]{display:none}
#tip .tf+.tf{margin-top:.55rem;padding-top:.55rem;border-top:1px solid #3a4152}
#tip .th{display:flex;gap:.45rem;align-items:center;margin-bottom:.3rem;flex-wrap:wrap}
#tip .meta{color:#aab2c5}
#tip .row{margin:.15rem 0}
#tip .lbl{display:inline-block;min-width:4.9rem;color:#aab2c5;font-size:.72rem;text-transform:uppercase;letter-spacing:.06em}
#tip q{font-family:var(--serif);color:#fff}
#tip .ev{color:#d5d9e3;margin-top:.25rem}
#tip .ctxs .row{margin:.3rem 0 0;font-size:.78rem}
#tip .ctxs .badge{font-size:.62rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;background:var(--c);color:#fff;font-weight:700;font-size:.72rem;letter-spacing:.04em;text-transform:uppercase;font-family:var(--sans)}
.badge.t-strengthened,.badge.t-softened{color:#1d2127}
section.flist{margin-top:1.6rem}
section.flist h2{font-size:.95rem;margin:0 0 .5rem}
ol.findings{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(24rem,1fr));gap:.6rem}
li.fi{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;padding:.5rem .7rem;font-size:.85rem}
li.fi .go{font-weight:700;font-family:var(--mono);text-decoration:none;margin-right:.2rem}
li.fi .sev{color:var(--muted);margin-left:.3rem}
li.fi .fq{margin-top:.25rem}
li.fi .lbl{display:inline-block;min-width:4.7rem;color:var(--muted);font-size:.72rem;text-transform:uppercase;letter-spacing:.05em}
li.fi q{font-family:var(--serif)}
li.fi .nil{color:#a0a6ad}
li.fi .ev{color:var(--muted);margin-top:.25rem;font-size:.8rem}
li.fi .cues{display:block}
li.fi.hidden,li.fi[hidden]{display:none}
.notes ul{margin:.2rem 0 0;padding-left:1.1rem;color:#5a4a1a}
.notes li{margin:.15rem 0}
details.meta{margin-top:1.6rem;font-size:.8rem;color:var(--muted)}
details.meta ul{margin:.2rem 0;padding-left:1.1rem}
footer{padding:.8rem 1.6rem 2rem;color:var(--muted);font-size:.75rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.nojs{color:#8a2b12}
html[data-ready] .nojs{display:none}
@media (max-width:900px){.layout{grid-template-columns:1fr}aside{position:static;max-height:none;border-right:0;border-bottom:1px solid var(--line)}}
@media print{
html{font-size:10pt}
body{background:#fff}
header.top{display:block;background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 .4rem}
header.top h1{margin-bottom:.3rem}
header.top .doc{display:inline-block;vertical-align:top;margin-right:1.5rem}
header.top h1,header.top h1 .app,.doc .role,.doc .path,.doc .sha,.sig,.sig b{color:#000}
.arrow{display:none}
.sig{margin-top:.3rem}
.doc .lang{background:#fff;color:#000;border:1px solid #000}
.layout{display:block}
aside{position:static;max-height:none;overflow:visible;border:0;background:#fff;padding:.4rem 0;columns:2;column-gap:2rem}
aside h2{break-after:avoid}
aside .controls,#tip,.opts,#wl,.help,.nojs,th.bn a.mv,ul.types .hint,ul.types label.zero{display:none !important}
ul.types input,.sevs input{display:none}
.notes{break-inside:avoid}
main{padding:0}
table.align{border:1px solid #999}
table.align thead th{position:static}
tr{break-inside:avoid}
mark.hl{background:none !important;border-bottom-width:2px;box-shadow:none !important}
mark.hl.t-contradicted{outline:1px solid var(--c)}
.w{background:none !important;outline:none !important}
td.empty{background:none}
ol.findings{display:block}
li.fi{break-inside:avoid;margin-bottom:.3rem}
details.meta{display:none}
}
"""

_JS = r"""(function(){
"use strict";
var root=document.documentElement;
var D=JSON.parse(document.getElementById("aligner-data").textContent);
var F=D.findings;
var marks=Array.prototype.slice.call(document.querySelectorAll("mark.hl"));
var tip=document.getElementById("tip");
var wl=document.getElementById("wl");
var typeOn={},sevOn={};
function each(sel,fn){Array.prototype.forEach.call(document.querySelectorAll(sel),fn);}
function ids(el,a){var v=el.getAttribute(a);return v?v.split(" ").map(Number):[];}
function vis(k){var f=F[k];return f&&typeOn[f.tcls]!==false&&sevOn[f.scls||"other"]!==false;}
F.forEach(function(f){f.scls=(f.severity==="high"||f.severity==="medium"||f.severity==="low")?f.severity:"other";});
function restyle(m){
  var p=ids(m,"data-p").filter(vis),c=ids(m,"data-c").filter(vis);
  var cls="hl";
  if(p.length){cls+=" t-"+F[p[0]].tcls+" v-"+F[p[0]].scls;}
  else if(c.length){cls+=" ctx t-"+F[c[0]].tcls;}
  else{cls+=" off";}
  if(m.classList.contains("flash"))cls+=" flash";
  if(m.classList.contains("pair"))cls+=" pair";
  m.className=cls;
  if(p.length||c.length){m.setAttribute("tabindex","0");}else{m.removeAttribute("tabindex");}
}
function applyFilters(){
  each("input.ft",function(i){typeOn[i.value]=i.checked;});
  each("input.fs",function(i){sevOn[i.value]=i.checked;});
  marks.forEach(restyle);
  var shown=0;
  each("li.fi",function(li){var on=vis(+li.getAttribute("data-k"));li.hidden=!on;if(on)shown++;});
  var st=document.getElementById("shown");
  if(st)st.textContent=shown+" of "+F.length+" shown";
  hideTip();
}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
function row(box,label,text,q){if(text==null)return;var r=el("div","row");r.appendChild(el("span","lbl",label));r.appendChild(document.createTextNode(" "));r.appendChild(el(q?"q":"span","",text));box.appendChild(r);}
function clip(t){return t.length>280?t.slice(0,277)+"\u2026":t;}
var current=null;
function showTip(m){
  hideTip();
  var p=ids(m,"data-p").filter(vis),c=ids(m,"data-c").filter(vis);
  if(!p.length&&!c.length){hideTip();return;}
  tip.textContent="";
  p.forEach(function(k){
    var f=F[k],box=el("div","tf t-"+f.tcls),h=el("div","th");
    h.appendChild(el("span","badge t-"+f.tcls,f.type));
    h.appendChild(el("span","meta",f.severity+" \u00b7 confidence "+Number(f.confidence).toFixed(2)+" \u00b7 "+f.id));
    box.appendChild(h);
    row(box,"source",f.s==null?"(nothing)":clip(f.s),f.s!=null);
    if(f.g)row(box,"gloss",clip(f.g),true);
    row(box,"rendition",f.r==null?"(nothing)":clip(f.r),f.r!=null);
    if(f.cues&&f.cues.length)row(box,"cues",f.cues.join(", "),false);
    if(f.evidence)box.appendChild(el("div","ev",f.evidence));
    tip.appendChild(box);
  });
  if(c.length){
    var cb=el("div","tf ctxs");
    cb.appendChild(el("div","meta",p.length?"Also the counterpart of:":"Counterpart of:"));
    c.forEach(function(k){
      var f=F[k],r=el("div","row t-"+f.tcls),side=f.tcls==="added"?f.r:f.s;
      r.appendChild(el("span","badge t-"+f.tcls,f.type));
      r.appendChild(document.createTextNode(" "+f.id+" "));
      r.appendChild(el("q","",clip(side==null?"":side).slice(0,120)));
      cb.appendChild(r);
    });
    tip.appendChild(cb);
  }
  tip.hidden=false;
  current=m;
  p.concat(c).forEach(function(k){each('mark.hl[data-p~="'+k+'"],mark.hl[data-c~="'+k+'"]',function(o){if(o!==m){o.classList.add("pair");paired.push(o);}});});
  var r=m.getClientRects()[0]||m.getBoundingClientRect(),tw=tip.offsetWidth,th=tip.offsetHeight;
  var x=Math.max(8,Math.min(r.left,window.innerWidth-tw-8));
  var y=r.bottom+8;
  if(y+th>window.innerHeight-8)y=Math.max(8,r.top-th-8);
  tip.style.left=x+"px";tip.style.top=y+"px";
}
var paired=[];
function hideTip(){tip.hidden=true;current=null;paired.forEach(function(o){o.classList.remove("pair");});paired=[];}
var toks={};
each(".w",function(w){var k=w.getAttribute("data-t");(toks[k]=toks[k]||[]).push(w);});
var L={s:{},r:{}};
D.links.forEach(function(l){(L.s[l[0]]=L.s[l[0]]||[]).push([l[1],l[2]]);(L.r[l[1]]=L.r[l[1]]||[]).push([l[0],l[2]]);});
var lit=[];
function clearLinks(){lit.forEach(function(w){w.classList.remove("sel","lnk");});lit=[];}
function word(key){return (toks[key]||[]).map(function(w){return w.textContent;}).join("");}
function select(key){
  clearLinks();
  var side=key.charAt(0),i=+key.slice(1),other=side==="s"?"r":"s";
  (toks[key]||[]).forEach(function(w){w.classList.add("sel");lit.push(w);});
  var ls=L[side][i]||[],parts=[];
  ls.forEach(function(l){(toks[other+l[0]]||[]).forEach(function(w){w.classList.add("lnk");lit.push(w);});parts.push("\u201c"+word(other+l[0])+"\u201d ("+Number(l[1]).toFixed(2)+")");});
  wl.textContent="";
  wl.appendChild(el("b","",(side==="s"?"source ":"rendition ")+"\u201c"+word(key)+"\u201d"));
  wl.appendChild(document.createTextNode(ls.length?" \u2194 "+parts.join(", "):" has no aligned word"));
}
document.addEventListener("click",function(e){
  var go=e.target.closest&&e.target.closest("a.go[data-k]");
  if(go){var k=+go.getAttribute("data-k"),m=first(k);if(m){e.preventDefault();reveal(m);history.replaceState(null,"","#f-"+k);}return;}
  var w=e.target.closest&&e.target.closest(".w");
  if(w){select(w.getAttribute("data-t"));}else{clearLinks();wl.textContent="Click a word to see the words it is aligned with.";}
});
document.addEventListener("mouseover",function(e){var m=e.target.closest&&e.target.closest("mark.hl");if(m&&m!==current)showTip(m);else if(!m&&current&&current!==document.activeElement)hideTip();});
document.addEventListener("focusin",function(e){var m=e.target.closest&&e.target.closest("mark.hl");if(m)showTip(m);else hideTip();});
document.addEventListener("focusout",function(e){if(e.target===current)hideTip();});
document.addEventListener("keydown",function(e){
  if(e.key==="Escape"){hideTip();clearLinks();return;}
  var m=e.target.closest&&e.target.closest("mark.hl");
  if(m&&(e.key==="Enter"||e.key===" ")){var w=m.querySelector(".w");if(w){e.preventDefault();select(w.getAttribute("data-t"));}}
});
window.addEventListener("scroll",function(){if(current&&current!==document.activeElement)hideTip();},{passive:true});
each("input.ft,input.fs",function(i){i.addEventListener("change",applyFilters);});
var heat=document.getElementById("opt-heat"),gl=document.getElementById("opt-gloss");
function opts(){document.body.classList.toggle("heat",heat.checked);document.body.classList.toggle("nogloss",!gl.checked);}
heat.addEventListener("change",opts);gl.addEventListener("change",opts);
function first(k){return document.querySelector('mark.hl[data-p~="'+k+'"]')||document.querySelector('mark.hl[data-c~="'+k+'"]');}
function reveal(m){m.scrollIntoView({block:"center"});m.focus({preventScroll:true});m.classList.add("flash");setTimeout(function(){m.classList.remove("flash");},1300);showTip(m);}
function fromHash(){var h=/^#f-(\d+)$/.exec(location.hash);if(h){var m=first(+h[1]);if(m)reveal(m);}}
window.addEventListener("hashchange",fromHash);
applyFilters();opts();
wl.textContent="Click a word to see the words it is aligned with.";
root.setAttribute("data-ready",String(marks.length));
fromHash();
})();"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_JS.encode("utf-8")).digest()).decode("ascii")
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'"
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="aligner">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header class="top">
<h1><span class="app">aligner report</span>Source and rendition compared</h1>
{src_head}<span class="arrow" aria-hidden="true">→</span>{ren_head}
<div class="sig"><b>signature</b>{signature}</div>
</header>
<div class="layout">
<aside aria-label="Summary and filters">
<h2>Relation</h2>
<span class="rel {rel_cls}">{relation}</span><span class="relh">{rel_help}</span>
<h2>Coverage</h2>
{coverage}
<h2>Findings <span class="cnt">{total}</span></h2>
<fieldset class="controls-f" style="border:0;margin:0;padding:0"><legend class="sr">Show findings of these types</legend>
<ul class="types">{type_rows}</ul></fieldset>
<h2>Severity</h2>
<fieldset style="border:0;margin:0;padding:0"><legend class="sr">Show findings of these severities</legend>
<div class="sevs">{sev_rows}</div></fieldset>
<p class="help" id="shown" aria-live="polite"></p>
<div class="opts">
<h2>Display</h2>
<label><input type="checkbox" id="opt-heat"> show difference heat</label>
<label><input type="checkbox" id="opt-gloss" checked> show English gloss</label>
</div>
<h2 class="controls">Word alignment</h2>
<div id="wl" aria-live="polite"><span class="nojs">Interactive features need JavaScript.</span></div>
<p class="help">Hover over or tab to a highlight to see the finding; click a word (or press Enter on a highlight) to see the words it is aligned with. Dotted underlines mark the counterpart of a finding on the other side.</p>
{notes}
</aside>
<main>
<table class="align" id="alignment">
<caption class="sr">Sentence alignment: one row per bead</caption>
<colgroup><col class="c-bn"><col class="c-s"><col class="c-r"></colgroup>
<thead><tr><th scope="col">bead</th><th scope="col">Source<span class="lang">{s_lang}</span></th><th scope="col">Rendition<span class="lang">{r_lang}</span></th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<section class="flist" id="findings"><h2>All findings</h2>
<ol class="findings">
{findings_list}
</ol></section>
{footer}
</main>
</div>
<div id="tip" role="tooltip" hidden></div>
<footer>Generated by aligner · {schema} · self-contained page, no network access.</footer>
<script type="application/json" id="aligner-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
