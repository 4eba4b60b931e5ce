"""Golden messages: what a learner reads for every planted mistake and for each exercise's untouched stubs.

Each case is graded once (all checks, on the CPU) and its result rendered by :mod:`course.render.text` in
English and Japanese at 100 and 60 columns; the four renderings are stored together in
``tests/golden/<exercise>/<case>.txt`` and compared. ``pytest tests/test_golden.py --update-golden``
rewrites them (and removes those of plants that no longer exist) for review in the diff. Planted mistakes
are read from ``solutions/*/planted.toml``, so a plant added there gets a golden file on the next update.
Beyond the stored text, every rendering is held to the rules a reader relies on: no raw ``{'en': …}``
dict, no "expected X, got X" that looks equal, no line past the width unless one word or table row fills it,
and no English label in a Japanese rendering.
"""
from __future__ import annotations

import difflib
import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len

from course import paths, registry
from course.grading.run import grade_exercise
from course.planted import make_submission, planted, unique_ids
from course.render.text import exercise_lines, render
from course.render.wrap import is_table_row

GOLDEN = Path(__file__).resolve().parent / "golden"
WIDTHS = (100, 60)
LANGS = ("en", "ja")
HAVE_TORCH = importlib.util.find_spec("torch") is not None
# Checks that draw at grading time (exercise 9's relabelled digits) draw the same here, so the text is the same.
SEED = {"COURSE_GRADING_SEED": "2026"}
# The kit's own English labels: none of them may appear in a Japanese rendering.
ENGLISH_LABELS = ("wrong values", "max abs error", "relative error", "expected:", "got:", "call:", "hint:",
                  "diagnosis [", "score ", "not implemented yet", "your code raised", "hidden checks")


def _cases():
    mistakes = planted()
    # A code planted more than once (two ways to make one mistake) gets a case per plant: -2, -3, ...
    for p, pid in zip(mistakes, unique_ids(mistakes)):
        yield p.exercise, f"planted-{pid.removeprefix(p.exercise + '-')}", p
    for ex in registry.exercises():
        if paths.graders_dir(ex.id).is_dir():
            yield ex.id, "stubs", None


def _params():
    for exercise, name, mistake in _cases():
        marks = [pytest.mark.skipif(registry.get(exercise).torch and not HAVE_TORCH, reason="needs torch")]
        yield pytest.param(exercise, name, mistake, id=f"{exercise}-{name}", marks=marks)


def _grade(exercise: str, mistake, tmp_path: Path):
    """The case's result, graded once; the parts that depend on the machine are left out."""
    if mistake is None:
        root = tmp_path / "exercises"
        shutil.copytree(paths.kit_root() / "exercises" / exercise, root / exercise,
                        ignore=shutil.ignore_patterns("__pycache__"))
    else:
        root = make_submission(tmp_path, [mistake], exercises=[exercise])
    result = grade_exercise(root, registry.get(exercise), lang="en")
    result.isolation = ""              # whether this machine has kernel namespaces is not the message's
    return result, str(root)


def renderings(result, root: str) -> dict[tuple[str, int], str]:
    """The case's text in each language and width, with the temporary folder written as <submission>."""
    return {(lang, width): render(exercise_lines(result, lang, public_only=False), width).replace(root,
                                                                                                 "<submission>")
            for width in WIDTHS for lang in LANGS}


def golden_text(exercise: str, name: str, texts: dict) -> str:
    """What the golden file of a case holds: a header, then each rendering under its own heading."""
    head = (f"# {exercise} · {name}: course check's text, graded on the CPU (tests/test_golden.py)\n"
            f"# regenerate: pytest tests/test_golden.py --update-golden\n")
    return head + "".join(f"\n===== {lang} · {width} columns =====\n{text}\n" for (lang, width), text in
                          texts.items())


@pytest.mark.parametrize("exercise, name, mistake", list(_params()))
def test_golden_message(exercise, name, mistake, tmp_path, request, monkeypatch):
    for var, value in SEED.items():
        monkeypatch.setenv(var, value)
    result, root = _grade(exercise, mistake, tmp_path)
    texts = renderings(result, root)
    want = golden_text(exercise, name, texts)
    path = GOLDEN / exercise / f"{name}.txt"
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(want, encoding="utf-8")
    else:
        assert path.is_file(), f"no golden file {path.relative_to(GOLDEN.parent)}: run pytest --update-golden"
        have = path.read_text(encoding="utf-8")
        assert have == want, "".join(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                           "stored", "rendered now"))
    for (lang, width), text in texts.items():
        _assert_readable(text, lang, width)


def _assert_readable(text: str, lang: str, width: int) -> None:
    assert "{'en':" not in text and "{'ja':" not in text, "a raw bilingual dict reached the learner"
    for pair in re.finditer(r"(?:expected|期待値):? (\S+?)[,、] (?:got|実際):? (\S+?)(?:[;、,]|$)", text, re.M):
        assert pair.group(1) != pair.group(2), f"values that differ are written alike: {pair.group(0)}"
    for line in text.splitlines():
        if cell_len(line) > width and not is_table_row(line):
            # Only a word or number wider than the line on its own may overflow it, alone on its line.
            assert len(line.replace("|", " ").split()) == 1, f"line past {width} columns: {line!r}"
    if lang == "ja":
        english = [label for label in ENGLISH_LABELS if label in text]
        assert not english, f"English in the Japanese rendering: {english}"


def test_no_stale_golden_files(request):
    """Every golden file belongs to a case that still exists (a removed plant's file goes on update)."""
    names = {GOLDEN / exercise / f"{name}.txt" for exercise, name, _ in _cases()}
    stale = [p for p in GOLDEN.glob("*/*.txt") if p not in names]
    if request.config.getoption("--update-golden"):
        for p in stale:
            p.unlink()
    else:
        assert not stale, f"golden files of cases that no longer exist (run --update-golden): {stale}"
