"""Fuzzing the command line with random files: every command, files and standard
input. Whatever the bytes, the tool answers with exit 0, 1 or 2, never a traceback,
never an "internal error" (the one-line form of an unexpected exception).

The bulk runs ``cli.run()`` in process (the session's models patched in); a handful
run ``python cli.py`` for real. Cases come from a seeded generator, so a failure
names a case that reproduces.
"""

from __future__ import annotations

import codecs
import json
import random
import subprocess

import pytest
from conftest import REPO, cli_command, cli_env

N_CASES = 30
REFERENCE = (
    "The Iraqi army retook the town of Rutba on Saturday. "
    "The general said 25 fighters had been killed.\n"
)
WORDS = [
    "the", "army", "L'armée", "a", "déclaré", "Rutba", "10 000", "U.S.", "É.-U.", "«", "»",
    "|||", "||", "|", "https://x.org/a.", "Leave a Reply", "الجيش", "ژنرال", "東京",
    "e\u0301", "\u200b", "\u202e", "\ufeff", "\ufffd", "\x1b[31m", "\x07", "<b>", "</p>",
    "<![foo[", "<!--", "<script>", "&amp;", "&#0;", "\\", "\t", "\r", "\u2028", "👁🗨",
]  # fmt: skip


MARKUP = [
    "<![foo[ x ]]>", "<![if !IE]>", "<![CDATA[ y ]]>", "<!-- unclosed", "<?php echo 1 ?>", "</",
    "<a href='", "&#xdddd;", "&#0;", "<script>", "<style>", "<svg><svg>", "<!DOCTYPE", "<p <p>",
]  # fmt: skip


