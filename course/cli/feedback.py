"""``course feedback RESULTS.json``: one HTML feedback page per learner."""
from __future__ import annotations

from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang


def load_results(path: str):
    """The result models in the JSON array ``course grade --json`` wrote (ClickException for anything else)."""
    import json

    from course.result import SubmissionResult
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return [SubmissionResult.from_dict(d) for d in (data if isinstance(data, list) else [data])]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise click.ClickException(f"{path} is not the JSON written by `course grade --json`: {exc}")


@click.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), default="feedback", show_default=True,
              help="Folder for the pages (one LEARNER.html each).")
@click.option("--course", "course_name", default="", help="Course name shown in each page's title.")
@lang_option
def feedback(results, out, course_name, lang):
    """Write a feedback page per learner from RESULTS (the JSON array of `course grade --json`).

    Each page has the learner's scores, every public check as `course check` explains it, and each hidden
    check's verdict and named mistake without its inputs, in 日本語 or English (--lang). Exit status: 0 written,
    1 RESULTS unreadable.
    """
    from course.feedback.page import write_pages

    written = write_pages(load_results(results), Path(out), resolve_lang(lang), course_name)
    click.echo(f"wrote {len(written)} feedback page(s) to {out}")
