"""Building the learner bundle.

The bundle is the kit minus what would give answers away: no solutions, no hidden graders, no planted
mistakes, no instructor commands, nothing compiled. The public checks still compare with the reference:
the expected values of their cases are computed here from the solutions and shipped as data
(:mod:`course.release.expected`), and verified by grading the solutions again from inside the bundle
before it is published. It is built beside ``OUT`` and moved there only when the
leak scan finds nothing.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from course import paths, planted, registry
from course.grading.run import grade_exercise
from course.release import expected, leaks, learner, notebooks, wheel

# Instructor-only parts of the package: they need the solutions, nbgrader or the other graders' tools.
INSTRUCTOR_ONLY = ("planted.py", "demo.py", "release", "report", "batch", "store",
                   "templates/classroom", "templates/gradescope")
# Folders of which only some modules are the learner's, named here so that a command or module added later
# stays instructor-only until it is listed: the learner commands, and of nbgrader's part only what the
# released notebooks' cells call inside the learner's kernel (cell.py, whose layout.py names the grade cells
# with export/gradebook.py's grade_cell_name).
LEARNER_ONLY_THESE = {"cli": ("__init__.py", "options.py", "check.py", "init.py", "watch.py", "hint.py",
                              "mistakes.py", "explain.py", "usage.py"),
                      "nbgrader": ("__init__.py", "cell.py", "layout.py"),
                      "export": ("__init__.py", "gradebook.py")}
ALWAYS_IGNORED = ("__pycache__", "*.pyc", "*.pyo", "planted.toml", ".pytest_cache")


class ReleaseError(Exception):
    """The bundle would be wrong (a leak, a check the solution fails, an answer that does not replay)."""


@dataclass
class ExerciseReport:
    """What the release found for one exercise."""

    id: str
    public: int = 0
    points: float = 0.0     # what the public checks are worth together (a check may be worth more than 1)
    hidden: int = 0
    answers: int = 0
    problems: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _kit_root(root: Path):
    """Grade as the bundle will (``paths.kit_root`` follows COURSE_ROOT)."""
    saved = os.environ.get("COURSE_ROOT")
    os.environ["COURSE_ROOT"] = str(root)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("COURSE_ROOT", None)
        else:
            os.environ["COURSE_ROOT"] = saved


def _copy_package(dest: Path) -> None:
    src = Path(__file__).resolve().parents[1]
    skip = {src / p for p in INSTRUCTOR_ONLY}

    def ignore(folder, names):
        dropped = set(shutil.ignore_patterns(*ALWAYS_IGNORED)(folder, names))
        kept = LEARNER_ONLY_THESE.get(Path(folder).relative_to(src).as_posix())
        if kept is not None:
            dropped |= {n for n in names if n not in kept}
        return dropped | {n for n in names if Path(folder, n) in skip}

    shutil.copytree(src, dest / "course", ignore=ignore)


def _refuse_uncommitted(kit: Path, exercise_ids: list[str]) -> None:
    try:
        changed = learner.uncommitted(kit, exercise_ids)
    except LookupError as exc:
        raise ReleaseError(f"cannot tell whether exercises/ is committed: {exc}; pass --allow-dirty to release "
                           f"the files as they are") from None
    if changed:
        raise ReleaseError("exercises/ has uncommitted changes, which would ship to every learner (a filled-in "
                           "stub?):\n  " + "\n  ".join(changed[:20]) + "\ncommit or undo them, or pass --allow-dirty")


def _record(exercise: registry.Exercise, bundle: Path, work: Path) -> ExerciseReport:
    """Grade the solution with the public checks here, write their expected values, grade it again in the bundle."""
    report = ExerciseReport(exercise.id)
    submission = planted.make_submission(work / exercise.id, exercises=[exercise.id])
    recorded = grade_exercise(submission, exercise, public_only=True)
    report.public, report.hidden = len(recorded.checks), recorded.hidden_not_run
    report.points = recorded.max_score
    report.problems += [f"the solution does not pass {c.id}: {c.status} {c.message[:300]}"
                        for c in recorded.checks if c.status not in ("passed", "skipped")]
    graders = bundle / "graders" / exercise.id
    report.answers = expected.write(exercise, graders)
    (graders / "hidden-checks.txt").write_text(f"{report.hidden}\n", encoding="utf-8")
    with _kit_root(bundle):
        replayed = grade_exercise(submission, exercise, public_only=True)
    before = {c.id: c.status for c in recorded.checks}
    report.problems += [f"{c.id} does not replay: {c.status} {c.message[:300]}" for c in replayed.checks
                        if c.status != before.get(c.id)]
    return report


def build(out: Path, exercise_ids: list[str] | None = None, *, force: bool = False, allow_dirty: bool = False,
          wheel_url: str | None = None) -> list[ExerciseReport]:
    """Write the learner bundle to ``out``; raise :class:`ReleaseError` (and leave ``out`` alone) if it is wrong.

    ``out`` gets the folder form (``course/``, ``graders/``, ``exercises/``, a pyproject for ``pip install -e``),
    the learner README, ``notebooks/exerciseN.ipynb`` and ``dist/<wheel>``, the one-command install.
    ``wheel_url`` is where the instructor will publish the wheel (the README and the notebooks' install cell
    name it; default: the wheel's file name). The stubs must be committed unless ``allow_dirty``.
    """
    out = Path(out).resolve()
    kit = paths.kit_root()
    if out.exists() and any(out.iterdir()) and not force:
        raise ReleaseError(f"{out} exists and is not empty; pass --force to replace it")
    if kit in (out, *out.parents):
        raise ReleaseError(f"{out} is inside the kit ({kit}); write the bundle somewhere else")
    chosen = [registry.get(e) for e in exercise_ids] if exercise_ids else list(registry.exercises())
    gradable = [ex for ex in chosen if paths.graders_dir(ex.id).is_dir() and paths.solutions_dir(ex.id).is_dir()]
    if not gradable:
        raise ReleaseError("no gradable exercise (one needs graders/exerciseN and solutions/exerciseN)")
    if not allow_dirty:
        _refuse_uncommitted(kit, [ex.id for ex in gradable])
    wheel_ref = wheel_url or wheel.wheel_name()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        _copy_package(staging)
        text = learner.readme(wheel_ref)
        for readme in (staging / "README.md", staging / "course" / "templates" / "learner" / "README.md"):
            readme.write_text(text, encoding="utf-8")          # `course init` copies the second one
        (staging / "pyproject.toml").write_text(learner.pyproject(), encoding="utf-8")
        for ex in gradable:
            if (kit / "exercises" / ex.id).is_dir():
                shutil.copytree(kit / "exercises" / ex.id, staging / "exercises" / ex.id,
                                ignore=shutil.ignore_patterns(*ALWAYS_IGNORED))
            shutil.copytree(paths.graders_dir(ex.id), staging / "graders" / ex.id,
                            ignore=shutil.ignore_patterns("hidden", *ALWAYS_IGNORED))
        for f in (kit / "graders").glob("*.py"):       # shared grader helpers, if any
            shutil.copy2(f, staging / "graders" / f.name)
        with tempfile.TemporaryDirectory() as work:
            reports = [_record(ex, staging, Path(work)) for ex in gradable]
        for compiled in list(staging.rglob("__pycache__")):   # grading the bundle above compiled its graders
            shutil.rmtree(compiled)
        problems = [f"{r.id}: {p}" for r in reports for p in r.problems]
        problems += leaks.scan(staging, [ex.id for ex in gradable])
        if problems:
            raise ReleaseError("the bundle was not written:\n  " + "\n  ".join(problems))
        # Made from what the scan passed: the notebooks hold the stubs, the wheel the scanned files.
        notebooks.write_notebooks(gradable, staging / "exercises", staging / "notebooks", wheel_ref)
        wheel.build_wheel(staging, staging / "dist")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
        return reports
    finally:
        if staging.exists():
            shutil.rmtree(staging)