def _case(k: int) -> tuple[str, bytes]:
    """Case ``k``: a file suffix and its bytes (deterministic)."""
    rng = random.Random(1000 + k)
    kind = k % 10
    if kind == 0:  # raw random bytes
        return ".txt", rng.randbytes(rng.randint(0, 200))
    if kind == 1:  # mostly text, some high bytes (8-bit code pages, broken UTF-8)
        data = bytearray(" ".join(rng.choice(WORDS[:10]) for _ in range(rng.randint(1, 30))).encode())
        for _ in range(rng.randint(1, 5)):
            data.insert(rng.randint(0, len(data)), rng.randint(0x80, 0xFF))
        return ".txt", bytes(data)
    if kind == 2:  # random Unicode, all planes and categories but surrogates
        chars = []
        for _ in range(rng.randint(1, 80)):
            cp = rng.choice([rng.randint(0x20, 0x7E), rng.randint(0, 0x2FFF), rng.randint(0, 0x10FFFF)])
            if not 0xD800 <= cp <= 0xDFFF:
                chars.append(chr(cp))
        return ".txt", "".join(chars).encode("utf-8")
    if kind == 3:  # word-alignment input, well and badly formed
        lines = []
        for _ in range(rng.randint(1, 6)):
            left = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))
            right = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))
            lines.append(f"{left} {rng.choice(['|||', '||', ''])} {right}")
        return ".txt", "\n".join(lines).encode("utf-8")
    if kind == 4:  # HTML-looking, with markup that trips parsers
        body = "".join(rng.choice(WORDS) + rng.choice([" ", "<p>", "</div>", "\n"]) for _ in range(rng.randint(1, 40)))
        body += "".join(rng.sample(MARKUP, 3)) + rng.choice(WORDS)
        return rng.choice([".html", ".txt"]), f"<!DOCTYPE html><html><body>{body}".encode()
    if kind == 5:  # a BOM, then anything
        bom = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE])
        return ".txt", bom + rng.randbytes(rng.randint(0, 60))
    if kind == 6:  # sentences of odd tokens, any line breaks, debris
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 10))))
            parts.append(rng.choice([". ", "\n", "\r\n", "\r", "? ", "…\n", ""]))
        return rng.choice([".txt", ".md"]), "".join(parts).encode("utf-8")
    if kind == 7:  # one long line without punctuation
        return ".txt", " ".join(rng.choice(WORDS[:12]) for _ in range(rng.randint(60, 120))).encode("utf-8")
    if kind == 8:  # a NUL or control bytes past the binary sniffing window (8 KB)
        pad = rng.choice([b"\n", b" ", b"\r\n", b"\xc2\xa0"]) * 4200
        junk = bytes(rng.choice([0, 1, 27, 127]) for _ in range(rng.randint(1, 20)))
        return ".txt", pad + REFERENCE.encode() + junk + b" end."
    # kind 9: a real magic number followed by text
    magic = rng.choice([b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\x1f\x8b", b"GIF89a", b"RIFF"])
    return ".txt", magic + REFERENCE.encode()


def _check(rc: int, out: str, err: str, what: str) -> None:
    assert rc in (0, 1, 2), f"{what}: exit {rc}; stderr: {err}"
    assert "Traceback" not in err, f"{what}: {err}"
    assert "internal error" not in err, f"{what}: {err}"
    if rc == 2:
        errors = [line for line in err.splitlines() if line.startswith("aligner: error")]
        assert len(errors) == 1, f"{what}: {err!r}"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz-ref") / "ref.txt"
    path.write_text(REFERENCE, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("k", range(N_CASES))
def test_fuzz_commands_in_process(cli_inproc, tmp_path, reference, k):
    import cli

    suffix, data = _case(k)
    f = tmp_path / f"case{k}{suffix}"
    f.write_bytes(data)
    runs = [
        ("compare", str(f), reference, "-f", "json"),
        ("words", str(f)),
    ]
    if k % 2 == 0:
        runs.append(("compare", reference, str(f), "-f", "text", "--fail-on", "any"))
    if k % 3 == 0:
        runs.append(("sentences", str(f), reference, "-f", "tsv"))
    if "translate" in cli.main.commands:
        runs.append(("translate", str(f)))
    for args in runs:
        rc, out, err = cli_inproc(*args)
        _check(rc, out, err, f"case {k} {args[0]}")
        if rc == 0 and "json" in args:
            json.loads(out)
    if k % 3 == 1:  # the same bytes through standard input
        rc, out, err = cli_inproc("compare", "-", reference, "-f", "json", input=data)
        _check(rc, out, err, f"case {k} compare via stdin")
        if rc == 0:
            json.loads(out)


def test_models_command_in_process(cli_inproc):
    rc, out, err = cli_inproc("models", patch_models=False)
    _check(rc, out, err, "models")
    assert rc == 0 and "encoder" in out


@pytest.mark.slow
def test_fuzz_real_processes(tmp_path, reference, built_cache):
    """A few cases through the real executable, started together."""
    files = {}
    for k in (0, 3):
        suffix, data = _case(k)
        files[k] = tmp_path / f"case{k}{suffix}"
        files[k].write_bytes(data)
    jobs = {
        "compare-stdin": (("compare", "-", reference, "-f", "json"), _case(2)[1]),
        "words": (("words", str(files[3])), None),
        "translate": (("translate", str(files[0])), None),
        "models": (("models",), None),
    }
    procs = {}
    for name, (args, stdin) in jobs.items():
        procs[name] = subprocess.Popen(
            cli_command(*args), cwd=REPO, env=cli_env(),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
    for name, proc in procs.items():
        out, err = proc.communicate(input=jobs[name][1], timeout=300)
        _check(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"), name)


# ----------------------------------------------------------------- configs, manifests, words

CONFIG_KEYS = {
    "encoder": ["model", "layer", "prefix", "batch_tokens", "max_pieces"],
    "sentence_alignment": ["gap", "merge_penalty", "max_bead", "band", "moved_max_cost", "split_cost"],
    "word_alignment": ["method", "token_type", "center", "pretokenized_layer"],
    "findings": ["min_span_confidence"],
    "boilerplate": ["patterns", "footer_markers", "max_words"],
    "limits": ["max_chars", "max_sentence_chars"],
    "translation": ["num_beams", "length_ratio", "fallback", "models"],
    "nonsense": ["x"],
}
TOML_VALUES = [
    "-1", "0", "1", "0.5", "-0.25", "1e400", "nan", "inf", "3", "64", "100000", "true", "false",
    '"argmax"', '"word"', '"x"', '""', "[]", "[5, 6, 7]", '["^a", "(b"]', '["ok"]', "{}", '{ fr = "y" }',
    "1979-05-27", '"\\u001b[31m"',
]  # fmt: skip


def _config_case(k: int) -> bytes:
    """A --config file: random sections, keys and values, sometimes not TOML at all."""
    rng = random.Random(5000 + k)
    if k % 7 == 6:
        return rng.randbytes(rng.randint(0, 80))
    lines = []
    for section in rng.sample(sorted(CONFIG_KEYS), rng.randint(1, 3)):
        lines.append(f"[{section}]")
        keys = [*CONFIG_KEYS[section], "typo_key"]
        for key in rng.sample(keys, rng.randint(1, min(3, len(keys)))):
            lines.append(f"{key} = {rng.choice(TOML_VALUES)}")
    return "\n".join(lines).encode()


@pytest.mark.parametrize("k", range(20))
def test_fuzz_config_files(cli_inproc, tmp_path, reference, k):
    """Any config file: a run, or one error line naming the problem, before any model loads."""
    config = tmp_path / "c.toml"
    config.write_bytes(_config_case(k))
    loads = []

    def loader(*args, **kwargs):
        from aligner.config import load_config

        loads.append(1)
        load_config(str(config))  # what the real loader is given was already validated
        return _MODELS[0]

    rc, out, err = cli_inproc("compare", reference, reference, "--config", str(config), loader=loader)
    _check(rc, out, err, f"config case {k}")
    if rc == 2:
        assert not loads, f"config case {k}: model loaded before the config was refused"
        assert "\x1b" not in err


_MODELS: list = []


@pytest.fixture(autouse=True)
def _no_progress_lines_in_process():
    """Progress lines (stderr is not a terminal in process) are tested elsewhere."""
    from unittest import mock

    import cli
    from aligner.progress import Heartbeat

    with mock.patch.object(cli, "_heartbeat", lambda settings: Heartbeat(enabled=False)):
        yield


@pytest.fixture(autouse=True)
def _keep_models(request):
    if "cli_inproc" in request.fixturenames and not _MODELS:
        _MODELS.append(request.getfixturevalue("models"))


MANIFEST_VALUES = ['"fr.txt"', '"en.txt"', '"missing.txt"', '"."', '"../x"', "3", "true", '"fr"', '"zz"', "[1]", '"rendition"', "0.5", '"\\u001b[2J"']


def _manifest_case(k: int) -> tuple[bytes, bytes | None]:
    """manifest.toml and expected.json (None: absent) of a broken or odd pair."""
    rng = random.Random(7000 + k)
    if k % 5 == 4:
        manifest = rng.randbytes(rng.randint(0, 60))
    else:
        keys = ["source", "rendition", "source_lang", "rendition_lang", "translate", "min_precision", "relation"]
        lines = [f"{key} = {rng.choice(MANIFEST_VALUES)}" for key in rng.sample(keys, rng.randint(0, len(keys)))]
        manifest = "\n".join(lines).encode()
    expected = rng.choice([
        None, b"", b"{", b"[]", b'{"findings": 3}', b'{"findings": [1]}', b'{"findings": [{"type": "x"}]}',
        b'{"findings": [{"type": "added", "rendition_text": "not in the text"}]}', b'{"relation": "rendition", "findings": []}',
    ])  # fmt: skip
    return manifest, expected


def test_fuzz_regress_manifests(cli_inproc, tmp_path):
    """Broken pairs are reported as failed, naming their file; the run goes on."""
    root = tmp_path / "pairs"
    n = 15
    for k in range(n):
        folder = root / f"pair{k:02d}"
        folder.mkdir(parents=True)
        (folder / "fr.txt").write_text(REFERENCE, encoding="utf-8")
        (folder / "en.txt").write_text(REFERENCE, encoding="utf-8")
        manifest, expected = _manifest_case(k)
        (folder / "manifest.toml").write_bytes(manifest)
        if expected is not None:
            (folder / "expected.json").write_bytes(expected)
    rc, out, err = cli_inproc("regress", str(root), "--no-translate")
    _check(rc, out, err, "regress")
    assert rc in (0, 1)
    reported = [line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith(("ok ", "FAIL "))]
    assert reported == [f"pair{k:02d}" for k in range(n)], out
    assert "\x1b" not in out
    assert out.rstrip().endswith(" failed")


def _words_case(k: int) -> bytes:
    rng = random.Random(9000 + k)
    lines = []
    for _ in range(rng.randint(1, 8)):
        left = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 5)))
        right = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 5)))
        sep = rng.choice(["|||", "|||", "|||", " ||| ||| ", "||", "", "||||"])
        lines.append(f"{left} {sep} {right}")
    return rng.choice(["\n", "\r\n"]).join(lines).encode("utf-8")


@pytest.mark.parametrize("k", range(15))
def test_fuzz_words_lines(cli_inproc, tmp_path, k):
    f = tmp_path / "pairs.txt"
    data = _words_case(k)
    f.write_bytes(data)
    rc, out, err = cli_inproc("words", str(f))
    _check(rc, out, err, f"words case {k}")
    if rc == 2 and "expected 'source ||| target'" in err:
        line = int(err.split("pairs.txt:")[1].split(":")[0])
        bad = data.decode("utf-8").splitlines()[line - 1]
        assert bad.strip() and bad.count("|||") != 1
    if rc == 0:
        good = [line for line in data.decode("utf-8").splitlines()]
        assert len(out.splitlines()) == len(good)
