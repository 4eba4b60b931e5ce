"""``course report RESULTS.json``: the class report, with a feedback page per learner linked from its roster."""
from __future__ import annotations

import os
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang
from course.cli.similarity import base_option


# Flagged pairs shown with their evidence in the report (the strongest first; `course similarity` has all).
REPORT_PAIRS = 10


@click.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), default="class-report.html",
              show_default=True, help="The HTML file to write.")
@click.option("--title", default=None, help="Page title (default: Class report / クラスの成績).")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the learners' feedback pages (default: feedback/ beside the report).")
@click.option("--no-feedback", is_flag=True, help="Write no feedback pages (the roster then links to none).")
@click.option("--class", "class_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="The graded submissions (repeatable): adds code evidence to the similarity section.")
@base_option
@lang_option
def report(results, out, title, feedback_dir, no_feedback, class_dirs, base, lang):
    """Write a class report from RESULTS (the JSON array of `course grade --json`) and print a summary.

    The report: a roster (each learner's total and exercises, linked to their feedback page), the score
    histogram, public against hidden points, an exercise × check heat map of pass rates, the most frequent
    named mistakes, pairs of submissions unusually alike (by behaviour; by code too with --class), and the
    slowest checks. Exit status: 0 written, 1 RESULTS unreadable, 2 usage error.
    """
    from rich.console import Console

    from course.cli.feedback import load_results
    from course.cli.similarity import similar_pairs
    from course.feedback.page import write_pages
    from course.i18n import pick, tr
    from course.report import html, stats, terminal
    from course.similarity import html as similarity_html
    from course.similarity.pairs import find

    lang = resolve_lang(lang)
    loaded = load_results(results)
    try:
        computed = stats.compute(loaded)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    out_path = Path(out)
    links = {}
    if not no_feedback:
        folder = Path(feedback_dir) if feedback_dir else out_path.parent / "feedback"
        pages = write_pages(loaded, folder, lang)
        links = {learner: Path(os.path.relpath(page, out_path.parent or ".")).as_posix()
                 for learner, page in pages.items()}
    pairs = (similar_pairs(class_dirs, [e.id for e in computed.views], base, results) if class_dirs
             else find([], [], results=loaded))
    page_title = title or pick(tr("Class report", "クラスの成績"), lang)
    out_path.write_text(html.render(computed, lang, page_title, feedback=links,
                                    similarity=similarity_html.section(pairs, lang, REPORT_PAIRS)), encoding="utf-8")
    terminal.summary(Console(highlight=False), computed, lang)
    click.echo(pick(tr(f"wrote {out}", f"{out} を書き出しました"), lang) + (
        pick(tr(f" and {len(links)} feedback page(s)", f" (フィードバックのページ {len(links)} 個も)"), lang)
        if links else ""))
