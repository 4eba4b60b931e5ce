"""Grading many submissions in parallel and storing each exercise's result as soon as it is graded.

The unit of work is one (learner, exercise) pair, so a class of few learners still fills every worker. Workers
are processes from a fork server that has imported the grading engine once; each runs
:func:`course.grading.run.grade_exercise`, which starts the learner's own sandboxed process, so a worker never
runs learner code either. The parent alone writes the store, one committed row per graded exercise.
"""
from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

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

    def key(self) -> tuple:
        return (self.lang, self.device, self.timeout, self.memory_gib)


@dataclass
class Outcome:
    """What a batch run did: the results in submission order and how many exercises it graded or reused."""

    results: list[SubmissionResult]
    graded: int = 0
    reused: int = 0
    errors: list[str] = field(default_factory=list)   # exercises the kit could not grade (not stored)


def _worker_init(parent: int) -> None:
    # Ctrl-C is the parent's to handle. A worker's parent process is multiprocessing's fork server, which
    # outlives a `course grade` killed with SIGKILL (the workers hold its liveness pipe), so each worker
    # watches the grading process itself and exits with it; its sandbox fork server dies with the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-parent").start()


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


def _grade_task(exercises_dir: str, exercise_id: str, settings: Settings) -> dict:
    """Grade one exercise of one submission in a worker; the result crosses back as its JSON form."""
    from pathlib import Path

    from course.grading.limits import exercise_limits
    from course.grading.run import grade_exercise

    exercise = registry.get(exercise_id)
    result = grade_exercise(Path(exercises_dir), exercise, lang=settings.lang, device=settings.device,
                            limits=exercise_limits(exercise, settings.timeout, settings.memory_gib),
                            hide=[Path(h) for h in settings.hide])
    return result.to_dict()


def _kit_error(exercise_id: str, why: str) -> ExerciseResult:
    """The result of an exercise the kit failed to grade: one error check that says so."""
    return ExerciseResult(id=exercise_id, checks=[CheckResult(
        id="grader.internal", status="error", score=0.0, max_score=0.0,
        message=f"the kit could not grade this exercise (not your code's fault; it will be regraded): {why}")])


def _executor(jobs: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["course.grading.run"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init,
                               initargs=(os.getpid(),))


def grade_class(submissions: list[Submission], exercises: list[registry.Exercise], store: ResultStore, *,
                settings: Settings = Settings(), jobs: int = 1, force: bool = False, progress=None) -> Outcome:
    """Grade every exercise of every submission, reusing stored results whose hashes still match.

    ``progress`` (optional) gets ``start(total, done)``, ``finished(result)`` for each completed submission.
    Returns the results in ``submissions`` order, each with the exercises in ``exercises`` order.
    """
    ids = [e.id for e in exercises]
    got: dict[str, dict[str, ExerciseResult]] = {s.learner: {} for s in submissions}
    outcome = Outcome(results=[])
    todo = []
    for sub in submissions:
        for ex in exercises:
            ch = content_hash(sub.exercises_dir / ex.id)
            gh = graders_hash(ex.id, settings.key())
            stored = None if force else store.lookup(sub.learner, ex.id, ch, gh)
            if stored is not None:
                got[sub.learner][ex.id] = stored
                outcome.reused += 1
            else:
                todo.append((sub, ex.id, ch, gh))

    def assemble(learner: str) -> SubmissionResult:
        return SubmissionResult(submission=learner, exercises=[got[learner][i] for i in ids])

    if progress:
        progress.start(len(submissions), [assemble(s.learner) for s in submissions if len(got[s.learner]) == len(ids)])

    def record(task, result: ExerciseResult, stored: bool) -> None:
        sub, ex_id, ch, gh = task
        if stored:
            store.put(sub.learner, result, ch, gh)
        got[sub.learner][ex_id] = result
        if progress and len(got[sub.learner]) == len(ids):
            progress.finished(assemble(sub.learner))

    attempts = {id(t): 0 for t in todo}
    while todo:
        retry = []
        with _executor(max(1, min(jobs, len(todo)))) as pool:
            running = {pool.submit(_grade_task, str(t[0].exercises_dir), t[1], settings): t for t in todo}
            try:
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        task = running.pop(future)
                        try:
                            record(task, ExerciseResult.from_dict(future.result()), stored=True)
                            outcome.graded += 1
                        except BrokenProcessPool:
                            attempts[id(task)] += 1
                            if attempts[id(task)] < _ATTEMPTS:
                                retry.append(task)
                            else:
                                record(task, _kit_error(task[1], "the grading worker died"), stored=False)
                                outcome.errors.append(f"{task[0].learner}/{task[1]}: the grading worker died")
                        except Exception as exc:  # a kit bug in one exercise must not stop the class
                            why = f"{type(exc).__name__}: {exc}"
                            record(task, _kit_error(task[1], why), stored=False)
                            outcome.errors.append(f"{task[0].learner}/{task[1]}: {why}")
            except BaseException:
                # Interrupted: what is stored stays stored; stop the workers without waiting for them.
                for future in running:
                    future.cancel()
                for proc in list(getattr(pool, "_processes", {}).values()):
                    proc.kill()
                raise
        todo = retry
    outcome.results = [assemble(s.learner) for s in submissions]
    return outcome
