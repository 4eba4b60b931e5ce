"""The catalogue of named mistakes that the graders recognise (``course mistakes``).

Each group of exercises keeps its entries in its own module (``engine``, ``numpy_basics``, ``backprop``,
``pytorch``); a grader names a mistake by its code in a failure's ``diagnosis``. The kit's tests check that
every code a grader can report is catalogued and that every catalogued code is caught by a planted mistake.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from course.i18n import pick


@dataclass(frozen=True)
class Mistake:
    """A named mistake: its code, the exercises it belongs to, and one line in each language."""

    code: str
    exercises: tuple[str, ...]
    en: str
    ja: str

    def text(self, lang: str) -> str:
        """The one-line explanation in ``lang``."""
        return pick({"en": self.en, "ja": self.ja}, lang)


# Course order for `course mistakes`; a group module not listed here comes after these.
_ORDER = ("engine", "numpy_basics", "backprop", "pytorch")


def catalogue() -> dict[str, Mistake]:
    """Every catalogued mistake by code, in course order of the groups, then definition order."""
    entries: dict[str, Mistake] = {}
    rank = {name: i for i, name in enumerate(_ORDER)}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: (rank.get(m.name, len(rank)), m.name)):
        for mistake in importlib.import_module(f"{__name__}.{info.name}").MISTAKES:
            if mistake.code in entries:
                raise ValueError(f"mistake code {mistake.code!r} is defined twice")
            entries[mistake.code] = mistake
    return entries


def explain(code: str | None, lang: str) -> str:
    """The one-line explanation of ``code`` (empty for None or an unknown code)."""
    if not code:
        return ""
    mistake = catalogue().get(code)
    return mistake.text(lang) if mistake else ""
