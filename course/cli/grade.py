"""``course grade SUBMISSION...``: the instructor's command (public and hidden checks)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from course.cli.options import (device_option, lang_option, make_limits, memory_option, resolve_lang,
                                timeout_option)


@click.command()
@click.argument("submissions", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--exercise", "-e", "exercise_names", multiple=True,
              help="Grade only these exercises (repeatable; default: all).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Write the results (a JSON array, one object per submission) to this file ('-': stdout).")
@lang_option
@timeout_option
@memory_option
@device_option
def grade(submissions, exercise_names, json_path, lang, timeout, memory, device):
    """Grade each SUBMISSION folder with every check, public and hidden.

    A submission is a learner's exercises/ folder or a folder that contains one; its folder name is the
    learner id. Exit status: 0 when grading ran (whatever the scores), 2 for a usage error.
    """
    from rich.console import Console

    from course import registry
    from course.grading.run import grade_exercise
    from course.paths import find_exercises_dir
    from course.result import SubmissionResult

    lang = resolve_lang(lang)
    try:
        chosen = [registry.get(n) for n in exercise_names] if exercise_names else list(registry.exercises())
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))
    console = Console(stderr=True, highlight=False)
    results = []
    for sub in submissions:
        folder = find_exercises_dir(Path(sub))
        res = SubmissionResult(submission=Path(sub).resolve().name)
        for ex in chosen:
            res.exercises.append(grade_exercise(folder, ex, lang=lang, device=device,
                                                limits=make_limits(ex, timeout, memory)))
        results.append(res)
        console.print(f"{res.submission}: {res.score:g}/{res.max_score:g}")
    payload = json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2)
    if json_path == "-":
        click.echo(payload)
    elif json_path:
        Path(json_path).write_text(payload + "\n", encoding="utf-8")
    sys.exit(0)
