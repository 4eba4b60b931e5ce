"""Planted mistakes: edits of a reference solution that the graders must recognise and name.

They live beside the solutions (``solutions/exerciseN/planted.toml``), so they never reach learners. The
kit's tests grade every one: each must lose points, should be named by its code, and must never be named
by another code (:func:`coverage`; ``python -m course.planted`` prints the table). The demo class and the
benchmarks build buggy submissions from them.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
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
    lookalike: tuple[str, ...] = ()     # codes whose symptom this mistake shares: they must not be named

    @property
    def id(self) -> str:
        """The exercise and the code (:func:`unique_ids` numbers a code planted more than once)."""
        return f"{self.exercise}-{self.code}"

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
                                     find=entry["find"], replace=entry["replace"],
                                     lookalike=tuple(entry.get("lookalike", ()))))
    return found


def unique_ids(mistakes: list[Planted]) -> list[str]:
    """``mistake.id`` for each, numbered (``-2``, ``-3``) where a code is planted more than once."""
    seen: Counter = Counter()
    ids = []
    for m in mistakes:
        seen[m.id] += 1
        ids.append(m.id if seen[m.id] == 1 else f"{m.id}-{seen[m.id]}")
    return ids


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


@dataclass
class Outcome:
    """What grading one planted mistake gave: the score and the diagnoses of the checks it failed."""

    mistake: Planted
    score: float
    max_score: float
    named: list[tuple[str, str | None]] = field(default_factory=list)    # (check id, diagnosis) per failed check

    @property
    def caught(self) -> bool:
        """True when the mistake cost points."""
        return self.score < self.max_score

    @property
    def codes(self) -> set[str]:
        """Every code named by a failed check."""
        return {code for _, code in self.named if code}

    @property
    def correct(self) -> bool:
        """True when the mistake's own code was named and nothing else was."""
        return self.codes == {self.mistake.code}

    @property
    def wrong(self) -> set[str]:
        """Codes named that are not the mistake's: each one is a confusion."""
        return self.codes - {self.mistake.code}


def grade(mistake: Planted, device: str = "cpu", workdir: Path | None = None) -> Outcome:
    """Grade the solution with ``mistake`` planted (public and hidden checks)."""
    from course.grading.run import grade_exercise

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        root = make_submission(Path(tmp), [mistake], exercises=[mistake.exercise])
        result = grade_exercise(root, registry.get(mistake.exercise), device=device)
    return Outcome(mistake, result.score, result.max_score,
                   [(c.id, c.diagnosis) for c in result.checks if c.status != "passed"])


@dataclass
class Coverage:
    """Diagnosis coverage over planted mistakes: named correctly / planted, and every confusion."""

    outcomes: list[Outcome]

    @property
    def named(self) -> int:
        """Plants named by their own code and nothing else."""
        return sum(o.correct for o in self.outcomes)

    @property
    def fraction(self) -> float:
        """named / planted (1.0 for no plants)."""
        return self.named / len(self.outcomes) if self.outcomes else 1.0

    def confusions(self) -> dict[tuple[str, str], int]:
        """The confusion matrix's off-diagonal: (planted code, named code) → how many plants."""
        return dict(Counter((o.mistake.code, code) for o in self.outcomes for code in sorted(o.wrong)))

    def uncaught(self) -> list[Outcome]:
        """Plants that cost no points."""
        return [o for o in self.outcomes if not o.caught]

    def report(self) -> str:
        """A plain-text table: one line per plant, then the totals and the off-diagonal."""
        ids = unique_ids([o.mistake for o in self.outcomes])
        lines = []
        for pid, o in zip(ids, self.outcomes):
            mark = "ok" if o.correct else ("WRONG" if o.wrong else ("none" if o.caught else "MISSED"))
            lines.append(f"{mark:6} {pid:48} named {sorted(o.codes) or '-'}")
        lines.append(f"named correctly: {self.named}/{len(self.outcomes)} = {self.fraction:.1%}")
        lines.append(f"confusions (planted → named): {self.confusions() or 'none'}")
        lines.append(f"not caught: {[o.mistake.id for o in self.uncaught()] or 'none'}")
        return "\n".join(lines)


def coverage(mistakes: list[Planted] | None = None, device: str = "cpu") -> Coverage:
    """Grade every planted mistake (or those given) and measure how well the graders name them."""
    return Coverage([grade(m, device) for m in (planted() if mistakes is None else mistakes)])


if __name__ == "__main__":     # python -m course.planted [exerciseN ...]
    chosen = [m for m in planted() if len(sys.argv) < 2 or m.exercise in sys.argv[1:]]
    print(coverage(chosen).report())
