"""Finding the submissions to grade in the folders an instructor names.

Three layouts are understood, and may be mixed on one command line:

- a submission itself: a learner's ``exercises/`` folder, or a folder holding one (its name is the learner id);
- a class folder: one subfolder per learner id, each a submission;
- nbgrader's ``submitted/<student>/<assignment>/`` (the argument is ``submitted/``, the course folder above
  it, a student's folder or one assignment folder); the student's folder name is always the learner id.

A submission's exercises are ``exerciseN/`` folders of modules, or ``exerciseN.ipynb`` notebooks made by
``course nbgrader init``, whose module cells :mod:`course.batch.notebooks` reads (nothing in them is run).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course import paths, registry
from course.batch import notebooks
from course.nbgrader.layout import course_private


class DiscoveryError(Exception):
    """The folders named do not hold submissions in a layout the kit understands."""


@dataclass(frozen=True)
class Submission:
    """One learner's work: the learner id and the folder holding their ``exerciseN/`` folders."""

    learner: str
    exercises_dir: Path
    source: Path        # the folder as named or found, for messages
    notes: tuple[str, ...] = ()    # what reading it found (notebook cells not in the assignment, unreadable files)


def is_submission(folder: Path) -> bool:
    """True when ``folder`` is, or directly contains, a learner's exercises folder."""
    ids = {e.id for e in registry.exercises()}
    root = paths.find_exercises_dir(folder)
    return root.is_dir() and any((root / i).is_dir() for i in ids) or bool(notebooks.notebook_exercises(folder))


def _submission(learner: str, folder: Path) -> Submission:
    """The submission in ``folder``: its exercises folder, or the modules of its notebooks written to a
    scratch folder (the notebooks, where present, are the submission; .py files beside them are not)."""
    if notebooks.notebook_exercises(folder):
        dest = notebooks.scratch_folder() / learner
        return Submission(learner, dest, folder, tuple(notebooks.read_submission(folder, dest)))
    return Submission(learner, paths.find_exercises_dir(folder), folder)


def _student_submissions(student: Path, assignment: str | None) -> list[Submission]:
    """nbgrader's ``submitted/<student>/``: the assignment asked for (or the only one), named after the student."""
    candidates = sorted(p for p in student.iterdir() if p.is_dir() and is_submission(p))
    if assignment is not None:
        candidates = [p for p in candidates if p.name == assignment]
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise DiscoveryError(f"{student} holds several assignments ({names}); choose one with --assignment")
    return [_submission(student.name, p) for p in candidates]


def _nbgrader_submissions(submitted: Path, assignment: str | None) -> list[Submission]:
    return [s for student in sorted(p for p in submitted.iterdir() if p.is_dir())
            for s in _student_submissions(student, assignment)]


def discover(folders: list[Path], assignment: str | None = None) -> list[Submission]:
    """The submissions in ``folders``, in argument order (a class folder's learners sorted by id).

    Raises :class:`DiscoveryError` for a folder holding no submission and for a learner id seen twice (the
    store and every export key results by learner id, so two would overwrite each other).
    """
    found: list[Submission] = []
    for folder in map(Path, folders):
        folder = folder.resolve()
        if folder.name != "submitted" and (folder / "submitted").is_dir():
            folder = folder / "submitted"
        in_submitted = folder.parent.parent.name == "submitted"    # submitted/<student>/<assignment>
        if is_submission(folder):
            learner = folder.parent.name if folder.name == "exercises" or in_submitted else folder.name
            found.append(_submission(learner, folder))
            continue
        if folder.parent.name == "submitted":       # submitted/<student>: the learner is the student
            group = _student_submissions(folder, assignment)
            if not group:
                raise DiscoveryError(f"{folder} holds no assignment with exercises")
            found += group
            continue
        children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        direct = [_submission(p.name, p) for p in children if is_submission(p)]
        group = direct or _nbgrader_submissions(folder, assignment)
        if not group:
            raise DiscoveryError(f"{folder} holds no submission: expected exerciseN/ folders, one subfolder per "
                                 f"learner, or nbgrader's submitted/<student>/<assignment>/")
        found += group
    seen: dict[str, Path] = {}
    for sub in found:
        if sub.learner in seen:
            raise DiscoveryError(f"learner id {sub.learner!r} appears twice: {seen[sub.learner]} and {sub.source}")
        seen[sub.learner] = sub.source
    return found


def gather_loose_modules(folder: Path, dest: Path, stubs: Path | None = None) -> Path | None:
    """Build an exercises folder at ``dest`` from module files uploaded loose (as Gradescope allows).

    Each ``name.py`` anywhere under ``folder`` whose name is a graded module of the registry goes to its
    exercise's folder, on top of that exercise's starter files from ``stubs`` (the given helpers). Returns
    ``dest``, or None when no file matched.
    """
    owner = {m: e.id for e in registry.exercises() for m in e.modules}
    import shutil
    found = False
    for path in sorted(Path(folder).rglob("*.py")):
        exercise = owner.get(path.stem)
        if exercise is None:
            continue
        target = dest / exercise
        if not target.exists():
            if stubs is not None and (stubs / exercise).is_dir():
                shutil.copytree(stubs / exercise, target, ignore=shutil.ignore_patterns("__pycache__"))
            target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / path.name)
        found = True
    return dest if found else None


def find_single_submission(folder: Path) -> Path | None:
    """The submission in an upload: ``folder`` itself or one folder directly inside it (a zipped repository)."""
    folder = Path(folder)
    if is_submission(folder):
        return paths.find_exercises_dir(folder)
    inside = [p for p in sorted(folder.iterdir()) if p.is_dir() and is_submission(p)] if folder.is_dir() else []
    return paths.find_exercises_dir(inside[0]) if len(inside) == 1 else None


def submission_folders(submissions: list[Submission]) -> list[Path]:
    """Folders that together hold every submission, for hiding them from learner code: few of them, since
    each is a mount in every learner process. A submission's parent folder (the class folder) is used unless
    it holds what the learner process itself runs on (this Python, its packages, the kit); then the
    submission's own exercises folder."""
    import sys

    needed = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, *sys.path, paths.kit_root()) if p]
    folders = set()
    for sub in submissions:
        parent = sub.source.resolve().parent
        safe = parent != Path(parent.anchor) and not any(n == parent or parent in n.parents for n in needed)
        folders.add(parent if safe else sub.exercises_dir)
        if sub.source.resolve() not in sub.exercises_dir.parents:    # modules read from notebooks: all learners'
            folders.add(sub.exercises_dir.parent)
        folders.update(course_private(sub.source))     # in an nbgrader course: source/ holds the solutions
    return sorted(folders)
