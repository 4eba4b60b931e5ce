"""``course release OUT``: the learner bundle."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--exercise", "-e", "exercise_names", multiple=True, help="Only these exercises (repeatable).")
@click.option("--force", is_flag=True, help="Replace OUT if it is not empty.")
@click.option("--allow-dirty", is_flag=True,
              help="Release exercises/ even with uncommitted changes (default: refused, they would ship).")
@click.option("--wheel-url", default=None, metavar="URL",
              help="Where you will publish the wheel: the README and the notebooks' install cell name it "
                   "(default: the wheel's file name).")
def release(out, exercise_names, force, allow_dirty, wheel_url):
    """Write the learner package to OUT: the wheel (OUT/dist/*.whl, installed with one pip command), the same
    as a folder (pip install -e OUT), one notebook per exercise for Colab and Jupyter (OUT/notebooks), and the
    learner README. It holds the stubs and instructions, the public checks with their expected values, the
    hidden-check counts and the learner commands; no solutions, hidden checks or planted mistakes.

    \b
    Learners:  pip install URL-OR-WHEEL && course init dl-course && cd dl-course && course check exercise0
    Colab:     open OUT/notebooks/exerciseN.ipynb (publish the wheel and pass --wheel-url first)
    """
    from course.release.bundle import ReleaseError, build

    try:
        reports = build(Path(out), list(exercise_names), force=force, allow_dirty=allow_dirty, wheel_url=wheel_url)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))
    except ReleaseError as exc:
        raise click.ClickException(str(exc))
    for r in reports:
        click.echo(f"{r.id}: {r.public} public checks worth {r.points:g} points ({r.answers} expected values), "
                   f"{r.hidden} hidden")
    out = Path(out).resolve()
    wheel = next((out / "dist").glob("*.whl"))
    click.echo(f"wrote {out}\n  wheel:     {wheel}  (publish it; learners: pip install <its URL>)\n"
               f"  notebooks: {out / 'notebooks'}\n  README:    {out / 'README.md'}")
