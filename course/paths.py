"""Where the kit's folders are: the exercises, the graders and the reference solutions."""
from __future__ import annotations

import os
from pathlib import Path


def kit_root() -> Path:
    """The folder holding ``graders/`` (``COURSE_ROOT`` overrides; default: beside the package)."""
    env = os.environ.get("COURSE_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


def kit_secrets() -> list[Path]:
    """What learner code must never read in the kit's folder: the solutions, the graders, and the git
    repository, whose history holds both."""
    root = kit_root()
    git = git_dir(root)
    return [root / "solutions", root / "graders"] + ([git] if git else [])


def git_dir(root: Path) -> Path | None:
    """The git repository of the checkout at ``root``, if any; for a worktree (whose ``.git`` is a file naming
    ``MAIN/.git/worktrees/NAME``) the main repository, which holds the objects."""
    git = Path(root) / ".git"
    if git.is_file():
        text = git.read_text(encoding="utf-8", errors="replace").strip()
        if not text.startswith("gitdir:"):
            return None
        git = (Path(root) / text.split(":", 1)[1].strip()).resolve()
        if git.parent.name == "worktrees":
            git = git.parent.parent
    return git if git.is_dir() else None


def graders_dir(exercise: str) -> Path:
    """The pytest graders of one exercise."""
    return kit_root() / "graders" / exercise


def solutions_dir(exercise: str) -> Path:
    """The reference solution of one exercise (absent from the learner bundle)."""
    return kit_root() / "solutions" / exercise


def find_exercises_dir(path: Path) -> Path:
    """The ``exercises/`` folder of a submission: ``path`` itself, or its ``exercises/`` child.

    A submission is either the learner's ``exercises/`` folder or any folder that contains one; a folder
    holding ``exerciseN`` subfolders directly counts as an ``exercises/`` folder too.
    """
    path = Path(path).resolve()
    if (path / "exercises").is_dir():
        return path / "exercises"
    return path


def find_learner_copy(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) that holds ``exercises/``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir():
            return folder / "exercises"
    return kit_root() / "exercises"
