"""Concurrent runs and determinism.

- N concurrent ``compare -f json`` runs on a fresh, empty cache (the first build of
  the offline encoder happens once, under a file lock, after an earlier build was
  killed half-way) all succeed with identical reports apart from ``timings``.
- The same inputs give byte-identical JSON (apart from ``timings``) run after run
  and across thread counts.
- ``ALIGNER_STRESS=1``: 20 concurrent runs, with memory measured (run by hand:
  ``ALIGNER_STRESS=1 python -m pytest -s tests/test_concurrency.py -k stress``).

Each process loads a ~470 MB model (peak RSS about 0.9-1 GB), so the default N is 4:
about 4 GB at peak, and on 2 cores the suite stays quick.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, cli_command, cli_env

N_CONCURRENT = int(os.environ.get("ALIGNER_CONCURRENT_RUNS", "4"))

SOURCE = (
    "L'armée irakienne a repris la ville de Rutba samedi, selon un communiqué.\n"
    "Le général a déclaré que 25 combattants avaient été tués lors des combats.\n"
    "Les habitants sont rentrés chez eux dimanche.\n"
    "Les États-Unis ont frappé 85 cibles en Irak et en Syrie.\n"
)
RENDITION = (
    "The Iraqi army retook the town of Rutba on Saturday.\n"
    "The general said 35 fighters had been killed in the fighting.\n"
    "The United States struck 85 targets in Iraq and Syria, officials said.\n"
    "Washington denied any role in the clashes.\n"
)


def without_timings(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "timings"}


def json_diff(a, b, path: str = "$") -> list[str]:
    """JSON paths where two reports differ (values shown for leaves)."""
    if type(a) is not type(b):
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'first' if k in a else 'second'}")
            else:
                out.extend(json_diff(a[k], b[k], f"{path}.{k}"))
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for k, (x, y) in enumerate(zip(a, b, strict=True)) for d in json_diff(x, y, f"{path}[{k}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory of a live process (VmHWM), in MB."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Monitor:
    """Samples the processes' memory, the machine's available memory and the build
    directories in the cache while the runs go on."""

    def __init__(self, procs: list[subprocess.Popen], models_dir: Path) -> None:
        import psutil

        self.psutil = psutil
        self.procs = procs
        self.models_dir = models_dir
        self.builds: set[str] = set()
        self.peak_hwm: dict[int, float] = {}
        self.peak_total_rss = 0.0
        self.peak_uss: dict[int, float] = {}
        self.peak_total_uss = 0.0
        self.last_uss = 0.0
        self.min_available = psutil.virtual_memory().available / 2**20
        self.start_available = self.min_available

    def sample(self) -> None:
        if self.models_dir.is_dir():
            self.builds.update(p.name for p in self.models_dir.glob(".*.build-*"))
        total = 0.0
        for p in self.procs:
            if p.poll() is None:
                hwm = _vm_hwm_mb(p.pid)
                if hwm:
                    self.peak_hwm[p.pid] = max(self.peak_hwm.get(p.pid, 0.0), hwm)
                with contextlib.suppress(self.psutil.Error):
                    total += self.psutil.Process(p.pid).memory_info().rss / 2**20
        self.peak_total_rss = max(self.peak_total_rss, total)
        if time.monotonic() - self.last_uss > 2.0:  # private memory: slower to read
            self.last_uss = time.monotonic()
            total_uss = 0.0
            for p in self.procs:
                if p.poll() is None:
                    with contextlib.suppress(self.psutil.Error):
                        uss = self.psutil.Process(p.pid).memory_full_info().uss / 2**20
                        self.peak_uss[p.pid] = max(self.peak_uss.get(p.pid, 0.0), uss)
                        total_uss += uss
            self.peak_total_uss = max(self.peak_total_uss, total_uss)
        self.min_available = min(self.min_available, self.psutil.virtual_memory().available / 2**20)

    def summary(self) -> dict:
        hwm = sorted(self.peak_hwm.values())
        return {
            "processes": len(self.procs),
            "peak_rss_per_process_mb": {"min": round(hwm[0]), "max": round(hwm[-1])} if hwm else None,
            "peak_sum_rss_mb": round(self.peak_total_rss),
            "peak_uss_per_process_mb": (
                {"min": round(min(self.peak_uss.values())), "max": round(max(self.peak_uss.values()))}
                if self.peak_uss
                else None
            ),
            "peak_sum_uss_mb": round(self.peak_total_uss),
            "machine_available_mb": {"start": round(self.start_available), "lowest": round(self.min_available)},
            "machine_memory_used_by_runs_mb": round(self.start_available - self.min_available),
            "build_dirs_seen": sorted(self.builds),
        }


def run_concurrently(n: int, cache: Path, tmp: Path, threads: int = 1, floor_mb: float = 1500) -> tuple[list, dict]:
    """Start ``n`` compare runs together on ``cache``; returns their results and the
    memory summary. Kills them (and fails) if the machine runs low on memory."""
    src = tmp / "fr.txt"
    ren = tmp / "en.txt"
    src.write_text(SOURCE, encoding="utf-8")
    ren.write_text(RENDITION, encoding="utf-8")
    env = cli_env({"ALIGNER_CACHE": str(cache)})
    args = ("--threads", str(threads), "compare", str(src), str(ren), "-f", "json")
    outs = [open(tmp / f"out{k}.json", "wb") for k in range(n)]  # noqa: SIM115
    errs = [open(tmp / f"err{k}.txt", "wb") for k in range(n)]  # noqa: SIM115
    procs = [
        subprocess.Popen(cli_command(*args), cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=o, stderr=e)
        for o, e in zip(outs, errs, strict=True)
    ]
    monitor = Monitor(procs, cache / "models")
    started = time.monotonic()
    try:
        while any(p.poll() is None for p in procs):
            monitor.sample()
            if monitor.min_available < floor_mb:
                raise AssertionError(f"available memory fell to {monitor.min_available:.0f} MB; runs stopped")
            if time.monotonic() - started > 900:
                raise AssertionError("concurrent runs took more than 15 minutes")
            time.sleep(0.1)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for fh in outs + errs:
            fh.close()
    summary = monitor.summary()
    summary["wall_s"] = round(time.monotonic() - started, 1)
    results = [
        (p.returncode, (tmp / f"out{k}.json").read_text(encoding="utf-8"), (tmp / f"err{k}.txt").read_text(encoding="utf-8"))
        for k, p in enumerate(procs)
    ]
    return results, summary


def check_identical_reports(results: list) -> list[dict]:
    for rc, _, err in results:
        assert rc == 0, err
        assert "Traceback" not in err
    reports = [json.loads(out) for _, out, _ in results]
    first = without_timings(reports[0])
    for k, r in enumerate(reports[1:], 1):
        diff = json_diff(first, without_timings(r))
        assert not diff, f"run {k} differs from run 0: {diff[:20]}"
    return reports


def kill_a_build_half_way(cache: Path, tmp: Path) -> None:
    """Start a run on the empty cache and SIGKILL it while it builds the model: a
    stale build directory stays behind, as after a power cut."""
    (tmp / "a.txt").write_text(SOURCE, encoding="utf-8")
    proc = subprocess.Popen(
        cli_command("compare", str(tmp / "a.txt"), str(tmp / "a.txt")), cwd=REPO,
        env=cli_env({"ALIGNER_CACHE": str(cache)}), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    models = cache / "models"
    try:
        while not (models.is_dir() and list(models.glob(".*.build-*"))):
            assert proc.poll() is None, "the run ended before building the model"
            assert time.monotonic() < deadline, "the build never started"
            time.sleep(0.02)
        time.sleep(1.0)  # let it write part of the model
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


@pytest.mark.slow
def test_concurrent_runs_on_a_fresh_cache(tmp_path):
    from aligner.encoder.offline_e5 import DEFAULT_DIR_NAME, source_file, unusable_reason

    cache = tmp_path / "cache"
    kill_a_build_half_way(cache, tmp_path)
    stale = {p.name for p in (cache / "models").glob(".*.build-*")}
    assert stale, "the killed build left nothing behind: the test did not exercise recovery"

    results, summary = run_concurrently(N_CONCURRENT, cache, tmp_path)
    print(f"\n{N_CONCURRENT} concurrent runs on a fresh cache: {json.dumps(summary)}")
    check_identical_reports(results)
    new_builds = set(summary["build_dirs_seen"]) - stale
    assert len(new_builds) == 1, f"the model was built {len(new_builds)} times: {sorted(new_builds)}"
    target = cache / "models" / DEFAULT_DIR_NAME
    assert unusable_reason(target, source_file()) is None
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == [], "stale build left behind"


@pytest.mark.skipif(os.environ.get("ALIGNER_STRESS") != "1", reason="set ALIGNER_STRESS=1 to run 20 concurrent runs")
def test_stress_20_concurrent_runs(tmp_path):
    """20 concurrent runs on a fresh cache (one builds, 19 wait on the lock, then all
    load the model at once). Prints the memory figures; stops the runs if the
    machine falls under 1.5 GB available (``ALIGNER_STRESS_FLOOR_MB``)."""
    n = int(os.environ.get("ALIGNER_STRESS_RUNS", "20"))
    floor = float(os.environ.get("ALIGNER_STRESS_FLOOR_MB", "1500"))
    results, summary = run_concurrently(n, tmp_path / "cache", tmp_path, threads=1, floor_mb=floor)
    summary["exit_codes"] = sorted({rc for rc, _, _ in results})
    print(f"\nstress: {json.dumps(summary, indent=1)}")
    if os.environ.get("ALIGNER_STRESS_REPORT"):
        Path(os.environ["ALIGNER_STRESS_REPORT"]).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    check_identical_reports(results)
    assert len(summary["build_dirs_seen"]) == 1


# --------------------------------------------------------------------------- determinism


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("determinism")
    fr = (REPO / "samples/anbar-fr_ava-en/fr.txt").read_text(encoding="utf-8")
    en = (REPO / "samples/anbar-fr_ava-en/en.txt").read_text(encoding="utf-8")
    src, ren = tmp / "fr.txt", tmp / "en.txt"
    src.write_text(fr[: fr.index("\n", 1000) + 1], encoding="utf-8")
    ren.write_text(en[: en.index("\n", 1000) + 1], encoding="utf-8")
    return str(src), str(ren)


def test_same_inputs_give_identical_json(cli_inproc, pair):
    runs = []
    for _ in range(2):
        rc, out, err = cli_inproc("--threads", "1", "compare", *pair, "-f", "json")
        assert rc == 0, err
        runs.append(out)
    a, b = (without_timings(json.loads(r)) for r in runs)
    assert json_diff(a, b) == []
    strip = [json.dumps(without_timings(json.loads(r)), ensure_ascii=False, indent=1) for r in runs]
    assert strip[0] == strip[1]


@pytest.mark.slow
def test_json_is_identical_across_thread_counts(cli_inproc, pair):
    reports = {}
    for threads in (1, 2):
        rc, out, err = cli_inproc("--threads", str(threads), "compare", *pair, "-f", "json")
        assert rc == 0, err
        reports[threads] = without_timings(json.loads(out))
    diff = json_diff(reports[1], reports[2])
    assert diff == [], f"{len(diff)} field(s) differ between --threads 1 and 2: {diff[:30]}"


def test_json_diff_helper_names_the_fields():
    a = {"x": [1, {"y": 0.5}], "timings": {}}
    b = {"x": [1, {"y": 0.25}], "timings": {}}
    assert json_diff(a, b) == ["$.x[1].y: 0.5 != 0.25"]


if __name__ == "__main__":  # pragma: no cover - the by-hand stress run
    sys.exit(pytest.main([__file__, "-s", "-k", "stress"]))
