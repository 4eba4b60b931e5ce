"""What a stored result must match to be reused: the learner's files and everything on the grading side."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from course import __version__, paths
from course.sandbox import snapshot

# Kit code whose change can change a verdict or a message; a new kit version changes the hash as well.
_ENGINE = ("checks", "mistakes", "grading", "sandbox", "result.py", "i18n.py")


def _feed(digest, root: Path) -> None:
    """Add every file under ``root`` (name and bytes, in a fixed order) to ``digest``."""
    root = Path(root)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        rel = path.relative_to(root).as_posix() if path != root else path.name
        data = path.read_bytes()
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)


def content_hash(exercise_dir: Path) -> str:
    """The hash of a learner's exercise folder as the sandbox reads it (:mod:`course.sandbox.snapshot`: files,
    and the links and special files it refuses, never what a link points at); "missing" when there is none."""
    folder = Path(exercise_dir)
    if not folder.is_dir() and not folder.is_symlink():
        return "missing"
    try:
        snap = snapshot.read_folder(folder)
    except snapshot.SubmissionTooLarge:
        return "too-large"
    digest = hashlib.sha256()
    for rel, mode, data in snap.files:
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    for line in snap.refused:
        digest.update(f"refused\0{line}\0".encode())
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
