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
@click.option("--submitted", "submitted_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Where the submissions are, for their timestamps (submitted/<student>/<assignment>/ or one "
                   "folder per learner; default: the submitted/ folder beside an SQLite gradebook).")
@click.option("--force", is_flag=True, help="Write even results that do not match the assignment's notebooks, "
                                            "check cells and points (it changes the gradebook's shape).")
def gradebook(results, db_url, assignment, submitted_dir, force):
    """Write RESULTS (the JSON array of `course grade --json`) into an nbgrader gradebook.

    Regrading updates the automatic scores and keeps manual scores set in formgrader. Results that do not
    match an assignment already in the gradebook are refused unless --force. Each submission's timestamp is
    nbgrader's timestamp.txt of the submission, else its newest file's time.
    """
    from course.export.gradebook import GradebookMismatch, write_gradebook
    from course.result import SubmissionResult

    try:
        data = json.loads(Path(results).read_text(encoding="utf-8"))
        loaded = [SubmissionResult.from_dict(d) for d in (data if isinstance(data, list) else [data])]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise click.ClickException(f"{results} is not the JSON written by `course grade --json`: {exc}")
    folder = Path(submitted_dir) if submitted_dir else _submitted_beside(db_url)
    stamps = _timestamps(folder, [r.submission for r in loaded], assignment) if folder else {}
    try:
        write_gradebook(loaded, db_url, assignment, timestamps=stamps, force=force)
    except GradebookMismatch as exc:
        raise click.UsageError(str(exc))
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"wrote {len(loaded)} submission(s) into {db_url} ({assignment})"
               + (f", timestamps from {folder}" if stamps else ", no submission timestamps (see --submitted)"))


def _submitted_beside(db_url: str) -> Path | None:
    """nbgrader's submitted/ folder beside an SQLite gradebook (``sqlite:///course/gradebook.db``), if any."""
    if not db_url.startswith("sqlite:///"):
        return None
    folder = Path(db_url[len("sqlite:///"):]).parent / "submitted"
    return folder if folder.is_dir() else None


def _timestamps(folder: Path, learners: list[str], assignment: str) -> dict:
    """learner -> when they submitted, for the learners with a folder under ``folder``."""
    from course.export.lateness import submission_time

    stamps = {}
    for learner in learners:
        where = folder / learner / assignment
        where = where if where.is_dir() else folder / learner
        if where.is_dir() and submission_time(where):
            stamps[learner] = submission_time(where)
    return stamps
