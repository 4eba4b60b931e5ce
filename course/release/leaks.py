"""What must never reach learners, and a scan of a bundle for it (run by every release, and by the tests)."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from course import paths

MIN_LINE = 16   # shorter lines (``return out``) are too common to tell a solution from a stub
# Consecutive solution lines that make a copied passage: one line may recur by chance (an import, a formula the
# instructions quote), three in a row are copied code, even where each line alone is said elsewhere.
RUN = 3
FORBIDDEN_NAMES = ("__pycache__", "planted.toml", "hidden")


def _lines(files) -> set[str]:
    return {ln.strip() for f in files for ln in f.read_text(encoding="utf-8", errors="replace").splitlines()
            if len(ln.strip()) >= MIN_LINE}


@functools.lru_cache(maxsize=None)
def _shipped_anyway() -> str:
    """The text every learner gets regardless: all stubs and instructions, all public graders, the package.

    A solution line such as ``import numpy as np``, or one the instructions quote, or a public grader's replay
    of a mistake, is no secret; only lines found nowhere but in solutions and hidden graders are.
    """
    kit = paths.kit_root()
    files = [*kit.glob("exercises/*/*"), *kit.glob("graders/*/*.py"), *kit.glob("course/**/*.py")]
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in sorted(files) if f.is_file())


def secrets(exercise: str) -> set[str]:
    """Solution lines and hidden-grader lines that nothing shipped anyway contains, and the hidden check ids."""
    public = _shipped_anyway()
    hidden_files = sorted((paths.graders_dir(exercise) / "hidden").glob("**/*.py"))
    candidates = _lines(sorted(paths.solutions_dir(exercise).glob("*.py"))) | _lines(hidden_files)
    found = {line for line in candidates if line not in public}
    for f in hidden_files:
        found |= set(re.findall(r"""@check\(\s*["']([^"']+)["']""", f.read_text(encoding="utf-8")))
    return found


def _code_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped: a passage reads the same wherever it is indented."""
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


@functools.lru_cache(maxsize=None)
def _given_lines() -> frozenset:
    return frozenset(ln for f in paths.kit_root().glob("exercises/*/*.py")
                     for ln in _code_lines(f.read_text(encoding="utf-8", errors="replace")))


def solution_runs(exercise: str) -> dict[tuple[str, ...], str]:
    """Every run of :data:`RUN` consecutive solution lines that are long enough and in no exercise's stub
    folder (which ship signatures, docstrings and, in ``common.py``, earlier exercises' answers as given
    helpers), with the file it comes from."""
    stub = _given_lines()
    runs = {}
    for f in sorted(paths.solutions_dir(exercise).glob("*.py")):
        lines = _code_lines(f.read_text(encoding="utf-8", errors="replace"))
        for i in range(len(lines) - RUN + 1):
            window = tuple(lines[i:i + RUN])
            if all(len(ln) >= MIN_LINE and ln not in stub for ln in window):
                runs[window] = f.name
    return runs


def _copied_runs(text: str, runs: dict) -> list[tuple[str, ...]]:
    lines = _code_lines(text)
    return [w for w in (tuple(lines[i:i + RUN]) for i in range(len(lines) - RUN + 1)) if w in runs]


def scan(bundle: Path, exercises: list[str]) -> list[str]:
    """Every leak in ``bundle``: a forbidden file or folder, a compiled file, a secret in any file's bytes, or a
    run of solution lines copied into a text file (a grader replaying the solution's loop, say)."""
    bundle = Path(bundle)
    needles = {s.encode(): (ex, s) for ex in exercises for s in secrets(ex)}
    runs = {w: (ex, name) for ex in exercises for w, name in solution_runs(ex).items()}
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
            copied = _copied_runs(data.decode("utf-8", errors="replace"), runs) if b"\0" not in data else []
            problems += [f"{rel}: copies {RUN} lines of {runs[w][0]}'s solution {runs[w][1]} ({w[0]!r} …)"
                         for w in copied[:1]]
    return problems
