"""Grading on a Dask cluster: the units of :func:`course.batch.pool.grade_class` run on the workers of a
running Dask scheduler (``tcp://HOST:8786``) or of a ``LocalCluster`` started here (``local:N``).

One writer: results stream back to the ``course grade`` process, which alone stores and exports them, so
resuming, content-hash reuse and "nothing lost or doubled" are the local pool's. Dask reschedules a unit
whose worker died; a unit that was running on every one of ``allowed-failures`` + 1 workers that died comes
back as ``KilledWorker`` and ends as that learner's kit error (not stored, so a rerun grades it again).

Workers need the kit installed, the same kit (each unit carries the graders hash it was planned with, and a
worker whose graders hash differs refuses it), but not the class's files: a unit carries its exercise
folder's files, at most :data:`MAX_UNIT_BYTES`, unless ``shared_fs`` says the workers see the same paths.
Each worker keeps the grading engine and its two sandbox fork servers loaded across units
(:class:`GradingWorker`); the fork servers are ``subprocess`` children, which Dask's daemonic worker
processes may have (multiprocessing children they may not).
"""
from __future__ import annotations

import logging
import shutil
import signal
import sys
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
from distributed.scheduler import KilledWorker

from course import __version__
from course.batch.hashing import graders_hash
from course.cpus import usable_cpus
from course.sandbox import snapshot
from course.batch.pool import Failure, RunnerError, Settings, Unit, grade_unit

PLUGIN = "dl-course-kit"

# An exercise folder is kilobytes of Python; megabytes are data sets or checkpoints the graders never read,
# which every unit would carry through the scheduler.
MAX_UNIT_BYTES = 16 * 1024 ** 2

# Units handed to the scheduler at a time: enough to keep a few hundred workers busy while results stream
# back, without holding a MOOC's files in the scheduler's memory at once.
IN_FLIGHT = 1024

# A unit whose workers died this many times more is given up (Dask's own default is 3: each try of a unit
# that kills its worker costs a worker restart, and the local pool tries twice).
ALLOWED_FAILURES = 1


class ClusterError(RunnerError):
    """The scheduler cannot be reached or started, or the address is not one."""


class KitMismatch(Exception):
    """A worker's kit grades an exercise differently from the ``course grade`` process's."""


@dataclass(frozen=True)
class Payload:
    """What a unit carries to its worker: its exercise folder's files (None when the learner has no such
    folder), or with a shared filesystem only the path of the learner's exercises folder."""

    exercise: str
    graders_hash: str
    files: tuple[tuple[str, bytes], ...] | None = None
    path: str | None = None
    links: tuple[tuple[str, str], ...] = ()   # carried as links, so that the worker refuses them as we would


def parse_scheduler(spec: str) -> tuple[str, int | None]:
    """``("local", N)`` for ``local`` or ``local:N`` (N None: one worker per core), else ``(address, None)``.

    Raises :class:`ClusterError` for anything that is neither.
    """
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2]
        if count and not (count.isdigit() and int(count) > 0):
            raise ClusterError(f"--scheduler {spec}: expected local:N with N a number of workers, e.g. local:4")
        return "local", int(count) if count else None
    if "://" not in spec and ":" not in spec:
        raise ClusterError(f"--scheduler {spec}: expected a scheduler address (tcp://HOST:8786) or local:N")
    return spec, None


def payload(unit: Unit, shared_fs: bool = False) -> Payload:
    """The payload of ``unit``; raises :class:`ValueError` when its files exceed :data:`MAX_UNIT_BYTES`."""
    if shared_fs:
        return Payload(unit.exercise, unit.graders_hash, path=str(unit.exercises_dir))
    folder = unit.exercises_dir / unit.exercise
    if not folder.is_dir():
        return Payload(unit.exercise, unit.graders_hash)
    try:
        snap = snapshot.read_folder(folder, max_bytes=MAX_UNIT_BYTES)
    except snapshot.SubmissionTooLarge:
        raise ValueError(f"{folder} holds more than {MAX_UNIT_BYTES // 1024 ** 2} MiB, the most a unit "
                         f"carries to a cluster worker: remove data files or checkpoints from it, or grade "
                         f"with --shared-fs where the workers see the class folder at the same path") from None
    return Payload(unit.exercise, unit.graders_hash, files=tuple((rel, data) for rel, _, data in snap.files),
                   links=tuple(snap.links))


