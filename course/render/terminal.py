"""Rendering results for people at a terminal (rich): one exercise in detail, or progress over all."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from course import registry
from course.i18n import pick, tr
from course.mistakes import explain
from course.result import ExerciseResult, SubmissionResult

MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("!", "red"), "timeout": ("⏱", "yellow"),
         "skipped": ("–", "dim")}


def _points(score: float, max_score: float) -> str:
    return f"{score:g}/{max_score:g}"


def exercise_detail(console: Console, result: ExerciseResult, lang: str, *, public_only: bool) -> None:
    """Every check of one exercise, with the explanation of each one that did not pass."""
    ex = registry.get(result.id)
    kind = pick(tr("public checks", "公開チェック"), lang) if public_only else pick(tr("all checks", "全チェック"), lang)
    console.print(f"[bold]{ex.id}[/bold] — {escape(pick(ex.title, lang))}  [dim]({kind})[/dim]")
    for c in result.checks:
        mark, colour = MARKS[c.status]
        console.print(f" [{colour}]{mark}[/{colour}] {escape(c.title or c.id)} [dim]{c.id}[/dim]  "
                      f"[{colour}]{_points(c.score, c.max_score)}[/{colour}]")
        if c.status == "passed":
            continue
        for line in c.message.splitlines():
            console.print(f"     {escape(line)}", highlight=False)
        if c.diagnosis:
            console.print(f"     [magenta]{pick(tr('diagnosis', '診断'), lang)} {escape(f'[{c.diagnosis}]')}[/magenta] "
                          f"{escape(explain(c.diagnosis, lang))}", highlight=False)
        if c.hint and c.status != "skipped":
            console.print(f"     [cyan]{pick(tr('hint', 'ヒント'), lang)}:[/cyan] {escape(c.hint)}", highlight=False)
    total = _points(result.score, result.max_score)
    colour = "green" if result.passed else "red"
    line = pick(tr(f"score {total}", f"得点 {total}"), lang)
    if result.hidden_not_run:
        line += pick(tr(f" · {result.hidden_not_run} more hidden checks run when your work is graded",
                        f" · 採点時にはさらに {result.hidden_not_run} 個の非公開チェックが実行されます"), lang)
    console.print(f"[{colour}]{line}[/{colour}]")
    if result.isolation == "process":
        console.print(pick(tr("[dim]note: no kernel sandbox on this machine; your code ran in a plain process[/dim]",
                              "[dim]注意: この環境ではサンドボックスが使えないため、通常のプロセスで実行しました[/dim]"),
                           lang))


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
            table.add_row("[dim]·[/dim]", ex.id, title, f"[dim]{escape(skipped[ex.id])}[/dim]")
            continue
        r = by_id[ex.id]
        if r.passed:
            mark = "[green]✓[/green]"
        elif all(c.diagnosis == "not-implemented" for c in r.checks if c.status != "passed"
                 ) and not any(c.status == "passed" for c in r.checks):
            mark = "[dim]○[/dim]"
        else:
            mark = "[yellow]…[/yellow]"
        table.add_row(mark, ex.id, title, _points(r.score, r.max_score))
    console.print(table)
    done = sum(1 for e in result.exercises if e.passed)
    console.print(pick(tr(f"{done} of {len(registry.exercises())} exercises pass their public checks. "
                          f"Details: course check exerciseN",
                          f"{len(registry.exercises())} 個中 {done} 個の演習が公開チェックに合格しています。"
                          f"詳細: course check exerciseN"), lang))
