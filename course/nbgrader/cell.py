"""What the notebook's cells call in the learner's Jupyter kernel, while they work.

``%%module exerciseN name`` writes the cell to ``exerciseN/name.py`` without running it;
``run_checks("exerciseN", "check.id")`` grades that folder through the same engine as ``course check``
(learner code in the sandbox), prints the verdict and returns the score. Nothing here decides a grade: every
cell of the learner's notebook, and so anything in this kernel, is theirs to change. At autograde the kit's
nbgrader step (:mod:`course.nbgrader.autograde`) runs no cell and writes each test cell's verdict from
:func:`verdict`, graded in the sandbox from the module cells alone.

nbgrader gives 0 points to a test cell that writes anything to stderr, and partial credit when a cell's
value is a number: so grading runs with warnings off and stderr swallowed, and a cell's value is the
check's score (0 for a check skipped here, e.g. a GPU check graded without CUDA: a check not run
must not score; `course nbgrader init` gives GPU checks cells only with ``--device cuda``).
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import warnings
from pathlib import Path

from course import paths, registry
from course.i18n import default_lang, pick, tr
from course.nbgrader.layout import course_private
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


def verdict(result: ExerciseResult, check_id: str, lang: str) -> tuple[str, float]:
    """What a check's test cell shows (verdict, message, diagnosis, hint) and the score it is worth; a check
    that did not run shows why and scores 0."""
    for check in result.checks:
        if check.id == check_id:
            break
    else:
        errors = [c.message for c in result.checks if c.status == "error" and c.max_score == 0]
        return f"✗ {check_id}: " + pick(tr("not run", "実行されませんでした"), lang) + "".join(
            "\n" + e for e in errors), 0.0
    from course.render.text import check_lines, render
    return render(check_lines(check, lang)), check.score


def run_checks(exercise: str, check_id: str, device: str = "cpu") -> float | None:
    """Print the verdict of one check on the notebook's modules (graded on ``device``) and return its score.

    This is the learner's own check while working. At autograde no cell runs: the kit's nbgrader step
    (:mod:`course.nbgrader.autograde`) grades the module cells in the sandbox and writes each verdict.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        # Only a course configured without the kit's autograde step executes test cells; a verdict computed in
        # the learner's kernel could be anything a learner cell made it, so it is refused, not given.
        print(pick(tr("✗ not graded: this course's nbgrader_config.py executes notebooks; rewrite it with "
                      "`course nbgrader init --force` so that the kit grades them in its sandbox",
                      "✗ 採点しません: このコースの nbgrader_config.py はノートブックを実行します。"
                      "`course nbgrader init --force` で書き直すと、キットがサンドボックスで採点します"),
                   default_lang()))
        return 0.0
    from course.sandbox.launch import SandboxUnavailable
    try:
        text, score = verdict(grade_folder(exercise, device=device), check_id, default_lang())
    except SandboxUnavailable as exc:       # the machine's failure: said, and nothing scored
        from course.render.text import not_checked
        print("✗ " + not_checked(exercise, exc, default_lang()))
        return 0.0
    print(text)
    return score


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
