"""The catalogue of named mistakes that the graders recognise (``course mistakes``).

Each group of exercises keeps its entries in its own module (``engine``, ``structure``, ``numpy_basics``,
``backprop``, ``pytorch``); a grader names a mistake by its code in a failure's ``diagnosis``. ``structure``
holds the shapes any wrong answer can take (an exact ratio, a transpose, swapped outputs, …), which
:mod:`course.checks.diagnose` finds when no exercise's own mistake is confirmed. Each entry carries its hint:
the first rung of help for that cause (the idea or the formula, never the answer's code), shown instead of
the check's generic hint. The kit's tests check that every code a grader can report is catalogued and that
every catalogued code is caught by a planted mistake.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from course.i18n import pick


@dataclass(frozen=True)
class Mistake:
    """A named mistake: its code, the exercises it belongs to, one line in each language, and its hint."""

    code: str
    exercises: tuple[str, ...]
    en: str
    ja: str
    hint: tuple[str, str] = ()      # (en, ja): what to look at for this cause; empty for the engine's codes

    def text(self, lang: str) -> str:
        """The one-line explanation in ``lang``."""
        return pick({"en": self.en, "ja": self.ja}, lang)

    def hint_text(self) -> dict | None:
        """The hint as a ``tr`` pair, or None when the entry has none."""
        return {"en": self.hint[0], "ja": self.hint[1]} if self.hint else None


# Course order for `course mistakes`; a group module not listed here comes after these.
_ORDER = ("engine", "structure", "numpy_basics", "backprop", "pytorch")


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


def hint_for(code: str | None) -> dict | None:
    """The catalogued hint of ``code`` as a ``tr`` pair (None for None, an unknown code or no hint)."""
    mistake = catalogue().get(code) if code else None
    return mistake.hint_text() if mistake else None