class GradingWorker(WorkerPlugin):
    """Per-worker state, registered as a Dask worker plugin: the grading engine imported and the sandbox's
    fork servers started once per worker, a folder for the submissions units bring, and a lock so that a
    worker started with several threads still grades one unit at a time (pytest is not thread-safe, and a
    unit's learner process already takes a core)."""

    name = PLUGIN

    def __init__(self, torch: bool = True, local: bool = False):
        self.torch, self.local = torch, local

    def setup(self, worker=None) -> None:
        """Load what every unit needs, in the worker process, before its first unit."""
        self.lock = threading.Lock()
        self.root = Path(tempfile.mkdtemp(prefix="course-units-"))
        if self.local and threading.current_thread() is threading.main_thread():
            # A LocalCluster's workers share the terminal's process group: Ctrl-C is course grade's to handle
            # (it cancels the units and closes the cluster), not a traceback from every worker.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        # Dask's statistical profiler samples the task thread's stack every 10 ms, holding the GIL that the
        # verdict process needs for pytest: measured, it made a class 1.26× slower than the local pool.
        for name in ("profile", "profile-cycle"):
            callback = worker.periodic_callbacks.pop(name, None) if worker is not None else None
            if callback is not None:
                callback.stop()
        import course.grading.plugin  # noqa: F401  (pytest and the graders' engine, loaded once)
        from course.sandbox.launch import start_fork_server

        # Started from the worker's main thread, which lives as long as the worker: each fork server dies
        # with the thread that started it (PR_SET_PDEATHSIG).
        start_fork_server(torch=False)
        if self.torch:
            start_fork_server(torch=True)

    def teardown(self, worker=None) -> None:
        """Remove the folder of carried submissions."""
        shutil.rmtree(self.root, ignore_errors=True)


def _plugin() -> GradingWorker:
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN)
    if plugin is None:
        raise RuntimeError(f"worker {worker.address} has no {PLUGIN} plugin: units are sent by course grade")
    return plugin


def grade_payload(load: Payload, settings: Settings) -> dict:
    """Grade one unit on a Dask worker (the task every unit runs); the result crosses back as JSON data."""
    state = _plugin()
    with state.lock:
        if graders_hash(load.exercise, settings.key()) != load.graders_hash:
            raise KitMismatch(f"worker {get_worker().address} has other graders, solutions or kit version for "
                              f"{load.exercise} than the machine running course grade: install the same kit "
                              f"on every worker")
        if load.path is not None:
            if not Path(load.path).is_dir():
                raise FileNotFoundError(f"--shared-fs, but this worker does not see {load.path}: mount the "
                                        f"class folder at the same path, or grade without --shared-fs")
            return grade_unit(load.path, load.exercise, settings)
        # The carried copy lives under the worker's folder of carried submissions, which is hidden from learner
        # code as a whole (the copies of units graded before or beside this one included).
        here = Path(tempfile.mkdtemp(dir=state.root))
        try:
            for rel, data in load.files or ():
                target = here / load.exercise / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            for rel, pointed in load.links:
                (here / load.exercise / rel).parent.mkdir(parents=True, exist_ok=True)
                (here / load.exercise / rel).symlink_to(pointed)
            return grade_unit(str(here), load.exercise, replace(settings, hide=(*settings.hide, str(state.root))))
        finally:
            shutil.rmtree(here, ignore_errors=True)


def _worker_facts() -> dict:
    from course.sandbox.launch import isolation_mode
    return {"isolation": isolation_mode(), "kit": __version__}


def start_local_cluster(workers: int):
    """A ``LocalCluster`` of ``workers`` single-threaded worker processes, quiet on the terminal (a unit's
    failure is reported by ``course grade`` itself, not logged again by its worker)."""
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=logging.CRITICAL, scheduler_kwargs={"allowed_failures": ALLOWED_FAILURES})


