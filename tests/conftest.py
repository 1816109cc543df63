"""Shared fixtures: the default models loaded once, and ways to run the command line.

- ``models``: :func:`aligner.pipeline.load_models` once per session (offline).
- ``run_cli(*args, input=None, env=None)``: ``python cli.py ARGS`` in a subprocess from
  the repository root; returns ``(returncode, stdout, stderr)``. Use it where the
  process contract itself (exit code, stderr, signals, files) is what is tested.
- ``cli_inproc(*args, input=None)``: the same entry point (``cli.run``) in this process
  with the session's models patched in, for the bulk of command-line tests: no
  interpreter start, no model load, same error handling.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parents[1]


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a CLI subprocess: ours, offline, plus ``env``."""
    full = dict(os.environ)
    full["HF_HUB_OFFLINE"] = "1"
    full.pop("ALIGNER_STRESS", None)
    if env:
        full.update(env)
    return full


def cli_command(*args: str) -> list[str]:
    return [sys.executable, str(REPO / "cli.py"), *map(str, args)]


def _as_bytes(data: str | bytes | None) -> bytes | None:
    if data is None or isinstance(data, bytes):
        return data
    return data.encode("utf-8")


TEST_THREADS = 1
"""Torch threads in this process. On the 2-core test machines, other processes
(a concurrent test, a benchmark) make OpenMP's spinning threads 10x slower than one
thread; subprocesses keep the tool's own default."""


def _set_threads(threads: int | None) -> None:
    import torch

    torch.set_num_threads(threads or TEST_THREADS)


@pytest.fixture(scope="session")
def models():
    """The default models (offline e5 encoder), loaded once for the whole session."""
    from aligner.pipeline import load_models

    _set_threads(None)
    return load_models()


@pytest.fixture(scope="session")
def run_cli():
    """``run_cli(*args, input=None, env=None, timeout=300) -> (rc, stdout, stderr)``."""

    def run(*args, input=None, env=None, timeout=300):
        proc = subprocess.run(
            cli_command(*args),
            cwd=REPO,
            input=_as_bytes(input),
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            env=cli_env(env),
            timeout=timeout,
        )
        return (
            proc.returncode,
            proc.stdout.decode("utf-8", "backslashreplace"),
            proc.stderr.decode("utf-8", "backslashreplace"),
        )

    return run


@pytest.fixture(scope="session")
def cli_inproc(models):
    """``cli_inproc(*args, input=None, loader=None, patch_models=True) -> (rc, stdout, stderr)``:
    ``cli.run()`` in this process, exactly as the console script calls it, with the
    session's models (or ``loader``'s result) in place of a fresh load, and
    ``--threads`` defaulting to one thread. Exceptions that ``cli.run`` lets
    through (only with ``--debug``) propagate."""
    import click.testing

    import cli

    def invoke(*args, input=None, loader=None, patch_models=True):
        runner = click.testing.CliRunner()
        with ExitStack() as stack:
            if patch_models:
                load = loader or (lambda *a, **k: models)
                stack.enter_context(mock.patch.object(cli, "_load_models", load))
            stack.enter_context(mock.patch.object(cli, "_setup_threads", _set_threads))
            stack.enter_context(mock.patch.object(sys, "argv", ["aligner", *map(str, args)]))
            stack.enter_context(mock.patch.object(cli._State, "debug", False))
            out, err, _ = stack.enter_context(runner.isolation(input=_as_bytes(input)))
            code = 0
            try:
                cli.run()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            return (
                code,
                out.getvalue().decode("utf-8", "backslashreplace"),
                err.getvalue().decode("utf-8", "backslashreplace"),
            )

    return invoke


@pytest.fixture(scope="session")
def built_cache() -> Path:
    """The user's cache directory, with the offline encoder built and verified (the
    first session on a machine builds it, ~10 s). Tests copy it; they never damage it."""
    from aligner.encoder.offline_e5 import ensure_offline_e5

    return ensure_offline_e5().parent.parent


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("aligner: error")]
