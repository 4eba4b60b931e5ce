"""``course demo``: build a sample class, grade it end to end, and show what instructors get."""
from __future__ import annotations

import importlib.util
import json
import time
from collections import Counter
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default="demo-class", show_default=True,
              help="Folder for the sample class and everything grading writes.")
@click.option("--exercise", "-e", "exercise_names", multiple=True, help="Only these exercises (default: all).")
@lang_option
def demo(out, exercise_names, lang):
    """Grade a bundled sample class (correct, buggy, unfinished and misbehaving work) end to end.

    Writes OUT/class/<learner>/ submissions, OUT/results.json (the result model) and shows a summary.
    """
    from rich.console import Console
    from rich.table import Table

    from course import registry
    from course.demo import build_class
    from course.grading.run import grade_submission
    from course.mistakes import explain

    lang = resolve_lang(lang)
    console = Console(highlight=False)
    out = Path(out)
    chosen = [registry.get(n) for n in exercise_names] if exercise_names else [
        ex for ex in registry.exercises() if not ex.torch or importlib.util.find_spec("torch")]
    folders = build_class(out / "class")
    console.print(f"sample class of {len(folders)} learners written to {out / 'class'}")
    started = time.monotonic()
    results = []
    for folder in folders:
        results.append(grade_submission(folder, chosen, lang=lang))
        console.print(f"  graded {folder.name}: {results[-1].score:g}/{results[-1].max_score:g}")
    elapsed = time.monotonic() - started
    (out / "results.json").write_text(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))

    table = Table(title=f"{len(results)} learners × {len(chosen)} exercises, graded in {elapsed:.1f} s")
    table.add_column("learner")
    for ex in chosen:
        table.add_column(ex.id.removeprefix("exercise"), justify="right")
    table.add_column("total", justify="right")
    for r in results:
        cells = [f"{e.score:g}/{e.max_score:g}" if e.passed else f"[red]{e.score:g}/{e.max_score:g}[/red]"
                 for e in r.exercises]
        table.add_row(r.submission, *cells, f"{r.score:g}/{r.max_score:g}")
    console.print(table)
    seen = Counter((c.diagnosis, r.submission) for r in results for _, c in r.checks() if c.diagnosis)
    learners_by_code = Counter(code for code, _ in seen)
    console.print("[bold]diagnosed mistakes[/bold] (code: learners)")
    for code, n in learners_by_code.most_common():
        who = ", ".join(sorted(s for c, s in seen if c == code))
        console.print(f"  {code}: {n} ({who}) — {explain(code, lang)}")
    console.print(f"results: {out / 'results.json'}")
