"""``course mistakes``: the catalogue of named mistakes the graders recognise."""
from __future__ import annotations

import click

from course.cli.options import lang_option, resolve_lang


@click.command()
@click.argument("exercise", required=False)
@lang_option
def mistakes(exercise, lang):
    """List the named mistakes (diagnosis codes), optionally only those of EXERCISE."""
    from course.cli import usage
    from course.mistakes import catalogue

    lang = resolve_lang(lang)
    # An unknown exercise is a usage error (exit 2), as for `course check`.
    wanted = usage.exercise(exercise, lang).id if exercise else None
    entries = [m for m in catalogue().values() if wanted is None or wanted in m.exercises or "*" in m.exercises]
    width = max(len(m.code) for m in entries)
    for m in entries:
        where = "any" if "*" in m.exercises else ",".join(e.removeprefix("exercise") for e in m.exercises)
        click.echo(f"{m.code:<{width}}  [{where}]  {m.text(lang)}")
