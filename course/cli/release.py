"""``course release OUT``: the learner bundle."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--exercise", "-e", "exercise_names", multiple=True, help="Only these exercises (repeatable).")
@click.option("--force", is_flag=True, help="Replace OUT if it is not empty.")
def release(out, exercise_names, force):
    """Write the learner bundle to OUT: stubs and instructions, public checks with recorded reference
    answers, the hidden-check counts and the learner's CLI; no solutions, hidden checks or planted mistakes.

    Learners: cd OUT && pip install -e . && course check exercise0
    """
    from course.release.bundle import ReleaseError, build

    try:
        reports = build(Path(out), list(exercise_names), force=force)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))
    except ReleaseError as exc:
        raise click.ClickException(str(exc))
    for r in reports:
        click.echo(f"{r.id}: {r.public} public checks ({r.answers} recorded answers), {r.hidden} hidden")
    click.echo(f"wrote {Path(out).resolve()}")
