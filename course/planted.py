"""Planted mistakes: edits of a reference solution that the graders must recognise and name.

They live beside the solutions (``solutions/exerciseN/planted.toml``), so they never reach learners. The
kit's tests grade every one and expect its code as a diagnosis; the demo class and the benchmarks build
buggy submissions from them.
"""
from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from course import paths, registry


@dataclass(frozen=True)
class Planted:
    """One planted mistake: which module of which exercise to edit, how, and the code it must get."""

    exercise: str
    code: str
    module: str
    find: str
    replace: str

    def apply(self, exercise_dir: Path) -> None:
        """Edit the module in ``exercise_dir`` (a copy of the solution) to contain this mistake."""
        path = Path(exercise_dir) / f"{self.module}.py"
        source = path.read_text(encoding="utf-8")
        if source.count(self.find) != 1:
            raise ValueError(f"{self.exercise}/{self.code}: {self.find!r} occurs {source.count(self.find)} "
                             f"times in {path.name}, not once")
        path.write_text(source.replace(self.find, self.replace), encoding="utf-8")


def planted(exercise: str | None = None) -> list[Planted]:
    """All planted mistakes (of one exercise, or of every exercise in course order)."""
    found = []
    for ex in registry.exercises():
        if exercise and ex.id != exercise:
            continue
        spec = paths.solutions_dir(ex.id) / "planted.toml"
        if spec.is_file():
            for entry in tomllib.loads(spec.read_text(encoding="utf-8")).get("planted", []):
                found.append(Planted(exercise=ex.id, code=entry["code"], module=entry["module"],
                                     find=entry["find"], replace=entry["replace"]))
    return found


def make_submission(target: Path, mistakes: list[Planted] = (), exercises: list[str] | None = None) -> Path:
    """Write a submission at ``target/exercises/`` from the solutions, with ``mistakes`` planted."""
    root = Path(target) / "exercises"
    for ex in registry.exercises():
        if exercises is not None and ex.id not in exercises:
            continue
        dest = root / ex.id
        shutil.copytree(paths.solutions_dir(ex.id), dest, ignore=shutil.ignore_patterns("planted.toml", "__pycache__"))
    for mistake in mistakes:
        mistake.apply(root / mistake.exercise)
    return root
