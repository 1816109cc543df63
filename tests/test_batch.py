"""`aligner batch`: the manifest, a 200-pair run with broken pairs, kill and
resume to the same final output, and the Ray backend on a local Ray instance
started here (never mocked)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import cli_command, cli_env

from aligner.batch.manifest import read_manifest
from aligner.errors import InputError

REPO = Path(__file__).resolve().parents[1]

FR = [
    "Le conseil a voté {n} euros pour la piscine.",
    "Les pompiers ont maîtrisé un incendie de {n} hectares.",
    "Le maire a dit que l'école ouvrira en {m}.",
    "Selon la police, {n} personnes ont manifesté samedi.",
]
EN = [
    "The council voted {n} euros for the pool.",
    "Firefighters controlled a fire of {n} hectares.",
    "The mayor said the school will open in {m}.",
    "According to the police, {n} people demonstrated on Saturday.",
]
MONTHS = [("janvier", "January"), ("mars", "March"), ("mai", "May"), ("juin", "June"), ("octobre", "October")]


def _make_manifest(folder: Path, n_pairs: int = 200) -> Path:
    """``n_pairs`` tiny pairs built from 20 distinct texts, the last three broken:
    a missing file, a binary file, an empty file."""
    texts = folder / "texts"
    texts.mkdir()
    for i in range(20):
        fr_m, en_m = MONTHS[i % len(MONTHS)]
        ks = [(i + j) % len(FR) for j in range(3)]
        (texts / f"s{i}.txt").write_text(" ".join(FR[k].format(n=100 + i, m=fr_m) for k in ks), encoding="utf-8")
        # Every third rendition has one number changed (in its first sentence).
        wrong = [EN[ks[0]].format(n=100 + i + (i % 3 == 0), m=en_m)] + [EN[k].format(n=100 + i, m=en_m) for k in ks[1:]]
        (texts / f"r{i}.txt").write_text(" ".join(wrong), encoding="utf-8")
    (texts / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (texts / "empty.txt").write_bytes(b"")
    rows = ["id,source,rendition,source_lang,rendition_lang"]
    for i in range(n_pairs - 3):
        rows.append(f"p{i:03d},texts/s{i % 20}.txt,texts/r{i % 20}.txt,fr,en")
    rows += ["missing,texts/nope.txt,texts/r0.txt,fr,en", "binary,texts/binary.txt,texts/r0.txt,fr,en", "empty,texts/s0.txt,texts/empty.txt,fr,en"]
    manifest = folder / "pairs.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def _batch(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command("--threads", "1", "batch", *args), cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=timeout)


def _lines(outdir: Path) -> list[dict]:
    return [json.loads(line) for line in (outdir / "results.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    manifest = _make_manifest(folder)
    proc = _batch(str(manifest), "-o", str(folder / "clean"), "--no-translate")
    assert proc.returncode == 0, proc.stderr
    return manifest, folder / "clean", proc


def test_200_pairs_with_3_broken(clean_run):
    _, outdir, proc = clean_run
    lines = _lines(outdir)
    assert [x["id"] for x in lines] == [f"p{i:03d}" for i in range(197)] + ["missing", "binary", "empty"]
    assert sum(x["status"] == "ok" for x in lines) == 197
    errors = {x["id"]: x["error"] for x in lines if x["status"] == "error"}
    assert errors["missing"].endswith("nope.txt: no such file")
    assert "binary" in errors and "empty" in errors["empty"]
    ok = lines[0]
    assert ok["summary"]["relation"] == "rendition" and set(ok["summary"]["counts"]) >= {"added", "dropped", "changed"}
    assert lines[3]["summary"]["counts"]["changed"] == 1  # s3/r3: 103 -> 104
    assert lines[4]["summary"]["counts"]["changed"] == 0
    assert "pairs/s" in proc.stderr and "200 pairs" in proc.stdout
    import pyarrow.parquet as pq

    table = pq.read_table(outdir / "results.parquet")
    assert table.num_rows == 200 and table.column("id").to_pylist() == [x["id"] for x in lines]
    assert table.column("status").to_pylist().count("error") == 3
    run = json.loads((outdir / "run.json").read_text())
    assert run["ran"] == 200 and run["resumed"] == 0 and run["peak_rss_mb"]
    # A second run does nothing and keeps the files as they are.
    before = (outdir / "results.jsonl").read_bytes()
    again = _batch(str(clean_run[0]), "-o", str(outdir), "--no-translate")
    assert again.returncode == 0 and "200 pairs: 200 done before, 0 run" in again.stdout
    assert (outdir / "results.jsonl").read_bytes() == before


def test_killed_then_resumed_equals_clean_run(clean_run):
    manifest, clean, _ = clean_run
    outdir = manifest.parent / "killed"
    proc = subprocess.Popen(
        cli_command("--threads", "1", "batch", str(manifest), "-o", str(outdir), "--no-translate"),
        cwd=REPO, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    journal = outdir / "results.jsonl"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.exists() and journal.read_bytes().count(b"\n") >= 60:
                break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the batch and its worker processes
        proc.wait()
    done = journal.read_bytes().count(b"\n")
    assert 60 <= done < 200, done
    resumed = _batch(str(manifest), "-o", str(outdir), "--no-translate")
    assert resumed.returncode == 0, resumed.stderr
    run = json.loads((outdir / "run.json").read_text())
    assert run["resumed"] == done and run["ran"] == 200 - done
    assert (outdir / "results.jsonl").read_bytes() == (clean / "results.jsonl").read_bytes()
    import pyarrow.parquet as pq

    assert pq.read_table(outdir / "results.parquet").equals(pq.read_table(clean / "results.parquet"))


def test_ray_backend_on_a_local_instance(clean_run, tmp_path):
    """Same code path on Ray actors: the same result lines as the local workers."""
    ray = pytest.importorskip("ray")
    from aligner.batch.runner import run_batch, worker_options

    manifest, clean, _ = clean_run
    small = manifest.parent / "small.csv"  # next to the big one: same paths, same keys
    rows = manifest.read_text(encoding="utf-8").splitlines()
    small.write_text("\n".join([rows[0], *rows[1:4], rows[-3]]) + "\n", encoding="utf-8")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        opts = worker_options(tmp_path / "out", True, translate=False, threads=1)
        stats = run_batch(small, tmp_path / "out", opts, workers=2, ray_address="auto")
    finally:
        ray.shutdown()
    assert (stats.backend, stats.ran, stats.ok, stats.errors) == ("ray", 4, 3, 1)
    assert len(stats.peak_rss_mb) == 2  # two actors, models loaded once each
    by_id = {x["id"]: x for x in _lines(clean)}
    lines = _lines(tmp_path / "out")
    assert [x["id"] for x in lines] == ["p000", "p001", "p002", "missing"]
    assert lines == [by_id[x["id"]] for x in lines]
    report = json.loads((tmp_path / "out/reports/p000.json").read_text(encoding="utf-8"))
    assert report["schema"] == "aligner.report/1" and report["summary"] == by_id["p000"]["summary"]


def test_manifest_jsonl_and_errors_name_the_line(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    m = tmp_path / "m.jsonl"
    m.write_text('{"source": "a.txt", "rendition": "a.txt", "source_lang": "FR"}\n\n{"id": "z", "source": "a.txt", "rendition": "/abs/b.txt"}\n', encoding="utf-8")
    pairs = read_manifest(m)
    assert [(p.id, p.source, p.rendition, p.source_lang) for p in pairs] == [
        ("1", str(tmp_path / "a.txt"), str(tmp_path / "a.txt"), "fr"),
        ("z", str(tmp_path / "a.txt"), "/abs/b.txt", None),
    ]
    cases = {
        '{"source": "a.txt"}\n': "m.jsonl:1: missing 'rendition'",
        '{"source": "a.txt", "rendition": "a.txt"}\n{oops\n': "m.jsonl:2: not a JSON object",
        '{"source": "a.txt", "rendition": "a.txt", "colour": 1}\n': "m.jsonl:1: unknown field(s) 'colour'",
        '{"source": "a.txt", "rendition": "a.txt", "rendition_lang": "klingon"}\n': "m.jsonl:1: unknown language code",
        '{"id": "x", "source": "a.txt", "rendition": "a.txt"}\n{"id": "x", "source": "a.txt", "rendition": "a.txt"}\n': "m.jsonl:2: id 'x' already used on line 1",
    }
    for text, message in cases.items():
        m.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=re.escape(message)):
            read_manifest(m)
    c = tmp_path / "m.csv"
    c.write_text("src,rendition\na.txt,a.txt\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"m.csv:1: the CSV header must name the columns source and rendition \(missing: source\)"):
        read_manifest(c)
    c.write_text("source,rendition\na.txt,a.txt\n,a.txt\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"m\.csv:3: missing 'source'"):
        read_manifest(c)


def test_batch_cli_bad_manifest_exit_2(run_cli, tmp_path):
    rc, _, err = run_cli("batch", str(tmp_path / "none.csv"), "-o", str(tmp_path / "out"))
    assert rc == 2 and err.strip() == f"aligner: error: {tmp_path / 'none.csv'}: no such manifest"


def test_foreign_results_file_is_never_overwritten(tmp_path):
    from aligner.batch.results import read_done

    mine = tmp_path / "results.jsonl"
    mine.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"results\.jsonl:1: not a result line of aligner batch"):
        read_done(mine)
    assert mine.read_text(encoding="utf-8") == "my notes\n"
    mine.write_text('{"id": "a", "key": "k"}\n{"id": "b", "ke', encoding="utf-8")  # torn by a kill
    assert list(read_done(mine)) == [("a", "k")]


def test_content_cache_keys_the_word_layer(models):
    """A cached sentence embedded at another word layer (`words --layer`) is encoded
    again, not served from the entry of the encoder's own layer."""
    import numpy as np

    from aligner.batch.content_cache import CachingEncoder

    before = models.encoder.layer
    cached = CachingEncoder(models.encoder, 16)
    words = [["the", "army", "left", "the", "town"]]
    own = cached.embed(words, pooled=False)
    other = cached.embed(words, pooled=False, layer=2)
    assert cached.misses == 2 and cached.hits == 0
    assert np.allclose(other[0].pieces.vectors, models.encoder.embed(words, pooled=False, layer=2)[0].pieces.vectors)
    assert not np.allclose(own[0].pieces.vectors, other[0].pieces.vectors)
    cached.embed(words, pooled=False, layer=2)
    assert cached.hits == 1 and models.encoder.layer == before
