"""Hint ladders: each public check's hint rungs (from its ``@check(hint=[...])``), and how far up each ladder
a learner has climbed, kept in a small state file in the learner's folder.

The rungs are read by collecting the public graders (never running them), so ``course hint`` works without
the solutions and shows exactly what the grader's author wrote beside the check.
"""
from __future__ import annotations

import contextlib
import functools
import io
import json
import os
from pathlib import Path

import pytest

from course import paths
from course.i18n import pick, tr

STATE_FILE = ".course-hints.json"
# What each rung of a three-rung ladder is, shown beside it.
RUNG_KINDS = (tr("nudge", "手がかり"), tr("idea", "考え方"), tr("nearly the code", "ほぼコード"))


class _LadderCollector:
    """Keeps each collected public check's title and rungs."""

    def __init__(self):
        self.ladders: dict[str, tuple] = {}
        self.titles: dict[str, dict] = {}

    def pytest_configure(self, config):
        for marker in ("check", "gpu", "cases"):
            config.addinivalue_line("markers", f"{marker}: a grader marker")

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            mark = item.get_closest_marker("check")
            if mark is None or mark.kwargs.get("hidden"):
                continue
            kw = mark.kwargs
            self.ladders[kw["id"]] = tuple(kw.get("hints") or ((kw["hint"],) if kw.get("hint") else ()))
            doc = (item.obj.__doc__ or item.name).strip().splitlines()[0]
            self.titles[kw["id"]] = tr(doc, kw.get("ja") or doc)


@functools.lru_cache(maxsize=None)
def ladders(exercise: str) -> tuple[dict[str, tuple], dict[str, dict]]:
    """({check id: rungs}, {check id: title}) of the public checks of ``exercise``, in the graders' order."""
    graders = paths.graders_dir(exercise)
    collector = _LadderCollector()
    args = [str(graders), "--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir", str(graders.parent),
            "-c", os.devnull, "--import-mode=importlib", "--ignore", str(graders / "hidden"), "-W", "ignore"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        pytest.main(args, plugins=[collector])
    return collector.ladders, collector.titles


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
