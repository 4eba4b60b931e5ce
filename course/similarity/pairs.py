"""Which pairs of learners to flag, from both kinds of evidence, over the modules of the chosen exercises."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from course import paths
from course.result import SubmissionResult
from course.similarity import behaviour, code

MIN_SHARED = 3          # fingerprints (each ~ a line of code) two modules must share beyond the base ...
MIN_FRACTION = 0.5      # ... and the share of the smaller module's own code they make up


@dataclass
class Pair:
    """Two learners flagged as unusually alike, with every piece of evidence."""

    left: str
    right: str
    code: list[code.CodeMatch] = field(default_factory=list)
    behaviour: behaviour.BehaviourMatch | None = None

    @property
    def strength(self) -> float:
        """For ordering: shared fingerprints plus rare shared events (each a similar amount of evidence)."""
        return sum(m.shared * m.fraction for m in self.code) + (len(self.behaviour.events) if self.behaviour else 0)


def _modules(submission, exercises) -> dict[str, Path]:
    found = {}
    for ex in exercises:
        for module in ex.modules:
            path = submission.exercises_dir / ex.id / f"{module}.py"
            if path.is_file() and not path.is_symlink():
                found[f"{ex.id}/{module}.py"] = path
    return found


def find(submissions, exercises, *, base: list[Path] = (), results: list[SubmissionResult] = ()) -> list[Pair]:
    """The flagged pairs among ``submissions`` (course.batch.discover's), strongest first.

    ``base``: folders of code every learner may have (the stubs are always included); ``results``: their
    graded results, for the behaviour evidence (none: code only).
    """
    stubs = [paths.kit_root() / "exercises" / ex.id for ex in exercises]
    ignore_base = code.base_hashes([p for p in stubs if p.is_dir()] + [Path(b) for b in base])
    prints = {s.learner: {name: code.fingerprint(p) for name, p in _modules(s, exercises).items()}
              for s in submissions}
    modules = sorted({name for per in prints.values() for name in per})
    limit = behaviour.rare_limit(len(prints))
    common = {name: code.common_hashes([per[name] for per in prints.values() if name in per], limit)
              for name in modules}
    pairs: dict[tuple[str, str], Pair] = {}
    names = sorted(prints)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for name in modules:
                if name in prints[a] and name in prints[b]:
                    match = code.compare(name, prints[a][name], prints[b][name], ignore_base | common[name])
                    if match and match.shared >= MIN_SHARED and match.fraction >= MIN_FRACTION:
                        pairs.setdefault((a, b), Pair(a, b)).code.append(match)
    for (a, b), match in behaviour.matches(list(results)).items():
        pairs.setdefault((a, b), Pair(a, b)).behaviour = match
    return sorted(pairs.values(), key=lambda p: (-p.strength, p.left, p.right))
