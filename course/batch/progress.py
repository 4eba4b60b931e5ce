"""The progress display of a batch run: submissions done/total, ETA and failures so far.

On a terminal it is a live rich progress bar; in a log (CI, a redirected stderr) it prints one line per
finished submission instead, because a bar redrawn with carriage returns is unreadable there.
"""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from course.result import SubmissionResult


def _incomplete(result: SubmissionResult) -> bool:
    return any(c.status in ("failed", "error", "timeout") for _, c in result.checks())


class ClassProgress:
    """Receives ``start`` and ``finished`` calls from :func:`course.batch.pool.grade_class`."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True, highlight=False)
        self.live = self.console.is_terminal
        self.failures = self.done = self.total = 0
        self.bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("ETA"),
                            TimeRemainingColumn(), TimeElapsedColumn(), TextColumn("{task.fields[failures]}"),
                            console=self.console, disable=not self.live)
        self.task = None

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)

    def _failures(self) -> str:
        return f"[red]{self.failures} with failed checks[/red]" if self.failures else "no failures"

    def start(self, total: int, already: list[SubmissionResult]) -> None:
        """``total`` submissions, of which ``already`` are complete from the store."""
        self.total, self.done = total, len(already)
        self.failures = sum(map(_incomplete, already))
        self.task = self.bar.add_task("grading", total=total, completed=self.done, failures=self._failures())
        if already and not self.live:
            self.console.print(f"{len(already)}/{total} submissions already graded (results store)")

    def finished(self, result: SubmissionResult) -> None:
        """One more submission has all its exercises graded."""
        self.done += 1
        self.failures += _incomplete(result)
        self.bar.update(self.task, advance=1, failures=self._failures())
        if not self.live:
            self.console.print(f"[{self.done}/{self.total}] {result.submission}: "
                               f"{result.score:g}/{result.max_score:g}")
