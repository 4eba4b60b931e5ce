"""What must never reach learners, and a scan of a bundle for it (run by every release, and by the tests)."""
from __future__ import annotations

import re
from pathlib import Path

from course import paths

MIN_LINE = 16   # shorter lines (``return out``) are too common to tell a solution from a stub
FORBIDDEN_NAMES = ("__pycache__", "planted.toml", "hidden")


def _lines(files) -> set[str]:
    return {ln.strip() for f in files for ln in f.read_text(encoding="utf-8", errors="replace").splitlines()
            if len(ln.strip()) >= MIN_LINE}


def secrets(exercise: str) -> set[str]:
    """Solution lines that the stubs do not have, hidden-grader lines that the public graders do not have,
    and the ids of the hidden checks."""
    given = _lines(sorted((paths.kit_root() / "exercises" / exercise).glob("*.py")))
    public = _lines(sorted(paths.graders_dir(exercise).glob("*.py")))
    found = _lines(sorted(paths.solutions_dir(exercise).glob("*.py"))) - given - public
    hidden_files = sorted((paths.graders_dir(exercise) / "hidden").glob("**/*.py"))
    found |= _lines(hidden_files) - public - given
    for f in hidden_files:
        found |= set(re.findall(r"""@check\(\s*["']([^"']+)["']""", f.read_text(encoding="utf-8")))
    return found


def scan(bundle: Path, exercises: list[str]) -> list[str]:
    """Every leak in ``bundle``: a forbidden file or folder, a compiled file, or a secret in any file's bytes."""
    bundle = Path(bundle)
    needles = {s.encode(): (ex, s) for ex in exercises for s in secrets(ex)}
    problems = []
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle)
        if path.name in FORBIDDEN_NAMES or path.suffix in (".pyc", ".pyo") or rel.parts[0] == "solutions":
            problems.append(f"{rel}: must not be shipped")
            continue
        if path.is_file():
            data = path.read_bytes()
            problems += [f"{rel}: contains {ex}'s {text!r}" for needle, (ex, text) in needles.items()
                         if needle in data]
    return problems
