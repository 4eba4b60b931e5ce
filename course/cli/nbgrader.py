"""``course nbgrader``: an nbgrader course graded by the kit, and kit results into nbgrader's gradebook."""
from __future__ import annotations

import json
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang


@click.group()
def nbgrader():
    """nbgrader both ways (needs the instructor extra: pip install 'dl-course-kit[instructor]')."""


@nbgrader.command("init")
@click.argument("course_dir", type=click.Path(file_okay=False))
@click.option("--assignment", default="dlkit", show_default=True, help="nbgrader assignment name.")
@click.option("--course-id", default="dlkit", show_default=True, help="nbgrader course id.")
@click.option("--exercise", "-e", "exercise_names", multiple=True, help="Only these exercises (repeatable).")
@click.option("--force", is_flag=True, help="Rewrite an existing source/<assignment>/.")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True,
              help="Where autograde runs the PyTorch exercises; cuda adds their GPU checks (autograde on a "
                   "machine with CUDA).")
@lang_option
def init(course_dir, assignment, course_id, exercise_names, force, device, lang):
    """Write an nbgrader course in COURSE_DIR: nbgrader_config.py and source/<assignment>/ notebooks.

    Then, in COURSE_DIR: nbgrader generate_assignment, autograde, generate_feedback, export.
    """
    from course.nbgrader.course import gradable, init_course

    try:
        exercises = gradable(list(exercise_names))
        written = init_course(Path(course_dir), exercises, assignment=assignment, course_id=course_id,
                              lang=resolve_lang(lang), force=force, device=device)
    except (KeyError, ValueError, FileExistsError, FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc.args[0] if isinstance(exc, KeyError) else exc))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {course_dir} && nbgrader generate_assignment {assignment}")


@nbgrader.command("gradebook")
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--db", "db_url", required=True, help="SQLAlchemy URL, e.g. sqlite:///course/gradebook.db")
@click.option("--assignment", default="dlkit", show_default=True, help="nbgrader assignment name.")
def gradebook(results, db_url, assignment):
    """Write RESULTS (the JSON array of `course grade --json`) into an nbgrader gradebook.

    Regrading updates the automatic scores and keeps manual scores set in formgrader.
    """
    from course.export.gradebook import write_gradebook
    from course.result import SubmissionResult

    try:
        data = json.loads(Path(results).read_text(encoding="utf-8"))
        loaded = [SubmissionResult.from_dict(d) for d in (data if isinstance(data, list) else [data])]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise click.ClickException(f"{results} is not the JSON written by `course grade --json`: {exc}")
    try:
        write_gradebook(loaded, db_url, assignment)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"wrote {len(loaded)} submission(s) into {db_url} ({assignment})")
