"""Report writers (HTML, XLIFF, terminal) on hand-built report dicts: escaping of hostile
input, exact highlight spans, no network access, XLIFF structure and ITS marks, terminal
safety. One slow test runs the real pipeline once and checks every writer on it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aligner.reports.html_report import clean, render_html
from aligner.reports.text_report import render_text
from aligner.reports.xliff_report import ITS_NS, XLIFF_NS, render_xliff, xml_text

ROOT = Path(__file__).resolve().parent.parent
X = f"{{{XLIFF_NS}}}"
IT = f"{{{ITS_NS}}}"

# ------------------------------------------------------------------ report builder


def _side(sentences, lang, path, sep=" ", translations=None, boilerplate=()):
    text, sents = "", []
    for i, s in enumerate(sentences):
        if i:
            text += sep
        start = len(text)
        text += s
        item = {"id": i, "start": start, "end": len(text), "text": s}
        if translations and translations.get(i) is not None:
            item["translation"] = translations[i]
        if i in boilerplate:
            item["boilerplate"] = True
        sents.append(item)
    tokens = [
        {"start": m.start(), "end": m.end(), "text": m.group(), "diff": round((k % 5) / 4, 2)}
        for k, m in enumerate(re.finditer(r"\w+|[^\w\s]", text))
    ]
    return {"path": path, "lang": lang, "sha256": "ab" * 32, "text": text, "sentences": sents, "tokens": tokens, "warnings": []}


def span(side: dict, fragment: str, nth: int = 0) -> dict:
    pos = -1
    for _ in range(nth + 1):
        pos = side["text"].index(fragment, pos + 1)
    return {"start": pos, "end": pos + len(fragment), "text": fragment}


def report(src: dict, ren: dict, beads, findings, **extra) -> dict:
    counts = {t: 0 for t in ("added", "dropped", "softened", "strengthened", "changed", "contradicted")}
    for k, f in enumerate(findings):
        f.setdefault("id", f"f{k + 1}")
        f.setdefault("severity", "high")
        f.setdefault("confidence", 0.8)
        f.setdefault("cues", [])
        f.setdefault("evidence", "test evidence")
        f.setdefault("source_span", None)
        f.setdefault("rendition_span", None)
        if f["type"] in counts:
            counts[f["type"]] += 1
    links = []
    for i, t in enumerate(src["tokens"]):
        for j, u in enumerate(ren["tokens"]):
            if t["text"].lower() == u["text"].lower() and t["text"].isalnum():
                links.append([i, j, 0.9])
                break
    r = {
        "schema": "aligner.report/1",
        "signature": "aligner test|enc:x",
        "source": src,
        "rendition": ren,
        "sentence_alignment": [{"source": s, "rendition": t, "score": 0.9, **({"moved": True} if m else {})} for s, t, m in beads],
        "word_alignment": links,
        "findings": findings,
        "summary": {"counts": counts, "coverage": {"source": 0.8, "rendition": 0.75}, "relation": "rendition"},
        "notes": [],
        "models": {"encoder": {"name": "test"}},
        "timings": {"total": 0.5},
    }
    r.update(extra)
    return r


FR = [
    "L'armée a annoncé un cessez-le-feu dans la région du nord.",
    "Le ministre a déclaré que 10 000 soldats seraient déployés avant le 3 février.",
    "Selon des sources locales, les combats auraient fait douze morts.",
    "Partager sur Facebook",
    "La situation reste tendue, a ajouté le porte-parole.",
]
EN = [
    "The army announced a ceasefire in the northern region.",
    "The minister said 12,000 soldiers would certainly be deployed before February 3.",
    "The spokesman added that the situation remains tense.",
    "Officials also promised compensation.",
]


def sample_report() -> dict:
    src = _side(FR, "fr", "articles/fr.txt", sep="\n\n", translations={0: "The army announced a ceasefire in the northern region.", 1: "The minister said that 10,000 soldiers would be deployed before February 3."}, boilerplate={3})
    ren = _side(EN, "en", "articles/en.txt", sep="\n\n")
    beads = [([0], [0], False), ([1], [1], False), ([2], [], False), ([3], [], False), ([4], [2], True), ([], [3], False)]
    findings = [
        {"type": "changed", "source_span": span(src, "10 000"), "rendition_span": span(ren, "12,000"), "evidence": "10000 != 12000"},
        {"type": "strengthened", "severity": "medium", "source_span": span(src, "seraient"), "rendition_span": span(ren, "certainly"), "cues": ["certainly"]},
        {"type": "dropped", "source_span": span(src, FR[2]), "evidence": "whole sentence"},
        {"type": "added", "severity": "low", "rendition_span": span(ren, EN[3]), "source_span": None},
        # crosses token boundaries (starts inside a word)
        {"type": "dropped", "severity": "low", "source_span": span(src, "inistre a déc"), "rendition_span": span(ren, EN[1])},
        # partially overlaps finding 0 on the rendition side
        {"type": "softened", "severity": "medium", "source_span": span(src, "soldats"), "rendition_span": span(ren, "000 soldiers would")},
    ]
    return report(src, ren, beads, findings)


# ------------------------------------------------------------------ HTML parsing


class Page(HTMLParser):
    """Collects tags, attributes, text, scripts, and the text inside each highlight."""

    VOID = frozenset({"meta", "input", "col", "br", "img", "link"})

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.stack: list[tuple[str, dict]] = []
        self.marked: dict[tuple[str, int], list[str]] = {}
        self._script: tuple[dict, list[str]] | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._script = (a, [])
        if tag not in self.VOID:
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
            return
        self.text.append(data)
        side = None
        for _, a in self.stack:
            if a.get("data-side"):
                side = a["data-side"]
        if side is None:
            return
        in_gloss = any("gloss" in (a.get("class") or "").split() for _, a in self.stack)
        if in_gloss:
            return
        ks: set[int] = set()
        for tag, a in self.stack:
            if tag == "mark":
                for attr in ("data-p", "data-c"):
                    ks.update(int(x) for x in (a.get(attr) or "").split())
        for k in ks:
            self.marked.setdefault((side, k), []).append(data)

    def all_text(self) -> str:
        return "".join(self.text)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _sentence_parts(side: dict, sp: dict) -> str:
    """The part of a span inside sentences (what the HTML highlights), joined."""
    out = []
    for s in side["sentences"]:
        a, b = max(s["start"], sp["start"]), min(s["end"], sp["end"])
        if a < b:
            out.append(side["text"][a:b])
    return "".join(out)


# ------------------------------------------------------------------ HTML tests


def test_html_highlights_cover_the_exact_span_text():
    r = sample_report()
    page = Page(render_html(r))
    for k, f in enumerate(r["findings"]):
        for key, name in (("s", "source_span"), ("r", "rendition_span")):
            sp = f[name]
            if sp is None:
                assert (key, k) not in page.marked
                continue
            assert "".join(page.marked[(key, k)]) == sp["text"], (k, key)


def test_html_multi_sentence_span_is_split_per_sentence():
    src = _side(["Première phrase ici.", "Deuxième phrase là.", "Troisième."], "fr", "a.txt", sep="\n")
    ren = _side(["First sentence here.", "Second one there.", "Third."], "en", "b.txt", sep="\n")
    sp = span(src, "phrase ici.\nDeuxième phrase")
    r = report(src, ren, [([0], [0], False), ([1], [1], False), ([2], [2], False)], [{"type": "dropped", "source_span": sp}])
    markup = render_html(r)
    page = Page(markup)
    assert "".join(page.marked[("s", 0)]) == _sentence_parts(src, sp) == "phrase ici.Deuxième phrase"
    # one highlight piece in each of the two sentences, in two different rows
    rows = re.findall(r'<tr class="bead[^"]*" id="b(\d+)">(.*?)</tr>', markup, re.S)
    hit_rows = [n for n, body in rows if 'data-p="0"' in body]
    assert hit_rows == ["1", "2"]


def test_html_every_finding_is_highlighted_with_its_type_colour():
    r = sample_report()
    markup = render_html(r)
    marks = Page(markup).find("mark")
    assert all(m.get("tabindex") == "0" for m in marks)
    for k, f in enumerate(r["findings"]):
        primary = [m for m in marks if str(k) in (m.get("data-p") or "").split()]
        assert primary, k
        assert any(f"t-{f['type']}" in m["class"].split() for m in primary), k
    # a legend entry and a filter checkbox per type, and per severity
    for t in ("added", "dropped", "softened", "strengthened", "changed", "contradicted"):
        assert Page(markup).find("input", value=t, **{"class": "ft"})
        assert f".t-{t}{{" in markup
    for s in ("high", "medium", "low"):
        assert Page(markup).find("input", value=s, **{"class": "fs"})


def test_html_layout_beads_gaps_moves_glosses_debris_tokens():
    r = sample_report()
    markup = render_html(r)
    page = Page(markup)
    rows = [a for t, a in page.tags if t == "tr" and "bead" in (a.get("class") or "").split()]
    assert [a["id"] for a in rows] == [f"b{n}" for n in range(1, 7)]
    # 1-0 and 0-1 beads: an empty cell on the missing side
    b3 = re.search(r'<tr class="bead lone" id="b3">(.*?)</tr>', markup, re.S).group(1)
    assert '<td class="ren empty"' in b3
    b6 = re.search(r'<tr class="bead lone" id="b6">(.*?)</tr>', markup, re.S).group(1)
    assert '<td class="src empty"' in b6
    # the moved bead links to the rendition sentence's real place and back
    assert page.find("a", href="#g5")
    ghost = page.find("tr", id="g5")
    assert ghost and "ghost" in ghost[0]["class"]
    assert re.search(r'id="g5".*?href="#b5"', markup, re.S)
    # ghost row sits after the row holding rendition sentence 1 (bead 2) and before bead 3
    assert markup.index('id="b2"') < markup.index('id="g5"') < markup.index('id="b3"')
    # gloss under the French sentence, in English; page debris dimmed
    gloss = re.search(r'<div class="gloss" lang="en">(.*?)</div>', markup, re.S)
    assert gloss and "ceasefire" in gloss.group(1)
    assert page.find("div", id="ss3", **{"class": "sent boiler"})
    # tokens: ids unique, every token present once with an id
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids))
    for key, side in (("s", r["source"]), ("r", r["rendition"])):
        for k in range(len(side["tokens"])):
            assert f'id="{key}t{k}"' in markup
    assert 'class="w d' in markup  # diff heat classes


def test_html_no_gloss_for_english_source():
    src = _side(["The army advanced."], "en", "a.txt", translations={0: "SHOULD NOT SHOW"})
    ren = _side(["The army advanced."], "en", "b.txt")
    markup = render_html(report(src, ren, [([0], [0], False)], []))
    assert "SHOULD NOT SHOW" not in Page(markup).all_text()


HOSTILE = [
    "<script>document.body.setAttribute('data-pwned','1')</script>",
    "<img src=x onerror=\"document.title='PWNED'\">",
    "</script><script>alert(1)</script>",
    "\"><svg onload=\"document.title='PWNED'\">",
    "'><a href='javascript:alert(1)'>x</a>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "&amp; &lt; ]]> {{7*7}} <!-- -->",
]


def hostile_report() -> dict:
    payload = " ".join(HOSTILE)
    fr = [f"Le ministre {HOSTILE[0]} a parlé.", f"Les combats {HOSTILE[1]} ont repris \x1b[31m\u202e.", f"Texte {HOSTILE[2]} {HOSTILE[3]} fin\u2028."]
    en = [f"The minister {HOSTILE[0]} spoke.", f"Fighting {HOSTILE[1]} resumed \x1b[31m\u202e.", f"Added {HOSTILE[4]} {HOSTILE[5]} {HOSTILE[6]}."]
    src = _side(fr, payload[:40], f"evil{HOSTILE[1]}.txt", translations={0: f"gloss {HOSTILE[3]}"})
    ren = _side(en, 'en"><script>alert(1)</script>', f"/tmp/{HOSTILE[0]}.txt")
    src["sha256"] = HOSTILE[3]
    src["warnings"] = [f"warning {HOSTILE[1]}"]
    findings = [
        {"id": f"f1{HOSTILE[3]}", "type": "dropped", "severity": f"high{HOSTILE[1]}", "source_span": span(src, HOSTILE[1]),
         "rendition_span": span(ren, "resumed"), "cues": [HOSTILE[0], "\x1b]0;PWNED\x07"], "evidence": f"evidence {HOSTILE[2]} \x1b[2J"},
        {"id": "f2", "type": f"added{HOSTILE[3]}", "source_span": None, "rendition_span": span(ren, en[2]), "evidence": HOSTILE[5]},
        {"id": "f3", "type": "changed", "source_span": span(src, HOSTILE[2]), "rendition_span": span(ren, HOSTILE[0])},
    ]
    return report(
        src, ren, [([0], [0], False), ([1], [1], True), ([2], [], False), ([], [2], False)], findings,
        signature=f"sig {HOSTILE[0]}", notes=[f"note {HOSTILE[3]} \x1b[31m"],
        summary={"counts": {}, "coverage": {"source": HOSTILE[0], "rendition": 0.5}, "relation": HOSTILE[1], "note": HOSTILE[2]},
        models={HOSTILE[0]: {"name": HOSTILE[3]}}, timings={HOSTILE[1]: 1.0}, schema=HOSTILE[4],
    )


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "span", "div", "a", "aside",
    "fieldset", "legend", "ul", "li", "label", "input", "p", "main", "table", "caption", "colgroup", "col",
    "thead", "tbody", "tr", "th", "td", "mark", "section", "ol", "q", "b", "details", "summary", "footer", "script",
}


def test_html_escapes_hostile_input_in_every_field():
    r = hostile_report()
    markup = render_html(r)
    page = Page(markup)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "action", "formaction", "background"), (tag, name)
            if name == "href":
                assert value.startswith("#"), value
            if name == "style":
                assert re.fullmatch(r"width:[\d.]+%|border:0;margin:0;padding:0", value), value
            if name == "lang":
                assert re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", value), value
            if name == "class":
                assert "<" not in value and '"' not in value
    # exactly two scripts: the JSON data block and the static script (hash in the CSP)
    assert len(page.scripts) == 2
    (data_attrs, data_text), (js_attrs, js_text) = page.scripts
    assert data_attrs == {"type": "application/json", "id": "aligner-data"}
    assert js_attrs == {}
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in data_text
    data = json.loads(data_text)
    assert data["findings"][0]["evidence"].startswith("evidence </script>")
    csp = page.find("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"]
    digest = base64.b64encode(hashlib.sha256(js_text.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    # the hostile strings are there, as text
    text = page.all_text()
    for h in HOSTILE[:6]:
        assert h in text, h
    # no raw control or bidi-override characters reach the page
    for ch in ("\x1b", "\u202e", "\x07"):
        assert ch not in markup
    assert "⟨ESC⟩[31m" in text and "⟨U+202E⟩" in text
    # hostile finding type and severity never become class names
    assert "t-other" in markup


def test_html_makes_no_network_requests():
    markup = render_html(hostile_report())
    page = Page(markup)
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("href", "src", "action", "data", "poster", "content") and tag != "meta":
                assert not re.match(r"\s*(https?:|//|javascript:|data:)", value, re.I), (tag, name, value)
    assert not page.find("link")
    style = re.search(r"<style>(.*?)</style>", markup, re.S).group(1)
    assert "url(" not in style and "@import" not in style and "http" not in style
    csp = page.find("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"]
    assert "default-src 'none'" in csp and "img-src data:" in csp and "unsafe-eval" not in csp
    js = page.scripts[1][1]
    for api in ("fetch(", "XMLHttpRequest", "WebSocket", "innerHTML", "eval(", "document.write", "import("):
        assert api not in js, api
    # an https URL from the input is only text
    assert "https://evil.example/" in page.all_text()


def test_html_print_styles_and_keyboard():
    markup = render_html(sample_report())
    assert "@media print" in markup
    printed = markup[markup.index("@media print") :]
    assert "#tip" in printed and "border-bottom" in printed
    assert 'aria-describedby="tip"' in markup and 'role="tooltip"' in markup
    assert 'id="opt-heat"' in markup


def test_html_survives_odd_reports():
    # No text field, no beads, spans out of range, unknown types: still a page, no crash.
    r = sample_report()
    del r["source"]["text"]
    r["sentence_alignment"] = []
    r["findings"].append({"id": "fx", "type": "weird", "severity": "??", "confidence": "nan", "source_span": {"start": 10**6, "end": 10**6 + 5, "text": "zz"}, "rendition_span": None, "cues": "x", "evidence": None})
    r["word_alignment"].append(["a", None])
    markup = render_html(r)
    assert markup.startswith("<!DOCTYPE html>") and markup.rstrip().endswith("</html>")
    assert Page(markup).find("tr", id="b1")


# ------------------------------------------------------------------ XLIFF


def _units(doc: ET.Element) -> list[ET.Element]:
    return doc.findall(f"{X}file/{X}unit")


def _issues(doc: ET.Element) -> list[ET.Element]:
    return [e for e in doc.iter() if e.tag in (f"{X}mrk", f"{X}sm") and e.get(f"{IT}locQualityIssueType")]


def test_xliff_structure_and_its_marks():
    r = sample_report()
    out = render_xliff(r)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    doc = ET.fromstring(out)
    assert doc.tag == f"{X}xliff"
    assert doc.get("version") == "2.1" and doc.get("srcLang") == "fr" and doc.get("trgLang") == "en"
    assert doc.get(f"{IT}version") == "2.0"
    assert len(doc.findall(f"{X}file")) == 1
    units = _units(doc)
    assert [u.get("id") for u in units] == [f"b{n}" for n in range(1, len(r["sentence_alignment"]) + 1)]
    for u, b in zip(units, r["sentence_alignment"], strict=True):
        segs = u.findall(f"{X}segment")
        assert len(segs) == 1
        source, target = segs[0].find(f"{X}source"), segs[0].find(f"{X}target")
        want_s = "\n\n".join(r["source"]["sentences"][i]["text"] for i in b["source"])
        want_t = "\n\n".join(r["rendition"]["sentences"][i]["text"] for i in b["rendition"])
        assert "".join(source.itertext()) == want_s
        assert "".join(target.itertext()) == want_t
    # every finding has at least one ITS issue; its mrk text is the span text
    issues = _issues(doc)
    mapping = {"dropped": "omission", "added": "addition", "changed": "mistranslation", "softened": "style", "strengthened": "style"}
    for f in r["findings"]:
        mine = [e for e in issues if re.fullmatch(re.escape(f["id"]) + r"(\.\d+)?_*", e.get("id"))]
        assert mine, f["id"]
        e = mine[0]
        assert e.get("type") == "its:generic"
        assert e.get(f"{IT}locQualityIssueType") == mapping[f["type"]]
        assert e.get(f"{IT}locQualityIssueSeverity") == {"high": "90", "medium": "60", "low": "30"}[f["severity"]]
        assert f["id"] in e.get(f"{IT}locQualityIssueComment")
        if e.tag == f"{X}mrk":
            sp = f["source_span"] if f["type"] == "dropped" or f["rendition_span"] is None else f["rendition_span"]
            assert "".join(e.itertext()) == sp["text"]
    # dropped in the source, added/changed in the target
    src_ids = {e.get("id") for u in units for e in u.iter(f"{X}mrk") if e in next(u.iter(f"{X}source")).iter()}
    assert "f3" in src_ids and "f1" not in src_ids
    # the overlapping softened finding (f6 partly overlaps f1 in the target) uses sm/em
    sm = [e for e in doc.iter(f"{X}sm") if e.get("id") == "f6"]
    assert sm and any(e.get("startRef") == "f6" for e in doc.iter(f"{X}em"))


def test_xliff_finding_spanning_two_beads_is_marked_in_each():
    src = _side(["Une phrase.", "Une autre."], "fr", "a.txt")
    ren = _side(["A sentence.", "Another."], "en", "b.txt")
    sp = span(src, "phrase. Une")
    doc = ET.fromstring(render_xliff(report(src, ren, [([0], [0], False), ([1], [1], False)], [{"type": "dropped", "source_span": sp}])))
    marks = [("".join(e.itertext()), e.get("id")) for e in doc.iter(f"{X}mrk")]
    assert marks == [("phrase.", "f1"), ("Une", "f1.2")]


def test_xliff_escapes_and_drops_invalid_characters():
    r = hostile_report()
    r["source"]["text"] = r["source"]["text"].replace("a parlé", "a\x00p\r\n\x0bé")  # same length
    out = render_xliff(r)
    doc = ET.fromstring(out)  # well-formed despite markup, control characters, ]]>
    assert "\x1b" not in out and "\x00" not in out
    assert not doc.findall(".//script") and not doc.findall(".//img")
    assert doc.get("trgLang") == "und"  # a hostile language code is not echoed
    text = "".join(_units(doc)[0].find(f"{X}segment/{X}source").itertext())
    assert "<script>" in text and "\ufffd" in text and "\r\n" in text
    for f in r["findings"]:
        assert [e for e in _issues(doc) if e.get("id", "").startswith(re.sub(r"[^A-Za-z0-9._-]", "_", f["id"]))], f["id"]
    # the mrk text is the span text with only the XML-invalid characters replaced
    m = next(e for e in doc.iter(f"{X}mrk") if e.get(f"{IT}locQualityIssueType") == "omission")
    assert "".join(m.itertext()) == xml_text(r["findings"][0]["source_span"]["text"])
    assert m.get(f"{IT}locQualityIssueSeverity") == "80"  # unknown severity: the confidence


# ------------------------------------------------------------------ terminal

_SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_text_report_never_emits_escape_sequences_from_input():
    r = hostile_report()
    plain = render_text(r, color=False)
    assert "\x1b" not in plain and "\x07" not in plain and "\u202e" not in plain and "\u2028" not in plain
    assert "\\u001b[31m" in plain and "\\u202e" in plain and "\\u001b]0;PWNED\\u0007" in plain
    colored = render_text(r, color=True)
    assert "\x1b[" in colored
    # the only escape sequences are our own colour codes
    assert "\x1b" not in _SGR.sub("", colored)
    assert {m.group() for m in _SGR.finditer(colored)} <= {"\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[35m", "\x1b[36m", "\x1b[1;31m"}
    assert _SGR.sub("", colored) == plain


def test_text_report_groups_by_bead_with_context_and_gloss():
    r = sample_report()
    out = render_text(r)
    headers = [line for line in out.splitlines() if line.startswith("── bead")]
    assert [h.split(":")[0] for h in headers] == ["── bead 2", "── bead 3", "── bead 6"]
    assert "moved" not in "".join(headers)
    assert "dropped 2" in out and "(6 in all)" in out
    # the span in brackets with context around it
    assert "[10 000]" in out and "[12,000]" in out and "…" in out
    assert "gloss:     The minister said that 10,000 soldiers" in out
    assert "cues:      certainly" in out
    assert "\x1b" not in out
    # bead 2 holds findings 1, 2, 5, 6 in order
    body = out.split("── bead 2")[1].split("── bead")[0]
    assert [m for m in re.findall(r"^  (f\d+) ", body, re.M)] == ["f1", "f2", "f5", "f6"]


def test_text_report_quiet_is_counts_only():
    r = sample_report()
    out = render_text(r, quiet=True)
    assert out.count("\n") == 1
    assert out.startswith("findings:") and "changed 1" in out and "dropped 2" in out
    assert "\x1b" not in out
    assert "\x1b[" in render_text(r, quiet=True, color=True)


# ------------------------------------------------------------------ the real pipeline


@pytest.fixture(scope="module")
def real_comparison():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aligner.pipeline import CompareOptions, compare_files, load_models

    models = load_models()
    pair = ROOT / "samples" / "anbar-fr_ava-en"
    return compare_files(str(pair / "fr.txt"), str(pair / "en.txt"), models, CompareOptions())


@pytest.mark.slow
def test_all_writers_on_a_real_comparison(real_comparison):
    from aligner.reports import render
    from aligner.reports.json_report import to_json_dict

    r = to_json_dict(real_comparison)
    assert r["findings"]
    page = Page(render(real_comparison, "html"))
    for k, f in enumerate(r["findings"]):
        for key, side, name in (("s", r["source"], "source_span"), ("r", r["rendition"], "rendition_span")):
            if f[name] is not None:
                assert "".join(page.marked[(key, k)]) == clean(_sentence_parts(side, f[name]))
    doc = ET.fromstring(render(real_comparison, "xliff"))
    assert len(_units(doc)) == len(r["sentence_alignment"])
    issues = _issues(doc)
    for f in r["findings"]:
        assert any(e.get("id") == f["id"] for e in issues), f["id"]
    text = render(real_comparison, "text")
    assert all(f["id"] in text for f in r["findings"])
    assert render(real_comparison, "text", quiet=True).count("\n") == 1
