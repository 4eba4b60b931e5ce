"""Grading a submission: for each exercise, its graders run against the learner's sandbox.

The data path is: submission folder → :class:`~course.sandbox.remote.LearnerSession` (a sandboxed process
per exercise, on a temporary copy of that exercise's folder) → the exercise's graders, run here in the
verdict process (by :mod:`course.grading.direct`, or under pytest where the graders define fixtures of
their own) →
:class:`~course.grading.verdicts.Verdicts` → :class:`~course.result.ExerciseResult` → renderers and exporters.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from course import paths, registry
from course.grading import direct
from course.grading.limits import exercise_limits
from course.grading.reference import ReferenceSession
from course.grading.verdicts import Verdicts
from course.i18n import pick, tr
from course.result import CheckResult, ExerciseResult, SubmissionResult
from course.sandbox import snapshot
from course.sandbox.launch import Limits, isolation_mode
from course.sandbox.remote import LearnerSession


def grade_exercise(exercises_dir: Path, exercise: registry.Exercise, *, public_only: bool = False,
                   limits: Limits | None = None, lang: str = "en", device: str = "cpu",
                   hide: list[Path] = (), retry_timeouts: bool = True) -> ExerciseResult:
    """Run one exercise's checks (public only, or all) on a learner's ``exercises/`` folder. Raises
    :class:`~course.sandbox.launch.SandboxUnavailable` when no sandbox could be set up for it.

    A timeout seen while the machine was overloaded, or one where the learner's code had not used its CPU
    budget, is not stored as the learner's: the exercise is graded once more (``retry_timeouts``)."""
    limits = limits or exercise_limits(exercise)
    started = time.monotonic()
    if exercise.torch:
        _one_torch_thread()
    folder = Path(exercises_dir) / exercise.id
    missing = ungradable(folder, lang)
    hidden = [*paths.kit_secrets(), Path(exercises_dir), *hide]
    graders = paths.graders_dir(exercise.id)
    if not graders.is_dir():
        return ExerciseResult(id=exercise.id, isolation=isolation_mode(), checks=[CheckResult(
            id=f"{exercise.id}.graders", status="error", score=0.0, max_score=0.0,
            message=f"the kit has no graders for {exercise.id} (looked in {graders})")])
    session = LearnerSession(folder, hidden=hidden, limits=limits, torch=exercise.torch)
    reference = ReferenceSession(paths.solutions_dir(exercise.id))
    options = dict(public_only=public_only, lang=lang, device=device, missing=missing)
    try:
        if direct.supports(graders):
            verdicts = Verdicts(session, reference, **options)
            direct.run(graders, verdicts)
        else:
            from course.grading import plugin     # pytest: its start-up is paid only where it is needed
            verdicts = plugin.GradingPlugin(session, reference, **options)
            plugin.run(graders, verdicts)
    finally:
        session.close()
    if verdicts.sandbox_failed is not None:     # the machine's failure: no result, rather than the learner's 0
        raise verdicts.sandbox_failed
    if public_only and not (graders / "hidden").is_dir():
        verdicts.hidden_not_run += _count_shipped_hidden(graders)
    if retry_timeouts and verdicts.timeouts and ("wall" in verdicts.timeouts or overloaded()):
        return grade_exercise(exercises_dir, exercise, public_only=public_only, limits=limits, lang=lang,
                              device=device, hide=hide, retry_timeouts=False)
    checks = verdicts.results + verdicts.missing_results()
    for i, error in enumerate(verdicts.collect_errors):
        checks.append(CheckResult(id=f"grader.collect{i}", status="error", score=0.0, max_score=0.0,
                                  message=f"grader could not be loaded (a bug in the kit, not your code): {error}"))
    return ExerciseResult(id=exercise.id, checks=checks, hidden_not_run=verdicts.hidden_not_run,
                          isolation=isolation_mode(), duration=time.monotonic() - started)


def ungradable(folder: Path, lang: str) -> str | None:
    """Why a learner's exercise folder cannot be graded at all, or None: it is missing, too large, or holds
    symbolic links (a submission is read, never followed: a link could name the kit's solutions)."""
    name = folder.name
    if not folder.is_dir() and not folder.is_symlink():
        return pick(tr(f"folder {name}/ not found in the submission", f"提出物に {name}/ フォルダがありません"), lang)
    try:
        refused = snapshot.read_folder(folder).refused
    except snapshot.SubmissionTooLarge as exc:
        return pick(tr(f"not graded: {exc}", f"採点しません: {name}/ が大きすぎます ({exc})"), lang)
    if refused:
        listed = ", ".join(refused[:5]) + (" …" if len(refused) > 5 else "")
        return pick(tr(f"not graded: the submission holds symbolic links, special or unreadable files (a link is "
                       f"never followed): {listed}. Submit the files themselves.",
                       f"採点しません: 提出物にシンボリックリンクか特殊なファイル、読めないファイルがあります "
                       f"(リンク先は読みません): "
                       f"{listed}。ファイルそのものを提出してください。"), lang)
    return None


def overloaded() -> bool:
    """True when more processes want a CPU than this machine has (the 1-minute load average)."""
    try:
        return os.getloadavg()[0] > (os.cpu_count() or 1)
    except OSError:
        return False


def _one_torch_thread() -> None:
    """Run the graders' own torch work on one thread. The models are tiny, the learner's process computes
    beside this one, and batch grading runs one worker per core: a second OpenMP thread only spins against
    them (measured: 40 Adam steps of the 784-300-10 MLP take 0.06 s on one thread, 3.5-5.8 s on two while
    the other core is busy)."""
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)


def _count_shipped_hidden(graders: Path) -> int:
    """In the learner bundle the hidden graders are absent; the release records how many there are."""
    count = graders / "hidden-checks.txt"
    return int(count.read_text().strip()) if count.is_file() else 0


def grade_submission(path: Path, exercises: list[registry.Exercise] | None = None, *, public_only: bool = False,
                     name: str | None = None, **options) -> SubmissionResult:
    """Grade every exercise asked for (default: all) of one submission folder."""
    exercises_dir = paths.find_exercises_dir(Path(path))
    result = SubmissionResult(submission=name or Path(path).resolve().name)
    for exercise in exercises or registry.exercises():
        result.exercises.append(grade_exercise(exercises_dir, exercise, public_only=public_only, **options))
    return result
