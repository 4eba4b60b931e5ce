"""``course check [EXERCISE]``: the learner's command."""
from __future__ import annotations

import json
import os
import sys

import click

from course.cli.options import lang_option, make_limits, memory_option, resolve_lang, timeout_option

NO_PLUGINS = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"


@click.command()
@click.argument("exercise", required=False)
@click.option("--path", "path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Your exercises/ folder (default: $COURSE_EXERCISES, else found from the current directory "
                   "up; `course init` makes one).")
@click.option("--json", "as_json", is_flag=True, help="Print the result model as JSON instead.")
@lang_option
@timeout_option
@memory_option
def check(exercise, path, as_json, lang, timeout, memory):
    """Run the public checks of EXERCISE (e.g. exercise3, ex3 or 3) on your copy.

    Without EXERCISE, show your progress over all exercises. Exit status: 0 when every public check
    passes, 1 when one does not, 2 for a usage error.
    """
    from course import paths, registry
    from course.cli import usage
    from course.sandbox.launch import start_fork_server
    lang = resolve_lang(lang)
    chosen = [usage.exercise(exercise, lang)] if exercise else list(registry.exercises())
    folder = paths.find_exercises_dir(path) if path else paths.find_learner_copy()
    start_fork_server(torch=all(ex.torch for ex in chosen))
    from rich.console import Console

    from course.render import terminal

    result, skipped = grade_public(folder, chosen, lang, timeout=timeout, memory=memory)
    ok = all(e.passed for e in result.exercises) and not (exercise and skipped)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        console = Console(highlight=False)
        if exercise and skipped:
            console.print(skipped[chosen[0].id], style="yellow", markup=False)
        elif exercise:
            terminal.exercise_detail(console, result.exercises[0], lang, public_only=True)
        else:
            terminal.progress(console, result, lang, skipped)
    sys.exit(0 if ok else 1)


def grade_public(folder, chosen, lang: str, *, timeout: float | None = None, memory: float = 4.0):
    """The public checks of each exercise in ``chosen`` on the learner's ``folder`` (an ``exercises/``), as
    (SubmissionResult, {exercise id: why it was not run}); the terminal, watch mode and the notebook magic
    all grade through here."""
    from course import environment
    from course.grading.run import grade_exercise
    from course.render.text import not_checked
    from course.result import SubmissionResult
    from course.sandbox.launch import SandboxUnavailable

    # The graders need no third-party pytest plugin, and importing the ones installed beside the learner's
    # packages (anyio's and platformdirs', both pulled in by Jupyter) costs about 0.1-0.2 s per check.
    saved = os.environ.get(NO_PLUGINS)
    os.environ[NO_PLUGINS] = "1"
    result = SubmissionResult(submission=folder.parent.name)
    skipped = {}
    try:
        for ex in chosen:
            if ex.torch and not environment.has("torch"):
                skipped[ex.id] = environment.needs_torch(ex.id, lang)
                continue
            try:
                result.exercises.append(grade_exercise(folder, ex, public_only=True, lang=lang,
                                                       limits=make_limits(ex, timeout, memory)))
            except SandboxUnavailable as exc:
                skipped[ex.id] = not_checked(ex.id, exc, lang)
    finally:
        if saved is None:
            os.environ.pop(NO_PLUGINS)
        else:
            os.environ[NO_PLUGINS] = saved
    return result, skipped
