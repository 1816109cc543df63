"""The HTML report in a real browser (headless Chromium): the page's own script runs
under its Content-Security-Policy and marks every finding, and a hostile article runs
nothing. Screenshots go to test-artifacts/ (git-ignored) for a human to look at."""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PAIRS = {
    "anbar": ROOT / "samples" / "anbar-fr_ava-en",
    "injection": ROOT / "tests" / "data" / "injection",
}
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


def _browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


BROWSER = _browser()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        BROWSER is None,
        reason="no Chromium binary on PATH (looked for chromium, chromium-browser, google-chrome); "
        "install one, e.g. `apt-get install chromium`, to run the HTML report in a browser",
    ),
]


def _chromium(tmp_path: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [BROWSER, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


class Dom(HTMLParser):
    """The elements of a dumped DOM, and its text."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.title: list[str] = []
        self._in_title = False
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        (self.title if self._in_title else self.text).append(data)

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.elements if t == tag]


class Cdp:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (fds 3/4),
    to click, hover and focus in the page like a reader does."""

    def __init__(self, url: str, profile: Path, size: str = "1400,1000"):
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()

        def child_fds():  # the browser reads commands on fd 3 and answers on fd 4
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [BROWSER, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", f"--window-size={size}", "about:blank"],
            preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_r)
        os.close(from_w)
        self.w, self.r, self.buf, self.n, self.session = to_w, from_r, b"", 0, None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")
        self.call("Page.navigate", {"url": url})
        self.wait("Page.loadEventFired")

    def _read(self, timeout: float = 30) -> dict:
        end = time.time() + timeout
        while b"\0" not in self.buf:
            ready, _, _ = select.select([self.r], [], [], max(0.0, end - time.time()))
            if not ready:
                raise TimeoutError("no answer from the browser")
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("the browser closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None) -> dict:
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError(m["error"])
                return m["result"]

    def wait(self, event: str) -> dict:
        while True:
            m = self._read()
            if m.get("method") == event:
                return m

    def js(self, expr: str):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    def mouse(self, kind: str, x: float, y: float) -> None:
        self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def click_center(self, selector: str) -> None:
        box = self.js(f"(function(){{var e=document.querySelector({json.dumps(selector)});e.scrollIntoView({{block:'center'}});"
                      "var r=e.getClientRects()[0];return [r.left+r.width/2,r.top+r.height/2];})()")
        self.mouse("mouseMoved", *box)
        self.mouse("mousePressed", *box)
        self.mouse("mouseReleased", *box)

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self.proc.wait(20)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)


@pytest.fixture(scope="module")
def reports():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from aligner.pipeline import CompareOptions, compare_files, load_models
    from aligner.reports.html_report import render_html
    from aligner.reports.json_report import to_json_dict

    models = load_models()
    ARTIFACTS.mkdir(exist_ok=True)
    out = {}
    for name, pair in PAIRS.items():
        c = compare_files(str(pair / "fr.txt"), str(pair / "en.txt"), models, CompareOptions(source_lang="fr", rendition_lang="en"))
        r = to_json_dict(c)
        path = ARTIFACTS / f"report-{name}.html"
        path.write_text(render_html(r), encoding="utf-8")
        out[name] = (r, path)
    return out


def _dump(tmp_path: Path, page: Path) -> Dom:
    res = _chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    assert "<html" in res.stdout, res.stderr[-2000:]
    return Dom(res.stdout)


def _screenshot(tmp_path: Path, page: Path, png: Path, fragment: str = "", size: str = "1400,1000") -> None:
    png.unlink(missing_ok=True)
    res = _chromium(tmp_path, f"--screenshot={png}", f"--window-size={size}", "--virtual-time-budget=3000", page.as_uri() + fragment)
    assert res.returncode == 0, res.stderr[-2000:]
    assert png.exists() and png.stat().st_size > 10_000


def _check_page(dom: Dom, report: dict) -> None:
    html_el = dom.all("html")[0]
    marks = dom.all("mark")
    # The page's own script ran (allowed by the CSP hash): it stamps the number of highlights
    assert html_el.get("data-ready") == str(len(marks)), "the report's script did not run"
    assert marks
    for k, f in enumerate(report["findings"]):
        assert any(str(k) in (m.get("data-p") or "").split() for m in marks), f"no highlight for {f['id']}"
    # and it filled the word-alignment panel
    assert "Click a word" in "".join(dom.text)


def test_real_report_in_chromium(reports, tmp_path):
    report, page = reports["anbar"]
    assert report["findings"]
    dom = _dump(tmp_path, page)
    _check_page(dom, report)
    tokens = [a for t, a in dom.elements if t == "span" and "w" in (a.get("class") or "").split()]
    assert len({a["data-t"] for a in tokens}) == len(report["source"]["tokens"]) + len(report["rendition"]["tokens"])
    _screenshot(tmp_path, page, ARTIFACTS / "report-anbar.png")
    # a tall view with the tooltip of one finding open (the page focuses it from #f-N)
    _screenshot(tmp_path, page, ARTIFACTS / "report-anbar-tooltip.png", "#f-4", "1400,2200")


def test_injection_report_runs_nothing(reports, tmp_path):
    report, page = reports["injection"]
    assert report["findings"], "the hostile pair should give findings whose spans hold payloads"
    assert any("<" in (f["source_span"] or f["rendition_span"])["text"] for f in report["findings"])
    dom = _dump(tmp_path, page)
    _check_page(dom, report)
    body = dom.all("body")[0]
    assert "data-pwned" not in body, "an injected script ran"
    title = "".join(dom.title)
    assert "PWNED" not in title and title.startswith("aligner:")
    for tag in ("img", "svg", "iframe", "object", "embed", "link", "base", "form"):
        assert not dom.all(tag), f"an injected <{tag}> became a real element"
    assert not [a for a in dom.all("a") if not a.get("href", "").startswith("#")]
    scripts = dom.all("script")
    assert len(scripts) == 2 and scripts[0].get("type") == "application/json"
    assert not any(k.startswith("on") for _, a in dom.elements for k in a)
    text = "".join(dom.text)
    for payload in (
        "<script>document.body.setAttribute('data-pwned','1')</script>",
        "<img src=x onerror=\"document.title='PWNED'\">",
        "\"><svg onload=\"document.title='PWNED'\">",
        '<iframe src="https://evil.example/"></iframe>',
    ):
        assert payload in text, payload
    assert "⟨ESC⟩" in text and "\x1b" not in text
    _screenshot(tmp_path, page, ARTIFACTS / "report-injection.png")


def test_reader_interactions(reports, tmp_path):
    """Hover, keyboard focus, word clicks and filters, driven through the DevTools protocol."""
    report, page = reports["anbar"]
    cdp = Cdp(page.as_uri(), tmp_path / "cdp")
    try:
        assert cdp.js("document.documentElement.getAttribute('data-ready')") not in (None, "0")
        # pointing at (and clicking) a highlight shows the finding, its counterpart lit on the other side
        k = next(i for i, f in enumerate(report["findings"]) if f["source_span"] and f["rendition_span"])
        sel = f'mark.hl[data-p~="{k}"]'
        cdp.click_center(sel)
        assert cdp.js("document.getElementById('tip').hidden") is False
        tip = cdp.js("document.getElementById('tip').textContent")
        f = report["findings"][k]
        assert f["type"] in tip and f["id"] in tip and f["evidence"] in tip
        assert cdp.js("document.querySelectorAll('mark.hl.pair').length") > 0
        # the click also selected the word under the pointer (this one may have no link)
        assert cdp.js("document.querySelectorAll('.w.sel').length") > 0
        assert cdp.js("document.getElementById('wl').textContent").startswith(("source “", "rendition “"))
        # a token with a link: click it, its partner lights up
        s_idx, r_idx, _ = report["word_alignment"][len(report["word_alignment"]) // 2]
        cdp.click_center(f"#st{s_idx}")
        assert cdp.js(f"document.getElementById('rt{r_idx}').classList.contains('lnk')") is True
        assert "\u2194" in cdp.js("document.getElementById('wl').textContent")
        cdp.screenshot(ARTIFACTS / "report-anbar-interactive.png")
        # Escape clears; keyboard focus (Tab order) reaches highlights and shows the tooltip
        cdp.call("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27})
        assert cdp.js("document.querySelectorAll('.w.lnk').length") == 0
        cdp.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0,0)")
        first_mark = cdp.js("Array.prototype.indexOf.call(document.querySelectorAll('[tabindex=\"0\"]'), document.querySelector('mark.hl'))")
        assert first_mark == 0
        cdp.js("document.querySelector('mark.hl').focus()")
        assert cdp.js("document.getElementById('tip').hidden") is False
        # filters: hide every type -> no coloured highlight, no listed finding
        n_types = cdp.js("(function(){var n=0;document.querySelectorAll('input.ft').forEach(function(i){if(i.checked){i.click();n++;}});return n;})()")
        assert n_types == 6
        assert cdp.js("document.querySelectorAll('mark.hl:not(.off)').length") == 0
        assert cdp.js("document.querySelectorAll('li.fi:not([hidden])').length") == 0
        cdp.js(f"document.querySelector('input.ft[value={f['type']}]').click()")
        on = cdp.js("document.querySelectorAll('mark.hl:not(.off)').length")
        assert on > 0 and cdp.js(f"document.querySelectorAll('mark.hl.t-{f['type']}').length") == on
        # severity filter
        cdp.js("document.querySelectorAll('input.ft').forEach(function(i){if(!i.checked)i.click();})")
        cdp.js("document.querySelectorAll('input.fs').forEach(function(i){if(i.value!=='high')i.click();})")
        assert cdp.js("document.querySelectorAll('mark.hl.v-medium,mark.hl.v-low').length") == 0
        assert cdp.js("document.querySelectorAll('mark.hl.v-high').length") > 0
        # difference heat toggle
        cdp.js("document.getElementById('opt-heat').click()")
        assert cdp.js("document.body.classList.contains('heat')") is True
    finally:
        cdp.close()