class DaskRunner:
    """A runner for :func:`~course.batch.pool.grade_class` on a Dask cluster (use it as a context manager).

    ``scheduler`` is an address (``tcp://HOST:8786``) or ``local[:N]``; ``torch``: start the workers' torch
    fork servers too; ``say`` gets the lines of :meth:`describe` once connected; ``task`` is what each unit
    runs on its worker (the bench replaces it with an empty one to time the scheduler alone).
    """

    def __init__(self, scheduler: str, *, shared_fs: bool = False, torch: bool = True,
                 say: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
                 task: Callable[[Payload, Settings], dict] = grade_payload, accept_process: bool = False):
        self.address, self.workers = parse_scheduler(scheduler)
        self.shared_fs, self.torch, self.say, self.task = shared_fs, torch, say, task
        self.accept_process = accept_process   # --isolation process: plain process isolation accepted
        self.cluster = self.client = None

    def __enter__(self):
        try:
            if self.address == "local":
                self.cluster = start_local_cluster(self.workers or usable_cpus())
                self.client = Client(self.cluster)
            else:
                # Dask's connect timeout (30 s; DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT) bounds the wait.
                self.client = Client(self.address)
        except (OSError, TimeoutError) as exc:
            self.__exit__()
            raise ClusterError(f"could not reach the Dask scheduler at {self.address} ({exc}); is "
                               f"`dask scheduler` running there?") from None
        self.client.register_plugin(GradingWorker(self.torch, local=self.cluster is not None), name=PLUGIN)
        try:
            lines = self.describe()
        except ClusterError:
            self.__exit__()
            raise
        for line in lines:
            self.say(line)
        return self

    def __exit__(self, *exc) -> None:
        for part in (self.client, self.cluster):
            if part is not None:
                part.close()
        self.client = self.cluster = None

    def describe(self) -> list[str]:
        """Lines for the terminal: the cluster's workers, their sandbox, and what needs attention."""
        threads = self.client.nthreads()
        name = f"local:{len(threads)}" if self.address == "local" else self.address
        if not threads:
            return [f"Dask cluster {name}: no workers yet; units wait until workers connect "
                    f"(dask worker {self.client.scheduler.address} --nthreads 1)"]
        facts = self.client.run(_worker_facts)
        levels = Counter(f["isolation"] for f in facts.values())
        lines = [f"Dask cluster {name}: {len(threads)} worker(s); learner code isolated with "
                 + ", ".join(f"{mode} on {n}" for mode, n in sorted(levels.items()))]
        plain = sorted(w for w, f in facts.items() if f["isolation"] == "process")
        if plain and not self.accept_process:
            raise ClusterError(f"{len(plain)} worker(s) ({', '.join(plain[:3])}) give learner code only plain "
                               f"process isolation; give them user namespaces or root (docs/security.md), or "
                               f"pass --isolation process to accept it")
        stale = sorted(w for w, f in facts.items() if f["kit"] != __version__)
        if stale:
            lines.append(f"warning: {len(stale)} worker(s) ({', '.join(stale[:3])}) run another kit version than "
                         f"this machine's {__version__}; each of their units will fail until the same kit is "
                         f"installed there")
        weaker = sum(f["isolation"] != "namespaces" for f in facts.values())
        if weaker:
            lines.append(f"warning: {weaker} worker(s) cannot give learner code its own user namespaces and isolate "
                         f"it less strongly; docs/scaling.md says what the sandbox needs from the host or pod")
        if any(n > 1 for n in threads.values()):
            lines.append("note: workers with several threads grade one unit at a time each; start them with "
                         "--nthreads 1 and more --nworkers")
        return lines

    def run(self, units: list[Unit], settings: Settings) -> Iterator[tuple[Unit, dict | Failure]]:
        """Each unit with its result's JSON form (or a :class:`Failure`), in the order they finish."""
        token = uuid.uuid4().hex[:8]   # keys of this run only, should the scheduler serve other clients
        pending = iter(units)
        running: dict = {}
        finished = as_completed()
        try:
            while True:
                while len(running) < IN_FLIGHT and (unit := next(pending, None)) is not None:
                    try:
                        load = payload(unit, self.shared_fs)
                    except (ValueError, OSError) as exc:
                        yield unit, Failure(str(exc))
                        continue
                    future = self.client.submit(self.task, load, settings, pure=False,
                                                key=f"grade-{unit.learner}-{unit.exercise}-{token}")
                    running[future] = unit
                    finished.add(future)
                if not running:
                    return
                future = next(finished)
                unit = running.pop(future)
                try:
                    yield unit, future.result()
                except KilledWorker as exc:
                    yield unit, Failure(f"its grading worker died on each of {exc.allowed_failures + 1} tries "
                                        f"(Dask's KilledWorker)")
                except Exception as exc:  # a kit bug in one exercise must not stop the class
                    yield unit, Failure(f"{type(exc).__name__}: {exc}")
                finally:
                    future.release()
        except BaseException:
            # Interrupted (or the consumer stopped): what is stored stays stored; the rest is cancelled.
            self.client.cancel(list(running))
            raise

