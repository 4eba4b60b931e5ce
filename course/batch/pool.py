"""Grading many submissions in parallel and storing each exercise's result as soon as it is graded.

The unit of work is one (learner, exercise) pair, so a class of few learners still fills every worker.
:func:`grade_class` decides which units need grading (the store's hashes), hands them to a runner and, as the
only writer, stores each result as it streams back. Two runners exist: :class:`LocalPool` (worker processes on
this machine) and :class:`course.batch.cluster.DaskRunner` (the workers of a Dask cluster). Either way a worker
runs :func:`grade_unit`, which starts the learner's own sandboxed process, so a worker never runs learner code.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from course import registry
from course.batch.discover import Submission
from course.batch.hashing import content_hash, graders_hash
from course.result import CheckResult, ExerciseResult, SubmissionResult
from course.store import ResultStore

# A task that broke its worker this many times is reported as an error instead of being tried again.
_ATTEMPTS = 2


@dataclass(frozen=True)
class Settings:
    """The grading options that can change a result (they are part of the graders hash)."""

    lang: str = "en"
    device: str = "cpu"
    timeout: float | None = None
    memory_gib: float = 4.0
    # Folders every learner process must not see: all the class's submissions (learner code could look for a
    # classmate's work and import it). Not part of the key: it changes no honest result.
    hide: tuple[str, ...] = ()
    # The isolation the run was accepted at (``course grade`` checked it in its own process): a worker that
    # finds a weaker one grades nothing rather than let learner code run with less. Empty: not checked here.
    isolation: str = ""

    def key(self) -> tuple:
        return (self.lang, self.device, self.timeout, self.memory_gib)


@dataclass(frozen=True)
class Unit:
    """One exercise of one learner to grade, with the hashes its stored result will carry."""

    learner: str
    exercise: str
    exercises_dir: Path
    content_hash: str
    graders_hash: str


@dataclass(frozen=True)
class Failure:
    """A unit the kit could not grade (a dead worker, a kit bug): why, in a sentence. Never stored."""

    why: str


class RunnerError(Exception):
    """A runner cannot start: the machines it grades on cannot be reached or started."""


@dataclass
class Outcome:
    """What a batch run did: the results in submission order and how many exercises it graded or reused."""

    results: list[SubmissionResult]
    graded: int = 0
    reused: int = 0
    errors: list[str] = field(default_factory=list)   # exercises the kit could not grade (not stored)


def grade_unit(exercises_dir: str, exercise_id: str, settings: Settings) -> dict:
    """Grade one exercise of one submission in a worker; the result crosses back as its JSON form."""
    from course.grading.limits import exercise_limits
    from course.grading.run import grade_exercise
    from course.sandbox.launch import SandboxUnavailable, isolation_mode

    if settings.isolation and isolation_mode() != settings.isolation:
        raise SandboxUnavailable(f"this grading worker has {isolation_mode()} isolation where the run was accepted "
                                 f"at {settings.isolation}: nothing graded in it")
    exercise = registry.get(exercise_id)
    result = grade_exercise(Path(exercises_dir), exercise, lang=settings.lang, device=settings.device,
                            limits=exercise_limits(exercise, settings.timeout, settings.memory_gib),
                            hide=[Path(h) for h in settings.hide])
    return result.to_dict()


def kit_error(exercise_id: str, why: str) -> ExerciseResult:
    """The result of an exercise the kit failed to grade: one error check that says so."""
    return ExerciseResult(id=exercise_id, checks=[CheckResult(
        id="grader.internal", status="error", score=0.0, max_score=0.0,
        message=f"the kit could not grade this exercise (not your code's fault; it will be regraded): {why}")])


def _worker_init(parent: int) -> None:
    # Ctrl-C is the parent's to handle. A worker watches the grading process and exits with it, even when
    # `course grade` is killed with SIGKILL (nothing else would end it); its sandbox fork servers die with it.
    # The grading engine (pytest, the result model) is imported now, while the pool starts, not in the first unit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-parent").start()
    import course.grading.plugin  # noqa: F401


def _exit_with(pid: int) -> None:
    try:
        select.select([os.pidfd_open(pid)], [], [])
    except (AttributeError, OSError):   # no pidfd (macOS, old kernels): poll
        while _alive(pid):
            time.sleep(1)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class LocalPool:
    """Runs units in ``jobs`` worker processes on this machine.

    Workers are started with ``spawn``: a fresh interpreter each, whose only channel to this process is the
    pipe it was started with. (multiprocessing's ``forkserver`` would save the imports, but it takes orders
    over an unauthenticated pathname socket in /tmp: any process of the grading user, learner code too where
    the sandbox is weaker than namespaces, could have it fork a worker running code of its choosing.)
    A unit whose worker died is tried again in a new pool, up to ``_ATTEMPTS`` times.
    """

    def __init__(self, jobs: int = 1):
        self.jobs = jobs

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def _executor(self, units: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=max(1, min(self.jobs, units)),
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_init, initargs=(os.getpid(),))

    def run(self, units: list[Unit], settings: Settings) -> Iterator[tuple[Unit, dict | Failure]]:
        """Each unit with its result's JSON form (or a :class:`Failure`), in the order they finish."""
        attempts = {id(u): 0 for u in units}
        todo = list(units)
        while todo:
            retry = []
            with self._executor(len(todo)) as pool:
                running = {pool.submit(grade_unit, str(u.exercises_dir), u.exercise, settings): u for u in todo}
                try:
                    while running:
                        done, _ = wait(running, return_when=FIRST_COMPLETED)
                        for future in done:
                            unit = running.pop(future)
                            try:
                                yield unit, future.result()
                            except BrokenProcessPool:
                                attempts[id(unit)] += 1
                                if attempts[id(unit)] < _ATTEMPTS:
                                    retry.append(unit)
                                else:
                                    yield unit, Failure("the grading worker died")
                            except Exception as exc:  # a kit bug in one exercise must not stop the class
                                yield unit, Failure(f"{type(exc).__name__}: {exc}")
                except BaseException:
                    # Interrupted (or the consumer stopped): what is stored stays stored; stop the workers
                    # without waiting for them.
                    for future in running:
                        future.cancel()
                    for proc in list(getattr(pool, "_processes", {}).values()):
                        proc.kill()
                    raise
            todo = retry


