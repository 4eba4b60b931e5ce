"""Where the kit's folders are: the exercises, the graders and the reference solutions."""
from __future__ import annotations

import os
from pathlib import Path


# Where an installed learner wheel keeps the public graders and the stubs (``course release`` puts them there:
# a wheel can only install inside its packages, and ``site-packages/graders`` would be nobody's).
WHEEL_KIT = "kit"
# Points ``course check`` and the other learner commands at a learner's folder from anywhere.
EXERCISES_ENV = "COURSE_EXERCISES"


def kit_root() -> Path:
    """The folder holding ``graders/`` (``COURSE_ROOT`` overrides; default: inside an installed learner wheel,
    else beside the package: a checkout of the kit or a learner bundle's folder)."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    package = Path(__file__).resolve().parent
    return package / WHEEL_KIT if (package / WHEEL_KIT / "graders").is_dir() else package.parent


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
    holding ``exerciseN`` subfolders directly counts as an ``exercises/`` folder too. A link named
    ``exercises`` is not followed (it could name the kit's solutions).
    """
    path = Path(path).resolve()
    if (path / "exercises").is_dir() and not (path / "exercises").is_symlink():
        return path / "exercises"
    return path


class NoExercisesFound(LookupError):
    """No learner's ``exercises/`` folder where the learner commands looked; the message says where and what to do."""


def is_exercises_dir(path: Path) -> bool:
    """True for an ``exercises/`` folder holding at least one ``exerciseN`` folder."""
    return path.is_dir() and any(p.is_dir() and p.name.startswith("exercise") for p in path.iterdir())


def find_learner_copy(start: Path | None = None) -> Path:
    """The learner's ``exercises/`` folder: ``$COURSE_EXERCISES``, else the nearest ``exercises/`` at or above
    ``start`` (default: cwd). Never the installed kit's own stubs: a learner who ran ``course check`` in an
    unrelated folder would see the untouched stubs graded as their work."""
    env = os.environ.get(EXERCISES_ENV)
    if env:
        found = find_exercises_dir(Path(env))
        if is_exercises_dir(found):
            return found
        raise NoExercisesFound(f"{EXERCISES_ENV}={env} holds no exerciseN folder "
                               f"({EXERCISES_ENV} に exerciseN フォルダがありません)")
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_exercises_dir(folder / "exercises"):
            return folder / "exercises"
    raise NoExercisesFound(
        f"no exercises/ folder in {here} or above it. Create one with `course init` (then cd into it), or point "
        f"to yours with --path DIR or {EXERCISES_ENV}=DIR.\n"
        f"{here} とその上のフォルダに exercises/ がありません。`course init` で作る (その後 cd する) か、"
        f"--path DIR または {EXERCISES_ENV}=DIR で指定してください。")
