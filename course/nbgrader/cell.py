"""What the notebook's cells call, inside the Jupyter kernel.

``%%module exerciseN name`` writes the cell to ``exerciseN/name.py`` without running it;
``run_checks("exerciseN", "check.id")`` grades that folder through the same engine as ``course check`` and
``course grade`` (learner code in the sandbox, verdicts here), prints the verdict and returns the score.

nbgrader gives 0 points to a test cell that writes anything to stderr, and partial credit when a cell's
value is a number: so grading runs with warnings off and stderr swallowed, and a cell's value is the
check's score (0 for a check skipped here, e.g. a GPU check autograded without CUDA: a check not run
must not score; `course nbgrader init` gives GPU checks cells only with ``--device cuda``).
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from pathlib import Path

from course import paths, registry
from course.i18n import default_lang, pick, tr
from course.result import ExerciseResult

_graded: dict[tuple[str, str], ExerciseResult] = {}


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def grade_folder(exercise: str, root: Path | None = None, device: str = "cpu") -> ExerciseResult:
    """All checks of ``exercise`` on ``root/exerciseN`` (default: the current folder) on ``device``, graded
    once per content: the first check cell grades, the others reuse the result until a module changes."""
    from course.grading.run import grade_exercise

    ex = registry.get(exercise)
    root = Path(root or Path.cwd()).resolve()
    folder = root / ex.id
    key = (str(folder), _digest(folder) if folder.is_dir() else "", device)
    if key not in _graded:
        # All checks where the hidden graders are present (the instructor's autograde), public ones elsewhere.
        public_only = not (paths.graders_dir(ex.id) / "hidden").is_dir()
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            _graded[key] = grade_exercise(root, ex, public_only=public_only, lang=default_lang(), device=device,
                                          hide=course_private(root))
    return _graded[key]


def course_private(root: Path) -> list[Path]:
    """Where ``root`` is a student's folder in an nbgrader course (``autograded/<student>/<assignment>``), the
    course folders learner code must not see: the source notebooks hold the solutions, and submitted/,
    autograded/ and feedback/ every classmate's work."""
    if root.parent.parent.name not in ("autograded", "submitted"):
        return []
    course = root.parents[2]
    return [course / name for name in ("source", "submitted", "autograded", "feedback") if (course / name).is_dir()]


def run_checks(exercise: str, check_id: str, device: str = "cpu") -> float | None:
    """Print the verdict of one check on the notebook's modules (graded on ``device``) and return its score."""
    result = grade_folder(exercise, device=device)
    lang = default_lang()
    for check in result.checks:
        if check.id == check_id:
            break
    else:
        errors = [c.message for c in result.checks if c.status == "error" and c.max_score == 0]
        print(f"✗ {check_id}: not run" + ("".join("\n" + e for e in errors) if errors else ""))
        return 0.0
    mark = {"passed": "✓", "skipped": "-"}.get(check.status, "✗")
    print(f"{mark} {check.id} [{check.status}] {check.title}")
    if check.message:
        print(check.message)
    if check.diagnosis:
        from course.mistakes import explain
        print(f"{pick(tr('diagnosis', '診断'), lang)} [{check.diagnosis}] {explain(check.diagnosis, lang)}")
    if check.hint:
        print(pick(tr("hint", "ヒント"), lang) + ": " + check.hint)
    return check.score


def write_module(line: str, cell: str) -> None:
    """The ``%%module exerciseN name`` cell magic: save the cell as ``exerciseN/name.py``."""
    parts = line.split()
    if len(parts) != 2:
        print("usage: %%module exerciseN module_name")
        return
    ex = registry.get(parts[0])
    if parts[1] not in ex.modules:
        print(f"{ex.id} has no graded module {parts[1]!r} (its modules: {', '.join(ex.modules)})")
        return
    folder = Path.cwd() / ex.id
    folder.mkdir(exist_ok=True)
    (folder / f"{parts[1]}.py").write_text(cell, encoding="utf-8")
    print(f"saved {ex.id}/{parts[1]}.py")


def use_magics() -> None:
    """Register ``%%module`` in the running IPython kernel."""
    from IPython import get_ipython

    get_ipython().register_magic_function(write_module, magic_kind="cell", magic_name="module")
