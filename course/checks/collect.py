"""Finding an exercise's checks: its grader modules imported (never run), each ``test*`` function with what
its ``@check``, ``@cases`` and ``@gpu`` declare.

Files and functions are taken as pytest takes them (``test_*.py`` by name, the public folder before
``hidden/`` once sorted, functions in definition order), so pytest and :mod:`course.grading.direct` grade
the same checks in the same order; ``tests/test_direct.py`` holds the two to it. A grader module is imported
under its path below ``graders/`` (``exercise5.test_layers``), as pytest's ``--import-mode=importlib`` does:
graders import their exercise's helpers by that name, and nothing is put on ``sys.path``.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from course.checks.marks import marks_of
from course.i18n import tr

HIDDEN = "hidden"
FILES = "test_*.py"
FUNCTIONS = "test"


@dataclass(frozen=True)
class Grader:
    """One check as its grader function declares it."""

    function: object
    marks: dict

    @property
    def name(self) -> str:
        """The grader function's name."""
        return self.function.__name__

    @property
    def spec(self) -> dict:
        """``@check``'s arguments (empty for a test function without one, which cannot be graded)."""
        return self.marks.get("check", {})

    @property
    def id(self) -> str:
        """The check's id (the function's name where ``@check`` is missing)."""
        return self.spec.get("id", self.name)

    @property
    def points(self) -> float:
        """What the check is worth."""
        return float(self.spec.get("points", 0.0))

    @property
    def hidden(self) -> bool:
        """True for a check that runs only when grading."""
        return bool(self.spec.get("hidden"))

    @property
    def gpu(self) -> bool:
        """True for a check that needs CUDA."""
        return "gpu" in self.marks

    @property
    def cases(self) -> dict | None:
        """``@cases``'s ``{case: compute}``, or None."""
        return self.marks.get("cases")

    @property
    def titles(self) -> dict:
        """The check's title in each language: the docstring's first line, and ``@check(ja=...)``."""
        doc = (self.function.__doc__ or self.name).strip().splitlines()[0]
        return tr(doc, self.spec.get("ja") or doc)


def grader_of(function) -> Grader:
    """The :class:`Grader` of one test function."""
    return Grader(function, marks_of(function))


@dataclass
class Collected:
    """An exercise's checks in grading order (public first, then hidden), and why any file failed to load."""

    graders: list[Grader] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hidden_files: int = 0      # hidden grader files present but not imported (``hidden=False``)


def collect(graders: Path, *, hidden: bool = True) -> Collected:
    """The checks of one exercise's ``graders`` folder; hidden ones only with ``hidden``."""
    graders = Path(graders).resolve()
    prepare(graders)
    found = Collected()
    files = sorted(graders.glob(FILES))
    hidden_files = sorted((graders / HIDDEN).glob(FILES)) if (graders / HIDDEN).is_dir() else []
    if hidden:
        files += hidden_files
    else:
        found.hidden_files = len(hidden_files)
    for path in files:
        try:
            module = _import(graders, path)
        except Exception:   # a grader that does not load is the kit's bug: reported, the others still run
            found.errors.append(f"{path.relative_to(graders.parent)}: {traceback.format_exc(limit=-3)[-1500:]}")
            continue
        seen = set()
        for name, value in vars(module).items():
            if name.startswith(FUNCTIONS) and inspect.isfunction(value) and name not in seen:
                seen.add(name)
                found.graders.append(grader_of(value))
    found.graders.sort(key=lambda g: g.hidden)    # stable: file order kept within each kind
    return found


def prepare(graders: Path) -> None:
    """Make ``graders``'s exercise package the one its grader modules import from: a package of the same name
    left in ``sys.modules`` by another kit's graders (a release bundle's, in the kit's own tests) is removed
    with its modules, so no grader is ever one loaded from elsewhere."""
    graders = Path(graders).resolve()
    top, where = graders.name, str(graders)
    package = sys.modules.get(top)
    if package is not None and list(getattr(package, "__path__", [])) == [where]:
        return
    for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
        del sys.modules[name]
    spec = importlib.util.spec_from_loader(top, loader=None, is_package=True)
    spec.submodule_search_locations = [where]
    sys.modules[top] = importlib.util.module_from_spec(spec)


def _import(graders: Path, path: Path):
    parts = (graders.name, *path.relative_to(graders).with_suffix("").parts)
    return importlib.import_module(".".join(parts))
