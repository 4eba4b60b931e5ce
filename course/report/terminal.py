"""The class report's summary in the terminal."""
from __future__ import annotations

import statistics

from rich.console import Console
from rich.table import Table

from course.report.stats import ClassStats


def summary(console: Console, stats: ClassStats, top: int = 5) -> None:
    """Scores, exercise pass rates, the most frequent mistakes and the hardest checks."""
    console.print(f"[bold]{stats.learners} learners[/bold]: mean {100 * statistics.fmean(stats.scores):.1f}%, "
                  f"median {100 * statistics.median(stats.scores):.1f}%")
    table = Table("exercise", "passed", "rate")
    for r in stats.exercises:
        table.add_row(r.key, f"{r.passed}/{r.total}", f"{100 * r.rate:.0f}%")
    console.print(table)
    if stats.mistakes:
        table = Table("mistake", "failed checks", "learners")
        for m in stats.mistakes[:top]:
            table.add_row(m.code, str(m.count), ", ".join(sorted(m.learners)))
        console.print(table)
    hardest = [r for r in stats.checks if r.rate < 1][:top]
    if hardest:
        table = Table("hardest check", "rate")
        for r in hardest:
            table.add_row(r.key, f"{100 * r.rate:.0f}%")
        console.print(table)
