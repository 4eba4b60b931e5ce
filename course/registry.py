"""The exercise registry (``course/exercises.toml``): which exercises exist, in which order, with what."""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from course.i18n import tr

REGISTRY = Path(__file__).with_name("exercises.toml")


@dataclass(frozen=True)
class Exercise:
    """One exercise's registry entry."""

    id: str
    title: dict
    modules: tuple[str, ...]
    torch: bool = False
    timeout: float = 60.0          # CPU seconds for the whole exercise
    check_timeout: float = 5.0     # CPU seconds for one check (exercises.toml says why)

    @property
    def number(self) -> int:
        return int(self.id.removeprefix("exercise"))


@functools.lru_cache(maxsize=None)
def exercises() -> tuple[Exercise, ...]:
    """All exercises in course order."""
    data = tomllib.loads(REGISTRY.read_text(encoding="utf-8"))
    return tuple(Exercise(id=e["id"], title=tr(*e["title"]), modules=tuple(e["modules"]),
                          torch=e.get("torch", False), timeout=float(e.get("timeout", 60)),
                          check_timeout=float(e.get("check_timeout", 5)))
                 for e in data["exercise"])


def get(name: str) -> Exercise:
    """The exercise called ``name``; ``3``, ``ex3`` and ``exercise3`` all name exercise3."""
    key = str(name).strip().lower()
    for prefix in ("exercise", "ex"):
        key = key.removeprefix(prefix)
    for ex in exercises():
        if ex.id == f"exercise{key}":
            return ex
    known = ", ".join(e.id for e in exercises())
    raise KeyError(f"no exercise called {name!r} (known: {known})")
