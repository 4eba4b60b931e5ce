"""Rendering results for people at a terminal (rich): one exercise in detail, or progress over all.

The words come from :mod:`course.render.text`; this module only gives each role its colour and wraps at
the console's width by the kit's rules (rich itself would cut words, numbers and table rows).
"""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from course import registry
from course.i18n import pick, tr
from course.render.text import Line, exercise_lines, physical, points
from course.result import ExerciseResult, SubmissionResult

# The colour of each role a rendered part can have.
STYLES = {"passed": "green", "failed": "red", "error": "red", "timeout": "yellow", "skipped": "dim",
          "dim": "dim", "bold": "bold", "diagnosis": "magenta", "hint": "cyan", "warning": "yellow"}


def print_lines(console: Console, lines: list[Line]) -> None:
    """Print ``lines`` wrapped at the console's width, each part in its role's colour."""
    for row in physical(lines, console.width):
        text = Text(no_wrap=True, overflow="ignore")
        for part, role in row:
            text.append(part, STYLES.get(role, ""))
        text.rstrip()
        console.print(text, soft_wrap=True, highlight=False)


def exercise_detail(console: Console, result: ExerciseResult, lang: str, *, public_only: bool) -> None:
    """Every check of one exercise, with the explanation of each one that did not pass."""
    print_lines(console, exercise_lines(result, lang, public_only=public_only))


def progress(console: Console, result: SubmissionResult, lang: str, skipped: dict[str, str]) -> None:
    """One row per exercise: public score and whether it is done, started or not started."""
    table = Table(title=pick(tr("Progress (public checks)", "進捗 (公開チェック)"), lang), show_lines=False)
    for col in ("", pick(tr("exercise", "演習"), lang), pick(tr("topic", "内容"), lang),
                pick(tr("score", "得点"), lang)):
        table.add_column(col)
    by_id = {e.id: e for e in result.exercises}
    for ex in registry.exercises():
        title = pick(ex.title, lang)
        if ex.id in skipped:
            table.add_row(Text("·", "dim"), ex.id, title, Text(skipped[ex.id], "dim"))
            continue
        r = by_id[ex.id]
        if r.passed:
            mark = Text("✓", "green")
        elif all(c.diagnosis == "not-implemented" for c in r.checks if c.status != "passed"
                 ) and not any(c.status == "passed" for c in r.checks):
            mark = Text("○", "dim")
        else:
            mark = Text("…", "yellow")
        table.add_row(mark, ex.id, title, points(r.score, r.max_score))
    console.print(table)
    done = sum(1 for e in result.exercises if e.passed)
    console.print(pick(tr(f"{done} of {len(registry.exercises())} exercises pass their public checks. "
                          f"Details: course check exerciseN",
                          f"{len(registry.exercises())} 個中 {done} 個の演習が公開チェックに合格しています。"
                          f"詳細: course check exerciseN"), lang), markup=False)
