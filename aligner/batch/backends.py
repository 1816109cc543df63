"""Where the workers run: local processes (default) or Ray actors.

Both backends take the same tasks ``(pair, key)`` and yield the same
:meth:`PairWorker.run` outputs as pairs finish (in completion order; the runner
orders the final files). Each worker process or actor builds one
:class:`~aligner.batch.worker.PairWorker`, so models load once per worker."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import InputError
from .keys import WorkerOptions
from .manifest import Pair

Task = tuple[Pair, str]

_worker: Any = None  # the PairWorker of this worker process (local backend)


def _init_local(options: WorkerOptions) -> None:
    global _worker
    from .worker import PairWorker

    _worker = PairWorker(options)


def _run_local(task: Task) -> dict[str, Any]:
    return _worker.run(*task)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def _thread_environment(threads: int) -> Iterator[None]:
    """Spawned workers inherit this: their OpenMP/BLAS pools (numpy's too, not only
    torch's) get ``threads`` threads instead of one per core each, which
    oversubscribes the cores when several workers share them (Ray does the same for
    its actors)."""
    saved = {k: os.environ.get(k) for k in THREAD_VARIABLES}
    os.environ.update({k: str(threads) for k in THREAD_VARIABLES})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_local(tasks: Iterable[Task], options: WorkerOptions, workers: int) -> Iterator[dict[str, Any]]:
    """Worker processes (spawned: no state shared with this process), at most
    ``4 * workers`` pairs queued at a time so memory stays bounded."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    it = iter(tasks)
    with (
        _thread_environment(max(1, options.threads)),
        ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_local, initargs=(options,)) as pool,
    ):
        pending = set()
        try:
            while True:
                while len(pending) < 4 * workers:
                    task = next(it, None)
                    if task is None:
                        break
                    pending.add(pool.submit(_run_local, task))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
        except BrokenProcessPool as exc:
            raise InputError(f"a batch worker died or could not load the models ({exc}); rerun with --workers 1 to see why") from None


def run_ray(tasks: Iterable[Task], options: WorkerOptions, workers: int, address: str) -> Iterator[dict[str, Any]]:
    """Ray actors, one :class:`PairWorker` each. ``address``: ``auto`` (a running
    cluster), ``local`` (a private instance for this run), or a cluster address; an
    already initialised Ray (a caller's ``ray.init``) is used as it is."""
    try:
        import ray
        from ray.util import ActorPool
    except ImportError:
        raise InputError("--ray needs the ray package: pip install 'aligner[ray]'") from None
    from .worker import PairWorker

    started = False
    if not ray.is_initialized():
        ray.init(address=None if address == "local" else address, include_dashboard=False, log_to_driver=False)
        started = True
    try:
        actor_class = ray.remote(num_cpus=1)(PairWorker)
        actors = [actor_class.remote(options) for _ in range(workers)]
        pool = ActorPool(actors)
        yield from pool.map_unordered(lambda actor, task: actor.run.remote(*task), list(tasks))
        for actor in actors:
            ray.kill(actor)
    finally:
        if started:
            ray.shutdown()