def grade_class(submissions: list[Submission], exercises: list[registry.Exercise], store: ResultStore, *,
                settings: Settings = Settings(), jobs: int = 1, force: bool = False, progress=None,
                runner=None) -> Outcome:
    """Grade every exercise of every submission, reusing stored results whose hashes still match.

    ``runner`` grades the units (default: a :class:`LocalPool` of ``jobs`` processes); this process alone
    writes ``store``, one committed row per graded exercise. ``progress`` (optional) gets ``start(total,
    done)``, ``finished(result)`` for each completed submission. Returns the results in ``submissions``
    order, each with the exercises in ``exercises`` order.
    """
    ids = [e.id for e in exercises]
    got: dict[str, dict[str, ExerciseResult]] = {s.learner: {} for s in submissions}
    outcome = Outcome(results=[])
    todo = []
    for sub in submissions:
        for ex in exercises:
            unit = Unit(sub.learner, ex.id, sub.exercises_dir, content_hash(sub.exercises_dir / ex.id),
                        graders_hash(ex.id, settings.key()))
            stored = None if force else store.lookup(sub.learner, ex.id, unit.content_hash, unit.graders_hash)
            if stored is not None:
                got[sub.learner][ex.id] = stored
                outcome.reused += 1
            else:
                todo.append(unit)

    def assemble(learner: str) -> SubmissionResult:
        return SubmissionResult(submission=learner, exercises=[got[learner][i] for i in ids])

    if progress:
        progress.start(len(submissions), [assemble(s.learner) for s in submissions if len(got[s.learner]) == len(ids)])

    if todo:
        with contextlib.ExitStack() as stack:
            runner = stack.enter_context(runner or LocalPool(jobs))
            for unit, answer in stack.enter_context(contextlib.closing(runner.run(todo, settings))):
                if isinstance(answer, Failure):
                    result = kit_error(unit.exercise, answer.why)
                    outcome.errors.append(f"{unit.learner}/{unit.exercise}: {answer.why}")
                else:
                    result = ExerciseResult.from_dict(answer)
                    store.put(unit.learner, result, unit.content_hash, unit.graders_hash)
                    outcome.graded += 1
                got[unit.learner][unit.exercise] = result
                if progress and len(got[unit.learner]) == len(ids):
                    progress.finished(assemble(unit.learner))
    outcome.results = [assemble(s.learner) for s in submissions]
    return outcome
