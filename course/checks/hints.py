"""Hint ladders: each public check's hint rungs (from its ``@check(hint=[...])``), and how far up each ladder
a learner has climbed, kept in a small state file in the learner's folder.

The rungs are read by collecting the public graders (never running them), so ``course hint`` works without
the solutions and shows exactly what the grader's author wrote beside the check.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from course import paths
from course.checks.collect import collect
from course.i18n import pick, tr

STATE_FILE = ".course-hints.json"
# What each rung of a three-rung ladder is, shown beside it.
RUNG_KINDS = (tr("nudge", "手がかり"), tr("idea", "考え方"), tr("nearly the code", "ほぼコード"))


@functools.lru_cache(maxsize=None)
def ladders(exercise: str) -> tuple[dict[str, tuple], dict[str, dict]]:
    """({check id: rungs}, {check id: title}) of the public checks of ``exercise``, in the graders' order."""
    public = [g for g in collect(paths.graders_dir(exercise), hidden=False).graders if "check" in g.marks
              and not g.hidden]
    rungs = {g.id: tuple(g.spec.get("hints") or ((g.spec["hint"],) if g.spec.get("hint") else ())) for g in public}
    return rungs, {g.id: g.titles for g in public}


def rung_label(index: int, total: int, lang: str) -> str:
    """``hint 2/3 (idea)``: which rung this is, and what kind where the ladder has the usual three."""
    kind = f" ({pick(RUNG_KINDS[index], lang)})" if total == len(RUNG_KINDS) else ""
    return pick(tr("hint", "ヒント"), lang) + f" {index + 1}/{total}{kind}"


class HintState:
    """How many rungs of each check's ladder the learner has seen: ``{exercise: {check: rungs}}`` in
    ``.course-hints.json`` beside the learner's ``exercises/`` folder."""

    def __init__(self, exercises_dir: Path):
        self.path = Path(exercises_dir).parent / STATE_FILE
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}          # none yet, or a file the learner broke: start again rather than fail
        self.data = data if isinstance(data, dict) else {}

    def reached(self, exercise: str, check: str) -> int:
        """Rungs seen so far (0 before the first ``course hint``)."""
        value = self.data.get(exercise, {}).get(check, 0) if isinstance(self.data.get(exercise), dict) else 0
        return value if isinstance(value, int) and value >= 0 else 0

    def advance(self, exercise: str, check: str, total: int) -> int:
        """Reveal one more rung (at most ``total``), save, and return how many are now seen."""
        seen = min(self.reached(exercise, check) + 1, total)
        self.data.setdefault(exercise, {})[check] = seen
        self.save()
        return seen

    def reset(self, exercise: str) -> None:
        """Forget the rungs seen for ``exercise``."""
        self.data.pop(exercise, None)
        self.save()

    def save(self) -> None:
        """Write the state atomically (a half-written file would lose every exercise's progress)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
