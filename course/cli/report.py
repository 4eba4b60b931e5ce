"""``course report RESULTS.json``: the class report."""
from __future__ import annotations

import json
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang


@click.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), default="class-report.html",
              show_default=True, help="The HTML file to write.")
@click.option("--title", default="Class report", show_default=True)
@lang_option
def report(results, out, title, lang):
    """Write a class report from RESULTS (the JSON array of `course grade --json`) and print a summary:
    score histogram, exercise and check pass rates, the most frequent diagnosed mistakes, slowest checks."""
    from rich.console import Console

    from course.report import html, stats, terminal
    from course.result import SubmissionResult

    try:
        data = json.loads(Path(results).read_text(encoding="utf-8"))
        loaded = [SubmissionResult.from_dict(d) for d in (data if isinstance(data, list) else [data])]
        computed = stats.compute(loaded)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise click.ClickException(f"{results} is not the JSON written by `course grade --json`: {exc}")
    Path(out).write_text(html.render(computed, resolve_lang(lang), title), encoding="utf-8")
    terminal.summary(Console(highlight=False), computed)
    click.echo(f"wrote {out}")
