"""The ``%course`` magic for Jupyter and Colab: ``%load_ext course.ipython``, then

    %course init [DIR]                 write the exercises into DIR (default: the notebook's folder)
    %course check exercise3 [--lang ja] [--path DIR]   the public checks, shown as HTML in the notebook
    %course hint exercise3 [CHECK]     the next rung of the hint ladder

The checks run exactly as ``course check`` runs them (learner code in its own process, verdicts here), on the
``exercises/`` folder found from the notebook's working folder, which the notebook's ``%%writefile`` cells
write the modules into. The fork server started by the first check stays up for the kernel's life, so later
checks start in milliseconds.
"""
from __future__ import annotations

import shlex

import click

from course.cli.options import lang_option, memory_option, resolve_lang, timeout_option

USAGE = ("usage: %course init [DIR] | %course check exerciseN [--lang ja|en] [--path DIR] | "
         "%course hint exerciseN [CHECK]")


@click.command(name="check")
@click.argument("exercise")
@click.option("--path", "path", type=click.Path(exists=True, file_okay=False), default=None)
@lang_option
@timeout_option
@memory_option
def check_html(exercise, path, lang, timeout, memory):
    """Display the public checks of EXERCISE as HTML in the notebook."""
    from IPython.display import HTML, display

    from course import paths, registry
    from course.cli.check import grade_public
    from course.render.html import exercise_html, message_html
    from course.sandbox.launch import start_fork_server

    lang = resolve_lang(lang)
    try:
        chosen = registry.get(exercise)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))
    folder = paths.find_exercises_dir(path) if path else paths.find_learner_copy()
    start_fork_server(torch=chosen.torch)
    result, skipped = grade_public(folder, [chosen], lang, timeout=timeout, memory=memory)
    display(HTML(message_html(skipped[chosen.id]) if skipped else exercise_html(result.exercises[0], lang)))


def course_magic(line: str) -> None:
    """``%course SUBCOMMAND ...``: run a learner command in the notebook (see the module's docstring)."""
    from course.paths import NoExercisesFound

    args = shlex.split(line)
    if not args or args[0] not in ("check", "hint", "init"):
        print(USAGE)
        return
    if args[0] == "hint":
        from course.cli.hint import hint as command
    elif args[0] == "init":
        from course.cli.init import init as command
        args = args if len(args) > 1 else [*args, "."]      # a notebook's folder is its workspace
    else:
        command = check_html
    try:
        command.main(args[1:], prog_name=f"%course {args[0]}", standalone_mode=False)
    except click.ClickException as exc:
        print(exc.format_message())
    except NoExercisesFound as exc:
        print(exc)
    except SystemExit:                      # a learner command's exit status means nothing in a notebook
        pass


def load_ipython_extension(ipython) -> None:
    """Register ``%course`` (``%load_ext course.ipython``)."""
    ipython.register_magic_function(course_magic, magic_kind="line", magic_name="course")
