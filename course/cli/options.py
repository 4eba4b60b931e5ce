"""Options shared by several commands, declared once."""
from __future__ import annotations

import click

from course.i18n import default_lang

lang_option = click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
                           help="Language of messages (default: from the locale; COURSE_LANG overrides).")
timeout_option = click.option("--timeout", type=float, default=None,
                              help="Wall-clock seconds per exercise (default: the registry's, usually 60).")
memory_option = click.option("--memory", type=float, default=4.0, show_default=True,
                             help="Memory limit of the learner's process, in GiB.")
device_option = click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True,
                             help="Torch device for the PyTorch exercises (GPU-marked checks need cuda).")


def resolve_lang(lang: str | None) -> str:
    """The language asked for, or the locale's."""
    return lang or default_lang()


def make_limits(exercise, timeout: float | None, memory_gib: float):
    """The sandbox limits for one exercise from the command-line options."""
    from course.grading.limits import exercise_limits
    return exercise_limits(exercise, timeout, memory_gib)
