"""What a stored result must match to be reused: the learner's files and everything on the grading side."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from course import __version__, paths

# Kit code whose change can change a verdict or a message; a new kit version changes the hash as well.
_ENGINE = ("checks", "mistakes", "grading", "sandbox", "result.py", "i18n.py")


def files_of(root: Path) -> list[tuple[str, Path]]:
    """The files under ``root`` that a result depends on, as (relative name, path), in a fixed order: every
    file but Python's bytecode caches (the sandbox copies the same ones)."""
    root = Path(root)
    if root.is_file():
        return [(root.name, root)]
    return [(p.relative_to(root).as_posix(), p) for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]


def _feed(digest, root: Path) -> None:
    """Add every file under ``root`` (name and bytes, in a fixed order) to ``digest``."""
    for rel, path in files_of(root):
        data = path.read_bytes()
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)


def content_hash(exercise_dir: Path) -> str:
    """The hash of a learner's exercise folder ("missing" when there is none, which is graded too)."""
    if not Path(exercise_dir).is_dir():
        return "missing"
    digest = hashlib.sha256()
    _feed(digest, exercise_dir)
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def graders_hash(exercise: str, settings: tuple = ()) -> str:
    """The hash of one exercise's graders and solution, the grading engine, and the grading settings."""
    digest = hashlib.sha256(f"{__version__}\0{settings!r}".encode())
    for root in (paths.graders_dir(exercise), paths.solutions_dir(exercise)):
        if root.exists():
            _feed(digest, root)
    package = Path(__file__).resolve().parent.parent
    for name in _ENGINE:
        _feed(digest, package / name)
    return digest.hexdigest()
