"""The class report's summary in the terminal, in the instructor's language."""
from __future__ import annotations

import statistics

from rich.console import Console
from rich.table import Table

from course.i18n import pick, tr
from course.report.stats import ClassStats

# Column headings of the summary's tables.
HEADINGS = {
    "exercise": tr("exercise", "演習"), "passed": tr("passed", "合格"), "rate": tr("rate", "合格率"),
    "mistake": tr("mistake", "ミス"), "failed_checks": tr("failed checks", "不合格のチェック"),
    "learners": tr("learners", "学習者"), "hardest": tr("hardest check", "難しかったチェック"),
}


def _table(lang: str, *keys: str) -> Table:
    return Table(*(pick(HEADINGS[key], lang) for key in keys))


def summary(console: Console, stats: ClassStats, lang: str = "en", top: int = 5) -> None:
    """Scores, exercise pass rates, the most frequent mistakes and the hardest checks."""
    mean, median = 100 * statistics.fmean(stats.scores), 100 * statistics.median(stats.scores)
    console.print(pick(tr(f"{stats.learners} learners: mean {mean:.1f}%, median {median:.1f}%",
                          f"学習者 {stats.learners} 人: 平均 {mean:.1f}%、中央値 {median:.1f}%"), lang),
                  style="bold", markup=False)
    table = _table(lang, "exercise", "passed", "rate")
    for r in stats.exercises:
        table.add_row(r.key, f"{r.passed}/{r.total}", f"{100 * r.rate:.0f}%")
    console.print(table)
    if stats.mistakes:
        table = _table(lang, "mistake", "failed_checks", "learners")
        for m in stats.mistakes[:top]:
            table.add_row(m.code, str(m.count), ", ".join(sorted(m.learners)))
        console.print(table)
    hardest = [r for r in stats.checks if r.rate < 1][:top]
    if hardest:
        table = _table(lang, "hardest", "rate")
        for r in hardest:
            table.add_row(r.key, f"{100 * r.rate:.0f}%")
        console.print(table)
